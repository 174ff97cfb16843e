"""Writing output/ so that a reader never sees a half-built site.

Everything is rendered before anything in output/ changes. Then either
- many files changed: a new tree is assembled beside output/ (unchanged files hard-linked
  from the old one, so this costs links, not copies) and swapped in with one rename; or
- few files changed: the new files are staged in output/.sitegen-staging/, then renamed
  into place one by one, with the manifest removed first and written last so that an
  interrupted commit can never pass for a finished build.
The manifest (every file, its sha256 and size) is what `publish` trusts. Ctrl-C (or SIGTERM)
during a commit is held until the commit is done, so output/ is always the old build or the new one.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import UsageError

MANIFEST = ".sitegen-manifest.json"
STAGING = ".sitegen-staging"


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it; at import, before any thread could create a file
    os.umask(mask)
    return mask


# tempfile makes files 0600 and folders 0700; output/ must be readable by the web server that serves it
# (another user) like any file the editor creates: the modes open() and mkdir() would give.
FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()


@dataclass(frozen=True, slots=True)
class OutFile:
    """One file of the new output: where its bytes are now, and what they are."""

    rel: str
    sha256: str
    size: int
    staged: Path | None = None  # rendered into the staging area this build
    source: Path | None = None  # copy or link from here (theme asset, image, unchanged old output)
    link: bool = True  # False: copy (the source may be edited in place later, e.g. an editor's photo)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Temp file in the same folder, then rename: readers see the old or the new file, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class UnsafeOutput(UsageError):
    """The build makes output/ hold exactly the site, deleting anything else in it: never a folder that
    holds the editor's own files (the catalog, its content, a desktop full of documents)."""


def guard_output(output: Path, root: Path, cache_dir: Path, built_before: bool) -> None:
    """Refuse an output folder whose other files the build would delete. `built_before`: a build's
    records exist for this folder (an interrupted commit may have left it without its manifest)."""
    out, root = output.resolve(), root.resolve()
    if out == root or out in root.parents:
        raise UnsafeOutput(f"the output folder {output} holds the catalog itself; building there would delete "
                           "sitegen.toml, brands/ and products/; leave out --output (the site goes to output/) "
                           "or choose a new folder")
    for own in (root / "brands", root / "products", root / "themes", root / ".git", cache_dir.resolve()):
        if out == own or own in out.parents:
            raise UnsafeOutput(f"the output folder {output} is inside the catalog's {own.name}/ folder, whose "
                               "files the build would delete; leave out --output or choose a new folder")
    if out.is_dir() and not built_before and not (out / MANIFEST).is_file() and any(out.iterdir()):
        raise UnsafeOutput(f"the output folder {output} is not empty and was not made by 'sitegen build'; the "
                           "build would delete what is in it; choose a new or empty folder")


def read_manifest(output: Path) -> dict[str, dict] | None:
    try:
        data = json.loads((output / MANIFEST).read_text("utf-8"))
        return data["files"] if data.get("version") == 1 else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _manifest_bytes(files: Iterable[OutFile], generator: str) -> bytes:
    entries = {f.rel: {"sha256": f.sha256, "size": f.size} for f in sorted(files, key=lambda f: f.rel)}
    # no indent: json's fast C encoder is only used without it
    return json.dumps({"version": 1, "generator": generator, "files": entries}, ensure_ascii=False).encode()


def staging_dir(output: Path) -> Path:
    """A fresh staging area beside (not inside) output/, on the same file system so renames work."""
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.new-"))
    staging.chmod(DIR_MODE)  # it may become output/ itself
    return staging


def commit(output: Path, staging: Path, files: Mapping[str, OutFile], old: Mapping[str, dict] | None,
           generator: str) -> None:
    """Make output/ hold exactly `files`. `staging` holds the rendered ones under their rel paths."""
    changed = [f for f in files.values() if f.staged is not None or f.source is not None]
    in_place = old is not None and output.is_dir() and len(changed) <= max(64, len(files) // 10)
    with _signals_held():
        try:
            if in_place:
                _commit_in_place(output, staging, files, old or {}, generator)
            else:
                _commit_new_tree(output, staging, files, generator)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def _signals_held():
    """Hold SIGINT and SIGTERM while the block runs, then deliver them: an in-place commit stopped half-way
    would leave output/ part old, part new. Only the main thread can set handlers; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda signum, frame: received.append(signum)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for sig in dict.fromkeys(received):
            signal.raise_signal(sig)  # now the usual handler acts: KeyboardInterrupt for Ctrl-C


def _place(f: OutFile, target: Path) -> None:
    if f.staged is not None:
        os.replace(f.staged, target)
    elif f.source is not None:
        if f.link:
            try:
                os.link(f.source, target)
            except OSError:
                pass
            else:
                if os.stat(target).st_mode & 0o777 != FILE_MODE:  # a cache file from before modes were set
                    os.chmod(target, FILE_MODE)
                return
        shutil.copyfile(f.source, target)


def _commit_in_place(output: Path, staging: Path, files: Mapping[str, OutFile], old: Mapping[str, dict],
                     generator: str) -> None:
    (output / MANIFEST).unlink(missing_ok=True)
    made: set[Path] = set()
    for f in files.values():
        if f.staged is None and f.source is None:
            continue  # unchanged, already in place
        target = output / f.rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if f.staged is None:  # a link or copy: build it beside the target, then rename over it
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.unlink(missing_ok=True)
            _place(f, tmp)
            os.replace(tmp, target)
        else:
            _place(f, target)
    for rel in old.keys() - files.keys():
        path = output / rel
        path.unlink(missing_ok=True)
        _prune_empty(path.parent, output)
    atomic_write_bytes(output / MANIFEST, _manifest_bytes(files.values(), generator))


def _commit_new_tree(output: Path, staging: Path, files: Mapping[str, OutFile], generator: str) -> None:
    made: set[Path] = {staging}
    for f in files.values():
        target = staging / f.rel
        if f.staged is not None:
            continue  # rendered straight into place
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        _place(f if f.source is not None else OutFile(f.rel, f.sha256, f.size, source=output / f.rel), target)
    (staging / MANIFEST).write_bytes(_manifest_bytes(files.values(), generator))
    if output.exists():
        if not _exchange(staging, output):
            old = output.with_name(f".{output.name}.old-{os.getpid()}")
            os.rename(output, old)
            os.rename(staging, output)
            staging = old
        shutil.rmtree(staging, ignore_errors=True)  # now the old tree
    else:
        os.rename(staging, output)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent

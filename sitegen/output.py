"""Writing output/ so that a reader never sees a half-built site.

Everything is rendered before anything in output/ changes. Then either
- many files changed: a new tree is assembled beside output/ (unchanged files hard-linked
  from the old one, so this costs links, not copies) and swapped in with one rename; or
- few files changed: the new files (and the new manifest) are complete in a staging area
  beside output/ first, then renamed into place one by one, with the manifest removed first
  and put back last so that an interrupted commit can never pass for a finished build.
Either way every byte is written before output/ changes: a full disk leaves it as it was.
The manifest (every file, its sha256 and size) is what `publish` trusts. Ctrl-C (or SIGTERM)
during a commit is held until the commit is done, so output/ is always the old build or the new one.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.errors import UsageError, os_reason
from sitegen.fsutil import DIR_MODE, FILE_MODE, atomic_write_bytes, disk_full, real_dirs, remove_tree, safe_rel

__all__ = ["MANIFEST", "MARKER", "PREVIEW", "OutFile", "UnsafeOutput", "WriteFailed", "clean_stale",
           "commit", "guard_output", "has_drafts", "parse_manifest", "read_manifest", "staging_dir"]

MANIFEST = ".sitegen-manifest.json"
PREVIEW = "preview"  # `sitegen serve` builds into this folder of the cache, never into output/
MARKER = ".sitegen-output"  # never removed: this folder is a build's, whatever state a cut-short commit left
_MARKER_TEXT = b"Made by 'sitegen build', which deletes every other file in this folder.\n"
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class OutFile:
    """One file of the new output: where its bytes are now, and what they are."""

    rel: str
    sha256: str
    size: int
    staged: Path | None = None  # rendered into the staging area this build
    source: Path | None = None  # copy or link from here (theme asset, image, unchanged old output)
    link: bool = True  # False: copy (the source may be edited in place later, e.g. an editor's photo)


class WriteFailed(UsageError):
    """Writing the new site failed (most often a full disk): one line, exit 1, output/ as it was."""

    exit_status = 1

    def __init__(self, output: Path, exc: OSError):
        where = exc.filename if isinstance(exc.filename, str) else str(output.parent)
        if disk_full(exc):
            super().__init__("build-disk-full", output=str(output), where=where)
        else:
            super().__init__("build-write-failed", output=str(output), where=where,
                             problem=os_reason(exc))


class UnsafeOutput(UsageError):
    """The build makes output/ hold exactly the site, deleting anything else in it: never a folder that
    holds the editor's own files (the catalog, its content, a desktop full of documents)."""


def guard_output(output: Path, root: Path, cache_dir: Path) -> None:
    """Refuse an output folder whose other files the build would delete, or one reached through a symlink
    inside the catalog (a commit can add `output -> /somewhere`). A folder holding the build's marker (or,
    from older versions, its manifest) is the build's own, even after a commit was cut short."""
    out, real_root = output.resolve(), root.resolve()
    if out == real_root or out in real_root.parents:
        raise UnsafeOutput("output-is-catalog", output=str(output))
    for own in (root / "brands", root / "products", root / "themes", root / ".git", cache_dir):
        own = own.resolve()
        if out == (cache_dir / PREVIEW).resolve():
            continue
        if out == own or own in out.parents:
            raise UnsafeOutput("output-inside-own", output=str(output), own=own.name)
    lexical = Path(os.path.abspath(output))
    base = Path(os.path.abspath(root))
    if lexical.is_relative_to(base) and out != real_root / lexical.relative_to(base):
        raise UnsafeOutput("output-is-link", output=str(output))
    if out.is_dir() and not (out / MARKER).is_file() and not (out / MANIFEST).is_file() and any(out.iterdir()):
        raise UnsafeOutput("output-not-empty", output=str(output))


def parse_manifest(data: object) -> tuple[str, dict[str, dict[str, Any]], bool]:
    """(generator, files, whether drafts are in it) of a manifest as JSON gave it, or ValueError saying what
    is wrong. The one reader
    of the format `_manifest_bytes` writes: the build trusts it to say what it may delete, publish what it
    may upload, and output/ may come from anywhere (a commit, a restored cache)."""
    if type(data) is not dict:
        raise ValueError("not a JSON object")
    if data.get("version") != 1:
        raise ValueError(f"version {data.get('version')!r}, expected 1")
    files = data.get("files")
    if type(files) is not dict:
        raise ValueError("'files' is not an object")
    drafts = data.get("drafts", False)
    if type(drafts) is not bool:
        raise ValueError("'drafts' is not true or false")
    for rel, entry in files.items():
        if not safe_rel(rel) or rel in (MANIFEST, MARKER):
            raise ValueError(f"bad path {rel!r}")
        if type(entry) is not dict:
            raise ValueError(f"entry for {rel!r} is not an object")
        sha, size = entry.get("sha256"), entry.get("size")
        if type(sha) is not str or not _SHA256.fullmatch(sha):
            raise ValueError(f"bad sha256 for {rel!r}")
        if type(size) is not int or size < 0:
            raise ValueError(f"bad size for {rel!r}")
    return str(data.get("generator", "")), files, drafts


def read_manifest(output: Path) -> dict[str, dict[str, Any]] | None:
    """The last build's files, or None: one path that could leave output/, or one entry of the wrong shape,
    and the whole manifest is ignored (the next commit then builds a new tree)."""
    try:
        return parse_manifest(json.loads((output / MANIFEST).read_bytes()))[1]
    except (OSError, ValueError, RecursionError):
        return None


def has_drafts(output: Path) -> bool:
    """Whether the manifest in output/ says drafts are in the site (False if it cannot be read)."""
    try:
        return parse_manifest(json.loads((output / MANIFEST).read_bytes()))[2]
    except (OSError, ValueError, RecursionError):
        return False


def _manifest_bytes(files: Iterable[OutFile], generator: str, drafts: bool) -> bytes:
    entries = {f.rel: {"sha256": f.sha256, "size": f.size} for f in sorted(files, key=lambda f: f.rel)}
    head: dict[str, object] = {"version": 1, "generator": generator}
    if drafts:  # products marked draft: true are in this site (`build --drafts`): publish refuses it
        head["drafts"] = True
    # no indent: json's fast C encoder is only used without it
    return json.dumps({**head, "files": entries}, ensure_ascii=False).encode()


def staging_dir(output: Path) -> Path:
    """A fresh staging area beside (not inside) output/, on the same file system so renames work."""
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.new-"))
    staging.chmod(DIR_MODE)  # it may become output/ itself
    return staging


def clean_stale(output: Path) -> None:
    """Staging areas and old trees that killed builds left beside output/ (call with the build lock held)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(output.parent):
            if entry.name.startswith((f".{output.name}.new-", f".{output.name}.old-")):
                remove_tree(entry.path)  # a link is removed, never what it leads to


def commit(output: Path, staging: Path, files: Mapping[str, OutFile], old: Mapping[str, dict[str, Any]] | None,
           generator: str, real: set[str] | None = None, own: bool = False, drafts: bool = False) -> None:
    """Make output/ hold exactly `files` (`drafts`: products marked draft: true are among them). `staging`
    holds the rendered ones under their rel paths.
    `real`: folders of output/ this build has seen to be real folders. `own`: output/ is the live preview's,
    which only this process writes and nothing publishes: only the folders written in are looked at.

    Everything that needs disk space is written before output/ changes, so a full disk (or any other
    write error) leaves the previous build exactly as it was."""
    changed = [f for f in files.values() if f.staged is not None or f.source is not None]
    in_place = (old is not None and output.is_dir() and not output.is_symlink()
                and len(changed) <= max(64, len(files) // 10))
    with _signals_held():
        try:
            manifest = _manifest_bytes(files.values(), generator, drafts)
            if not (in_place and _commit_in_place(output, staging, files, old or {}, manifest,
                                                  set() if real is None else real, own)):
                _commit_new_tree(output, staging, files, manifest)
        finally:
            remove_tree(staging)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while the block runs, then deliver them: an in-place commit stopped half-way
    would leave output/ part old, part new. Only the main thread can set handlers; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[signal.Signals] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda signum, frame: received.append(signal.Signals(signum)))
                for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for sig in dict.fromkeys(received):
            signal.raise_signal(sig)  # now the usual handler acts: KeyboardInterrupt for Ctrl-C


def _place(f: OutFile, target: Path) -> None:
    """Put a file that was not rendered (an image, an asset, an unchanged page) at `target`, in staging."""
    if f.staged is not None:
        os.replace(f.staged, target)
        return
    assert f.source is not None
    if f.link:
        # a link is made only to a regular file: a symlink planted in output/ or the cache is never followed
        if not stat.S_ISREG(os.lstat(f.source).st_mode):
            raise OSError(f"{f.source} is not a regular file")
        try:
            os.link(f.source, target, follow_symlinks=False)
        except OSError as exc:
            if disk_full(exc):
                raise
        else:
            if os.stat(target).st_mode & 0o777 != FILE_MODE:  # a cache file from before modes were set
                os.chmod(target, FILE_MODE)
            return
    shutil.copyfile(f.source, target)


def _swap(staged: Path, target: Path) -> None:
    os.replace(staged, target)


def _commit_in_place(output: Path, staging: Path, files: Mapping[str, OutFile], old: Mapping[str, dict[str, Any]],
                     manifest: bytes, known: set[str], own: bool) -> bool:
    """Rename the few changed files into place. False (nothing done) if a folder on the way is a symlink:
    then the caller builds a new tree instead of writing through it."""
    changed = [f for f in files.values() if f.staged is not None or f.source is not None]
    removed = sorted(old.keys() - files.keys())
    looked_at = [f.rel for f in changed] if own else list(files)
    if not all(real_dirs(output, rel.rpartition("/")[0], known) for rel in [*looked_at, *removed]):
        return False  # every folder, also of unchanged files: publish reads them all
    # 1. what needs space: every new file and the manifest complete in staging, backups of what they replace
    ready: list[tuple[Path, str]] = []
    for f in changed:
        staged = f.staged if f.staged is not None else staging / f.rel
        if f.staged is None:
            staged.parent.mkdir(parents=True, exist_ok=True)
            _place(f, staged)
        ready.append((staged, f.rel))
    (staging / MANIFEST).write_bytes(manifest)
    backups = staging / ".replaced"
    backups.mkdir()
    for i, (_, rel) in enumerate([*ready, (staging / MANIFEST, MANIFEST)]):
        if os.path.lexists(output / rel):
            os.link(output / rel, backups / str(i), follow_symlinks=False)
    created: list[Path] = []
    for _, rel in ready:
        folder = (output / rel).parent
        missing = []
        while folder != output and not folder.is_dir():
            missing.append(folder)
            folder = folder.parent
        for new in reversed(missing):
            new.mkdir()
            created.append(new)
    # 2. renames only: the manifest goes first and comes back last, so a machine dying half-way leaves a
    # folder that publish refuses and the next build rebuilds; an error half-way puts everything back
    done: list[int] = []
    try:
        (output / MANIFEST).unlink(missing_ok=True)
        for i, (staged, rel) in enumerate(ready):
            _swap(staged, output / rel)
            done.append(i)
        _swap(staging / MANIFEST, output / MANIFEST)
    except BaseException:
        _roll_back(output, backups, ready, done, created)
        raise
    # 3. what the new site no longer has
    for rel in removed:
        path = output / rel
        path.unlink(missing_ok=True)
        _prune_empty(path.parent, output)
    if not (output / MARKER).is_file():
        atomic_write_bytes(output / MARKER, _MARKER_TEXT)
    return True


def _roll_back(output: Path, backups: Path, ready: list[tuple[Path, str]], done: list[int],
               created: list[Path]) -> None:
    """Undo the renames of a commit that failed half-way: the old files and manifest back in place."""
    with contextlib.suppress(OSError):
        for i in done:
            backup, target = backups / str(i), output / ready[i][1]
            if os.path.lexists(backup):
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        manifest = backups / str(len(ready))
        if os.path.lexists(manifest):
            os.replace(manifest, output / MANIFEST)
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()


def _commit_new_tree(output: Path, staging: Path, files: Mapping[str, OutFile], manifest: bytes) -> None:
    made: set[Path] = {staging}
    for f in files.values():
        target = staging / f.rel
        if f.staged is not None:
            continue  # rendered straight into place
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        _place(f if f.source is not None else OutFile(f.rel, f.sha256, f.size, source=output / f.rel), target)
    (staging / MANIFEST).write_bytes(manifest)
    (staging / MARKER).write_bytes(_MARKER_TEXT)
    if os.path.lexists(output):
        if output.is_symlink() or not _exchange(staging, output):
            old = output.with_name(f".{output.name}.old-{os.getpid()}")
            os.rename(output, old)
            os.rename(staging, output)
            staging = old
        remove_tree(staging)  # now the old tree (or the link output/ was)
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
    return bool(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0)


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent

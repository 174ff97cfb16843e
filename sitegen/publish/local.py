"""A local folder as a publish store (`--target file:///path`), for previews and for testing the
plan and its order without a bucket.

Same plan, same index, same deletions; what a folder cannot hold are HTTP headers, so files
are written as plain bytes (no gzip) and a header change alone rewrites nothing visible.
Publish deletes what the build no longer has, so it refuses a non-empty folder it did not
write (no index file) rather than clean out someone's home directory.

Whoever else can write to the folder may leave links in it (`assets -> /etc`, `index.html ->
/tmp/victim`). Publish never writes, reads or deletes through one: every path is walked from the
folder one name at a time with O_NOFOLLOW (directory file descriptors, so nothing can swap a
folder for a link between a check and a write); a link where a folder must be is replaced by a
real folder, a link where a file must be is replaced by the file (a rename replaces the link
itself), and a link the build does not have is deleted (the link, not what it points at).
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from sitegen.errors import os_reason
from sitegen.fsutil import read_regular
from sitegen.publish.errors import PublishError
from sitegen.publish.manifest import read_built, valid_path
from sitegen.publish.plan import LocalObject, RemoteObject, plain_path
from sitegen.publish.remote_index import INDEX_NAME, Stored

_TEMP_PREFIX = ".sitegen-tmp-"
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NOT_A_FILE = "not a regular file"  # the "etag" of a link or a FIFO: no index entry ever matches it
_ANY_SIZE = 1 << 62


class LocalStore:
    def __init__(self, folder: Path, output_dir: Path) -> None:
        self.folder = folder.resolve()
        output = output_dir.resolve()
        if self.folder == output or output in self.folder.parents or self.folder in output.parents:
            raise PublishError("target-overlaps", path=str(self.folder), output=str(output))
        if self.folder.exists() and not os.path.lexists(self.folder / INDEX_NAME) and any(self.folder.iterdir()):
            raise PublishError("unsafe-folder", path=str(self.folder))

    def describe(self) -> str:
        return self.folder.as_uri()

    def request_counts(self) -> dict[str, int]:
        return {}

    def list(self) -> dict[str, RemoteObject]:
        """Every file under the folder, links included (as entries no index vouches for, so that they are
        replaced or deleted); os.walk does not enter linked folders."""
        out: dict[str, RemoteObject] = {}
        if not self.folder.is_dir():
            return out
        for dirpath, _dirs, files in os.walk(self.folder):
            for name in files:
                full = Path(dirpath, name)
                path = full.relative_to(self.folder).as_posix()
                if path == INDEX_NAME or name.startswith(_TEMP_PREFIX) or not plain_path(path):
                    continue
                try:
                    info = full.lstat()
                except FileNotFoundError:
                    continue
                if stat.S_ISREG(info.st_mode):
                    out[path] = RemoteObject(path, info.st_size, str(info.st_mtime_ns))
                else:
                    out[path] = RemoteObject(path, -1, _NOT_A_FILE)
        return out

    def read_index(self) -> bytes | None:
        return read_regular(self.folder / INDEX_NAME, _ANY_SIZE)

    def head(self, path: str) -> RemoteObject | None:
        """A folder keeps no metadata: the bytes' hash is known, the headers are not. A link or any other
        thing that is not a regular file is as good as absent: the upload replaces it."""
        parent, name = _split(path)
        with self._folder(parent, create=False) as fd:
            data = read_regular(name, _ANY_SIZE, dir_fd=fd) if fd is not None else None
            if data is None:
                return None
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        return RemoteObject(path, info.st_size, str(info.st_mtime_ns), "", hashlib.sha256(data).hexdigest())

    def put(self, obj: LocalObject, source: Path) -> Stored:
        info = self._write(obj.path, read_built(source, obj.path, obj.sha256))
        return Stored(info.st_size, str(info.st_mtime_ns))

    def delete(self, paths: Sequence[str]) -> None:
        for path in paths:
            parent, name = _split(path)
            with self._folder(parent, create=False) as fd:
                if fd is None:
                    continue  # its folder is gone, or is a link: nothing of the site's is there
                try:
                    if stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                        continue  # a link listed here was replaced by a folder for the build's files
                    os.unlink(name, dir_fd=fd)  # a link is removed itself, never what it points at
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    raise PublishError("write-failed", path=str(self.folder / path),
                                       detail=os_reason(exc)) from None
            for depth in range(len(parent), 0, -1):  # folders left empty go too
                with self._folder(parent[:depth - 1], create=False) as up:
                    try:
                        if up is None:
                            break
                        os.rmdir(parent[depth - 1], dir_fd=up)
                    except OSError:  # not empty (or not a folder): stop here
                        break

    def write_index(self, data: bytes) -> None:
        self._write(INDEX_NAME, data)

    def _write(self, path: str, data: bytes) -> os.stat_result:
        """Atomic: a reader of the folder sees the old file or the new one, never half of one."""
        parent, name = _split(path)
        try:
            with self._folder(parent, create=True) as fd:
                assert fd is not None
                temp = f"{_TEMP_PREFIX}{secrets.token_hex(8)}"
                out = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644,
                              dir_fd=fd)
                try:
                    with os.fdopen(out, "wb") as handle:
                        handle.write(data)
                        os.fchmod(handle.fileno(), 0o644)  # readable by a preview web server, whatever the umask
                    os.replace(temp, name, src_dir_fd=fd, dst_dir_fd=fd)  # replaces a link itself
                except BaseException:
                    with suppress(OSError):
                        os.unlink(temp, dir_fd=fd)
                    raise
                return os.stat(name, dir_fd=fd, follow_symlinks=False)
        except OSError as exc:
            raise PublishError("write-failed", path=str(self.folder / path), detail=os_reason(exc)) from None

    @contextmanager
    def _folder(self, parts: Sequence[str], create: bool) -> Iterator[int | None]:
        """A descriptor of folder/parts…, reached one name at a time without following a link. Where a
        link (or nothing) stands in the way: with `create`, a real folder is made in its place; without,
        None (nothing of the site's can be under it)."""
        if create:
            self.folder.mkdir(parents=True, exist_ok=True)
        elif not self.folder.is_dir():
            yield None
            return
        fd: int | None = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for name in parts:
                current, fd = fd, None  # _step closes it, whatever happens
                assert current is not None
                fd = _step(current, name, create)
                if fd is None:
                    break
            yield fd
        finally:
            if fd is not None:
                os.close(fd)


def _step(fd: int, name: str, create: bool) -> int | None:
    """From the folder `fd` into its folder `name`, closing `fd`. Uploads run in parallel, so another
    thread may be replacing the same link or making the same folder at the same moment."""
    try:
        for _ in range(3):
            try:
                return os.open(name, _DIR, dir_fd=fd)
            except OSError as exc:
                if exc.errno not in (errno.ENOENT, errno.ELOOP, errno.ENOTDIR):
                    raise
                if not create:
                    return None
                failure = exc
            # another thread may replace the link with a folder between this stat and the unlink: the
            # unlink then meets the folder (EISDIR) and the next round opens it
            with suppress(FileNotFoundError, IsADirectoryError):
                mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
                if stat.S_ISLNK(mode):
                    os.unlink(name, dir_fd=fd)  # the link, not what it points at
                elif not stat.S_ISDIR(mode):
                    raise failure  # a file where a folder must be: an error, as it always was
            with suppress(FileExistsError):
                os.mkdir(name, dir_fd=fd)
        raise failure
    finally:
        os.close(fd)


def _split(path: str) -> tuple[list[str], str]:
    """A path of the plan as its folders and its name. The plan only holds relative paths inside the folder
    (the build's, checked with the manifest, and plain ones found there); anything else is refused here
    too, before it reaches the file system."""
    if not valid_path(path) and path != INDEX_NAME:
        raise PublishError("unsafe-path", path=path)
    *parent, name = path.split("/")
    return parent, name

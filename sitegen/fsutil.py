"""File helpers shared by several stages: the one atomic writer, the modes of what we create,
and the checks that keep a path read from untrusted data inside its folder."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it; at import, before any thread could create a file
    os.umask(mask)
    return mask


# tempfile makes files 0600 and folders 0700; output/ must be readable by the web server that serves it
# (another user) like any file the editor creates: the modes open() and mkdir() would give.
FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Temp file in the same folder, then rename: readers see the old or the new file, never a part.
    The rename replaces a symlink at `path` instead of writing through it."""
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


# Refused anywhere in a relative path: a leading '/', an empty, '.' or '..' segment, a backslash, a control character.
_UNSAFE_REL = re.compile(r"^/|//|/$|(?:^|/)\.\.?(?:/|$)|[\\\x00-\x1f\x7f]")


def safe_rel(rel: object) -> bool:
    """A path that stays inside the folder it is relative to: no '..', no absolute path, no empty or
    odd segment, no control character. Read from a manifest or a cache, it decides what gets written
    or deleted, so it is checked before any use."""
    return type(rel) is str and 0 < len(rel) <= 1024 and _UNSAFE_REL.search(rel) is None


def inside(path: str | Path, root: str | Path) -> bool:
    """`path`, symlinks resolved, is `root` (resolved) or lies under it."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def real_dirs(base: Path, rel_dir: str, known: set[str]) -> bool:
    """Every folder on the way from `base` to `base/rel_dir` is a real folder (or missing), not a symlink:
    then writing or deleting there cannot land elsewhere. `known` remembers folders already checked."""
    if rel_dir in known or not rel_dir:  # asked once per file: most files share their folder with others
        return True
    parts = [p for p in rel_dir.split("/") if p]
    for i in range(1, len(parts) + 1):
        sub = "/".join(parts[:i])
        if sub in known:
            continue
        try:
            mode = os.lstat(f"{base}/{sub}").st_mode
        except (FileNotFoundError, NotADirectoryError):
            return True  # missing: nothing there to write through
        except OSError:
            return False
        if not stat.S_ISDIR(mode):  # a link (to anything) or a file
            return False
        known.add(sub)
    return True


def digest(value: object) -> str:
    """A short fingerprint of a plain value (records, tuples, strings, numbers): its repr, hashed."""
    return hashlib.blake2b(repr(value).encode(), digest_size=8).hexdigest()


def can_read(path: str | Path) -> bool:
    """Whether this process may open `path` for reading now. A cache that knows a file by its size and
    time must still ask: a file made unreadable since (chmod 000) is an error `check` reports, so the
    build must meet it too. Never blocks (a FIFO in its place)."""
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC))
    except OSError:
        return False
    return True


_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def remove_tree(path: str | Path) -> None:
    """Delete `path` and everything under it, as far as possible (errors are ignored, like rmtree's
    ignore_errors). What it deletes may be a catalog's (a committed `.output.new-x/`, an old output/, a
    restored cache), so: never through a link (a link is removed, not what it leads to), and without
    recursion, one folder descriptor open at a time (shutil.rmtree raised RecursionError on a folder nested
    1,100 deep, which git stores)."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
            return
        fd = os.open(path, _DIR)
    except OSError:
        return
    way: list[tuple[str, list[str]]] = []  # each level below `path`: its name, its parent's folders still to do
    todo = _empty_files(fd)
    try:
        while todo or way:
            if todo:
                name = todo.pop()
                with contextlib.suppress(OSError):
                    child = os.open(name, _DIR, dir_fd=fd)
                    os.close(fd)
                    fd = child
                    way.append((name, todo))
                    todo = _empty_files(fd)
                continue
            name, todo = way.pop()
            parent = os.open("..", _DIR, dir_fd=fd)  # the folder this one was opened from
            os.close(fd)
            fd = parent
            with contextlib.suppress(OSError):
                os.rmdir(name, dir_fd=fd)
    except OSError:
        pass
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        os.rmdir(path)


def _empty_files(fd: int) -> list[str]:
    """Unlink everything in the folder `fd` that is not a folder (links included); the folders' names."""
    folders = []
    with contextlib.suppress(OSError), os.scandir(fd) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.name)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.name, dir_fd=fd)
    return folders


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


@contextlib.contextmanager
def exclusive(path: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if need be) for the block: two builds of one catalog
    take turns instead of writing one cache and one output/ at once. `waiting` is called once if another
    process holds it. Where the lock file cannot be made (a read-only cache), the block runs unlocked."""
    fd = _lock_file(path)
    if fd is None:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _lock_file(path: Path) -> int | None:
    """The lock file open, or None where none can be made. The cache folder may be restored or committed: what
    stands where the lock belongs and is not a regular file (a link: never opened, a folder, which made every
    build run unlocked, a FIFO) is removed and the lock made again."""
    for _ in range(2):
        with contextlib.suppress(OSError):
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, FILE_MODE)
            if stat.S_ISREG(os.fstat(fd).st_mode):
                return fd
            os.close(fd)
        try:
            if stat.S_ISREG(os.lstat(path).st_mode):
                return None  # a lock file this process may not open: a read-only cache
        except OSError:
            return None  # nothing there, and nothing can be made
        remove_tree(path)  # a link itself, never what it leads to
    return None


# Reading a file that someone else may have put there (a restored image cache, a publish target): only a
# regular file, never through a symbolic link (to /etc/shadow or /dev/zero), never blocking on a FIFO or a
# device an archive restored in its place, never more than a limit. Anything else reads as None.
_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def read_regular(path: str | Path, limit: int, dir_fd: int | None = None) -> bytes | None:
    """The bytes of `path` (relative to `dir_fd` if given) when it is a regular file of at most `limit` bytes."""
    try:
        fd = os.open(path, _FLAGS, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        os.set_blocking(fd, True)
        chunks = []
        size = 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while being read
                return None
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)

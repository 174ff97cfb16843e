"""Reading a file that someone else may have put there (a restored image cache, a shared preview folder).

Only a regular file is read: never through a symbolic link (an entry pointing at /etc/shadow or
/dev/zero), never blocking on a FIFO or a device that an archive restored in its place, and never
more than a limit. Anything else reads as None, which callers treat like a missing file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

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

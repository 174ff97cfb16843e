"""The content-addressed image cache: keys, atomic writes, and the records of finished images.

Layout under the cache folder (safe to delete at any time; CI may save and restore it):

    img/<key>-<width>.<ext>   the published files; names never change meaning, so they are
                              served as immutable
    meta/<key>.json           written last, after every file of the image: its presence
                              means the image is complete (a commit marker)
    sources.json              (path, size, mtime_ns, inode) → source hash, so an unchanged
                              photo is not even read again on a rebuild

<key> hashes the source bytes with the settings fingerprint and PIPELINE_VERSION. Every
write goes to a temporary file in the same folder and is renamed into place, so two builds
running at once only ever see whole files (the later rename wins, with identical bytes).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.output import atomic_write_bytes

# Bump whenever the pipeline's output bytes change for the same source and settings.
PIPELINE_VERSION = "3"
KEY_CHARS = 20  # 80 bits of the hash: no collision in any catalog, short URLs


def source_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()  # SHA-NI makes this ~2 GB/s


def image_key(digest: str, fingerprint: str) -> str:
    """The name stem of every file made from one source under one set of settings."""
    return hashlib.sha256(f"{PIPELINE_VERSION}\n{fingerprint}\n{digest}".encode()).hexdigest()[:KEY_CHARS]


def write_atomic(path: Path, data: bytes) -> None:
    """Whole or not at all (temp file beside `path`, then os.replace): the output stage's helper."""
    atomic_write_bytes(path, data)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things live inside one cache folder."""

    root: Path

    @property
    def img(self) -> Path:
        return self.root / "img"

    def meta(self, key: str) -> Path:
        return self.root / "meta" / f"{key}.json"

    @property
    def index(self) -> Path:
        return self.root / "sources.json"


def read_meta(layout: Layout, key: str) -> dict[str, Any] | None:
    """The record of a finished image, or None if it is missing, unreadable or lost a file."""
    # string paths: this runs once per photo on every build, and pathlib costs more than the I/O
    root = str(layout.root)
    try:
        with open(f"{root}/meta/{key}.json", "rb") as handle:
            record = json.loads(handle.read())
        names = [v[0] for v in record["sources"]] + [record["fallback"][0]] + (
            [record["og"][0]] if record.get("og") else [])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    if not all(os.path.isfile(f"{root}/img/{name}") for name in set(names)):
        return None  # someone pruned files: make them again
    return record


def write_meta(layout: Layout, key: str, record: dict[str, Any]) -> None:
    write_atomic(layout.meta(key), json.dumps(record, separators=(",", ":")).encode())


StatKey = tuple[int, int, int]  # size, mtime_ns, inode


def stat_key(path: Path) -> StatKey | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


class SourceIndex:
    """Remembers the hash of each source by its stat, so a warm build reads no photo."""

    def __init__(self, layout: Layout):
        self._path = layout.index
        self._entries: dict[str, list[Any]] = {}
        self._dirty: dict[str, list[Any]] = {}
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(self._path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._entries = loaded

    def lookup(self, source: Path, stat: StatKey | None) -> str | None:
        entry = self._entries.get(str(source))
        if stat is None or not isinstance(entry, list) or len(entry) != 4 or tuple(entry[:3]) != stat:
            return None
        return str(entry[3])

    def remember(self, source: Path, stat: StatKey | None, digest: str) -> None:
        if stat is not None:
            self._dirty[str(source)] = [*stat, digest]

    def save(self) -> None:
        """Merge with what another build may have saved meanwhile; the last rename wins."""
        if not self._dirty:
            return
        with contextlib.suppress(OSError, ValueError):
            current = json.loads(self._path.read_text(encoding="utf-8"))
            if isinstance(current, dict):
                self._entries = current
        self._entries.update(self._dirty)
        self._dirty = {}
        write_atomic(self._path, json.dumps(self._entries, separators=(",", ":")).encode())


def leftover_temps(root: Path) -> Iterator[Path]:
    """Temp files of builds that were killed mid-write (for tests and cleanup)."""
    return (p for p in root.rglob(".*.tmp") if p.is_file())

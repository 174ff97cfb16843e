"""The content-addressed image cache: keys, atomic writes, and the records of finished images.

Layout under the cache folder (safe to delete at any time; CI may save and restore it):

    img/<key>-<width>.<ext>   the published files; names never change meaning, so they are
                              served as immutable (img/<key>-og.jpg: the og:image crop)
    meta/<key>.json           written last, after every file of the image: its presence
                              means the image is complete (a commit marker)
    sources.json              (path, size, mtime_ns, inode) → source hash, so an unchanged
                              photo is not even read again on a rebuild

<key> hashes the source bytes with the settings fingerprint and PIPELINE_VERSION. Every
write goes to a temporary file in the same folder and is renamed into place, so two builds
running at once only ever see whole files (the later rename wins, with identical bytes).

The folder comes from outside the build (a CI cache restore, or committed to the catalog's
repository by anyone), so everything read from it is untrusted: a record must have exactly the
shape the pipeline writes, name only files of this key in img/ (regular files, not links), and
carry a placeholder that can only be the pipeline's own CSS. Anything else is a miss, and the
photo is made again; nothing in here is ever unpickled or followed out of the folder.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.fsutil import atomic_write_bytes, read_regular, remove_tree
from sitegen.images.geometry import MAX_SIDE, OG_SIZE

# Bump whenever the pipeline's output bytes change for the same source and settings.
PIPELINE_VERSION = "4"
KEY_CHARS = 20  # 80 bits of the hash: no collision in any catalog, short URLs
EXT = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}  # format → file name extension
PLACEHOLDER_MAX = 300  # bytes of data: URI, inlined into every page that shows the photo
META_MAX = 64 * 1024  # a record is about 1 KB; anything much larger is not one of ours
INDEX_MAX = 64 * 1024 * 1024  # sources.json: ~150 bytes a photo
_KEY = re.compile(f"[0-9a-f]{{{KEY_CHARS}}}")
_COLOUR = re.compile("#[0-9a-f]{6}")
_DIGEST = re.compile("[0-9a-f]{64}")
_RECORD_FIELDS = {"width", "height", "sources", "fallback", "og", "colour", "placeholder"}
_PLACEHOLDER = re.compile(r"(#[0-9a-f]{6}) url\((data:image/webp;base64,([A-Za-z0-9+/]+={0,2}))\) 50%/cover no-repeat")


def source_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()  # SHA-NI makes this ~2 GB/s


def image_key(digest: str, fingerprint: str) -> str:
    """The name stem of every file made from one source under one set of settings."""
    return hashlib.sha256(f"{PIPELINE_VERSION}\n{fingerprint}\n{digest}".encode()).hexdigest()[:KEY_CHARS]


def file_name(key: str, stem: str | int, fmt: str) -> str:
    """The one naming rule of img/: '<key>-<width>.<ext>' (or '<key>-og.jpg'); records are checked against it."""
    return f"{key}-{stem}.{EXT[fmt]}"


def placeholder_css(colour: str, webp: bytes) -> str | None:
    """The CSS background shown while a photo loads: its mean colour under a blurred thumbnail; None when
    the thumbnail's data: URI would be longer than PLACEHOLDER_MAX (it is inlined into every page)."""
    uri = "data:image/webp;base64," + base64.b64encode(webp).decode()
    return f"{colour} url({uri}) 50%/cover no-repeat" if len(uri) <= PLACEHOLDER_MAX else None


def write_atomic(path: Path, data: bytes) -> None:
    """Whole or not at all (temp file beside `path`, then os.replace): the output stage's helper.

    A link or a FIFO in the way is replaced by the rename itself; a folder in the way (a hostile or
    broken cache) is removed first, without following any link inside it."""
    try:
        atomic_write_bytes(path, data)
    except IsADirectoryError:
        remove_tree(path)
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

    def repair(self) -> None:
        """Make img/ and meta/ real folders of this cache again, or absent: a link (to a folder elsewhere,
        whose files would be published and which records would be written into) or a file in their place
        is removed. Best effort: a cache that cannot be changed is reported when it is written."""
        for sub in (self.root / "img", self.root / "meta"):
            with contextlib.suppress(OSError):
                if not stat.S_ISDIR(os.lstat(sub).st_mode):
                    os.unlink(sub)


def read_meta(layout: Layout, key: str) -> dict[str, Any] | None:
    """The record of a finished image, or None if it is missing, unreadable, not what the pipeline writes,
    or lost one of its files."""
    # string paths: this runs once per photo on every build, and pathlib costs more than the I/O
    root = str(layout.root)
    if not _KEY.fullmatch(key):
        return None
    data = read_regular(f"{root}/meta/{key}.json", META_MAX)
    if data is None:
        return None
    try:
        record = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not valid_record(record, key):
        return None
    try:
        if not stat.S_ISDIR(os.lstat(f"{root}/img").st_mode):  # a link to a folder elsewhere: not ours
            return None
        for name in {e[0] for e in (*record["sources"], record["fallback"], record["og"])}:
            if not stat.S_ISREG(os.lstat(f"{root}/img/{name}").st_mode):  # a link, a FIFO, a folder
                return None
    except OSError:
        return None  # someone pruned files: make them again
    return dict(record)


def valid_record(record: Any, key: str) -> bool:
    """Exactly what `worker.render` writes for `key`, with sizes a browser can show: nothing else.

    Names are the cache's own (this key, a width or 'og', a known extension), so none can climb out of
    img/ or point at another photo's files; the placeholder lands in a style attribute, so it must be
    the pipeline's CSS to the character (a colour, or a colour and a small inline WebP)."""
    if not isinstance(record, dict) or record.keys() != _RECORD_FIELDS:
        return False
    sources, fallback, og = record["sources"], record["fallback"], record["og"]
    if not isinstance(sources, list) or not all(_valid_entry(e, key) for e in (*sources, fallback)):
        return False
    if not _valid_entry(og, key, "og") or og[3] != "jpeg" or any(e[3] not in ("avif", "webp") for e in sources):
        return False
    if og[1] > OG_SIZE[0] or og[2] > OG_SIZE[1] or [record["width"], record["height"]] != fallback[1:3]:
        return False
    sizes: dict[str, tuple[int, int]] = {}
    for name, width, height, _fmt in (*sources, fallback, og):
        if sizes.setdefault(name, (width, height)) != (width, height):
            return False  # one file, two sizes: the <picture> would lie about one of them
    colour, placeholder = record["colour"], record["placeholder"]
    if not isinstance(colour, str) or not _COLOUR.fullmatch(colour) or not isinstance(placeholder, str):
        return False
    return placeholder in ("", colour) or _valid_placeholder(placeholder, colour)


def _valid_entry(entry: Any, key: str, stem: str | None = None) -> bool:
    """[name, width, height, format], its name the one the pipeline gives that size (or `stem`) and format."""
    if not isinstance(entry, list) or len(entry) != 4:
        return False
    name, width, height, fmt = entry
    if not isinstance(fmt, str) or fmt not in EXT or not isinstance(name, str):
        return False
    if not all(type(v) is int and 1 <= v <= MAX_SIDE[fmt] for v in (width, height)):
        return False
    return name == file_name(key, width if stem is None else stem, fmt)


def _valid_placeholder(css: str, colour: str) -> bool:
    match = _PLACEHOLDER.fullmatch(css)
    if match is None or match.group(1) != colour or len(match.group(2)) > PLACEHOLDER_MAX:
        return False
    try:
        webp = base64.b64decode(match.group(3), validate=True)
    except (binascii.Error, ValueError):
        return False
    return webp[:4] == b"RIFF" and webp[8:12] == b"WEBP"


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
    """Remembers the hash of each source by its stat, so a warm build reads no photo.

    Read entry by entry: a path maps to [size, mtime_ns, inode, SHA-256 in hex], and an entry of any
    other shape is as good as missing (checked when it is looked up: a pass that needs a few looks at few)."""

    def __init__(self, layout: Layout):
        self._path = layout.index
        self._entries: dict[str, Any] = self._load() or {}
        self._dirty: dict[str, list[Any]] = {}

    def _load(self) -> dict[str, Any] | None:
        """The file's entries as JSON gave them, or None when it is missing or not a JSON object at all."""
        data = read_regular(self._path, INDEX_MAX)
        try:
            loaded = json.loads(data) if data is not None else None
        except (ValueError, RecursionError):
            return None
        return loaded if isinstance(loaded, dict) else None

    def lookup(self, source: Path, key: StatKey | None) -> str | None:
        entry = self._entries.get(str(source))
        if key is None or entry is None or not _valid_source(entry) or tuple(entry[:3]) != key:
            return None
        return str(entry[3])

    def remember(self, source: Path, key: StatKey | None, digest: str) -> None:
        if key is not None:
            self._dirty[str(source)] = [*key, digest]

    def save(self) -> None:
        """Merge with what another build may have saved meanwhile; the last rename wins. Only entries of
        the right shape are written back."""
        if not self._dirty:
            return
        current = self._load()
        if current is not None:
            self._entries = current
        self._entries.update(self._dirty)
        self._dirty = {}
        valid = {path: entry for path, entry in self._entries.items() if _valid_source(entry)}
        write_atomic(self._path, json.dumps(valid, separators=(",", ":")).encode())


def _valid_source(entry: Any) -> bool:
    if not isinstance(entry, list) or len(entry) != 4:
        return False
    size, mtime_ns, inode, digest = entry
    return (all(type(n) is int for n in (size, mtime_ns, inode)) and size >= 0 and inode >= 0
            and isinstance(digest, str) and _DIGEST.fullmatch(digest) is not None)


def leftover_temps(root: Path) -> Iterator[Path]:
    """Temp files of builds that were killed mid-write (for tests and cleanup)."""
    return (p for p in root.rglob(".*.tmp") if p.is_file())

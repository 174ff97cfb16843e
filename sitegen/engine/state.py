"""The build's memory between runs: one sqlite file in the cache folder.

It holds what the last builds learned (each content file's parsed record, each output file's
fingerprint, the hashes of source files, the stamp of the last complete build) so a rebuild
re-reads and re-renders only what changed. It is a cache: deleting it costs one slow build.

The cache folder is restored from CI caches and may be committed by anyone, so the file is
untrusted. sqlite stores rows, not objects: nothing read from it can run code. Before use the
schema must be exactly the one this version creates (no triggers, views or extra tables a
hostile file could bring), and every value read is checked by its reader. A foreign, corrupt,
older or newer file is replaced by an empty store, silently: the build is then a full one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from sitegen.content.codec import clean_json
from sitegen.fsutil import remove_tree, safe_rel

STATE_FILE = "state.sqlite"
_VERSION = 5  # PRAGMA user_version: bump when the schema or the meaning of a column changes

_SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE parsed(rel TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, "
    "entry TEXT NOT NULL)",
    # every file of an output folder; for a page, what it read while it rendered (`reads`, JSON)
    "CREATE TABLE outputs(target TEXT NOT NULL, rel TEXT NOT NULL, fingerprint TEXT NOT NULL, "
    "sha256 TEXT NOT NULL, size INTEGER NOT NULL, st_size INTEGER NOT NULL, st_mtime INTEGER NOT NULL, "
    "reads TEXT, PRIMARY KEY(target, rel))",
    # which pages read an input (a record, a photo, a list): the pages an edit may touch, without a scan
    "CREATE TABLE needs(target TEXT NOT NULL, rel TEXT NOT NULL, input TEXT NOT NULL, "
    "PRIMARY KEY(target, rel, input)) WITHOUT ROWID",
    "CREATE INDEX needs_by_input ON needs(target, input)",
    # the digest of every input as the last build saw it
    "CREATE TABLE inputs(target TEXT NOT NULL, input TEXT NOT NULL, digest TEXT NOT NULL, "
    "PRIMARY KEY(target, input)) WITHOUT ROWID",
    "CREATE TABLE hashes(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, "
    "sha256 TEXT NOT NULL)",
    "CREATE TABLE builds(target TEXT PRIMARY KEY, record TEXT NOT NULL)",
    # sanitized HTML of Markdown bodies, by `render.markdown.body_key` (checked again when read)
    "CREATE TABLE bodies(key TEXT PRIMARY KEY, html TEXT NOT NULL)",
)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX32 = re.compile(r"[0-9a-f]{32}")
_INT64 = range(-(2**63), 2**63)


class Written(NamedTuple):
    """One output file as the last build left it."""

    fingerprint: str  # of its inputs
    sha256: str
    size: int
    stamp: tuple[int, int]  # (size, mtime_ns) on disk, to notice a file edited or replaced since


def _expected_schema() -> list[tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(":memory:")) as db:
        for statement in _SCHEMA:
            db.execute(statement)
        return db.execute("SELECT type, name FROM sqlite_master ORDER BY name").fetchall()


class StateStore:
    """The open state file. `path` None: an in-memory store (the cache folder cannot be written)."""

    def __init__(self, db: sqlite3.Connection, path: Path | None):
        self.db = db
        self.path = path

    @staticmethod
    def open(cache_dir: Path | None, code: str) -> StateStore:
        """The store of `cache_dir` (None: in memory), emptied of parsed records if sitegen's code changed."""
        path = cache_dir / STATE_FILE if cache_dir is not None else None
        try:
            if cache_dir is None or path is None:
                raise OSError("no cache folder")
            cache_dir.mkdir(parents=True, exist_ok=True)
            _remove(path, odd_only=not (path.is_symlink() or (path.exists() and not path.is_file())))
            store = StateStore(_connect(path), path)
            if not store._usable():
                store.db.close()
                _remove(path)
                store = StateStore(_connect(path), path)
                store._create()
        except (sqlite3.Error, OSError):
            store = StateStore(_connect(None), None)
            store._create()
        if store.meta("code") != code:
            with contextlib.suppress(OSError):
                store._write(("DELETE FROM parsed", [()]), ("DELETE FROM bodies", [()]),
                             ("INSERT OR REPLACE INTO meta VALUES ('code', ?)", [(code,)]))
        return store

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    def _usable(self) -> bool:
        try:
            (version,) = self.db.execute("PRAGMA user_version").fetchone()
            if version == 0 and not self.db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
                self._create()  # a new, empty file
                return True
            schema = self.db.execute("SELECT type, name FROM sqlite_master ORDER BY name").fetchall()
            sql = {name: text for name, text in self.db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL")}
        except sqlite3.Error:
            return False
        return (version == _VERSION and schema == _expected_schema()
                and sorted(sql.values()) == sorted(_SCHEMA))

    def _create(self) -> None:
        with self.db:
            for statement in _SCHEMA:
                self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {_VERSION}")

    def _rows(self, query: str, *args: object) -> Iterator[tuple[Any, ...]]:
        """Rows of a query; none at all if the file turns out to be damaged."""
        try:
            yield from self.db.execute(query, args)
        except sqlite3.Error:
            return

    def _write(self, *statements: tuple[str, list[tuple[Any, ...]]]) -> None:
        """One transaction. A failure (a full disk, a damaged file) loses the cache, never the build:
        what the store says is checked against the files before it is believed."""
        try:
            with self.db:
                for query, rows in statements:
                    self.db.executemany(query, rows)
        except sqlite3.Error as exc:
            raise OSError(f"the build cache {self.path} cannot be written: {exc}") from None

    def meta(self, key: str) -> str | None:
        for (value,) in self._rows("SELECT value FROM meta WHERE key = ?", key):
            return value if type(value) is str else None
        return None

    # -- content files: rel → (size, mtime_ns, entry as JSON text; the reader checks it)

    def parsed(self) -> dict[str, tuple[tuple[int, int], str]]:
        found = {}
        for rel, size, mtime, entry in self._rows("SELECT rel, size, mtime, entry FROM parsed"):
            if type(rel) is str and type(size) is int and type(mtime) is int and type(entry) is str:
                found[rel] = ((size, mtime), entry)
        return found

    def parsed_row(self, rel: str) -> tuple[tuple[int, int], str] | None:
        for size, mtime, entry in self._rows("SELECT size, mtime, entry FROM parsed WHERE rel = ?", rel):
            if type(size) is int and type(mtime) is int and type(entry) is str:
                return (size, mtime), entry
        return None

    def save_parsed(self, put: dict[str, tuple[tuple[int, int], dict[str, Any]]], drop: Iterable[str]) -> None:
        rows = [(rel, s[0], s[1], json.dumps(e, ensure_ascii=False, separators=(",", ":"), default=str))
                for rel, (s, e) in put.items()]
        self._write(("DELETE FROM parsed WHERE rel = ?", [(rel,) for rel in drop]),
                    ("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?, ?)", rows))

    # -- output files of one output folder (`target`: its resolved path)

    def outputs(self, target: str) -> dict[str, Written]:
        found = {}
        for rel, fp, sha, size, st_size, st_mtime in self._rows(
                "SELECT rel, fingerprint, sha256, size, st_size, st_mtime FROM outputs WHERE target = ?", target):
            if (safe_rel(rel) and type(fp) is str and len(fp) <= 128 and type(sha) is str and _HEX64.fullmatch(sha)
                    and type(size) is int and size >= 0 and type(st_size) is int and type(st_mtime) is int):
                found[rel] = Written(fp, sha, size, (st_size, st_mtime))
        return found

    def reads(self, target: str, rels: Iterable[str] | None = None) -> dict[str, str]:
        """What the pages `rels` (None: all) read when they were last rendered, as the JSON text stored."""
        if rels is None:
            rows: Iterable[tuple[Any, ...]] = self._rows(
                "SELECT rel, reads FROM outputs WHERE target = ? AND reads IS NOT NULL", target)
        else:
            rows = (row for chunk in _chunks(list(rels)) for row in self._rows(
                f"SELECT rel, reads FROM outputs WHERE target = ? AND rel IN ({','.join('?' * len(chunk))})",
                target, *chunk))
        return {rel: text for rel, text in rows if type(rel) is str and type(text) is str}

    def needing(self, target: str, inputs: Iterable[str]) -> set[str]:
        """The pages that read any of `inputs`."""
        return {rel for chunk in _chunks(list(inputs)) for (rel,) in self._rows(
            f"SELECT DISTINCT rel FROM needs WHERE target = ? AND input IN ({','.join('?' * len(chunk))})",
            target, *chunk) if type(rel) is str}

    def save_outputs(self, target: str, files: dict[str, Written], removed: Iterable[str],
                     reads: Mapping[str, tuple[str, Iterable[str]]]) -> None:
        """Rows for the files written or stamped again (`files`), none for `removed` ones; for the pages
        rendered, `reads` gives (what they read as JSON, the inputs to index them under)."""
        gone = [(target, rel) for rel in removed]
        rows = [(target, rel, w.fingerprint, w.sha256, w.size, *w.stamp, reads[rel][0] if rel in reads else None)
                for rel, w in files.items()]
        kept = [(w.fingerprint, w.sha256, w.size, *w.stamp, target, rel) for rel, w in files.items()
                if rel not in reads]
        self._write(
            ("DELETE FROM outputs WHERE target = ? AND rel = ?", gone),
            ("DELETE FROM needs WHERE target = ? AND rel = ?", gone + [(target, rel) for rel in reads]),
            # an unchanged page keeps its reads: only its stamp changes
            ("UPDATE outputs SET fingerprint = ?, sha256 = ?, size = ?, st_size = ?, st_mtime = ? "
             "WHERE target = ? AND rel = ?", kept),
            ("INSERT OR IGNORE INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [r for r in rows if r[1] not in reads]),
            ("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [r for r in rows if r[1] in reads]),
            ("INSERT OR IGNORE INTO needs VALUES (?, ?, ?)",
             [(target, rel, key) for rel, (_, keys) in reads.items() for key in keys]))

    def forget_outputs(self, target: str) -> None:
        self._write(("DELETE FROM outputs WHERE target = ?", [(target,)]),
                    ("DELETE FROM needs WHERE target = ?", [(target,)]),
                    ("DELETE FROM inputs WHERE target = ?", [(target,)]))

    def built_before(self, target: str) -> bool:
        return any(True for _ in self._rows("SELECT 1 FROM outputs WHERE target = ? LIMIT 1", target))

    # -- the digest of every input pages may read, as the last build into `target` saw it

    def inputs(self, target: str) -> dict[str, str]:
        return {name: value for name, value in self._rows("SELECT input, digest FROM inputs WHERE target = ?",
                                                          target) if type(name) is str and type(value) is str}

    def save_inputs(self, target: str, before: dict[str, str], now: dict[str, str]) -> None:
        self._write(("DELETE FROM inputs WHERE target = ? AND input = ?",
                     [(target, name) for name in before.keys() - now.keys()]),
                    ("INSERT OR REPLACE INTO inputs VALUES (?, ?, ?)",
                     [(target, name, value) for name, value in now.items() if before.get(name) != value]))

    # -- rendered Markdown bodies

    def save_bodies(self, bodies: Mapping[str, str]) -> None:
        self._write(("INSERT OR REPLACE INTO bodies VALUES (?, ?)", list(bodies.items())))

    # -- sha256 of source files (photos, theme files) by (path, size, mtime_ns)

    def hashes(self) -> dict[tuple[str, int, int], str]:
        found = {}
        for path, size, mtime, sha in self._rows("SELECT path, size, mtime, sha256 FROM hashes"):
            if type(path) is str and type(size) is int and type(mtime) is int and type(sha) is str and \
                    _HEX64.fullmatch(sha):
                found[(path, size, mtime)] = sha
        return found

    def save_hashes(self, hashes: dict[tuple[str, int, int], str]) -> None:
        """One row a file: a file changed since it was hashed has its old (size, mtime) in `hashes` too, and
        the newest, added last, is the one kept."""
        newest = {key[0]: (*key, sha) for key, sha in hashes.items()}
        self._write(("DELETE FROM hashes", [()]), ("INSERT INTO hashes VALUES (?, ?, ?, ?)", list(newest.values())))

    # -- the last complete build into `target`: a JSON record its reader checks

    def last_build(self, target: str) -> tuple[Any, bool]:
        """(the record, whether its texts need no check of their own: see codec.clean_json)."""
        for (record,) in self._rows("SELECT record FROM builds WHERE target = ?", target):
            try:
                return (json.loads(record), clean_json(record)) if type(record) is str else (None, False)
            except (ValueError, RecursionError):  # RecursionError: nested deeper than the stack
                return None, False
        return None, False

    def save_last_build(self, target: str, record: Any) -> None:
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        self._write(("INSERT OR REPLACE INTO builds VALUES (?, ?)", [(target, text)]))

    def forget_build(self, target: str) -> None:
        self._write(("DELETE FROM builds WHERE target = ?", [(target,)]))


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    """Pieces small enough for one query's parameters."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def is_digest(value: object) -> bool:
    return type(value) is str and bool(_HEX32.fullmatch(value))


def _connect(path: Path | None) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:" if path is None else str(path), timeout=30, check_same_thread=False)
    db.execute("PRAGMA trusted_schema = OFF")  # no function calls from anything stored in the file
    db.execute("PRAGMA cell_size_check = ON")  # damaged pages are errors, not wild reads
    if path is not None:
        with contextlib.suppress(sqlite3.Error):
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
    return db


def _remove(path: Path, odd_only: bool = False) -> None:
    """The state file and the files sqlite keeps beside it (its journal, its WAL and their index).
    `odd_only`: only those that are not regular files. sqlite opens them itself, without asking us: a FIFO
    restored as `state.sqlite-journal` made it wait for a writer forever (deaf to SIGTERM), a folder or a
    link made every write fail."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(f"{path}{suffix}")
        try:
            mode = os.lstat(p).st_mode
        except FileNotFoundError:
            continue
        if odd_only and stat.S_ISREG(mode):
            continue
        if stat.S_ISDIR(mode):
            remove_tree(p)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(p)


class BodyReader:
    """Cached bodies, read from the state file by whichever process renders (each opens its own read-only
    connection: one is never shared across a fork). What it returns is checked by the renderer."""

    def __init__(self, path: Path | None):
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def __reduce__(self) -> tuple[type[BodyReader], tuple[Path | None]]:
        """To a worker that was not forked: the path; it opens its own connection."""
        return BodyReader, (self.path,)

    def __call__(self, key: str) -> str | None:
        if self.path is None:
            return None
        try:
            if self._db is None or self._pid != os.getpid():
                self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
                self._db.execute("PRAGMA trusted_schema = OFF")
                self._pid = os.getpid()
            row = self._db.execute("SELECT html FROM bodies WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row and type(row[0]) is str and len(row[0]) <= 20_000_000 else None

    def close(self) -> None:
        """Close this process's connection (the last one to close lets sqlite fold its journal back in)."""
        if self._db is not None and self._pid == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None

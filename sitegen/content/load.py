"""Discovered folders → Brand and Product records, reusing unchanged files' records.

The parse cache is keyed by each index.md's (size, mtime_ns): a no-op rebuild reads and
parses no content file at all, and a one-file edit parses one file.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from sitegen.content.discover import Folder, SourceTree
from sitegen.content.models import Brand, Product
from sitegen.errors import Problem
from sitegen.workers import can_fork, finished, fork_pool

_CACHE_VERSION = 6  # bump when parsing or its problems change: old entries would hide new checks
Entry = tuple[tuple[int, int], Brand | Product | None, list[Problem]]


@dataclass(frozen=True, slots=True)
class Content:
    brands: tuple[Brand, ...]
    products: tuple[Product, ...]
    problems: tuple[Problem, ...]


class ParseCache:
    """rel → (stamp, record, problems), pickled in one file per brand under `folder`.

    One file per brand so that an edit rewrites a small file, not the whole catalog's;
    a corrupt or foreign file only makes the build slower.
    """

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.entries: dict[str, Entry] = {}
        self.dirty: set[str] = set()  # brands whose file must be written
        self._shards: set[str] = set()
        if folder is None or not folder.is_dir():
            return
        for path in folder.glob("*.pickle"):
            self._shards.add(path.stem)
            try:
                version, entries = pickle.loads(path.read_bytes())
            except Exception:
                continue
            if version == _CACHE_VERSION:
                self.entries.update(entries)

    def put(self, rel: str, entry: Entry) -> None:
        self.entries[rel] = entry
        self.dirty.add(_shard(rel))

    def drop(self, rel: str) -> None:
        del self.entries[rel]
        self.dirty.add(_shard(rel))

    def save(self) -> None:
        if self.folder is None or not self.dirty:
            return
        from sitegen.output import atomic_write_bytes

        by_shard: dict[str, dict[str, Entry]] = {}
        for rel, entry in self.entries.items():
            if (shard := _shard(rel)) in self.dirty:
                by_shard.setdefault(shard, {})[rel] = entry
        for shard in self.dirty:
            path = self.folder / f"{shard}.pickle"
            if shard in by_shard:
                atomic_write_bytes(path, pickle.dumps((_CACHE_VERSION, by_shard[shard]), pickle.HIGHEST_PROTOCOL))
            else:
                path.unlink(missing_ok=True)
        self.dirty.clear()


def _shard(rel: str) -> str:
    """'brands/<b>/index.md' and 'products/<b>/<p>/index.md' both belong to brand <b>."""
    return rel.split("/", 2)[1]


def read_folder(folder: Folder) -> Entry:
    from sitegen.content.records import read_brand, read_index, read_product  # PyYAML: only when a file changed

    rel = folder.index_rel
    raw, problems = read_index(folder.path / "index.md", rel)
    if raw is None:
        return (folder.stamp, None, problems)
    if len(folder.ids) == 1:
        return (folder.stamp, *read_brand(folder.ids[0], raw, rel))
    return (folder.stamp, *read_product(folder.ids[0], folder.ids[1], raw, rel))


def _read_many(folders: list[Folder], jobs: int) -> list[Entry]:
    """Parse in worker processes when there are enough files to repay the fork (a cold build)."""
    workers = jobs or os.cpu_count() or 1
    if workers < 2 or len(folders) < 1000 or not can_fork():
        return [read_folder(f) for f in folders]
    chunks = [(i, folders[i : i + 250]) for i in range(0, len(folders), 250)]
    with fork_pool(workers) as pool:
        done = dict(finished(pool, _read_chunk, chunks, "reading the content files"))
    return [entry for _, entries in sorted(done.items()) for entry in entries]


def _read_chunk(chunk: tuple[int, list[Folder]]) -> tuple[int, list[Entry]]:
    """Keyed by position: results arrive in the order workers finish."""
    return chunk[0], [read_folder(f) for f in chunk[1]]


def load_content(tree: SourceTree, cache: ParseCache, jobs: int = 0) -> Content:
    problems: list[Problem] = list(tree.problems)
    seen: set[str] = set()
    folders = (*tree.brands, *tree.products)
    misses = [f for f in folders if (hit := cache.entries.get(f.index_rel)) is None or hit[0] != f.stamp]
    for folder, entry in zip(misses, _read_many(misses, jobs), strict=True):
        cache.put(folder.index_rel, entry)

    def read(folder: Folder) -> Brand | Product | None:
        seen.add(folder.index_rel)
        _, record, found = cache.entries[folder.index_rel]
        problems.extend(found)
        return record

    brands = [b for f in tree.brands if isinstance(b := read(f), Brand)]
    products = [p for f in tree.products if isinstance(p := read(f), Product)]
    for stale in cache.entries.keys() - seen:
        cache.drop(stale)
    return Content(tuple(brands), tuple(products), tuple(problems))

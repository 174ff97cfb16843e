"""Discovered folders → Brand and Product records, reusing unchanged files' records.

The parse cache is keyed by each index.md's (size, mtime_ns): a no-op rebuild reads and
parses no content file at all, and a one-file edit parses one file.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

from sitegen.content.discover import Folder, SourceTree
from sitegen.content.models import Brand, Product
from sitegen.content.records import read_brand, read_product
from sitegen.errors import Problem

_CACHE_VERSION = 1
Entry = tuple[tuple[int, int], Brand | Product | None, list[Problem]]


@dataclass(frozen=True, slots=True)
class Content:
    brands: tuple[Brand, ...]
    products: tuple[Product, ...]
    problems: tuple[Problem, ...]


class ParseCache:
    """rel → (stamp, record, problems) pickled in the cache folder; a bad file is ignored."""

    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict[str, Entry] = {}
        self.dirty = False
        if path is not None and path.is_file():
            try:
                version, entries = pickle.loads(path.read_bytes())
                if version == _CACHE_VERSION:
                    self.entries = entries
            except Exception:  # a corrupt or foreign cache is only a slower build
                self.entries = {}

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        from sitegen.output import atomic_write_bytes

        atomic_write_bytes(self.path, pickle.dumps((_CACHE_VERSION, self.entries), pickle.HIGHEST_PROTOCOL))


def load_content(tree: SourceTree, cache: ParseCache) -> Content:
    problems: list[Problem] = list(tree.problems)
    seen: set[str] = set()

    def read(folder: Folder) -> Brand | Product | None:
        rel = folder.index_rel
        seen.add(rel)
        hit = cache.entries.get(rel)
        if hit is not None and hit[0] == folder.stamp:
            record, found = hit[1], hit[2]
        else:
            raw = (folder.path / "index.md").read_bytes()
            if len(folder.ids) == 1:
                record, found = read_brand(folder.ids[0], raw, rel)
            else:
                record, found = read_product(folder.ids[0], folder.ids[1], raw, rel)
            cache.entries[rel] = (folder.stamp, record, found)
            cache.dirty = True
        problems.extend(found)
        return record

    brands = [b for f in tree.brands if isinstance(b := read(f), Brand)]
    products = [p for f in tree.products if isinstance(p := read(f), Product)]
    for stale in cache.entries.keys() - seen:
        del cache.entries[stale]
        cache.dirty = True
    return Content(tuple(brands), tuple(products), tuple(problems))

"""Discovered folders → Brand and Product records, reusing unchanged files' records.

The parse cache is keyed by each index.md's (size, mtime_ns): a no-op rebuild reads and
parses no content file at all, and a one-file edit parses one file. Its rows live in the
state store and are checked as they are read (`codec`): a bad row is a file read again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sitegen.content.codec import Invalid, decode_entry, encode_entry
from sitegen.content.discover import Folder, SourceTree
from sitegen.content.models import Brand, Product
from sitegen.errors import Problem
from sitegen.fsutil import can_read
from sitegen.workers import can_fork, finished, fork_pool

if TYPE_CHECKING:
    from sitegen.state import StateStore

Entry = tuple[tuple[int, int], Brand | Product | None, list[Problem]]


@dataclass(frozen=True, slots=True)
class Content:
    brands: tuple[Brand, ...]
    products: tuple[Product, ...]
    problems: tuple[Problem, ...]


class ParseCache:
    """rel → (stamp, record, problems): the state store's rows, decoded only for files that are unchanged."""

    def __init__(self, store: StateStore | None):
        self.store = store
        self.rows = store.parsed() if store is not None else {}
        self.added: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}
        self.dropped: set[str] = set()

    def get(self, folder: Folder) -> Entry | None:
        row = self.rows.get(folder.index_rel)
        # the stamp is the file's size and time; one made unreadable since is read, and reported, as on a cold cache
        if row is None or row[0] != folder.stamp or not can_read(f"{folder.path}/index.md"):
            return None
        try:
            record, problems = decode_entry(json.loads(row[1]), folder.index_rel, folder.ids)
        except (ValueError, Invalid, RecursionError):  # not what this version writes: read the file again
            return None
        return folder.stamp, record, problems

    def put(self, rel: str, entry: Entry) -> None:
        self.added[rel] = (entry[0], encode_entry(entry[1], entry[2]))

    def drop(self, rel: str) -> None:
        self.dropped.add(rel)

    def save(self) -> None:
        if self.store is not None and (self.added or self.dropped):
            self.store.save_parsed(self.added, self.dropped)
            self.added, self.dropped = {}, set()


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
    folders = (*tree.brands, *tree.products)
    entries: dict[str, Entry] = {}
    misses = []
    for folder in folders:
        hit = cache.get(folder)
        if hit is None:
            misses.append(folder)
        else:
            entries[folder.index_rel] = hit
    for folder, entry in zip(misses, _read_many(misses, jobs), strict=True):
        cache.put(folder.index_rel, entry)
        entries[folder.index_rel] = entry

    def read(folder: Folder) -> Brand | Product | None:
        _, record, found = entries[folder.index_rel]
        problems.extend(found)
        return record

    brands = [b for f in tree.brands if isinstance(b := read(f), Brand)]
    products = [p for f in tree.products if isinstance(p := read(f), Product)]
    for stale in cache.rows.keys() - entries.keys():
        cache.drop(stale)
    return Content(tuple(brands), tuple(products), tuple(problems))

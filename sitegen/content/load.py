"""Discovered folders → Brand and Product records, reusing unchanged files' records.

The cache (the engine's state store) is keyed by each index.md's (size, mtime_ns): a no-op
rebuild reads and parses no content file at all, and a one-file edit parses one file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sitegen.content.discover import Folder, SourceTree
from sitegen.content.models import Brand, Product
from sitegen.errors import Problem

Entry = tuple[tuple[int, int], Brand | Product | None, list[Problem]]


@dataclass(frozen=True, slots=True)
class Content:
    brands: tuple[Brand, ...]
    products: tuple[Product, ...]
    problems: tuple[Problem, ...]


class Cache(Protocol):
    """Where earlier reads of unchanged files are kept (the engine's state store)."""

    def get(self, folder: Folder) -> Entry | None: ...

    def put(self, rel: str, entry: Entry) -> None: ...

    def drop(self, rel: str) -> None: ...

    def known(self) -> Iterable[str]: ...


def read_folder(folder: Folder) -> Entry:
    from sitegen.content.records import read_brand, read_index, read_product  # PyYAML: only when a file changed

    rel = folder.index_rel
    raw, problems = read_index(Path(folder.path, "index.md"), rel)
    if raw is None:
        return (folder.stamp, None, problems)
    if len(folder.ids) == 1:
        return (folder.stamp, *read_brand(folder.ids[0], raw, rel))
    return (folder.stamp, *read_product(folder.ids[0], folder.ids[1], raw, rel))


def _read_many(folders: list[Folder], jobs: int) -> list[Entry]:
    """Parse in worker processes when there are enough files to repay the fork (a cold build)."""
    if len(folders) < 1000:
        return [read_folder(f) for f in folders]
    from sitegen.workers import can_fork, count, finished, fork_pool  # process pools: only for many files

    workers = count(jobs)
    if workers < 2 or not can_fork():
        return [read_folder(f) for f in folders]
    chunks = [(i, folders[i : i + 250]) for i in range(0, len(folders), 250)]
    with fork_pool(workers) as pool:
        done = dict(finished(pool, _read_chunk, chunks, "worker-died-content"))
    return [entry for _, entries in sorted(done.items()) for entry in entries]


def _read_chunk(chunk: tuple[int, list[Folder]]) -> tuple[int, list[Entry]]:
    """Keyed by position: results arrive in the order workers finish."""
    return chunk[0], [read_folder(f) for f in chunk[1]]


def load_content(tree: SourceTree, cache: Cache, jobs: int = 0) -> Content:
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
    for stale in set(cache.known()) - entries.keys():
        cache.drop(stale)
    return Content(tuple(brands), tuple(products), tuple(problems))

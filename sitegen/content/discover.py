"""Find content files and the files beside them, without reading any content.

One scandir per folder gives both the index.md stat (for the parse cache) and the names
an index.md may reference, so later checks on image references need no more I/O.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Problem
from sitegen.slug import slugify

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INDEX = "index.md"


@dataclass(frozen=True, slots=True)
class Folder:
    """A content folder: its index.md and the files editors put beside it."""

    rel: str  # 'products/<brand>/<id>'
    path: Path
    ids: tuple[str, ...]  # ('<brand>',) or ('<brand>', '<id>')
    files: frozenset[str]  # regular files here (symlinks only if they stay inside the folder)
    outside: frozenset[str]  # symlinks that point outside the folder
    stamp: tuple[int, int]  # index.md (size, mtime_ns)
    nested: bool = False  # has sub-folders (whose files an index.md may reference)

    @property
    def index_rel(self) -> str:
        return f"{self.rel}/{INDEX}"


@dataclass(frozen=True, slots=True)
class SourceTree:
    brands: tuple[Folder, ...]
    products: tuple[Folder, ...]
    problems: tuple[Problem, ...]


def discover(root: Path) -> SourceTree:
    problems: list[Problem] = []
    brands = [f for f in _folders(root, "brands", (), problems) if f]
    products: list[Folder] = []
    products_dir = root / "products"
    if products_dir.is_dir():
        for entry in _subdirs(products_dir):
            if not ID.match(entry.name):
                problems.append(_bad_id(f"products/{entry.name}", entry.name))
                continue
            products += _folders(root, f"products/{entry.name}", (entry.name,), problems)
    return SourceTree(tuple(brands), tuple(products), tuple(problems))


def _subdirs(path: Path) -> list[os.DirEntry[str]]:
    with os.scandir(path) as it:
        return sorted((e for e in it if e.is_dir() and not e.name.startswith((".", "_"))), key=lambda e: e.name)


def _folders(root: Path, rel: str, parent_ids: tuple[str, ...], problems: list[Problem]) -> list[Folder]:
    base = root / rel
    if not base.is_dir():
        return []
    found = []
    for entry in _subdirs(base):
        folder_rel = f"{rel}/{entry.name}"
        if not ID.match(entry.name):
            problems.append(_bad_id(folder_rel, entry.name))
            continue
        if entry.is_symlink() and not _inside(entry.path, root):  # a folder linked in from elsewhere
            problems.append(Problem("link-outside", folder_rel, None, {"value": entry.name}))
            continue
        folder = _scan(Path(entry.path), folder_rel, (*parent_ids, entry.name))
        if folder is None and os.path.islink(os.path.join(entry.path, INDEX)):
            problems.append(Problem("link-outside", f"{folder_rel}/{INDEX}", None, {"value": INDEX}))
        elif folder is None and (near := _near_index(entry.path)):
            problems.append(Problem("misnamed-index", f"{folder_rel}/{near}", None, {"value": near}))
        elif folder is None:
            problems.append(Problem("stray-file", folder_rel, None, severity="warning"))
        else:
            found.append(folder)
    return found


def _scan(path: Path, rel: str, ids: tuple[str, ...]) -> Folder | None:
    files: set[str] = set()
    outside: set[str] = set()
    stamp: tuple[int, int] | None = None
    real_folder: str | None = None
    nested = False
    with os.scandir(path) as it:
        for entry in it:
            if entry.is_dir(follow_symlinks=False):
                nested = True
                continue
            if entry.is_symlink():
                real_folder = real_folder or os.path.realpath(path)
                target = os.path.realpath(entry.path)
                if os.path.dirname(target) != real_folder or not os.path.isfile(target):
                    outside.add(entry.name)
                    continue
            elif not entry.is_file():
                continue
            files.add(entry.name)
            if entry.name == INDEX:
                st = entry.stat()
                stamp = (st.st_size, st.st_mtime_ns)
    if stamp is None:
        return None
    return Folder(rel, path, ids, frozenset(files), frozenset(outside), stamp, nested)


def _near_index(path: str) -> str | None:
    """A file meant to be index.md: 'Index.md', 'index.md.txt' (Windows hides the .txt), Hugo's '_index.md'."""
    with os.scandir(path) as it:
        names = sorted(e.name for e in it if e.is_file())
    for name in names:
        low = name.lower()
        if low.startswith(("index.", "_index.")) and low.endswith((".md", ".txt", ".markdown")):
            return name
    return None


def _inside(path: str, root: Path) -> bool:
    return os.path.realpath(path).startswith(os.path.realpath(root) + os.sep)


def _bad_id(rel: str, name: str) -> Problem:
    return Problem("bad-id", rel, None, {"value": name, "suggestion": slugify(name, "my-id")})

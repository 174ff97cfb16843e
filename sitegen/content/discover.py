"""Find content files and the files beside them, without reading any content.

One scandir per folder gives both the index.md stat (for the parse cache) and the names
an index.md may reference, so later checks on image references need no more I/O.

The walk is also where the folder tree meets the trust boundary: a folder that cannot be
read, and a symbolic link that leaves the catalog (whose real path is the boundary) or
leads nowhere, is reported here with its path, wherever it is in brands/ and products/
(and in themes/, whose static files are published as they are).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Problem, cannot_read
from sitegen.slug import slugify
from sitegen.untrusted import link_problem

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INDEX = "index.md"


@dataclass(frozen=True, slots=True)
class Folder:
    """A content folder: its index.md and the files editors put beside it."""

    rel: str  # 'products/<brand>/<id>'
    path: str  # a string: 20,000 pathlib objects cost more than the rest of a walk that changed nothing
    ids: tuple[str, ...]  # ('<brand>',) or ('<brand>', '<id>')
    files: frozenset[str]  # regular files here (symlinks only if they stay inside the folder)
    outside: frozenset[str]  # symlinks that point outside the folder
    stamp: tuple[int, int]  # index.md (size, mtime_ns)
    nested: bool = False  # has sub-folders (whose files an index.md may reference)
    # (name, size, mtime_ns, ctime_ns) of every file here, taken on the walk: what tells a build that
    # nothing changed without looking at any file again. Empty when a file could not be looked at.
    stats: tuple[tuple[str, int, int, int], ...] = ()

    @property
    def index_rel(self) -> str:
        return f"{self.rel}/{INDEX}"


@dataclass(frozen=True, slots=True)
class SourceTree:
    brands: tuple[Folder, ...]
    products: tuple[Folder, ...]
    problems: tuple[Problem, ...]


class _Walk:
    """One walk of a catalog's content folders, collecting the problems it meets."""

    def __init__(self, root: Path):
        self.root = root
        self.real_root = os.path.realpath(root)
        self.problems: list[Problem] = []

    def followable(self, path: str, rel: str) -> bool:
        """False (and reported) for a symbolic link that leaves the catalog or leads nowhere."""
        if not os.path.islink(path) or (code := link_problem(path, self.real_root)) is None:
            return True
        self.problems.append(Problem(code, rel, None, {"value": os.path.basename(rel)}))
        return False

    def subdirs(self, rel: str) -> list[os.DirEntry[str]] | None:
        """The followable folders in `rel` (not hidden ones), by name; None when `rel` cannot be used."""
        path = os.path.join(self.root, rel)
        if not self.followable(path, rel) or not os.path.isdir(path):
            return None
        try:
            with os.scandir(path) as it:
                entries = sorted((e for e in it if not e.name.startswith((".", "_"))), key=lambda e: e.name)
        except OSError as exc:
            self.problems.append(cannot_read(rel, exc))
            return None
        # a link first: DirEntry.is_dir() raises for a link that loops; a folder that is no link needs no look
        return [e for e in entries if (e.is_dir(follow_symlinks=False) or (e.is_symlink() and
                                       self.followable(e.path, f"{rel}/{e.name}") and e.is_dir()))]

    def folders(self, rel: str, parent_ids: tuple[str, ...], blocked: set[str]) -> list[Folder] | None:
        """The content folders in `rel`. `blocked` gets the ids of those that exist but cannot be read."""
        entries = self.subdirs(rel)
        if entries is None:
            return None
        found = []
        for entry in entries:
            folder_rel = f"{rel}/{entry.name}"
            if not ID.match(entry.name):
                self.problems.append(_bad_id(folder_rel, entry.name))
                continue
            before = len(self.problems)
            folder = self.scan(entry.path, folder_rel, (*parent_ids, entry.name))
            if folder is not None:
                found.append(folder)
            elif any(p.severity == "error" for p in self.problems[before:]):
                blocked.add(entry.name)
        return found

    def scan(self, path: str, rel: str, ids: tuple[str, ...]) -> Folder | None:
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError as exc:
            self.problems.append(cannot_read(rel, exc))
            return None
        files: set[str] = set()
        outside: set[str] = set()
        stamp: tuple[int, int] | None = None
        stats: list[tuple[str, int, int, int]] | None = []
        real_folder: str | None = None
        nested = False
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):  # most entries are plain files, known from the listing
                if entry.is_symlink():
                    if not self.followable(entry.path, f"{rel}/{entry.name}"):
                        outside.add(entry.name)
                        continue
                    real_folder = real_folder or os.path.realpath(path)
                    target = os.path.realpath(entry.path)
                    if os.path.dirname(target) != real_folder or not os.path.isfile(target):
                        outside.add(entry.name)  # inside the catalog, but not this folder's: not to be named
                        if entry.name == INDEX:  # whose is it? not this folder's
                            self.problems.append(Problem("link-outside", f"{rel}/{INDEX}", None, {"value": INDEX}))
                        continue
                elif entry.is_dir(follow_symlinks=False):
                    nested = True
                    self.walk_nested(entry.path, f"{rel}/{entry.name}")
                    continue
                elif not entry.is_file():
                    continue
            name = entry.name
            files.add(name)
            try:
                st = entry.stat()
            except OSError as exc:
                if name == INDEX:
                    self.problems.append(cannot_read(f"{rel}/{INDEX}", exc))
                    return None
                stats = None
                continue
            if stats is not None:
                stats.append((name, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
            if name == INDEX:
                stamp = (st.st_size, st.st_mtime_ns)
        if stamp is None:
            if INDEX not in outside:
                near = _near_index(files)
                self.problems.append(Problem("misnamed-index", f"{rel}/{near}", None, {"value": near}) if near
                                     else Problem("stray-file", rel, None, severity="warning"))
            return None
        return Folder(rel, path, ids, frozenset(files), frozenset(outside), stamp, nested,
                      () if stats is None else tuple(sorted(stats)))

    def walk_nested(self, path: str, rel: str) -> None:
        """A sub-folder of a content folder (photos/, say), or themes/: its links and unreadable folders, all the
        way down. Links are not followed, only checked. A loop, not recursion (os.walk recurses once per level):
        a folder nested deeper than Python's stack is only deep."""
        todo = [(path, rel)]
        while todo:
            folder, base = todo.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.problems.append(cannot_read(base, exc))
                continue
            for entry in entries:
                self.followable(entry.path, f"{base}/{entry.name}")
                if entry.is_dir(follow_symlinks=False):
                    todo.append((entry.path, f"{base}/{entry.name}"))


def discover(root: Path) -> SourceTree:
    walk = _Walk(root)
    blocked: set[str] = set()
    brands = walk.folders("brands", (), blocked)
    brand_ids = None if brands is None else {f.ids[0] for f in brands} | blocked  # None: brands/ unreadable
    products: list[Folder] = []
    for entry in walk.subdirs("products") or []:
        if not ID.match(entry.name):
            walk.problems.append(_bad_id(f"products/{entry.name}", entry.name))
            continue
        found = walk.folders(f"products/{entry.name}", (entry.name,), set()) or []
        if brand_ids is not None and entry.name not in brand_ids:  # a tree rule: brands/<id>/ has no index.md
            walk.problems += [Problem("unknown-brand", f.index_rel, 1, {"value": entry.name}) for f in found]
        products += found
    themes = os.path.join(root, "themes")  # a theme's static files are published: none may come from elsewhere
    if os.path.lexists(themes) and walk.followable(themes, "themes") and os.path.isdir(themes):
        walk.walk_nested(themes, "themes")
    return SourceTree(tuple(brands or ()), tuple(products), tuple(walk.problems))


def _near_index(names: set[str]) -> str | None:
    """A file meant to be index.md: 'Index.md', 'index.md.txt' (Windows hides the .txt), Hugo's '_index.md'."""
    for name in sorted(names):
        low = name.lower()
        if low.startswith(("index.", "_index.")) and low.endswith((".md", ".txt", ".markdown")):
            return name
    return None


def _bad_id(rel: str, name: str) -> Problem:
    return Problem("bad-id", rel, None, {"value": name, "suggestion": slugify(name, "my-id")})

"""Find content files and the files beside them, without reading any content.

One scandir per folder gives both the index.md stat (for the parse cache) and the names
an index.md may reference, so later checks on image references need no more I/O.

The walk is also where the folder tree meets the trust boundary: a folder that cannot be
read, and a symbolic link that leaves the catalog (whose real path is the boundary) or
leads nowhere, is reported here with its path, wherever it is in brands/ and products/
(and in themes/, whose static files are published as they are).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
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
class Scanned:
    """What the walk found in one content folder, to be taken as it is by a later walk that is told the
    folder did not change. A folder with a link in it (or reached through one) is never taken so: a change
    to what a link points to is reported under the target's path, not the folder's."""

    folder: Folder | None
    problems: tuple[Problem, ...]
    linked: bool


@dataclass(frozen=True, slots=True)
class Group:
    """A brand's product folders as the walk found them: a later walk told that nothing in or above the
    group changed takes it whole, without listing it."""

    folders: tuple[Folder, ...]
    problems: tuple[Problem, ...]
    children: tuple[str, ...]  # every folder looked at in it (the rels of `Scanned`)
    linked: bool


@dataclass(frozen=True, slots=True)
class SourceTree:
    brands: tuple[Folder, ...]
    products: tuple[Folder, ...]
    problems: tuple[Problem, ...]
    # by folder rel, for the next walk of a long-lived session; which folders this walk took from the last
    scanned: dict[str, Scanned] = field(default_factory=dict, compare=False, repr=False)
    groups: dict[str, Group] = field(default_factory=dict, compare=False, repr=False)
    reused: frozenset[str] = field(default=frozenset(), compare=False, repr=False)


class Changed:
    """The paths (relative to the catalog, '/'-separated) that may differ from what an earlier walk saw, as
    the live preview's watcher reports them: a file, or a folder made, moved or removed with all in it."""

    def __init__(self, paths: Iterable[str]):
        self.paths = frozenset(paths)
        self._depth = min((p.count("/") for p in self.paths), default=0)  # of the least deep path
        self._above = {p.rpartition("/")[0] for p in self.paths}  # folders that hold a changed path…
        for path in list(self._above):
            while path:  # …and the folders above those
                path = path.rpartition("/")[0]
                self._above.add(path)

    def touches(self, rel: str) -> bool:
        """Whether something in folder `rel` (at any depth), the folder itself, or a folder above it changed."""
        if rel in self.paths or rel in self._above:
            return True
        while rel and self._depth < rel.count("/"):  # most batches name files deeper than any folder asked about
            rel = rel.rpartition("/")[0]
            if rel in self.paths:
                return True
        return False


class _Walk:
    """One walk of a catalog's content folders, collecting the problems it meets. Given the last walk's
    tree and what changed since, a folder that did not change is taken from that tree without a look."""

    def __init__(self, root: Path, before: SourceTree | None = None, changed: Changed | None = None):
        self.root = root
        self.real_root = os.path.realpath(root)
        self.problems: list[Problem] = []
        self.before = before.scanned if before is not None and changed is not None else {}
        self.before_groups = before.groups if before is not None and changed is not None else {}
        self.changed = changed
        self.scanned: dict[str, Scanned] = {}
        self.groups: dict[str, Group] = {}
        self.reused: set[str] = set()
        self.links = 0  # symbolic links met so far
        self._through: dict[str, bool] = {}

    def followable(self, path: str, rel: str) -> bool:
        """False (and reported) for a symbolic link that leaves the catalog or leads nowhere."""
        if not os.path.islink(path):
            return True
        self.links += 1
        if (code := link_problem(path, self.real_root)) is None:
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
            folder = self.folder(entry, folder_rel, (*parent_ids, entry.name))
            if folder is not None:
                found.append(folder)
            elif any(p.severity == "error" for p in self.problems[before:]):
                blocked.add(entry.name)
        return found

    def through_link(self, rel: str) -> bool:
        """Whether folder `rel` or one above it (up to the catalog's) is a symbolic link."""
        found = self._through.get(rel)
        if found is None:
            up = rel.rpartition("/")[0]
            found = self._through[rel] = os.path.islink(os.path.join(self.root, rel)) or (
                bool(up) and self.through_link(up))
        return found

    def group(self, entry: os.DirEntry[str], rel: str) -> list[Folder]:
        """A brand's product folders (`rel`: 'products/<brand>'): as the last walk found them if nothing in the
        group, or above it, changed since; else listed again."""
        known = self.before_groups.get(rel)
        if (known is not None and not known.linked and self.changed is not None and not self.changed.touches(rel)
                and not entry.is_symlink() and not self.through_link("products")):
            self.problems += known.problems
            for child in known.children:
                self.scanned[child] = self.before[child]
                self.reused.add(child)
            self.groups[rel] = known
            return list(known.folders)
        before, links, first = len(self.problems), self.links, len(self.scanned)
        found = self.folders(rel, (entry.name,), set()) or []
        children = tuple(itertools.islice(self.scanned, first, None))
        linked = (self.links > links or entry.is_symlink() or self.through_link("products")
                  or any(self.scanned[child].linked for child in children))
        self.groups[rel] = Group(tuple(found), tuple(self.problems[before:]), children, linked)
        return found

    def folder(self, entry: os.DirEntry[str], rel: str, ids: tuple[str, ...]) -> Folder | None:
        """The folder as the last walk found it, if nothing in it changed since; else as it is now."""
        known = self.before.get(rel)
        if (known is not None and not known.linked and self.changed is not None and not self.changed.touches(rel)
                and not entry.is_symlink() and not self.through_link(rel.rpartition("/")[0])):
            self.problems += known.problems
            self.scanned[rel] = known
            self.reused.add(rel)
            return known.folder
        before, links = len(self.problems), self.links
        found = self.scan(entry.path, rel, ids)
        linked = self.links > links or entry.is_symlink() or self.through_link(rel.rpartition("/")[0])
        self.scanned[rel] = Scanned(found, tuple(self.problems[before:]), linked)
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


def discover(root: Path, before: SourceTree | None = None, changed: Changed | None = None) -> SourceTree:
    """Every content folder, and the problems of the tree. With the last walk's tree (`before`) and the
    paths changed since (`changed`), only the folders those paths touch are looked into again: the tree
    is the one a whole walk would find (the folders above them are listed again, which is cheap)."""
    walk = _Walk(root, before, changed)
    blocked: set[str] = set()
    brands = walk.folders("brands", (), blocked)
    brand_ids = None if brands is None else {f.ids[0] for f in brands} | blocked  # None: brands/ unreadable
    products: list[Folder] = []
    for entry in walk.subdirs("products") or []:
        if not ID.match(entry.name):
            walk.problems.append(_bad_id(f"products/{entry.name}", entry.name))
            continue
        found = walk.group(entry, f"products/{entry.name}")
        if brand_ids is not None and entry.name not in brand_ids:  # a tree rule: brands/<id>/ has no index.md
            walk.problems += [Problem("unknown-brand", f.index_rel, 1, {"value": entry.name}) for f in found]
        products += found
    themes = os.path.join(root, "themes")  # a theme's static files are published: none may come from elsewhere
    if os.path.lexists(themes) and walk.followable(themes, "themes") and os.path.isdir(themes):
        walk.walk_nested(themes, "themes")
    return SourceTree(tuple(brands or ()), tuple(products), tuple(walk.problems), walk.scanned, walk.groups,
                      frozenset(walk.reused))


def _near_index(names: set[str]) -> str | None:
    """A file meant to be index.md: 'Index.md', 'index.md.txt' (Windows hides the .txt), Hugo's '_index.md'."""
    for name in sorted(names):
        low = name.lower()
        if low.startswith(("index.", "_index.")) and low.endswith((".md", ".txt", ".markdown")):
            return name
    return None


def _bad_id(rel: str, name: str) -> Problem:
    return Problem("bad-id", rel, None, {"value": name, "suggestion": slugify(name, "my-id")})

"""What the last build wrote, so that this one can skip what did not change.

For every output file we remember the fingerprint of its inputs, its sha256 and the
(size, mtime_ns) it had on disk. A page is reused only when its fingerprint matches AND
the file in output/ is still the one we wrote (someone may have edited or deleted it).
The same record lets the live preview know which pages an edit touches.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.content.codec import Invalid, decode_problem, encode_problem
from sitegen.content.discover import Folder
from sitegen.engine.state import StateStore, Written, is_digest
from sitegen.errors import Problem
from sitegen.fsutil import real_dirs, safe_rel, sha256_file
from sitegen.output import MANIFEST
from sitegen.structure import Page

__all__ = ["BuildState", "LastBuild", "Written", "code_digest", "fingerprint", "input_stamp", "open_first",
           "sha256_file"]

LATER = "later"  # the fingerprint of a page left for the next pass: it matches no page's


def open_first(todo: list[tuple[Page, str]], state: BuildState, manifest: dict[str, dict[str, Any]] | None,
               first: Collection[str]) -> tuple[list[tuple[Page, str]], list[tuple[str, Written]]]:
    """(The pages to render now, those left as the last pass wrote them for the next.) When there are many
    to render (a theme template changed), all but those open in a browser (`first`) and those with no
    earlier file intact are left. They are kept under a fingerprint no page has, so whichever pass comes
    next (or the next `sitegen build` into this folder) renders them: Hugo's fast render mode, with no
    page left behind."""
    if len(todo) < later_from() or not state.own or manifest is None:
        return todo, []
    now: list[tuple[Page, str]] = []
    later: list[tuple[str, Written]] = []
    for page, fp in todo:
        rel = page.output
        old = state.files.get(rel)
        entry = manifest.get(rel)
        if rel in first or old is None or entry is None or entry.get("sha256") != old.sha256:
            now.append((page, fp))
        else:
            later.append((rel, old._replace(fingerprint=LATER)))
    return now, later


def later_from() -> int:
    """Pages to render from which a pass given the pages open renders those first: 256, a few seconds'
    work (an edit renders a dozen). SITEGEN_LATER_FROM changes it: the tests make small catalogs do it."""
    value = os.environ.get("SITEGEN_LATER_FROM", "")
    return int(value) if value.isdigit() and len(value) < 7 else 256


def target_key(output: Path) -> str:
    """Which output folder a record is about: builds into two folders keep two records."""
    return str(output.resolve())


@dataclass(slots=True)
class BuildState:
    store: StateStore | None
    target: str = ""
    files: dict[str, Written] = field(default_factory=dict)
    hashes: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (source, size, mtime) → sha256
    real: set[str] = field(default_factory=set)  # folders of output/ seen to be folders, not symlinks
    # `files` are what this process wrote there in its last pass, and nothing but it writes there (the live
    # preview's folder): a kept file is not looked at again
    own: bool = False

    @staticmethod
    def load(store: StateStore, output: Path) -> BuildState:
        target = target_key(output)
        return BuildState(store, target, store.outputs(target), store.hashes())

    def save(self, files: dict[str, Written], reads: dict[str, tuple[str, list[str]]]) -> None:
        """Remember `files` (the output as it is now) and what the pages rendered this time read."""
        if self.store is not None:
            changed = {rel: w for rel, w in files.items() if self.files.get(rel) != w or rel in reads}
            self.store.save_outputs(self.target, changed, self.files.keys() - files.keys(), reads)
            self.store.save_hashes(self.hashes)

    def reusable(self, rel: str, fingerprint: str, output: Path, manifest: dict[str, dict[str, Any]] | None
                 ) -> Written | None:
        """The previous file, if its inputs are the same and it is still intact in output/."""
        old = self.files.get(rel)
        if old is None or old.fingerprint != fingerprint or manifest is None:
            return None
        entry = manifest.get(rel)
        if entry is None or entry.get("sha256") != old.sha256:
            return None
        if self.own:
            return old
        try:
            st = os.lstat(f"{output}/{rel}")  # a string join: pathlib costs more than the stat here
        except OSError:
            return None
        # a regular file in real folders only: a symlink planted in output/ is never linked into the new site
        if (st.st_size, st.st_mtime_ns) != old.stamp or st.st_mode & 0o170000 != 0o100000:
            return None
        return old if real_dirs(output, rel.rpartition("/")[0], self.real) else None

    def file_sha256(self, path: Path) -> tuple[str, int]:
        """sha256 of a source file (image, asset), recomputed only when its size or mtime changed."""
        st = os.stat(path)
        key = (str(path), st.st_size, st.st_mtime_ns)
        sha = self.hashes.get(key)
        if sha is None:
            sha = sha256_file(path)
            self.hashes[key] = sha
        return sha, st.st_size


def fingerprint(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


# -- the whole build at once: when no input changed and output/ is intact, there is nothing to do


def code_digest() -> str:
    """sitegen's own code and built-in theme: an upgrade, or a developer's edit, must not be mistaken for
    'nothing changed'. The whole package: this module's own folder alone once missed an edit to render/."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in package.rglob("*") if p.suffix in {".py", ".html", ".css", ".js", ".mo"}):
        st = path.stat()
        digest.update(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()


def input_stamp(parts: tuple[object, ...], folders: Iterable[Folder]) -> str | None:
    """Everything a build reads, by name, size, mtime and ctime, as the walk found them (no file is looked
    at again). None when it cannot be known this cheaply."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16)
    for folder in folders:
        if folder.nested or len(folder.stats) != len(folder.files):
            return None  # files in sub-folders are not listed by discovery, or one could not be looked at
        # ctime too: a chmod changes nothing else, and a file made unreadable must fail this build
        digest.update(f"{folder.rel}\0{folder.stats}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class LastBuild:
    """What the last successful build read (its stamp) and wrote (every file's size and mtime)."""

    stamp: str
    outputs: tuple[tuple[str, int, int], ...]
    warnings: tuple[Problem, ...]  # to report them again
    pages: int

    @staticmethod
    def load(store: StateStore, output: Path) -> LastBuild | None:
        """The record, if it is one this version wrote (checked field by field: the cache is untrusted)."""
        data, clean = store.last_build(target_key(output))
        try:
            if type(data) is not dict or data.keys() != {"stamp", "outputs", "warnings", "pages"}:
                return None
            stamp, outputs, warnings, pages = data["stamp"], data["outputs"], data["warnings"], data["pages"]
            if not is_digest(stamp) or type(pages) is not int or type(outputs) is not list or \
                    type(warnings) is not list:
                return None
            rows = []
            for row in outputs:
                if type(row) is not list or len(row) != 3 or not (safe_rel(row[0]) or row[0] == MANIFEST) or \
                        type(row[1]) is not int or type(row[2]) is not int:
                    return None
                rows.append((row[0], row[1], row[2]))
            return LastBuild(stamp, tuple(rows), tuple(decode_problem(w, None, clean) for w in warnings), pages)
        except Invalid:
            return None

    def save(self, store: StateStore, output: Path) -> None:
        store.save_last_build(target_key(output), {
            "stamp": self.stamp, "outputs": [list(row) for row in self.outputs],
            "warnings": [encode_problem(p) for p in self.warnings], "pages": self.pages})

    def output_intact(self, output: Path) -> bool:
        for rel, size, mtime in self.outputs:
            try:
                st = os.lstat(f"{output}/{rel}")
            except OSError:
                return False
            if st.st_size != size or st.st_mtime_ns != mtime or st.st_mode & 0o170000 != 0o100000:
                return False
        return True


"""What the last build wrote, so that this one can skip what did not change.

For every output file we remember the fingerprint of its inputs, its sha256 and the
(size, mtime_ns) it had on disk. A page is reused only when its fingerprint matches AND
the file in output/ is still the one we wrote (someone may have edited or deleted it).
The same record lets the live preview know which pages an edit touches.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from sitegen.content.discover import Folder
from sitegen.output import atomic_write_bytes

_VERSION = 3


class Written(NamedTuple):  # a tuple: thousands are unpickled on every build
    fingerprint: str
    sha256: str
    size: int
    stamp: tuple[int, int]  # (size, mtime_ns) of the output file


@dataclass(slots=True)
class BuildState:
    path: Path | None
    files: dict[str, Written] = field(default_factory=dict)
    hashes: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (source, size, mtime) → sha256

    @staticmethod
    def path_for(cache_dir: Path, output: Path) -> Path:
        key = hashlib.blake2b(str(output.resolve()).encode(), digest_size=6).hexdigest()
        return cache_dir / f"build-{key}.pickle"

    @staticmethod
    def exists(cache_dir: Path, output: Path) -> bool:
        """A build wrote `output` before (its records are kept even if the build was cut short)."""
        return BuildState.path_for(cache_dir, output).is_file()

    @staticmethod
    def load(cache_dir: Path, output: Path) -> BuildState:
        path = BuildState.path_for(cache_dir, output)
        try:
            version, files, hashes = pickle.loads(path.read_bytes())
            if version == _VERSION:
                return BuildState(path, {rel: Written(*row) for rel, row in files.items()}, hashes)
        except Exception:  # missing or unreadable: a full build, nothing worse
            pass
        return BuildState(path)

    def save(self) -> None:
        if self.path is not None:
            files = {rel: tuple(w) for rel, w in self.files.items()}  # plain tuples load fastest
            atomic_write_bytes(self.path, pickle.dumps((_VERSION, files, self.hashes), pickle.HIGHEST_PROTOCOL))

    def reusable(self, rel: str, fingerprint: str, output: Path, manifest: dict[str, dict] | None) -> Written | None:
        """The previous file, if its inputs are the same and it is still intact in output/."""
        old = self.files.get(rel)
        if old is None or old.fingerprint != fingerprint or manifest is None:
            return None
        entry = manifest.get(rel)
        if entry is None or entry.get("sha256") != old.sha256:
            return None
        try:
            st = os.stat(f"{output}/{rel}")  # a string join: pathlib costs more than the stat here
        except OSError:
            return None
        return old if (st.st_size, st.st_mtime_ns) == old.stamp else None

    def file_sha256(self, path: Path) -> tuple[str, int]:
        """sha256 of a source file (image, asset), recomputed only when its size or mtime changed."""
        st = os.stat(path)
        key = (str(path), st.st_size, st.st_mtime_ns)
        sha = self.hashes.get(key)
        if sha is None:
            sha = sha256_file(path)
            self.hashes[key] = sha
        return sha, st.st_size


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


# -- the whole build at once: when no input changed and output/ is intact, there is nothing to do


def code_digest() -> str:
    """sitegen's own code: an upgrade, or a developer's edit, must not be mistaken for 'nothing changed'."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        st = path.stat()
        digest.update(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()


def input_stamp(parts: tuple[object, ...], folders: Iterable[Folder]) -> str | None:
    """Everything a build reads, by name, size and mtime. None when it cannot be known this cheaply."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16)
    for folder in folders:
        if folder.nested:
            return None  # files in sub-folders are not listed by discovery: take the full path
        digest.update(f"{folder.rel}\0".encode())
        for name in sorted(folder.files):
            try:
                st = os.stat(f"{folder.path}/{name}")
            except OSError:
                return None
            digest.update(f"{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class LastBuild:
    """What the last successful build read (its stamp) and wrote (every file's size and mtime)."""

    stamp: str
    outputs: tuple[tuple[str, int, int], ...]
    warnings: tuple[tuple, ...]  # Problem fields, to report them again
    pages: int

    @staticmethod
    def path(cache_dir: Path, output: Path) -> Path:
        key = hashlib.blake2b(str(output.resolve()).encode(), digest_size=6).hexdigest()
        return cache_dir / f"last-build-{key}.pickle"

    @staticmethod
    def load(cache_dir: Path, output: Path) -> LastBuild | None:
        try:
            last = pickle.loads(LastBuild.path(cache_dir, output).read_bytes())
            return last if isinstance(last, LastBuild) else None
        except Exception:  # missing or unreadable: build normally
            return None

    def save(self, cache_dir: Path, output: Path) -> None:
        atomic_write_bytes(LastBuild.path(cache_dir, output), pickle.dumps(self, pickle.HIGHEST_PROTOCOL))

    def output_intact(self, output: Path) -> bool:
        for rel, size, mtime in self.outputs:
            try:
                st = os.stat(f"{output}/{rel}")
            except OSError:
                return False
            if st.st_size != size or st.st_mtime_ns != mtime:
                return False
        return True

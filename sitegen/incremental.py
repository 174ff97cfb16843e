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
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.output import atomic_write_bytes

_VERSION = 2


@dataclass(frozen=True)  # no slots: thousands are unpickled on every build
class Written:
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
    def load(cache_dir: Path, output: Path) -> BuildState:
        key = hashlib.blake2b(str(output.resolve()).encode(), digest_size=6).hexdigest()
        path = cache_dir / f"build-{key}.pickle"
        try:
            version, files, hashes = pickle.loads(path.read_bytes())
            if version == _VERSION:
                return BuildState(path, files, hashes)
        except Exception:  # missing or unreadable: a full build, nothing worse
            pass
        return BuildState(path)

    def save(self) -> None:
        if self.path is not None:
            atomic_write_bytes(self.path, pickle.dumps((_VERSION, self.files, self.hashes), pickle.HIGHEST_PROTOCOL))

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

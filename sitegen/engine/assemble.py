"""Assemble: the new output/ as a map of files, each placed from where its bytes are now.

Pages were rendered into the staging area; the feeds, the sitemap and robots.txt are small and written there;
theme assets and photos come from the theme folder and the image cache. A file whose bytes the last
build already put in output/ (and that is still intact there) is kept as it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sitegen.config import SiteConfig
from sitegen.engine.previous import BuildState, Written
from sitegen.output import OutFile
from sitegen.render.seo import icon_svg, robots, web_manifest
from sitegen.structure import Page

Manifest = dict[str, dict[str, Any]]


class Assembly:
    """The files of the new output/ (`files`) and what the state store will remember of each (`written`)."""

    def __init__(self, state: BuildState, output: Path, manifest: Manifest | None, staging: Path):
        self.state = state
        self.output = output
        self.manifest = manifest
        self.staging = staging
        self.files: dict[str, OutFile] = {}
        self.written: dict[str, Written] = {}

    def keep(self, rel: str, old: Written) -> None:
        """A page the last build wrote that shows exactly the same now."""
        self.files[rel] = OutFile(rel, old.sha256, old.size)
        self.written[rel] = old

    def rendered(self, rel: str, fingerprint: str, sha: str, size: int) -> None:
        self.files[rel] = OutFile(rel, sha, size, staged=self.staging / rel)
        self.written[rel] = Written(fingerprint, sha, size, (0, 0))

    def small(self, rel: str, data: bytes) -> None:
        """A file made here (sitemap.xml, robots.txt): written to staging only if it changed."""
        sha = hashlib.sha256(data).hexdigest()
        if not self.kept(rel, sha):
            self._stage(rel, sha, data, sha)

    def kept(self, rel: str, fingerprint: str) -> bool:
        """Whether the file the last build wrote at `rel` from inputs whose digest is `fingerprint` (a QR code, of
        its text) is intact, and so kept; else the caller makes it (`made`)."""
        old = self.state.reusable(rel, fingerprint, self.output, self.manifest)
        if old is not None:
            self.keep(rel, old)
        return old is not None

    def made(self, rel: str, fingerprint: str, data: bytes) -> None:
        self._stage(rel, fingerprint, data, hashlib.sha256(data).hexdigest())

    def _stage(self, rel: str, fingerprint: str, data: bytes, sha: str) -> None:
        path = self.staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.rendered(rel, fingerprint, sha, len(data))

    def source(self, rel: str, source: Path, link: bool) -> None:
        """A file copied or linked from elsewhere (a theme asset, a photo from the image cache)."""
        sha, size = self.state.file_sha256(source)
        old = self.state.reusable(rel, sha, self.output, self.manifest)
        if old is not None:
            self.keep(rel, old)
        else:
            self.files[rel] = OutFile(rel, sha, size, source=source, link=link)
            self.written[rel] = Written(sha, sha, size, (0, 0))

    def changes(self) -> int:
        return sum(1 for f in self.files.values() if f.staged or f.source)

    def needs_commit(self) -> bool:
        return bool(self.changes()) or self.manifest is None or self.manifest.keys() != self.files.keys()

    def stamp(self, stat: Any) -> None:
        """After the commit: the size and mtime of each file placed, so the next build can tell it is intact."""
        for rel, f in self.files.items():
            if f.staged or f.source:
                st = stat(self.output / rel)
                self.written[rel] = Written(self.written[rel].fingerprint, f.sha256, f.size,
                                            (st.st_size, st.st_mtime_ns))


def extras(config: SiteConfig, pages: Iterable[Page]) -> dict[str, bytes]:
    """robots.txt, pointing at the sitemap (which render/feeds.py makes, with the products' photos); the site's
    icon and its web app manifest."""
    return {"robots.txt": robots(config.url("/sitemap.xml")).encode(), "favicon.svg": icon_svg(config.title).encode(),
            "manifest.webmanifest": web_manifest(config).encode()}

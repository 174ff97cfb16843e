"""Reading the build manifest, the contract between `sitegen build` and `sitegen publish`.

A successful build writes `output/.sitegen-manifest.json` as its last step and a failed
build never touches output/, so a readable manifest means "this is a finished build".
Publish trusts its hashes instead of re-hashing thousands of images, and checks only what
is cheap: every listed file exists with the listed size.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import os_reason
from sitegen.fsutil import safe_rel
from sitegen.output import MANIFEST, parse_manifest
from sitegen.publish.errors import PublishError, examples

MANIFEST_NAME = MANIFEST


@dataclass(frozen=True, slots=True)
class ManifestFile:
    path: str  # posix, relative to output/
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Manifest:
    generator: str
    files: tuple[ManifestFile, ...]  # sorted by path
    drafts: bool = False  # built with --drafts, and products marked draft: true are in it


def read_manifest(output_dir: Path, verify: bool = True) -> Manifest:
    """The manifest of `output_dir`, or a PublishError saying why this is not a publishable build."""
    if not output_dir.is_dir():
        raise PublishError("no-output", path=str(output_dir))
    manifest_path = output_dir / MANIFEST_NAME
    if not manifest_path.is_file():
        if not any(output_dir.iterdir()):
            raise PublishError("empty-output", path=str(output_dir))
        raise PublishError("no-manifest", path=str(output_dir))
    try:
        data = json.loads(manifest_path.read_bytes())
        manifest = _parse(data)
    except (OSError, ValueError, RecursionError) as exc:  # RecursionError: nested deeper than the stack
        raise PublishError("bad-manifest", path=str(manifest_path), problem=str(exc)) from None
    if not manifest.files:
        raise PublishError("empty-output", path=str(output_dir))
    if verify:
        verify_files(output_dir, manifest)
    return manifest


def _parse(data: object) -> Manifest:
    generator, files, drafts = parse_manifest(data)
    entries = sorted((ManifestFile(path, entry["sha256"], entry["size"]) for path, entry in files.items()),
                     key=lambda f: f.path)
    return Manifest(generator, tuple(entries), drafts)


def valid_path(path: object) -> bool:
    """A posix relative path that stays inside output/ and is not the manifest itself."""
    return safe_rel(path) and path != MANIFEST_NAME


def verify_files(output_dir: Path, manifest: Manifest) -> None:
    """Every listed file is there with its size (a stat each, no hashing)."""
    bad = []
    for entry in manifest.files:
        try:
            if os.stat(output_dir / entry.path).st_size != entry.size:
                bad.append(entry.path)
        except OSError:
            bad.append(entry.path)
    if bad:
        raise PublishError("manifest-mismatch", count=len(bad), examples=examples(bad))


def read_built(path: Path, rel: str, sha256: str) -> bytes:
    """A built file's bytes, checked against the manifest: a file edited after the build would be
    stored under a hash that lies about it, so it stops the publish instead."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PublishError("read-failed", path=str(path), detail=os_reason(exc)) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise PublishError("manifest-mismatch", count=1, examples=rel)
    return data

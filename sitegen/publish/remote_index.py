"""The small index object that makes a no-change publish cost a listing and one GET.

ListObjectsV2 returns sizes and ETags but not the `x-amz-meta-sha256` metadata, and a
HeadObject per file would cost 10,000 requests for 10,000 files. So each publish ends by
writing `<prefix>.sitegen-index.json` (path → hash, size, ETag). The next publish trusts an
entry only when the listing shows that path with the same size and ETag; anything else
(a publish interrupted before it wrote the index, a file replaced by another tool) is
asked for with HeadObject. That is what makes an interrupted publish converge: what
arrived carries its hash in its own metadata and is not uploaded again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sitegen.publish.plan import LocalObject, RemoteObject, plain_path

INDEX_NAME = ".sitegen-index.json"
INDEX_VERSION = 1


@dataclass(frozen=True, slots=True)
class Stored:
    """What a write reported back: the stored size and ETag."""

    size: int
    etag: str


def parse_index(data: bytes | None) -> dict[str, RemoteObject]:
    """Entries of a stored index. An unreadable index is treated as absent: HEADs cover it."""
    if not data:
        return {}
    try:
        raw = json.loads(data)
        if raw.get("version") != INDEX_VERSION:
            return {}
        out = {}
        for path, entry in raw["objects"].items():
            if not plain_path(path):
                continue  # the index names paths, it never adds one: only what the listing holds is acted on
            out[path] = RemoteObject(path, int(entry["size"]), str(entry.get("etag", "")),
                                     str(entry["digest"]), str(entry["sha256"]))
        return out
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        return {}  # OverflowError: a size of 1e999; RecursionError: nested deeper than the stack


def dump_index(entries: Iterable[RemoteObject]) -> bytes:
    """Deterministic bytes, so an unchanged site writes an identical index (and then skips it)."""
    objects = {e.path: {"digest": e.digest, "sha256": e.sha256, "size": e.size, "etag": e.etag}
               for e in sorted(entries, key=lambda e: e.path)}
    return json.dumps({"version": INDEX_VERSION, "objects": objects}, sort_keys=True,
                      separators=(",", ":")).encode()


def normalize_etag(etag: str | None) -> str:
    return (etag or "").strip().strip('"').lower()


def reconcile(
    listing: Mapping[str, RemoteObject], index: Mapping[str, RemoteObject], wanted: Iterable[str]
) -> tuple[dict[str, RemoteObject], list[str]]:
    """Fill the listing's hashes from the index where the index still describes the object.

    Returns the listing with known hashes, and the wanted paths (those also built locally)
    whose hash is still unknown and must be asked for one by one.
    """
    known = dict(listing)
    for path, listed in listing.items():
        entry = index.get(path)
        if entry is None or entry.size != listed.size:
            continue
        if listed.etag and entry.etag and normalize_etag(listed.etag) != normalize_etag(entry.etag):
            continue
        known[path] = RemoteObject(path, listed.size, listed.etag, entry.digest, entry.sha256)
    missing = sorted(p for p in wanted if p in known and not known[p].digest)
    return known, missing


def next_index(
    local: Iterable[LocalObject], remote: Mapping[str, RemoteObject], stored: Mapping[str, Stored]
) -> list[RemoteObject]:
    """The index after a successful publish: every local file, from its upload or its remote copy."""
    out = []
    for obj in local:
        if obj.path in stored:
            result = stored[obj.path]
            out.append(RemoteObject(obj.path, result.size, normalize_etag(result.etag), obj.digest, obj.sha256))
        else:
            before = remote[obj.path]
            out.append(RemoteObject(obj.path, before.size, normalize_etag(before.etag), obj.digest, obj.sha256))
    return out

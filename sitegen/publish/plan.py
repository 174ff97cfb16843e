"""What a publish will do: a pure diff of the built files against what the target holds.

No I/O here, so every rule (what counts as changed, the upload order, the delete limit) is
tested with plain records. The order is what keeps a shopper from seeing a broken page while
a publish runs: a page goes up only after everything it references, and nothing is deleted
until every upload has arrived.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from sitegen.publish.errors import PublishError, examples
from sitegen.publish.headers import HeaderRules, ObjectHeaders, object_digest
from sitegen.publish.manifest import Manifest, valid_path

Reason = Literal["new", "changed", "headers changed"]
REASONS: tuple[Reason, ...] = ("new", "changed", "headers changed")
# Upload phases in order; each finishes completely before the next starts.
PHASES = ("assets", "other", "html", "feeds")
_FEED_SUFFIXES = {".xml", ".rss", ".atom"}
_FEED_NAMES = {"feed.json", "products.json"}


@dataclass(frozen=True, slots=True)
class LocalObject:
    """A built file as it will be stored: its path under the prefix, bytes hash and headers."""

    path: str
    size: int
    sha256: str  # of the bytes, from the build manifest
    headers: ObjectHeaders
    digest: str  # of bytes + headers: equal digests mean nothing to upload


@dataclass(frozen=True, slots=True)
class RemoteObject:
    """What the target holds under one path. Empty digest/sha256: not known (no metadata)."""

    path: str
    size: int
    etag: str = ""
    digest: str = ""
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class Upload:
    path: str
    reason: Reason
    phase: str
    size: int


@dataclass(frozen=True, slots=True)
class Plan:
    uploads: tuple[Upload, ...]  # in upload order: by phase, then by path
    deletes: tuple[str, ...]  # sorted
    unchanged: tuple[str, ...]  # sorted

    def phases(self) -> list[tuple[str, list[Upload]]]:
        """The uploads grouped by phase, in order, leaving out empty phases."""
        groups: dict[str, list[Upload]] = {phase: [] for phase in PHASES}
        for upload in self.uploads:
            groups[upload.phase].append(upload)
        return [(phase, items) for phase, items in groups.items() if items]

    @property
    def upload_bytes(self) -> int:
        return sum(u.size for u in self.uploads)

    def counts(self) -> dict[str, int]:
        reasons = Counter(u.reason for u in self.uploads)
        return {"upload": len(self.uploads), **{r: reasons.get(r, 0) for r in REASONS},
                "delete": len(self.deletes), "unchanged": len(self.unchanged)}

    def by_reason(self) -> dict[str, list[str]]:
        """Paths per kind of change, for the dry-run listing."""
        out: dict[str, list[str]] = {r: [] for r in REASONS}
        for upload in self.uploads:
            out[upload.reason].append(upload.path)
        out["delete"] = list(self.deletes)
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts(),
            "upload_bytes": self.upload_bytes,
            "uploads": [{"path": u.path, "reason": u.reason, "phase": u.phase, "size": u.size}
                        for u in self.uploads],
            "deletes": list(self.deletes),
        }


def plain_path(path: str) -> bool:
    """A name publish may act on in a target: a relative '/'-separated path with no empty, '.' or '..' part,
    no backslash and no control character, as every build writes. A bucket or folder may hold others
    ('../x', 'a//b', 'tea/..', a newline): publish never wrote them, and one read with its '..' resolved (a
    proxy in front of the service, a folder path) is another key, or the bucket itself. They are left alone."""
    return valid_path(path)


def local_objects(manifest: Manifest, rules: HeaderRules) -> tuple[LocalObject, ...]:
    out = []
    for entry in manifest.files:
        headers = rules.headers_for(entry.path)
        out.append(LocalObject(entry.path, entry.size, entry.sha256, headers,
                               object_digest(entry.sha256, headers)))
    return tuple(out)


def phase_of(path: str) -> str:
    """Assets and images first (pages reference them), then other files, then pages, then the
    sitemap and feeds (they announce pages, so they go up only when the pages exist)."""
    if path.startswith(("assets/", "img/")):
        return "assets"
    pure = PurePosixPath(path)
    if pure.suffix.lower() in _FEED_SUFFIXES or pure.name in _FEED_NAMES:
        return "feeds"
    if pure.suffix.lower() in (".html", ".htm"):
        return "html"
    return "other"


def reason_for(local: LocalObject, remote: RemoteObject | None) -> Reason | None:
    """Why `local` must be uploaded over `remote`, or None when the target already has it."""
    if remote is None:
        return "new"
    if remote.digest and remote.digest == local.digest:
        return None
    if remote.sha256 and remote.sha256 == local.sha256:
        return "headers changed"
    return "changed"


def make_plan(local: Sequence[LocalObject], remote: Mapping[str, RemoteObject], delete: bool = True) -> Plan:
    """Compare by hash only: sizes and dates say nothing about a rebuilt file with the same bytes."""
    uploads = []
    unchanged = []
    for obj in local:
        reason = reason_for(obj, remote.get(obj.path))
        if reason is None:
            unchanged.append(obj.path)
        else:
            uploads.append(Upload(obj.path, reason, phase_of(obj.path), obj.size))
    uploads.sort(key=lambda u: (PHASES.index(u.phase), u.path))
    local_paths = {obj.path for obj in local}
    deletes = sorted(path for path in remote if path not in local_paths and plain_path(path)) if delete else []
    return Plan(tuple(uploads), tuple(deletes), tuple(sorted(unchanged)))


def check_deletes(plan: Plan, max_deletes: int, force: bool) -> None:
    """Refuse a publish that would empty much of the site: usually a wrong --prefix or output/."""
    if not force and len(plan.deletes) > max_deletes:
        raise PublishError("too-many-deletes", count=len(plan.deletes), limit=max_deletes,
                           examples=examples(plan.deletes))


def first(paths: Iterable[str], limit: int) -> tuple[list[str], int]:
    """The first `limit` paths and how many more there are."""
    paths = list(paths)
    return paths[:limit], max(0, len(paths) - limit)

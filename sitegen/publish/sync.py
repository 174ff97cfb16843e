"""Carrying out a plan against a store (a bucket or a folder), in the order that keeps the site whole.

The stores (`s3.py`, `local.py`) know how to list, read, write and delete one thing; this
module decides when: read what the target holds, plan, upload phase by phase with a
thread pool (a phase starts only when the previous one has fully arrived), delete only
after every upload succeeded, and write the remote index last, so that an interrupted
run leaves the previous index and the next run re-checks exactly what changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sitegen.publish.errors import EXIT_INTERRUPTED, PublishError
from sitegen.publish.plan import LocalObject, Plan, RemoteObject, check_deletes, make_plan
from sitegen.publish.remote_index import Stored, dump_index, next_index, parse_index, reconcile

Progress = Callable[[int, int, int, int], None]  # files done, files total, bytes done, bytes total
_MIDWAY = {"unreachable": "unreachable-midway", "timed-out": "timed-out-midway"}


class Store(Protocol):
    """One publish target. Paths are relative to the target's prefix or folder."""

    def describe(self) -> str: ...

    def list(self) -> dict[str, RemoteObject]:
        """Everything under the prefix except the index, with sizes and ETags (no hashes)."""
        ...

    def read_index(self) -> bytes | None: ...

    def head(self, path: str) -> RemoteObject | None:
        """One object with its stored hashes, or None if it vanished."""
        ...

    def put(self, obj: LocalObject, source: Path) -> Stored: ...

    def delete(self, paths: Sequence[str]) -> None: ...

    def write_index(self, data: bytes) -> None: ...

    def request_counts(self) -> dict[str, int]: ...


@dataclass
class Survey:
    """What the target holds, with hashes filled in, and how much asking that took."""

    remote: dict[str, RemoteObject]
    index_bytes: bytes | None
    heads: int


@dataclass
class Outcome:
    plan: Plan
    stored: dict[str, Stored] = field(default_factory=dict)
    deleted: int = 0
    index_written: bool = False
    heads: int = 0
    seconds: float = 0.0
    requests: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"uploaded": len(self.stored), "uploaded_bytes": sum(s.size for s in self.stored.values()),
                "deleted": self.deleted, "unchanged": len(self.plan.unchanged),
                "index_written": self.index_written, "heads": self.heads,
                "seconds": round(self.seconds, 3), "requests": self.requests}


def survey(store: Store, local: Sequence[LocalObject], pool: ThreadPoolExecutor) -> Survey:
    """List, read the index, and HEAD only the built paths the index no longer vouches for."""
    listing = store.list()
    index_bytes = store.read_index()
    known, missing = reconcile(listing, parse_index(index_bytes), (o.path for o in local))
    for path, head in zip(missing, pool.map(store.head, missing), strict=True):
        if head is None:
            known.pop(path, None)
        else:
            known[path] = head
    return Survey(known, index_bytes, len(missing))


def plan_publish(
    store: Store, local: Sequence[LocalObject], pool: ThreadPoolExecutor, delete: bool
) -> tuple[Plan, Survey]:
    found = survey(store, local, pool)
    return make_plan(local, found.remote, delete=delete), found


def upload_all(
    plan: Plan, local: Mapping[str, LocalObject], store: Store, output_dir: Path,
    pool: ThreadPoolExecutor, progress: Progress,
) -> dict[str, Stored]:
    """Upload phase by phase, reporting each file as it arrives. The first failure stops everything
    not yet started; uploads already in flight are let finish, so the count in the message is honest."""
    stored: dict[str, Stored] = {}
    total, total_bytes = len(plan.uploads), plan.upload_bytes
    done_bytes = 0
    progress(0, total, 0, total_bytes)
    for _phase, uploads in plan.phases():
        futures: dict[Future[Stored], str] = {
            pool.submit(store.put, local[u.path], output_dir / u.path): u.path for u in uploads}
        seen: set[Future[Stored]] = set()
        try:
            for future in as_completed(futures):  # not wait() in a loop: that is quadratic in the files
                seen.add(future)
                failure = future.exception()
                if failure is not None:
                    raise failure
                path = futures[future]
                stored[path] = future.result()
                done_bytes += local[path].size
                progress(len(stored), total, done_bytes, total_bytes)
        except KeyboardInterrupt:
            _settle(futures.keys() - seen, futures, stored)
            raise PublishError("interrupted", EXIT_INTERRUPTED, done=len(stored), total=total) from None
        except PublishError as exc:
            _settle(futures.keys() - seen, futures, stored)
            if exc.code in _MIDWAY:  # the endpoint went away: say how far the publish got
                params = {**exc.params, "done": len(stored), "total": total}
                raise PublishError(_MIDWAY[exc.code], **params) from None
            raise
    return stored


def _settle(pending: set[Future[Stored]], futures: Mapping[Future[Stored], str], stored: dict[str, Stored]) -> None:
    """Cancel what has not started, wait for what is in flight, and count what arrived."""
    for future in pending:
        future.cancel()
    wait(pending)
    stored.update({futures[f]: f.result() for f in pending if not f.cancelled() and f.exception() is None})


def execute(
    store: Store, local: Sequence[LocalObject], output_dir: Path, *, workers: int, delete: bool,
    max_deletes: int, force: bool, progress: Progress,
) -> Outcome:
    """The whole publish: survey, plan, check the delete limit, upload, delete, write the index."""
    started = time.perf_counter()
    by_path = {o.path: o for o in local}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="publish") as pool:
        plan, found = plan_publish(store, local, pool, delete)
        check_deletes(plan, max_deletes, force)
        stored = upload_all(plan, by_path, store, output_dir, pool, progress)
    if plan.deletes:
        store.delete(plan.deletes)
    index = dump_index(next_index(local, found.remote, stored))
    written = index != found.index_bytes
    if written:
        store.write_index(index)
    return Outcome(plan, stored, len(plan.deletes), written, found.heads, time.perf_counter() - started,
                   store.request_counts())


def dry_run(store: Store, local: Sequence[LocalObject], *, workers: int, delete: bool) -> Outcome:
    """The plan and the cost of finding it; nothing is written."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="publish") as pool:
        plan, found = plan_publish(store, local, pool, delete)
    return Outcome(plan, heads=found.heads, seconds=time.perf_counter() - started,
                   requests=store.request_counts())

"""The image stage: requested photos → responsive variants in the content-addressed cache.

    results, problems = process_images(requests, settings, cache_dir, jobs)

For each source the stage first asks the cache (via the stat index, without reading the
photo); only the misses go to a process pool, largest files first, one photo per worker at
a time. The build then links each `ProcessedImage.files` entry into output/.
"""

from __future__ import annotations

import functools
import multiprocessing
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from sitegen.errors import Problem
from sitegen.fsutil import can_read
from sitegen.images import worker
from sitegen.images.cache import (
    Layout,
    SourceIndex,
    StatKey,
    image_key,
    leftover_temps,
    read_meta,
    source_digest,
    stat_key,
)
from sitegen.images.check import check_images
from sitegen.images.model import ImageRequest, ProcessedImage, Variant
from sitegen.images.settings import ImageSettings
from sitegen.workers import WorkerDied, count, finished
from sitegen.workers import pool as workers_pool

__all__ = ["RunStats", "check_images", "last_run", "process_images"]

URL_PREFIX = "img/"  # output-relative folder of every published variant
SMALL_FILE = 512 * 1024  # hashed in the parent process, where a twin or a cache hit saves a worker


@dataclass(slots=True)
class RunStats:
    """What the last run did, for tests ("a warm build decodes nothing") and the benchmark."""

    sources: int = 0
    cached: int = 0  # found complete without reading the photo
    read: int = 0  # photos read and hashed
    decoded: int = 0  # photos decoded (each at most once)
    workers: int = 0  # pool size, 0 when run in-process
    seconds: float = 0.0


_last = RunStats()


def last_run() -> RunStats:
    return _last


Progress = Callable[[int, int], None]


def process_images(
    requests: Iterable[ImageRequest], settings: ImageSettings, cache_dir: Path, jobs: int = 0,
    progress: Progress | None = None, meanwhile: Callable[[], None] | None = None,
) -> tuple[dict[str, ProcessedImage], list[Problem]]:
    """Every requested image, processed or found in the cache; a Problem for each bad one.

    `progress(done, total)` is called as each photo that needed work is finished: on a cold build
    this stage is most of the time, and an editor should see it move. `meanwhile()` is called in
    this process once the pool is at work (and not at all when no pool is needed), so that the
    rest of the build does its own reading instead of waiting idle for the photos.

    Brand logos are drawn a few rem wide, so they get the small logo widths instead of the photo
    widths (a file used both as a logo and as something else keeps the photo widths).
    """
    global _last
    requests = list(requests)
    others = {r.rel for r in requests if r.role != "logo"}
    logos = [r for r in requests if r.role == "logo" and r.rel not in others]
    if not logos:
        return _process(requests, settings, cache_dir, jobs, progress, meanwhile)
    done, problems = _process([r for r in requests if r.rel in others], settings, cache_dir, jobs, progress,
                              meanwhile)
    first = _last
    small, more = _process(logos, settings.for_logos(), cache_dir, jobs)
    _last = RunStats(first.sources + _last.sources, first.cached + _last.cached, first.read + _last.read,
                     first.decoded + _last.decoded, max(first.workers, _last.workers),
                     first.seconds + _last.seconds)
    return done | small, sorted(problems + more, key=lambda p: (p.path, p.code))


def cached(requests: Iterable[ImageRequest], settings: ImageSettings, cache_dir: Path) -> set[Path]:
    """The photos a build would take from the cache without decoding them (their bytes are those of a
    complete cache entry). `sitegen check` decodes the others, as the build will, so that what check
    passes, the build builds."""
    layout = Layout(Path(cache_dir))
    index = SourceIndex(layout)
    found = set()
    for request in requests:
        fingerprint = (settings.for_logos() if request.role == "logo" else settings).fingerprint()
        stat = stat_key(request.source)
        digest = index.lookup(request.source, stat)
        if digest is None:
            try:
                digest = source_digest(request.source.read_bytes())
            except OSError:
                continue
        if read_meta(layout, image_key(digest, fingerprint)) is not None and can_read(request.source):
            found.add(request.source)
    return found


def _process(
    requests: Iterable[ImageRequest], settings: ImageSettings, cache_dir: Path, jobs: int = 0,
    progress: Progress | None = None, meanwhile: Callable[[], None] | None = None,
) -> tuple[dict[str, ProcessedImage], list[Problem]]:
    global _last
    started = time.perf_counter()
    stats = RunStats()
    by_source: dict[Path, list[ImageRequest]] = {}
    seen: set[str] = set()
    for request in requests:
        if request.rel not in seen:
            seen.add(request.rel)
            by_source.setdefault(request.source, []).append(request)
    stats.sources = len(by_source)

    layout = Layout(Path(cache_dir))
    layout.repair()  # before anything is read from it or written into it
    index = SourceIndex(layout)
    fingerprint = settings.fingerprint()
    records: dict[Path, dict[str, Any]] = {}
    stats_of: dict[Path, StatKey | None] = {}
    metas: dict[str, dict[str, Any] | None] = {}  # the same photo copied into several folders: read once

    def meta(digest: str) -> dict[str, Any] | None:
        key = image_key(digest, fingerprint)
        if key not in metas:
            metas[key] = read_meta(layout, key)
        return metas[key]

    for source in by_source:
        stats_of[source] = stat_key(source)
        digest = index.lookup(source, stats_of[source])
        record = meta(digest) if digest else None
        if record is not None and can_read(source):  # else a worker says why it cannot be read, as check does
            records[source] = record
    stats.cached = len(records)

    # Small files (logos, screenshots, the same picture in many folders) are hashed here: a hit or a
    # twin needs no worker at all. Big photos are hashed by the worker that decodes them (one read).
    twins: dict[Path, list[Path]] = {}
    first_of: dict[str, Path] = {}
    by_stat: dict[StatKey, str] = {}  # hard links of one file (same inode, size and mtime): hash once
    for source in [s for s in by_source if s not in records]:
        stat = stats_of[source]
        if stat is None or stat[0] > SMALL_FILE:
            continue
        digest = by_stat.get(stat)
        if digest is None:
            try:
                digest = by_stat[stat] = source_digest(source.read_bytes())
            except OSError:
                continue  # the worker reports it in plain words
        index.remember(source, stats_of[source], digest)
        if (record := meta(digest)) is not None:
            records[source] = record
        elif digest in first_of:
            twins.setdefault(first_of[digest], []).append(source)
        else:
            first_of[digest] = source
    waiting = {twin for group in twins.values() for twin in group}

    pending = sorted((s for s in by_source if s not in records and s not in waiting),
                     key=lambda s: -(stats_of[s] or (0,))[0])  # big files first: no long tail
    outcomes, stats.workers = _run([worker.Job(s, settings, layout.root) for s in pending], jobs, progress,
                                   meanwhile)
    outcomes = [copy for out in outcomes for copy in (out, *(_twin(out, t) for t in twins.get(out.source, ())))]

    problems: list[Problem] = []
    cache_error = None
    for out in outcomes:
        stats.read += out.digest is not None
        stats.decoded += out.decoded
        reqs = by_source[out.source]
        for code, text in out.warnings:
            problems += [Problem(code, r.rel, None, {"value": r.source.name, "problem": text}, "warning")
                         for r in reqs]
        if out.bad is not None:
            problems += [Problem("bad-image", r.rel, None, {"value": r.source.name, "problem": out.bad})
                         for r in reqs]
        elif out.cache_error is not None:
            cache_error = out.cache_error
        elif out.record is not None and out.digest is not None:
            records[out.source] = out.record
            index.remember(out.source, stats_of[out.source], out.digest)
    try:
        index.save()
    except OSError as exc:
        cache_error = cache_error or (exc.strerror or str(exc))
    if cache_error is not None:
        problems.append(Problem("image-cache", str(layout.root), None,
                                {"value": str(layout.root), "problem": cache_error}))

    made: dict[tuple[int, str], ProcessedImage] = {}
    done = {}
    for source, reqs in by_source.items():
        if source in records:
            for r in reqs:
                memo = (id(records[source]), readable_stem(r.rel))
                if memo not in made:
                    made[memo] = _processed(r.rel, records[source], layout)
                done[r.rel] = replace(made[memo], rel=r.rel)
    stats.seconds = time.perf_counter() - started
    _last = stats
    return done, sorted(problems, key=lambda p: (p.path, p.code))


def _twin(out: worker.Outcome, source: Path) -> worker.Outcome:
    """A byte-identical copy of a processed source gets the same result."""
    return worker.Outcome(source, out.digest, out.key, out.record, False, out.bad, out.cache_error,
                          list(out.warnings))


def _run(jobs: list[worker.Job], workers: int, progress: Progress | None = None,
         meanwhile: Callable[[], None] | None = None) -> tuple[list[worker.Outcome], int]:
    """In a process pool across all cores; in-process when there is only one photo to make."""
    n = min(count(workers), len(jobs))
    tell = progress or (lambda done, total: None)
    if n <= 1:
        outcomes = []
        for job in jobs:
            outcomes.append(worker.run(job))
            tell(len(outcomes), len(jobs))
        return outcomes, 0
    try:
        with workers_pool(n, _context()) as pool:  # one photo per task: big ones first
            outcomes = []
            for out in finished(pool, worker.run, jobs, "worker-died-photos", meanwhile):
                outcomes.append(out)
                tell(len(outcomes), len(jobs))
            return outcomes, n
    except WorkerDied:
        # When one worker dies the pool ends the others at once (SIGTERM), perhaps mid-write: now that every
        # one is gone, their half-written temp files go too (what they finished is whole, and kept)
        for root in {job.cache_root for job in jobs}:
            for leftover in list(leftover_temps(root)):
                leftover.unlink(missing_ok=True)
        raise


def _context() -> multiprocessing.context.BaseContext:
    """fork while the build is single-threaded: workers start at once, sharing loaded modules.

    With threads alive (serve's watcher) fork may copy a held lock, so use forkserver then
    (like spawn it re-imports the main module: scripts need the `if __name__` guard).
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["sitegen.images.worker"])
        return ctx
    return multiprocessing.get_context("spawn")


def readable_stem(rel: str) -> str:
    """'products/b/p/Cover Photo.JPG' → 'cover-photo-': image search reads file names, editors too.

    ASCII only (a Chinese name just gets the hash); the hash after it keeps the name immutable.
    """
    return _stem_of(rel.rsplit("/", 1)[-1])


@functools.lru_cache(maxsize=4096)
def _stem_of(name: str) -> str:  # most catalogs reuse a few names (cover.jpg, photo-1.jpg …)
    stem = re.sub(r"[^a-z0-9]+", "-", PurePosixPath(name).stem.lower()).strip("-")[:40].strip("-")
    return f"{stem}-" if stem else ""


def _processed(rel: str, record: dict[str, Any], layout: Layout) -> ProcessedImage:
    """Published names are the cache's, behind the source's readable stem; files link to the cache."""
    stem = readable_stem(rel)

    def variant(entry: list[Any]) -> Variant:
        name, width, height, fmt = entry
        return Variant("/" + URL_PREFIX + stem + name, width, height, fmt)

    names = sorted({e[0] for e in [*record["sources"], record["fallback"], record["og"]]})
    return ProcessedImage(  # the record passed cache.valid_record: names are the cache's own, sizes real
        rel=rel, width=record["width"], height=record["height"],
        fallback=variant(record["fallback"]), sources=tuple(variant(e) for e in record["sources"]),
        og=variant(record["og"]), placeholder=record["placeholder"],
        files=tuple((URL_PREFIX + stem + name, layout.img / name) for name in names),
        colour=record["colour"],
    )

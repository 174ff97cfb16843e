"""Render: pages → HTML files in the staging area, with what each read, in worker processes when worth it.

Rendering is most of a cold build, so it is spread over processes. They are forked from a process that
runs no other thread (the build; `sitegen serve` renders in its own process instead), so they start at
once and share the site model and compiled templates without pickling them. What a worker needs is
handed to it when it starts (`_start`); the parent keeps no global state, and the collector is unfrozen
again once the workers are done.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.engine.depends import Current, snapshot
from sitegen.render.theme import Theme
from sitegen.structure import Page, Site
from sitegen.workers import can_fork, count, finished, pool

if TYPE_CHECKING:
    from sitegen.render.pages import Renderer  # Jinja2, Markdown, nh3: imported when something is rendered

Progress = Callable[[int, int, str], None]
Rendered = tuple[str, str, str, int, tuple[str, list[str]]]  # rel, fingerprint, sha256, size, (reads, needs)
CHUNK = 64  # pages a worker renders per task: fewer round trips, still an even spread


@dataclass(frozen=True, slots=True)
class RenderJob:
    """Everything rendering needs, built once per build."""

    renderer: Renderer
    staging: Path
    current: Current


def render_pages(job: RenderJob, chunk: list[tuple[Page, str]]) -> tuple[list[Rendered], dict[str, str]]:
    """Render `chunk` into the staging area; for each page, its sha256, size and what it read; and the
    Markdown bodies rendered anew (for the body cache)."""
    renderer = job.renderer
    base = str(job.staging)
    out = []
    for page, fp in chunk:
        html, reads = renderer.render(page)
        data = html.encode()
        folder, _, name = page.output.rpartition("/")
        target = f"{base}/{folder}" if folder else base
        os.makedirs(target, exist_ok=True)  # plain strings: pathlib cost more than the writing, per page
        with open(f"{target}/{name}", "wb") as handle:
            handle.write(data)
        out.append((page.output, fp, hashlib.sha256(data).hexdigest(), len(data), snapshot(reads, job.current)))
    bodies, renderer.new_bodies = renderer.new_bodies, {}
    return out, bodies


_job: RenderJob | None = None  # in a worker process only: set once when it starts


def _start(job: RenderJob) -> None:
    global _job
    _job = job


def render_chunk(chunk: list[tuple[Page, str]]) -> tuple[list[Rendered], dict[str, str]]:
    """What a worker runs for each task."""
    assert _job is not None, "render_chunk runs in a render worker"
    return render_pages(_job, chunk)


def render_all(site: Site, theme: Theme, lang: str, todo: list[tuple[Page, str]], staging: Path, jobs: int,
               progress: Progress | None, meanwhile: Callable[[], None], bodies: Callable[[str], str | None],
               new_bodies: dict[str, str]) -> Iterator[Rendered]:
    """Yields each rendered page. `meanwhile` runs in this process while workers render, or first when
    the pages are rendered here. `bodies` is the body cache to read; what was rendered anew goes into
    `new_bodies`."""
    if not todo:
        meanwhile()
        return
    from sitegen.render.pages import Renderer  # Jinja2, Markdown, nh3: only when something is rendered
    from sitegen.render.sandbox import bounded_memory

    job = RenderJob(Renderer(site, theme, lang, bodies), staging, Current(site, theme))
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    with bounded_memory():  # templates are the catalog's code: none may take the machine's memory
        yield from _render_chunks(job, chunks, count(jobs), len(todo), progress, meanwhile, new_bodies)


def _render_chunks(job: RenderJob, chunks: list[list[tuple[Page, str]]], workers: int, total: int,
                   progress: Progress | None, meanwhile: Callable[[], None], new_bodies: dict[str, str]
                   ) -> Iterator[Rendered]:
    """In worker processes when there are enough pages to repay them, else here."""
    done = 0
    if workers > 1 and len(chunks) > 2 and can_fork():
        job.renderer.compile_templates()  # once here, not once per worker
        # The site model is read-only from here on: keep the collector from walking it again and again
        # in every worker (and from touching, hence copying, the pages the workers share with us).
        gc.freeze()
        try:
            with pool(workers, multiprocessing.get_context("fork"), _start, (job,)) as workers_pool:
                for results, made in finished(workers_pool, render_chunk, chunks, "rendering the pages",
                                              meanwhile=meanwhile):
                    new_bodies.update(made)
                    done += len(results)
                    if progress:
                        progress(done, total, "pages")
                    yield from results
        finally:
            gc.unfreeze()
        return
    meanwhile()
    for chunk in chunks:
        results, made = render_pages(job, chunk)
        new_bodies.update(made)
        done += len(results)
        if progress:
            progress(done, total, "pages")
        yield from results

"""Render: pages → HTML files in the staging area, with what each read, in worker processes when worth it.

Rendering is most of a cold build, so it is spread over processes. A process that runs no other thread
(`sitegen build`) forks them: they start at once and share the site model and compiled templates without
pickling them. A process with threads (`sitegen serve`: its watcher and server) must never fork, so its
workers come from a fork server (a fresh, single-threaded process started once per session) and get
the site model pickled when they start (`_start_fresh`; 10 MB and 0.2 s at 5,000 products). What a
worker needs is handed to it when it starts; the parent keeps no global state, and the collector is
unfrozen again once the workers are done.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.engine.depends import Current, snapshot
from sitegen.render.theme import Theme
from sitegen.structure import Page, Site
from sitegen.workers import can_fork, count, finished, pool

if TYPE_CHECKING:
    from sitegen.render.pages import Renderer  # Jinja2, Markdown, nh3: imported when something is rendered

Progress = Callable[[int, int, str], None]
Rendered = tuple[str, str, str, int, tuple[str, list[str]]]  # rel, fingerprint, sha256, size, (reads, needs)
CHUNK = 64  # pages a worker renders per task: fewer round trips, still an even spread


class Renderers:
    """A Renderer per language, made when a page of that language is first rendered (each has its own
    translator, URLs and cards; the compiled templates are shared)."""

    def __init__(self, site: Site, theme: Theme, bodies: Callable[[str], str | None],
                 compiled: dict[tuple[str, str], Any] | None = None):
        self.site, self.theme, self.bodies = site, theme, bodies
        self.compiled = {} if compiled is None else compiled
        self._made: dict[str, Renderer] = {}

    def __getitem__(self, lang: str) -> Renderer:
        renderer = self._made.get(lang)
        if renderer is None:
            from sitegen.render.pages import Renderer

            renderer = self._made[lang] = Renderer(self.site, self.theme, lang, self.bodies, self.compiled)
        return renderer

    def compile_templates(self) -> None:
        """Every template, before workers start (a template error is found once, here)."""
        for lang in self.site.config.all_languages():
            self[lang].compile_templates()

    def take_bodies(self) -> dict[str, str]:
        """The Markdown bodies rendered anew since the last call, for the body cache."""
        bodies: dict[str, str] = {}
        for renderer in self._made.values():
            bodies.update(renderer.new_bodies)
            renderer.new_bodies = {}
        return bodies


@dataclass(frozen=True, slots=True)
class RenderJob:
    """Everything rendering needs, built once per build."""

    renderers: Renderers
    staging: Path
    current: Current


def render_pages(job: RenderJob, chunk: list[tuple[Page, str]]) -> tuple[list[Rendered], dict[str, str]]:
    """Render `chunk` into the staging area; for each page, its sha256, size and what it read; and the
    Markdown bodies rendered anew (for the body cache)."""
    renderers = job.renderers
    base = str(job.staging)
    out = []
    for page, fp in chunk:
        html, reads = renderers[page.lang].render(page)
        data = html.encode()
        folder, _, name = page.output.rpartition("/")
        target = f"{base}/{folder}" if folder else base
        os.makedirs(target, exist_ok=True)  # plain strings: pathlib cost more than the writing, per page
        with open(f"{target}/{name}", "wb") as handle:
            handle.write(data)
        out.append((page.output, fp, hashlib.sha256(data).hexdigest(), len(data), snapshot(reads, job.current)))
    return out, renderers.take_bodies()


_job: RenderJob | None = None  # in a worker process only: set once when it starts


def _start(job: RenderJob) -> None:
    global _job
    _job = job


@dataclass(frozen=True, slots=True)
class Recipe:
    """What a worker that was not forked from the build needs to make its own RenderJob."""

    site: Site
    theme: Theme
    bodies: Callable[[str], str | None]
    staging: Path

    def make(self) -> RenderJob:
        return RenderJob(Renderers(self.site, self.theme, self.bodies), self.staging, Current(self.site, self.theme))


def _start_fresh(recipe: Recipe) -> None:
    _start(recipe.make())


def render_chunk(chunk: list[tuple[Page, str]]) -> tuple[list[Rendered], dict[str, str]]:
    """What a worker runs for each task."""
    assert _job is not None, "render_chunk runs in a render worker"
    return render_pages(_job, chunk)


def render_all(site: Site, theme: Theme, todo: list[tuple[Page, str]], staging: Path, jobs: int,
               progress: Progress | None, meanwhile: Callable[[], None], bodies: Callable[[str], str | None],
               new_bodies: dict[str, str], compiled: dict[tuple[str, str], Any] | None = None) -> Iterator[Rendered]:
    """Yields each rendered page. `meanwhile` runs in this process while workers render, or first when
    the pages are rendered here. `bodies` is the body cache to read; what was rendered anew goes into
    `new_bodies`. `compiled`: templates a session compiled in its earlier passes."""
    if not todo:
        meanwhile()
        return
    from sitegen.render.sandbox import bounded_memory

    job = RenderJob(Renderers(site, theme, bodies, compiled), staging, Current(site, theme))
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    with bounded_memory():  # templates are the catalog's code: none may take the machine's memory
        yield from _render_chunks(job, chunks, count(jobs), len(todo), progress, meanwhile, new_bodies,
                                  Recipe(site, theme, bodies, staging))


def _fresh_workers_from() -> int:
    """A fresh worker costs a start-up and the site model's unpickling: worth it for a theme change (512
    pages or more), not for an edit. SITEGEN_FRESH_WORKERS_FROM (chunks of 64 pages) changes it: the tests
    make small catalogs go through workers with it."""
    value = os.environ.get("SITEGEN_FRESH_WORKERS_FROM", "")
    return int(value) if value.isdigit() and len(value) < 6 else 8


def _render_chunks(job: RenderJob, chunks: list[list[tuple[Page, str]]], workers: int, total: int,
                   progress: Progress | None, meanwhile: Callable[[], None], new_bodies: dict[str, str],
                   recipe: Recipe) -> Iterator[Rendered]:
    """In worker processes when there are enough pages to repay them, else here."""
    done = 0
    forked = can_fork()
    if workers > 1 and len(chunks) > (2 if forked else _fresh_workers_from()):
        job.renderers.compile_templates()  # once here, not once per worker (a template error is found here)
        start: Callable[..., None]
        context: multiprocessing.context.BaseContext
        args: tuple[RenderJob] | tuple[Recipe]
        if forked:
            # The site model is read-only from here on: keep the collector from walking it again and again
            # in every worker (and from touching, hence copying, the pages the workers share with us).
            gc.freeze()
            context, start, args = multiprocessing.get_context("fork"), _start, (job,)
        else:
            context, start, args = multiprocessing.get_context("forkserver"), _start_fresh, (recipe,)
        try:
            with pool(workers, context, start, args) as workers_pool:
                for results, made in finished(workers_pool, render_chunk, chunks, "worker-died-pages",
                                              meanwhile=meanwhile):
                    new_bodies.update(made)
                    done += len(results)
                    if progress:
                        progress(done, total, "pages")
                    yield from results
        finally:
            if forked:
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

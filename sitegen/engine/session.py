"""The build session: one catalog and one output folder, and the state kept between passes.

`sitegen build` is one pass of a session; the live preview keeps one open and runs a pass per change.
A pass reads as a pipeline (MkDocs' `commands/build.py`): load → images → plan → render → write →
remember, each step a method taking and returning plain data, timed by a stopwatch that belongs to
the pass. The state store says what is unchanged; only what changed is read, made and rendered again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen import __version__
from sitegen.config import CONFIG_FILE
from sitegen.content.discover import Changed, SourceTree
from sitegen.content.load import Entry
from sitegen.content.models import Product
from sitegen.engine.assemble import Assembly, Manifest
from sitegen.engine.depends import Current, ListMemo, changed, read_lists, stale
from sitegen.engine.load import Checked, Inputs, check, gather, image_requests, open_store, save_cache
from sitegen.engine.photomemo import PhotoMemo, stats_of
from sitegen.engine.planned import Planned
from sitegen.engine.previous import (
    BuildState,
    LastBuild,
    Written,
    code_digest,
    input_stamp,
    open_first,
    target_key,
)
from sitegen.engine.qrcodes import QrCodes
from sitegen.engine.state import BodyReader, StateStore
from sitegen.errors import ContentError, Problem, errors_only
from sitegen.fsutil import exclusive, remove_tree
from sitegen.images.model import ImageRequest, ProcessedImage
from sitegen.output import (
    MANIFEST,
    WriteFailed,
    clean_stale,
    commit,
    guard_output,
    has_drafts,
    read_manifest,
    staging_dir,
)
from sitegen.render.feeds import Feeds
from sitegen.render.theme import Theme
from sitegen.structure import Page, Site
from sitegen.validate import Validated, published_products

if TYPE_CHECKING:  # the image and render steps (Pillow, process pools) are imported when a pass needs them:
    from sitegen.engine.render import Progress  # a no-op build at 20,000 products is a second, a tenth of it imports


@dataclass(frozen=True, slots=True)
class BuildOptions:
    root: Path
    output: Path
    drafts: bool = False
    jobs: int = 0  # 0: one per core
    today: dt.date | None = None  # for "in season now"; tests pin it


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages: int  # HTML pages in the site
    rendered: int  # pages rendered this time (the rest were unchanged)
    files: int  # files in output/
    written: int  # files written, linked or copied this time
    seconds: float
    warnings: tuple[Problem, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    assets: dict[str, str] = field(default_factory=dict)  # the theme's static files: name → output path
    later: int = 0  # pages left as they were for the next pass to render (`Session.build`'s `first`)


class Stopwatch:
    """Seconds per step of one pass, for `sitegen build -v` and the benchmarks."""

    def __init__(self) -> None:
        self.started = self._last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now

    def total(self) -> float:
        return time.perf_counter() - self.started


@dataclass(slots=True)
class Plan:
    """What this pass will render and what it keeps, and the inputs as they are now."""

    site: Site
    pages: list[Page]
    todo: list[tuple[Page, str]]
    current: Current
    before: dict[str, str]  # every input's digest as the last pass saw it
    now: dict[str, str]
    new_bodies: dict[str, str] = field(default_factory=dict)  # Markdown rendered anew, for the body cache


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """A pass makes hundreds of thousands of objects that live until it ends (records, pages, digests) and
    no cycles worth finding: at Python's thresholds the collector walks them again and again (15 % of an
    edit build at 20,000 products). Collect seldom while the pass runs, as before afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _assets(theme: Theme | None) -> dict[str, str]:
    return {name: asset.output for name, asset in theme.assets.items()} if theme is not None else {}


class Session:
    """Builds `options.root` into `options.output`. `waiting` is called if another build of this catalog
    holds the lock (the two take turns); `progress(done, total, what)` as photos and pages are made."""

    def __init__(self, options: BuildOptions, progress: Progress | None = None,
                 waiting: Callable[[], None] | None = None):
        self.options = options
        self.progress = progress
        self.waiting = waiting
        # what earlier passes of this session worked out, for the next one (the live preview's): the
        # records read from each file, by its stamp; field digests, by the record file's digest
        self._records: dict[str, Entry] = {}
        self._fields: dict[tuple[str, str, str], str] = {}
        # what the last pass found, for a pass that is told what changed since: the folder tree, and each
        # photo's variants (by rel: the source, the settings' fingerprint, the variants)
        self._tree: SourceTree | None = None
        self._photos = PhotoMemo()
        self._pictures: dict[str, tuple[ProcessedImage, str]] = {}  # their digests (`Current.image`)
        self._lists = ListMemo()  # lists' digests (`Current.list`)
        self._validated = Validated()  # each product's cross-file problems, for the same record and folder
        self._inputs: dict[str, str] = {}  # every input's digest, as the last pass saved them
        self._compiled: dict[tuple[str, str], Any] = {}  # templates, by name and source (`CompiledTemplates`)
        self._requests: dict[str, tuple[Product, list[ImageRequest]]] = {}  # each product's photos (by folder)
        self._planned = Planned()  # the pages and their fingerprints, while the catalog's shape holds
        self._feeds, self._qr = Feeds(), QrCodes()  # each product's part of the feeds and its QR code, kept
        # what the last pass left in output/: its files as the store has them, source hashes, manifest, its stat
        self._output: tuple[str, dict[str, Written], dict[tuple[str, int, int], str], Manifest,
                            tuple[int, int]] | None = None
        self._stamp: str | None = None  # of the last pass, if it remembered one (see LastBuild)
        self._drafts: bool | None = None  # whether the manifest the last pass wrote says drafts are in it

    def build(self, changed: Iterable[str] | None = None, first: Collection[str] | None = None) -> BuildResult:
        """One pass. `changed`: the paths (catalog-relative, '/'-separated) that may have changed since the last
        pass, as a watcher reports them; a folder none touches is taken as it was. None: anything may have.

        `first`: the output files of the pages open in a browser. When a change touches many pages (a theme
        template), only those are rendered, and the others stay as they were, marked for the next pass
        (`BuildResult.later`), which renders them (Hugo's fast render mode, with no page left behind)."""
        known = Changed(changed) if changed is not None and self._tree is not None else None
        try:
            return self._build(known, first)
        except BaseException:  # a pass cut short: the next one looks at everything again
            self._forget()
            raise

    def _forget(self) -> None:
        self._tree, self._photos, self._pictures, self._lists, self._output = None, PhotoMemo(), {}, ListMemo(), None
        self._requests, self._drafts, self._stamp = {}, None, None

    def _previous(self, store: StateStore, known: Changed | None) -> tuple[BuildState, Manifest | None]:
        """What the last build wrote: as this session's last pass left it, if this pass is told what changed
        since and the manifest that pass wrote is still the one there; else as the state store says."""
        output = self.options.output
        if self._output is not None and known is not None:
            target, files, hashes, manifest, stamp = self._output
            with contextlib.suppress(OSError):
                st = os.stat(output / MANIFEST)
                if (st.st_size, st.st_mtime_ns) == stamp and target == target_key(output):
                    return BuildState(store, target, files, hashes, own=True), manifest
        return BuildState.load(store, output), read_manifest(output)

    def _build(self, known: Changed | None, first: Collection[str] | None) -> BuildResult:
        watch = Stopwatch()
        options = self.options
        inputs = gather(options.root, self._tree, known)
        self._tree = inputs.tree
        cache_dir = inputs.cache_dir
        if cache_dir is None:  # `.sitegen-cache` committed as a link to elsewhere
            raise ContentError(errors_only(inputs.problems))
        guard_output(options.output, options.root, cache_dir)
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteFailed(cache_dir / "x", exc) from None
        with exclusive(cache_dir / "build.lock", self.waiting), _fewer_collections():
            clean_stale(options.output)
            store = open_store(cache_dir)
            try:
                return self._pass(inputs, cache_dir, store, watch, known, first)
            finally:
                store.close()

    def _pass(self, inputs: Inputs, cache_dir: Path, store: StateStore, watch: Stopwatch, known: Changed | None,
              first: Collection[str] | None) -> BuildResult:
        options = self.options
        today = options.today or dt.date.today()
        # told that something changed, the pass does not look for "nothing changed" (nor remember what it read
        # for a pass that will: the first pass of the next session)
        told = known is not None and bool(known.paths)
        stamp = None if told else input_stamp(
            (__version__, code_digest(), (options.root / CONFIG_FILE).read_bytes(),
             inputs.theme.digest if inputs.theme else None, options.drafts, today.month,
             str(options.output.resolve()), inputs.problems), (*inputs.tree.brands, *inputs.tree.products))
        blocked = errors_only((*inputs.problems, *inputs.tree.problems))  # e.g. a new link out of the catalog
        last = LastBuild.load(store, options.output) if stamp and not blocked else None
        if last is not None and last.stamp == stamp and last.output_intact(options.output):
            if last.stamp != self._stamp:  # built by another process: what this session knows is older
                self._forget()
                self._tree = inputs.tree  # this pass's own walk
            return BuildResult(pages=last.pages, rendered=0, files=len(last.outputs) - 1, written=0,
                               seconds=watch.total(), warnings=last.warnings, timings={"up-to-date": 0},
                               assets=_assets(inputs.theme))

        if len(self._fields) > 50 * (len(self._records) + 100):  # edits pile up old digests: start again
            self._fields = {}
        checked = check(options.root, store, options.jobs, inputs, save=False,  # saved while pages render
                        memo=self._records, validated=self._validated)
        watch.lap("load+validate")
        products = published_products(checked.content.products, options.drafts)
        requests = image_requests(options.root, checked, products, self._requests)
        images, image_problems, previous = self._images(requests, checked, cache_dir, store, known)
        watch.lap("images")
        plan, kept = self._plan(checked, products, images, today, store, previous[0], previous[1])
        later: list[tuple[str, Written]] = []
        if first:
            plan.todo, later = open_first(plan.todo, previous[0], previous[1], first)
        watch.lap("plan")
        cache_problems: list[Problem] = []
        try:
            staging = staging_dir(options.output)
        except OSError as exc:
            raise WriteFailed(options.output, exc) from None
        try:  # from here on, whatever happens, the staging area goes
            assembly = Assembly(previous[0], options.output, previous[1], staging)
            for rel, old in (*kept, *later):
                assembly.keep(rel, old)
            page_reads = self._render(plan, checked, assembly, lambda: cache_problems.extend(
                save_cache(checked.cache.save, cache_dir)), store)
            watch.lap("render")
            self._write(plan, checked, requests, images, assembly)
            watch.lap("write")
        except OSError as exc:  # a full disk, most often: output/ is as it was
            raise WriteFailed(options.output, exc) from None
        finally:
            remove_tree(staging)
        warnings = (*checked.warnings, *image_problems, *cache_problems)
        st = os.stat(options.output / MANIFEST)
        outputs = (*((rel, *w.stamp) for rel, w in assembly.written.items()), (MANIFEST, st.st_size, st.st_mtime_ns))

        manifest = {rel: {"sha256": f.sha256, "size": f.size} for rel, f in assembly.files.items()}
        self._output = (previous[0].target, assembly.written, previous[0].hashes, manifest,
                        (st.st_size, st.st_mtime_ns))
        if later:  # the output is not yet what these inputs make: no pass may find it up to date
            stamp = None
        self._stamp = stamp

        def remember() -> None:
            previous[0].save(assembly.written, page_reads)
            store.save_inputs(previous[0].target, plan.before, plan.now)
            store.save_bodies(plan.new_bodies)
            if stamp:
                LastBuild(stamp, outputs, tuple(warnings), len(plan.pages)).save(store, options.output)
            else:
                store.forget_build(previous[0].target)

        unsaved = save_cache(remember, cache_dir)
        if unsaved:  # the state store is behind output/ (a full disk): the next pass goes by what it says
            self._output = None
        else:
            self._inputs = plan.now
        warnings += tuple(unsaved)
        return BuildResult(pages=len(plan.pages), rendered=len(plan.todo), files=len(assembly.files),
                           written=assembly.changes(), seconds=watch.total(), warnings=warnings, timings=watch.laps,
                           assets=_assets(checked.theme), later=len(later))

    def _images(self, requests: list[ImageRequest], checked: Checked, cache_dir: Path, store: StateStore,
                known: Changed | None
                ) -> tuple[dict[str, ProcessedImage], list[Problem], tuple[BuildState, Manifest | None]]:
        """Every photo's variants, from the cache or made now; meanwhile, what the last build wrote."""
        early: list[tuple[BuildState, Manifest | None]] = []

        def meanwhile() -> None:
            """While image workers encode photos: read the last build's records, load the page renderer."""
            early.append(self._previous(store, known))
            import sitegen.render.pages  # noqa: F401 - Jinja2, Markdown and nh3, imported off the critical path

        progress = self.progress
        from sitegen.images.pipeline import process_images
        settings = checked.config.images
        logo, photo = settings.for_logos().fingerprint(), settings.fingerprint()
        wanted: dict[str, tuple[str, str]] = {}  # rel → (source, the fingerprint of the settings it is made with)
        for r in requests:  # a file that is a logo and something else is made as a photo (process_images)
            if r.role != "logo" or r.rel not in wanted:
                wanted[r.rel] = (str(r.source), logo if r.role == "logo" else photo)
        kept = self._photos.kept(wanted, self._tree)
        todo = [r for r in requests if r.rel not in kept]
        stats = stats_of(todo)  # before they are read: a change made while they are is noticed next time
        images, problems = process_images(
            todo, settings, cache_dir, self.options.jobs,
            progress=(lambda done, total: progress(done, total, "photos")) if progress else None,
            meanwhile=meanwhile) if todo else ({}, [])
        if errors_only(problems):
            raise ContentError(list(problems))
        self._photos.remember(wanted, images, {p.path for p in problems}, stats)
        images.update(kept)
        return images, problems, early[0] if early else self._previous(store, known)

    def _plan(self, checked: Checked, products: tuple[Product, ...], images: dict[str, ProcessedImage],
              today: dt.date, store: StateStore, state: BuildState, manifest: Manifest | None
              ) -> tuple[Plan, list[tuple[str, Written]]]:
        """Which pages exist, and which of them must be rendered: new ones, and those that read an input
        that is different now; the others are kept as the last build wrote them."""
        output = self.options.output
        site = Site.create(checked.config, checked.content.brands, products, images, today)
        planned = self._planned.plan(site, checked.config.all_languages())
        pages = self._planned.pages
        current = Current(site, checked.theme, self._fields, self._pictures, self._lists)
        before = dict(self._inputs) if state.own else store.inputs(state.target)
        now = current.inputs(read_lists(before))
        everything, touched = changed(before, now)
        examine = None if everything else store.needing(state.target, touched)
        todo: list[tuple[Page, str]] = []
        kept: list[tuple[Page, Written]] = []
        for page, fp in planned:
            old = state.reusable(page.output, fp, output, manifest)
            if old is None:
                todo.append((page, fp))
            else:
                kept.append((page, old))
        stored = store.reads(state.target, None if examine is None else
                             [page.output for page, _ in kept if page.output in examine])
        unchanged = []
        for page, old in kept:
            if (examine is None or page.output in examine) and (page.output not in stored or
                                                               stale(stored[page.output], current)):
                todo.append((page, old.fingerprint))
            else:
                unchanged.append((page.output, old))
        return Plan(site, pages, todo, current, before, now), unchanged

    def _render(self, plan: Plan, checked: Checked, assembly: Assembly, meanwhile: Callable[[], None],
                store: StateStore) -> dict[str, tuple[str, list[str]]]:
        """Render what the plan says into staging; what each page read, to remember it."""
        from sitegen.engine.render import render_all

        page_reads: dict[str, tuple[str, list[str]]] = {}
        bodies = BodyReader(store.path)
        try:
            for rel, fp, sha, size, reads in render_all(plan.site, checked.theme,
                                                        plan.todo, assembly.staging, self.options.jobs, self.progress,
                                                        meanwhile, bodies, plan.new_bodies, self._compiled):
                assembly.rendered(rel, fp, sha, size)
                page_reads[rel] = reads
                plan.now.update((key, plan.current.list(key[2:])) for key in reads[1] if key.startswith("l:"))
        finally:
            bodies.close()
        return page_reads

    def _write(self, plan: Plan, checked: Checked, requests: list[ImageRequest],
               images: dict[str, ProcessedImage], assembly: Assembly) -> None:
        """Everything else the site needs, then the swap into output/: all of it, or none of it."""
        for rel, data in (self._planned.extras(checked.config, plan.now["c"], plan.pages)
                          | self._feeds.files(plan.site, plan.pages)).items():
            assembly.small(rel, data)
        self._qr.place(plan.site, assembly, checked.cache_dir, self.options.jobs)
        for asset in checked.theme.assets.values():  # copied: a theme file edited in place must not leak
            assembly.source(asset.output, asset.source, link=False)
        editable = {str(r.source) for r in requests}  # editors' own files: copy, never link
        for image in images.values():
            for rel, source in image.files:
                if rel not in assembly.files:  # one image shown by many products (or twins in many folders)
                    assembly.source(rel, source, link=str(source) not in editable)
        drafts = any(p.draft for p in plan.site.products)  # `--drafts`, and there are some: publish refuses it
        known = self._drafts if assembly.state.own else None  # what this session's last pass wrote there
        if assembly.needs_commit() or drafts != (has_drafts(self.options.output) if known is None else known):
            commit(self.options.output, assembly.staging, assembly.files, assembly.manifest, f"sitegen {__version__}",
                   assembly.state.real, assembly.state.own, drafts)
            assembly.stamp(os.stat)
        self._drafts = drafts

"""The build, as a pipeline: config → content → validation → images → pages → output.

Each step takes explicit inputs and returns plain data; this module only wires them
together, decides what needs rendering, and fans rendering out to worker processes.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import __version__
from sitegen.config import CONFIG_FILE, SiteConfig, load_config
from sitegen.content.discover import SourceTree, discover
from sitegen.content.load import Content, ParseCache, load_content
from sitegen.errors import ContentError, Problem, errors_only
from sitegen.fsutil import exclusive, inside, remove_tree
from sitegen.images.model import ImageRequest
from sitegen.images.pipeline import process_images
from sitegen.incremental import BuildState, LastBuild, Written, code_digest, fingerprint, input_stamp
from sitegen.output import MANIFEST, OutFile, WriteFailed, clean_stale, commit, guard_output, read_manifest, staging_dir
from sitegen.render.seo import robots, sitemap
from sitegen.render.theme import Theme, available_themes, load_theme
from sitegen.state import StateStore
from sitegen.structure import Page, Site, plan_pages
from sitegen.tomllines import key_lines, line_of
from sitegen.validate import index_folders, published_products, validate
from sitegen.workers import can_fork, finished, fork_pool

if TYPE_CHECKING:
    from sitegen.render.pages import Renderer

Progress = Callable[[int, int, str], None]  # (done, total, what): "photos", then "pages"


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


@dataclass(frozen=True, slots=True)
class Checked:
    """A catalog that passed validation: what the render steps need."""

    config: SiteConfig
    theme: Theme
    content: Content
    warnings: tuple[Problem, ...]
    cache: ParseCache  # saved by check() unless the caller said it would


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a build reads before any content file: enough to tell whether anything changed."""

    config: SiteConfig
    theme: Theme | None
    tree: SourceTree
    problems: tuple[Problem, ...]
    cache_dir: Path | None  # None: `.sitegen-cache` is a link out of the catalog, and is never used


def gather(root: Path) -> Inputs:
    config, problems = load_config(root)
    if config is None:  # sitegen.toml unreadable: still report what is wrong in each content file on its own
        tree = discover(root)
        content = load_content(tree, ParseCache(None))
        raise ContentError([*problems, *content.problems])  # content.problems holds the tree's
    theme = load_theme(root, config.theme)
    problems += theme.left_out if theme else ()
    if theme is None:
        line = line_of(key_lines((root / CONFIG_FILE).read_text("utf-8-sig")), ("theme",))
        problems.append(Problem("unknown-theme", CONFIG_FILE, line,
                                {"value": config.theme, "valid": available_themes(root)}))
    cache_dir: Path | None = root / config.images.cache_dir
    # by real path, existing or not: 'cache/sub' with cache -> /elsewhere would be made elsewhere
    if cache_dir is not None and not inside(cache_dir, root):
        problems.append(Problem("link-outside", config.images.cache_dir, None, {"value": config.images.cache_dir}))
        cache_dir = None
    return Inputs(config, theme, discover(root), tuple(problems), cache_dir)


def open_store(cache_dir: Path | None) -> StateStore:
    """The state store of the cache folder; one in memory when the cache folder may not be used."""
    return StateStore.open(cache_dir, code_digest())


def check(root: Path, store: StateStore | None = None, jobs: int = 0, inputs: Inputs | None = None,
          save: bool = True, templates: bool = False) -> Checked:
    """Load and validate everything; raise ContentError with every problem found.

    `templates`: also compile the site's own templates (`sitegen check`; a build finds their
    mistakes when it renders, and would compile them twice)."""
    inputs = inputs or gather(root)
    config, theme, tree, problems = inputs.config, inputs.theme, inputs.tree, list(inputs.problems)
    own = store is None
    if store is None:
        store = open_store(inputs.cache_dir)
    try:
        content = load_content(tree, cache := ParseCache(store), jobs)
    finally:
        if own and not save:
            store.close()
    problems += content.problems
    problems += validate(config, content, index_folders(tree.brands, tree.products))
    if templates and theme is not None:
        problems += theme.problems()
    if save and inputs.cache_dir is not None:
        problems += save_cache(cache.save, inputs.cache_dir)
    if own:
        store.close()
    if errors_only(problems) or theme is None:
        raise ContentError(problems)
    return Checked(config, theme, content, tuple(problems), cache)


def save_cache(save: Callable[[], None], cache_dir: Path) -> list[Problem]:
    """The cache is only a cache: when it cannot be written (a full disk), the build says so and goes on."""
    try:
        save()
    except OSError as exc:
        return [Problem("image-cache", str(cache_dir), None, {"value": str(cache_dir),
                                                              "problem": exc.strerror or str(exc)}, "warning")]
    return []


def image_requests(root: Path, checked: Checked, products) -> list[ImageRequest]:
    requests = []
    for brand in checked.content.brands:
        for ref, role in ((brand.logo, "logo"), (brand.banner, "banner")):
            if ref is not None:
                requests.append(ImageRequest(root / brand.folder / ref.file, f"{brand.folder}/{ref.file}", role))
    base = str(root)
    for product in products:
        for ref in product.images:
            rel = f"{product.folder}/{ref.file}"
            requests.append(ImageRequest(Path(f"{base}/{rel}"), rel))  # one Path per photo, not three
    return requests


def build(options: BuildOptions, progress: Progress | None = None,
          waiting: Callable[[], None] | None = None) -> BuildResult:
    """Check, then build into options.output. `waiting` is called if another build of this catalog
    holds the lock (the two take turns)."""
    started = time.perf_counter()
    root, output = options.root, options.output
    inputs = gather(root)
    cache_dir = inputs.cache_dir
    if cache_dir is None:  # `.sitegen-cache` committed as a link to elsewhere
        raise ContentError(errors_only(inputs.problems))
    guard_output(output, root, cache_dir)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteFailed(cache_dir / "x", exc) from None
    with exclusive(cache_dir / "build.lock", waiting):
        clean_stale(output)
        store = open_store(cache_dir)
        try:
            return _build(options, inputs, cache_dir, store, started, progress)
        finally:
            store.close()


def _build(options: BuildOptions, inputs: Inputs, cache_dir: Path, store: StateStore, started: float,
           progress: Progress | None) -> BuildResult:
    timings: dict[str, float] = {}

    def lap(name: str, since: list[float] = [started]) -> None:  # noqa: B006 - a stopwatch, by design
        now = time.perf_counter()
        timings[name] = now - since[0]
        since[0] = now

    root, output = options.root, options.output
    today = options.today or dt.date.today()
    code = code_digest()
    stamp = input_stamp((__version__, code, (root / CONFIG_FILE).read_bytes(),
                         inputs.theme.digest if inputs.theme else None, options.drafts, today.month,
                         str(output.resolve()), inputs.problems), (*inputs.tree.brands, *inputs.tree.products))
    blocked = errors_only((*inputs.problems, *inputs.tree.problems))  # e.g. a new link out of the catalog
    last = LastBuild.load(store, output) if stamp and not blocked else None
    if last is not None and last.stamp == stamp and last.output_intact(output):
        return BuildResult(pages=last.pages, rendered=0, files=len(last.outputs) - 1, written=0,
                           seconds=time.perf_counter() - started, warnings=last.warnings,
                           timings={"up-to-date": 0})
    checked = check(root, store, options.jobs, inputs, save=False)  # saved while pages render
    config = checked.config
    lap("load+validate")
    products = published_products(checked.content.products, options.drafts)
    requests = image_requests(root, checked, products)
    early: list[tuple[BuildState, dict | None]] = []

    def meanwhile() -> None:
        """While image workers encode photos: read the last build's records, load the page renderer."""
        early.append((BuildState.load(store, output), read_manifest(output)))
        import sitegen.render.pages  # noqa: F401 - Jinja2, Markdown and nh3, imported off the critical path

    images, image_problems = process_images(
        requests, config.images, cache_dir, options.jobs,
        progress=(lambda done, total: progress(done, total, "photos")) if progress else None, meanwhile=meanwhile)
    if errors_only(image_problems):
        raise ContentError(list(image_problems))
    lap("images")
    site = Site.create(config, checked.content.brands, products, images, today)
    pages = plan_pages(site, config.language)
    state, manifest = early[0] if early else (BuildState.load(store, output), read_manifest(output))
    config_digest = hashlib.blake2b((root / CONFIG_FILE).read_bytes(), digest_size=16).hexdigest()
    files: dict[str, OutFile] = {}
    written: dict[str, Written] = {}
    todo: list[tuple[Page, str]] = []
    for page in pages:
        fp = fingerprint(__version__, code, checked.theme.digest, config_digest, page)
        old = state.reusable(page.output, fp, output, manifest)
        if old is None:
            todo.append((page, fp))
        else:
            files[page.output] = OutFile(page.output, old.sha256, old.size)
            written[page.output] = old
    lap("plan")
    cache_problems: list[Problem] = []
    try:
        staging = staging_dir(output)
    except OSError as exc:
        raise WriteFailed(output, exc) from None
    try:
        for rel, fp, sha, size in _render_all(site, checked.theme, config.language, todo, staging, options.jobs,
                                              progress, meanwhile=lambda: cache_problems.extend(
                                                  save_cache(checked.cache.save, cache_dir))):
            files[rel] = OutFile(rel, sha, size, staged=staging / rel)
            written[rel] = Written(fp, sha, size, (0, 0))
        lap("render")
        extra = {
            "sitemap.xml": sitemap(config.url(p.url) for p in pages if p.kind != "404").encode(),
            "robots.txt": robots(config.url("/sitemap.xml")).encode(),
        }
        for rel, data in extra.items():
            _add_small(files, written, state, rel, data, staging, output, manifest)
        for asset in checked.theme.assets.values():  # copied: a theme file edited in place must not reach output/
            _add_source(files, written, state, asset.output, asset.source, output, manifest, link=False)
        editable = {str(r.source) for r in requests}  # editors' own files: copy, never link
        for image in images.values():
            for rel, source in image.files:
                if rel in files:
                    continue  # one image shown by many products (or twins in many folders)
                _add_source(files, written, state, rel, source, output, manifest, link=str(source) not in editable)
        changes = sum(1 for f in files.values() if f.staged or f.source)
        if changes or manifest is None or manifest.keys() != files.keys():
            commit(output, staging, files, manifest, f"sitegen {__version__}")
            for rel, f in files.items():
                if f.staged or f.source:
                    st = os.stat(output / rel)
                    written[rel] = Written(written[rel].fingerprint, f.sha256, f.size, (st.st_size, st.st_mtime_ns))
        lap("write")
    except OSError as exc:
        raise WriteFailed(output, exc) from None
    finally:
        remove_tree(staging)
    state.files = written
    warnings = (*checked.warnings, *image_problems, *cache_problems)
    st = os.stat(output / MANIFEST)
    outputs = (*((rel, *w.stamp) for rel, w in written.items()), (MANIFEST, st.st_size, st.st_mtime_ns))

    def remember() -> None:
        state.save()
        if stamp:
            LastBuild(stamp, outputs, tuple(warnings), len(pages)).save(store, output)

    warnings += tuple(save_cache(remember, cache_dir))
    return BuildResult(
        pages=len(pages), rendered=len(todo), files=len(files), written=changes,
        seconds=time.perf_counter() - started, warnings=warnings, timings=timings,
    )


def _add_small(files: dict[str, OutFile], written: dict[str, Written], state: BuildState, rel: str, data: bytes,
               staging: Path, output: Path, manifest: dict | None) -> None:
    sha = hashlib.sha256(data).hexdigest()
    old = state.reusable(rel, sha, output, manifest)
    if old is not None:
        files[rel] = OutFile(rel, sha, len(data))
        written[rel] = old
        return
    path = staging / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    files[rel] = OutFile(rel, sha, len(data), staged=path)
    written[rel] = Written(sha, sha, len(data), (0, 0))


def _add_source(files: dict[str, OutFile], written: dict[str, Written], state: BuildState, rel: str, source: Path,
                output: Path, manifest: dict | None, link: bool) -> None:
    sha, size = state.file_sha256(source)
    old = state.reusable(rel, sha, output, manifest)
    if old is not None:
        files[rel] = OutFile(rel, sha, size)
        written[rel] = old
    else:
        files[rel] = OutFile(rel, sha, size, source=source, link=link)
        written[rel] = Written(sha, sha, size, (0, 0))


# -- rendering, in worker processes when there is enough of it

_WORKER: tuple[Renderer, Path] | None = None


def _render_chunk(chunk: list[tuple[Page, str]]) -> list[tuple[str, str, str, int]]:
    assert _WORKER is not None
    renderer, staging = _WORKER
    base = str(staging)
    out = []
    for page, fp in chunk:
        data = renderer.render(page).encode()
        folder, _, name = page.output.rpartition("/")
        target = f"{base}/{folder}" if folder else base
        os.makedirs(target, exist_ok=True)  # plain strings: pathlib cost more than the writing, per page
        with open(f"{target}/{name}", "wb") as handle:
            handle.write(data)
        out.append((page.output, fp, hashlib.sha256(data).hexdigest(), len(data)))
    return out


def _render_all(site: Site, theme: Theme, lang: str, todo: list[tuple[Page, str]], staging: Path, jobs: int,
                progress: Progress | None, meanwhile: Callable[[], None]):
    """Yields each rendered page. `meanwhile` runs in this process while workers render (after the fork,
    so no thread is running when the workers are forked), or first when there are no workers."""
    global _WORKER
    if not todo:
        meanwhile()
        return
    from sitegen.render.pages import Renderer  # Jinja2, Markdown, nh3: only when something is rendered
    from sitegen.render.sandbox import bounded_memory

    renderer = Renderer(site, theme, lang)
    _WORKER = (renderer, staging)
    workers = jobs or os.cpu_count() or 1
    chunk = 64
    chunks = [todo[i : i + chunk] for i in range(0, len(todo), chunk)]
    done = 0
    try:
        with bounded_memory():  # templates are the catalog's code: none may take the machine's memory
            if workers > 1 and len(todo) > 2 * chunk and can_fork():
                renderer.compile_templates()  # once here, not once per worker
                # The site model is read-only from here on: keep the collector from walking it again and again
                # in every worker (and from touching, hence copying, the pages the workers share with us).
                gc.freeze()
                with fork_pool(workers) as pool:  # the main process is idle while workers render: `meanwhile`
                    for results in finished(pool, _render_chunk, chunks, "rendering the pages", meanwhile=meanwhile):
                        done += len(results)
                        if progress:
                            progress(done, len(todo), "pages")
                        yield from results
            else:
                meanwhile()
                for c in chunks:
                    results = _render_chunk(c)
                    done += len(results)
                    if progress:
                        progress(done, len(todo), "pages")
                    yield from results
    finally:
        _WORKER = None

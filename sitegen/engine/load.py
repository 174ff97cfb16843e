"""Load: sitegen.toml, the theme and the content folders → checked records, with every problem found.

`check` is the whole of `sitegen check` and the first step of a build: it reads what changed since
the state store last saw it, validates across files, and raises `ContentError` with every problem
(errors and warnings, of every file, in one run) when something must be fixed first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.config import CONFIG_FILE, SiteConfig, load_config
from sitegen.content.discover import Changed, SourceTree, discover
from sitegen.content.load import Content, Entry, load_content
from sitegen.content.models import Product
from sitegen.engine.parsecache import ParseCache
from sitegen.engine.previous import code_digest
from sitegen.engine.state import StateStore
from sitegen.errors import ContentError, Problem, errors_only, os_reason
from sitegen.fsutil import inside
from sitegen.images.model import ImageRequest
from sitegen.render.theme import Theme, available_themes, load_theme
from sitegen.tomllines import key_lines, line_of
from sitegen.validate import Validated, index_folders, validate


@dataclass(frozen=True, slots=True)
class Checked:
    """A catalog that passed validation: what the render steps need."""

    config: SiteConfig
    theme: Theme
    content: Content
    warnings: tuple[Problem, ...]
    cache: ParseCache  # saved by check() unless the caller said it would
    cache_dir: Path | None = None  # the image cache, None when it may not be used (a link out of the catalog)


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a build reads before any content file: enough to tell whether anything changed."""

    config: SiteConfig
    theme: Theme | None
    tree: SourceTree
    problems: tuple[Problem, ...]
    cache_dir: Path | None  # None: `.sitegen-cache` is a link out of the catalog, and is never used


def gather(root: Path, before: SourceTree | None = None, changed: Changed | None = None) -> Inputs:
    """`before` and `changed`: the last pass's tree and the paths changed since (see `discover`)."""
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
    return Inputs(config, theme, discover(root, before, changed), tuple(problems), cache_dir)


def open_store(cache_dir: Path | None) -> StateStore:
    """The state store of the cache folder; one in memory when the cache folder may not be used."""
    return StateStore.open(cache_dir, code_digest())


def check(root: Path, store: StateStore | None = None, jobs: int = 0, inputs: Inputs | None = None,
          save: bool = True, templates: bool = False, memo: dict[str, Entry] | None = None,
          validated: Validated | None = None, keep_going: bool = False) -> Checked:
    """Load and validate everything; raise ContentError with every problem found.

    `templates`: also compile the site's own templates (`sitegen check`; a build finds their
    mistakes when it renders, and would compile them twice). `keep_going`: return what loaded, errors
    among the `warnings`, so that the next stage's problems are found in the same run (`sitegen check`)."""
    inputs = inputs or gather(root)
    config, theme, tree, problems = inputs.config, inputs.theme, inputs.tree, list(inputs.problems)
    own = store is None
    if store is None:
        store = open_store(inputs.cache_dir)
    try:
        content = load_content(tree, cache := ParseCache(store, memo, tree.reused), jobs)
    finally:
        if own and not save:
            store.close()
    problems += content.problems
    problems += validate(config, content, index_folders(tree.brands, tree.products), validated)
    if templates and theme is not None:
        problems += theme.problems()
    if save and inputs.cache_dir is not None:
        problems += save_cache(cache.save, inputs.cache_dir)
    if own:
        store.close()
    if theme is None or (errors_only(problems) and not keep_going):
        raise ContentError(problems)
    return Checked(config, theme, content, tuple(problems), cache, inputs.cache_dir)


def save_cache(save: Callable[[], None], cache_dir: Path) -> list[Problem]:
    """The cache is only a cache: when it cannot be written (a full disk), the build says so and goes on."""
    try:
        save()
    except OSError as exc:
        return [Problem("image-cache", str(cache_dir), None, {"value": str(cache_dir),
                                                              "problem": os_reason(exc)}, "warning")]
    return []


def image_requests(root: Path, checked: Checked, products: Iterable[Product],
                   memo: dict[str, tuple[Product, list[ImageRequest]]] | None = None) -> list[ImageRequest]:
    """`memo`: each product's requests, by folder, as a session's earlier pass made them (for the same
    record, the same requests)."""
    requests = []
    for brand in checked.content.brands:
        for ref, role in ((brand.logo, "logo"), (brand.banner, "banner")):
            if ref is not None:
                requests.append(ImageRequest(root / brand.folder / ref.file, f"{brand.folder}/{ref.file}", role))
    base = str(root)
    for product in products:
        known = memo.get(product.folder) if memo is not None and not product.draft else None
        if known is not None and known[0] is product:
            requests += known[1]
            continue
        mine = []
        for ref in product.images:
            rel = f"{product.folder}/{ref.file}"
            if product.draft and not os.path.lexists(f"{base}/{rel}"):
                continue  # not there yet: the draft is shown without it (validate warns)
            mine.append(ImageRequest(Path(f"{base}/{rel}"), rel))  # one Path per photo, not three
        if memo is not None and not product.draft:  # a draft skips photos not there yet: see them come
            memo[product.folder] = (product, mine)
        requests += mine
    return requests


_PHOTO_ERRORS = frozenset({"missing-image", "path-escapes", "link-outside"})


def check_photos(root: Path, checked: Checked) -> list[Problem]:
    """Every photo a build could not use (drafts' too): found from headers, and by decoding the photos the
    build would decode (those not in the image cache), so that a bad photo is found here and not half-way
    through a build."""
    from sitegen.images.check import check_images
    from sitegen.images.pipeline import cached

    # a record with a photo error (named outside its folder, a link out of it, or missing) is not looked into:
    # that error is the problem to fix, and its photos are checked once it is fixed
    bad = {p.path for p in checked.warnings if p.severity == "error" and p.code in _PHOTO_ERRORS}
    content = checked.content
    if bad:
        content = replace(content, brands=tuple(b for b in content.brands if b.rel not in bad),
                          products=tuple(p for p in content.products if p.rel not in bad))
        checked = replace(checked, content=content)
    requests = image_requests(root, checked, content.products)
    return check_images(requests, checked.config.images,
                        cached(requests, checked.config.images, checked.cache_dir) if checked.cache_dir else set())

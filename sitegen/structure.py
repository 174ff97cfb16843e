"""The site's structure: which pages exist, at which URLs, showing which records.

Pure functions over typed records. What each page shows is not declared here: the renderer
records what it reads (`render/reads.py`). The lists of records a page shows are named
(`Site.members`), so that the engine can tell, without rendering, whether a list changed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sitegen.config import SiteConfig
from sitegen.content.models import Brand, Product
from sitegen.fsutil import digest
from sitegen.images.model import ProcessedImage

PER_PAGE = 48  # cards on one listing page: a phone on 4G should not load 600 cards at once


@dataclass(frozen=True, slots=True)
class Site:
    """Everything templates may show. Built once per build; never mutated."""

    config: SiteConfig
    brands: Mapping[str, Brand]
    products: tuple[Product, ...]  # published ones, sorted by brand then id
    images: Mapping[str, ProcessedImage]  # by site-relative source path
    today: dt.date
    by_brand: Mapping[str, tuple[Product, ...]] = field(default_factory=dict)
    by_category: Mapping[str, tuple[Product, ...]] = field(default_factory=dict)
    place: Mapping[str, tuple[Product, int]] = field(default_factory=dict)  # key → (product, index in brand)

    @staticmethod
    def create(config: SiteConfig, brands: tuple[Brand, ...], products: tuple[Product, ...],
               images: Mapping[str, ProcessedImage], today: dt.date) -> Site:
        ordered = tuple(sorted(products, key=lambda p: (p.brand_id, p.id)))
        by_brand: dict[str, list[Product]] = defaultdict(list)
        by_category: dict[str, list[Product]] = defaultdict(list)
        for p in ordered:
            by_brand[p.brand_id].append(p)
            by_category[p.category].append(p)
        by_brand_t = {k: tuple(v) for k, v in by_brand.items()}
        place = {p.key: (p, i) for group in by_brand_t.values() for i, p in enumerate(group)}
        return Site(config, {b.id: b for b in sorted(brands, key=lambda b: b.id)}, ordered, images, today,
                    by_brand_t, {k: tuple(v) for k, v in by_category.items()}, place)

    def image(self, folder: str, file: str) -> ProcessedImage | None:
        return self.images.get(f"{folder}/{file}")

    def record(self, key: str) -> Brand | Product | SiteConfig | None:
        """A record by the key pages note their reads under: 'brand:<id>', 'product:<b>/<p>', 'config'."""
        if key == "config":
            return self.config
        kind, _, ident = key.partition(":")
        if kind == "brand":
            return self.brands.get(ident)
        found = self.place.get(key)
        return found[0] if found else None

    def members(self, name: str) -> tuple[Brand | Product, ...]:
        """A list pages show, by name: 'brands', 'new', 'season', 'brand:<id>', 'category:<id>',
        'related:<product key>'; '<name>@<n>' is listing page n of it."""
        name, _, number = name.partition("@")
        kind, _, arg = name.partition(":")
        items: tuple[Brand | Product, ...]
        if kind == "brands":
            items = tuple(self.brands.values())
        elif kind == "new":
            items = self.new_products(besides=self.in_season())  # the home page shows "in season" above it
        elif kind == "season":
            items = self.in_season()
        elif kind == "brand":
            items = self.by_brand.get(arg, ())
        elif kind == "category":
            items = self.by_category.get(arg, ())
        elif kind == "related":
            found = self.place.get(arg)
            items = related_products(self, found[0]) if found else ()
        else:
            raise ValueError(f"no list named {name!r}")
        if number:
            n = int(number)
            return items[(n - 1) * PER_PAGE : n * PER_PAGE]
        return items

    def list_digest(self, name: str) -> str:
        """Which records a list holds, in order (and, for a listing page, how many pages there are)."""
        if name == "counts":
            return digest(sorted((k, len(v)) for k, v in self.by_category.items()))
        keys = tuple(item.key for item in self.members(name))
        if "@" in name:
            return digest((keys, len(self.members(name.partition("@")[0]))))
        return digest(keys)

    def share_image(self) -> ProcessedImage | None:
        """The picture a shared link to a page without its own shows: the first brand banner (or logo)."""
        for brand in self.brands.values():
            for ref in (brand.banner, brand.logo):
                if ref and (image := self.image(brand.folder, ref.file)):
                    return image
        return None

    def new_products(self, limit: int = 8, besides: tuple[Product, ...] = ()) -> tuple[Product, ...]:
        """The newest products by date; `besides`: ones shown just before them, which are not repeated."""
        shown = {p.key for p in besides}
        dated = sorted((p for p in self.products if p.date and p.key not in shown), key=lambda p: (p.date, p.id),
                       reverse=True)
        return tuple(dated[:limit])

    def in_season(self, limit: int = 8) -> tuple[Product, ...]:
        month = self.today.month
        return tuple([p for p in self.products if month in p.season and p.available][:limit])


@dataclass(frozen=True, slots=True)
class Page:
    kind: str  # home | brands | brand | product | categories | category | 404
    url: str  # site path, '/products/b/p/'
    output: str  # 'products/b/p/index.html'
    lang: str
    subject: str = ""  # id of the brand / category, 'brand/product' for a product
    number: int = 1  # listing page number
    pages: int = 1  # listing pages in all


@dataclass(frozen=True, slots=True)
class Urls:
    """Every page URL of one language. The catalog's own language lives at /, others under /<lang>/."""

    prefix: str = ""  # '' or '/en'

    @staticmethod
    def for_language(site_language: str, lang: str) -> Urls:
        return Urls("" if lang == site_language else "/" + lang.split("-")[0].lower())

    def home(self) -> str:
        return self.prefix + "/"

    def brands(self) -> str:
        return self.prefix + "/brands/"

    def brand(self, brand: Brand | str) -> str:
        return f"{self.prefix}/brands/{brand if isinstance(brand, str) else brand.id}/"

    def product(self, product: Product) -> str:
        return f"{self.prefix}/products/{product.brand_id}/{product.id}/"

    def categories(self) -> str:
        return self.prefix + "/categories/"

    def category(self, category: str) -> str:
        return f"{self.prefix}/categories/{category}/"

    def not_found(self) -> str:
        return self.prefix + "/404.html"


def url_to_output(url: str) -> str:
    return url.strip("/") + "/index.html" if url != "/" else "index.html"


def paged_url(base: str, number: int) -> str:
    return base if number == 1 else f"{base}page/{number}/"


def _listing(kind: str, base: str, subject: str, items: tuple[Product, ...], lang: str) -> list[Page]:
    count = max(1, -(-len(items) // PER_PAGE))
    return [Page(kind, url, url_to_output(url), lang, subject, n, count)
            for n in range(1, count + 1) for url in [paged_url(base, n)]]


def plan_pages(site: Site, lang: str) -> list[Page]:
    """Every HTML page of one language."""
    urls = Urls.for_language(site.config.language, lang)
    pages = [
        Page("home", urls.home(), url_to_output(urls.home()), lang),
        Page("brands", urls.brands(), url_to_output(urls.brands()), lang),
        Page("categories", urls.categories(), url_to_output(urls.categories()), lang),
        Page("404", urls.not_found(), urls.not_found().lstrip("/"), lang),
    ]
    for brand in site.brands.values():
        pages += _listing("brand", urls.brand(brand), brand.id, site.by_brand.get(brand.id, ()), lang)
    for category in site.config.categories:
        pages += _listing("category", urls.category(category), category, site.by_category.get(category, ()), lang)
    for product in site.products:
        url = urls.product(product)
        pages.append(Page("product", url, url_to_output(url), lang, f"{product.brand_id}/{product.id}"))
    return pages


def related_products(site: Site, product: Product, limit: int = 4) -> tuple[Product, ...]:
    """Others of the same brand, nearest in the brand's list (stable, so pages don't churn)."""
    siblings = site.by_brand.get(product.brand_id, ())
    if len(siblings) <= 1:
        return ()
    index = site.place[product.key][1] if product.key in site.place else 0
    picks = [siblings[(index + k) % len(siblings)] for k in range(1, min(limit, len(siblings) - 1) + 1)]
    return tuple(picks)

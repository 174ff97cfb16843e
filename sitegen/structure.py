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
from typing import Any

from sitegen.config import SiteConfig
from sitegen.content.models import Brand, Product
from sitegen.fsutil import digest
from sitegen.images.model import ProcessedImage
from sitegen.provinces import Province, province

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
    by_month: Mapping[int, tuple[Product, ...]] = field(default_factory=dict)  # harvest months 1-12, all twelve
    by_cert: Mapping[str, tuple[Product, ...]] = field(default_factory=dict)  # every certification of the config
    by_province: Mapping[str, tuple[Product, ...]] = field(default_factory=dict)  # by Province.id, of their brand
    provinces: Mapping[str, Province] = field(default_factory=dict)  # the brands' provinces by id, sorted

    @staticmethod
    def create(config: SiteConfig, brands: tuple[Brand, ...], products: tuple[Product, ...],
               images: Mapping[str, ProcessedImage], today: dt.date) -> Site:
        ordered = tuple(sorted(products, key=lambda p: (p.brand_id, p.id)))
        where = {b.id: found for b in brands if (found := province(b.province))}
        groups: dict[str, dict[Any, list[Product]]] = {
            "brand": defaultdict(list), "category": defaultdict(list), "month": {m: [] for m in range(1, 13)},
            "cert": {c: [] for c in config.certifications}, "province": defaultdict(list)}
        for p in ordered:
            groups["brand"][p.brand_id].append(p)
            groups["category"][p.category].append(p)
            for m in p.season:
                groups["month"].get(m, []).append(p)
            for c in {r.id for r in p.certifications if r.id in groups["cert"]}:
                groups["cert"][c].append(p)
            if p.brand_id in where:
                groups["province"][where[p.brand_id].id].append(p)
        by = {kind: {k: tuple(v) for k, v in group.items()} for kind, group in groups.items()}
        place = {p.key: (p, i) for group in by["brand"].values() for i, p in enumerate(group)}
        provinces = {p.id: p for p in sorted(where.values(), key=lambda p: p.id)}
        return Site(config, {b.id: b for b in sorted(brands, key=lambda b: b.id)}, ordered, images, today,
                    by["brand"], by["category"], place, by["month"], by["cert"], by["province"], provinces)

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
        """A list pages show, by name: 'brands', 'new', 'season' (now), 'season:<month>', 'brand:<id>',
        'category:<id>', 'cert:<id>', 'province:<id>', 'related:<product key>'; '<name>@<n>' is listing page n
        of it."""
        name, _, number = name.partition("@")
        kind, _, arg = name.partition(":")
        items: tuple[Brand | Product, ...]
        if kind == "brands":
            items = tuple(self.brands.values())
        elif kind == "new":
            items = self.new_products(besides=self.in_season())  # the home page shows "in season" above it
        elif kind == "brand":
            items = self.by_brand.get(arg, ())
        elif kind == "category":
            items = self.by_category.get(arg, ())
        elif kind == "season":
            items = self.by_month.get(int(arg), ()) if arg.isdigit() else self.in_season()
        elif kind == "cert":
            items = self.by_cert.get(arg, ())
        elif kind == "province":
            items = self.by_province.get(arg, ())
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
            return digest(self.counts())
        keys = tuple(item.key for item in self.members(name))
        if name == "season":  # "in season now" also links to this month's listing
            return digest((keys, self.today.month))
        if "@" in name:
            return digest((keys, len(self.members(name.partition("@")[0]))))
        return digest(keys)

    def counts(self) -> tuple[object, ...]:
        """How many products each listing holds: what the pages that list the listings show."""
        return (sorted((k, len(v)) for k, v in self.by_category.items()), [len(v) for v in self.by_month.values()],
                [(k, len(v)) for k, v in self.by_cert.items()],
                [(p.id, p.zh, p.en, len(self.by_province.get(p.id, ()))) for p in self.provinces.values()])

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
    kind: str  # home | brands | brand | product | categories | category | 404, and a listing and its index for
    # each facet: season(s) | certification(s) | province(s); search
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

    def seasons(self) -> str:
        return self.prefix + "/seasons/"

    def season(self, month: int | str) -> str:
        return f"{self.prefix}/seasons/{month}/"

    def certifications(self) -> str:
        return self.prefix + "/certifications/"

    def certification(self, cert: str) -> str:
        return f"{self.prefix}/certifications/{cert}/"

    def provinces(self) -> str:
        return self.prefix + "/provinces/"

    def province(self, province: str) -> str:
        return f"{self.prefix}/provinces/{province}/"

    def search(self) -> str:
        return self.prefix + "/search/"

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
        *(Page(kind, url, url_to_output(url), lang) for kind, url in (
            ("categories", urls.categories()), ("seasons", urls.seasons()), ("certifications", urls.certifications()),
            ("provinces", urls.provinces()), ("search", urls.search()))),
        Page("404", urls.not_found(), urls.not_found().lstrip("/"), lang),
    ]
    for brand in site.brands.values():
        pages += _listing("brand", urls.brand(brand), brand.id, site.by_brand.get(brand.id, ()), lang)
    for category in site.config.categories:
        pages += _listing("category", urls.category(category), category, site.by_category.get(category, ()), lang)
    for month, items in site.by_month.items():  # a month or certification with no product has no page
        if items:
            pages += _listing("season", urls.season(month), str(month), items, lang)
    for cert, items in site.by_cert.items():
        if items:
            pages += _listing("certification", urls.certification(cert), cert, items, lang)
    for ident, items in site.by_province.items():
        pages += _listing("province", urls.province(ident), ident, items, lang)
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

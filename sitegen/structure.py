"""The site's structure: which pages exist, at which URLs, showing which records.

Pure functions over typed records. Each Page names the records and values it shows
(`deps`); the build hashes them to know, without rendering, whether a page changed. The
same knowledge lets the live preview re-render only what an edit affects.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sitegen.config import SiteConfig
from sitegen.content.models import Brand, ImageRef, Product
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
    cards: Mapping[str, str] = field(default_factory=dict)  # product key → what listings show of it
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
        site = Site(config, {b.id: b for b in sorted(brands, key=lambda b: b.id)}, ordered, images, today,
                    {k: tuple(v) for k, v in by_brand.items()}, {k: tuple(v) for k, v in by_category.items()})
        cards = {p.key: site._card(p) for p in ordered}
        place = {p.key: (p, i) for group in site.by_brand.values() for i, p in enumerate(group)}
        return Site(site.config, site.brands, ordered, images, today, site.by_brand, site.by_category, cards,
                    place)

    def image(self, folder: str, file: str) -> ProcessedImage | None:
        return self.images.get(f"{folder}/{file}")

    def card(self, product: Product) -> str:
        """What listing pages show of a product, as a dependency string (the processed cover included)."""
        return self.cards.get(product.key) or self._card(product)

    def _card(self, product: Product) -> str:
        cover = self.image(product.folder, product.cover.file)
        return f"{product.card_digest}:{shown(cover)}"

    def brand_card(self, brand: Brand) -> str:
        """What other pages show of a brand: its card, and the processed logo and banner (og:image)."""
        urls = [shown(self.image(brand.folder, ref.file)) for ref in (brand.logo, brand.banner) if ref]
        return f"{brand.card_digest}:{'|'.join(urls)}"

    def share_image(self) -> ProcessedImage | None:
        """The picture a shared link to a page without its own shows: the first brand banner (or logo)."""
        for brand in self.brands.values():
            for ref in (brand.banner, brand.logo):
                if ref and (image := self.image(brand.folder, ref.file)):
                    return image
        return None

    def new_products(self, limit: int = 8) -> tuple[Product, ...]:
        dated = sorted((p for p in self.products if p.date), key=lambda p: (p.date, p.id), reverse=True)
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
    deps: tuple[str, ...] = ()


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


def _listing(site: Site, kind: str, base: str, subject: str, items: tuple[Product, ...], lang: str,
             extra: tuple[str, ...]) -> list[Page]:
    count = max(1, -(-len(items) // PER_PAGE))
    pages = []
    for n in range(1, count + 1):
        chunk = items[(n - 1) * PER_PAGE : n * PER_PAGE]
        url = paged_url(base, n)
        deps = (*extra, str(count), *(site.card(p) for p in chunk))
        pages.append(Page(kind, url, url_to_output(url), lang, subject, n, count, deps))
    return pages


def plan_pages(site: Site, lang: str) -> list[Page]:
    """Every HTML page of one language, with what each depends on."""
    urls = Urls.for_language(site.config.language, lang)
    brands_cards = tuple(site.brand_card(b) for b in site.brands.values())
    share = shown(site.share_image())  # og:image of the pages without a picture of their own
    pages = [
        Page("home", urls.home(), url_to_output(urls.home()), lang, deps=(
            *brands_cards, str(site.today.month),
            *(site.card(p) for p in site.new_products()), *(site.card(p) for p in site.in_season()),
            *site.config.categories)),
        Page("brands", urls.brands(), url_to_output(urls.brands()), lang, deps=brands_cards),
        Page("categories", urls.categories(), url_to_output(urls.categories()), lang,
             deps=(share, *(f"{c}:{len(site.by_category.get(c, ()))}" for c in site.config.categories))),
        Page("404", urls.not_found(), urls.not_found().lstrip("/"), lang, deps=(share,)),
    ]
    for brand in site.brands.values():
        items = site.by_brand.get(brand.id, ())
        pages += _listing(site, "brand", urls.brand(brand), brand.id, items, lang,
                          (brand.digest, site.brand_card(brand), _image_key(site, brand.folder, brand.banner), share))
    for category in site.config.categories:
        items = site.by_category.get(category, ())
        pages += _listing(site, "category", urls.category(category), category, items, lang, (share,))
    for product in site.products:
        owner = site.brands.get(product.brand_id)
        related = related_products(site, product)
        url = urls.product(product)
        pages.append(Page("product", url, url_to_output(url), lang, f"{product.brand_id}/{product.id}", deps=(
            product.digest, site.brand_card(owner) if owner else "", *(site.card(p) for p in related),
            *(_image_key(site, product.folder, ref) for ref in product.images))))
    return pages


def _image_key(site: Site, folder: str, ref: ImageRef | None) -> str:
    return f"{shown(site.image(folder, ref.file))}|{ref.alt}" if ref else ""


def shown(image: ProcessedImage | None) -> str:
    """What a page shows of an image: where it is, its size and its placeholder."""
    return f"{image.fallback.url}:{image.width}x{image.height}:{image.placeholder}" if image else ""


def related_products(site: Site, product: Product, limit: int = 4) -> tuple[Product, ...]:
    """Others of the same brand, nearest in the brand's list (stable, so pages don't churn)."""
    siblings = site.by_brand.get(product.brand_id, ())
    if len(siblings) <= 1:
        return ()
    index = site.place[product.key][1] if product.key in site.place else 0
    picks = [siblings[(index + k) % len(siblings)] for k in range(1, min(limit, len(siblings) - 1) + 1)]
    return tuple(picks)

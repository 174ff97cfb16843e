"""What other programs read of the catalog: an Atom feed of new products, /products.json, a shopping feed in
Google Merchant's RSS format, the sitemap with each product's photos; and what the theme's scripts read: the
listings' items.json (catalog.js) and the search index (render/search.py).

Each product's part of every file is made once and kept while its record, its brand and its photos are the
very objects of the last pass (`Feeds`), so a preview's pass after one edit joins 20,000 kept strings rather
than serialising 20,000 products again. Every URL is absolute: these files are read away from the site.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from sitegen.config import SiteConfig
from sitegen.content.models import Brand, Product
from sitegen.images.model import ProcessedImage
from sitegen.render.listing_index import index_files, row
from sitegen.render.search import SearchIndex
from sitegen.structure import Page, Site, Urls

FEED_SIZE = 50  # entries of the Atom feed: the newest products by date
SCHEMA_VERSION = 1  # of /products.json (docs/feeds.md); raised when a field changes meaning or goes


def _x(text: str) -> str:
    return escape(text, quote=True)


@dataclass(frozen=True, slots=True)
class _Parts:
    """One product's part of each file."""

    record: Product
    brand: Brand | None
    images: tuple[ProcessedImage | None, ...]
    json: str
    merchant: str
    sitemap_images: str
    rows: tuple[str, ...]  # of the listings' items.json, in each language of the catalog


def _entry(config: SiteConfig, product: Product, brand: Brand | None, url: str,
           photos: list[str]) -> dict[str, Any]:
    """The public fields of a product, as /products.json documents them."""
    category = config.categories.get(product.category)
    certs = config.certifications
    return {
        "id": f"{product.brand_id}/{product.id}", "url": url, "title": product.title, "title_en": product.title_en,
        "summary": product.summary, "summary_en": product.summary_en,
        "brand": {"id": product.brand_id, "name": brand.name if brand else ""},
        "category": {"id": product.category, "zh": category.zh if category else "", "en": category.en if category
                     else ""},
        "price": {"amount": product.price.amount, "currency": product.price.currency, "unit": product.price.unit}
        if product.price else None,
        "variants": [{"name": v.name, "price": v.price, "unit": v.unit} for v in product.variants],
        "images": photos, "season": list(product.season), "origin": product.origin, "producer": product.producer,
        "certifications": [{"id": c.id, "name": certs[c.id].zh if c.id in certs else c.id, "number": c.number}
                           for c in product.certifications],
        "shop_links": [{"platform": s.platform, "url": s.url} for s in product.shop_links],
        "traceability_url": product.traceability_url, "available": product.available, "date": product.date,
        "tags": list(product.tags), "gtin": product.gtin, "weight": product.weight,
        "shelf_life": product.shelf_life, "storage": product.storage, "batch": product.batch,
        "production_date": product.production_date,
    }


def _merchant_item(config: SiteConfig, product: Product, brand: Brand | None, url: str, photos: list[str]) -> str:
    """An <item> of a Google Merchant RSS feed; '' for a product with no price or no photo (Merchant refuses it)."""
    if product.price is None or not photos:
        return ""
    category = config.categories.get(product.category)
    lines = [f"<g:id>{_x(product.brand_id)}-{_x(product.id)}</g:id>", f"<title>{_x(product.title)}</title>",
             f"<description>{_x(product.summary or product.title)}</description>", f"<link>{_x(url)}</link>",
             f"<g:image_link>{_x(photos[0])}</g:image_link>",
             *(f"<g:additional_image_link>{_x(p)}</g:additional_image_link>" for p in photos[1:10]),
             f"<g:availability>{'in_stock' if product.available else 'out_of_stock'}</g:availability>",
             f"<g:price>{product.price.amount:.2f} {_x(product.price.currency)}</g:price>",
             "<g:condition>new</g:condition>"]
    if brand is not None:
        lines.append(f"<g:brand>{_x(brand.name)}</g:brand>")
    if product.gtin:
        lines.append(f"<g:gtin>{_x(product.gtin)}</g:gtin>")
    else:
        lines.append("<g:identifier_exists>no</g:identifier_exists>")
    if category is not None:
        lines.append(f"<g:product_type>{_x(category.zh)}</g:product_type>")
    return "<item>" + "".join(lines) + "</item>\n"


class Feeds:
    """The feeds and the sitemap of each pass, from the parts kept since the last one."""

    def __init__(self) -> None:
        self._parts: dict[str, _Parts] = {}
        self._config: SiteConfig | None = None  # what the parts were made under (a pass loads an equal copy)
        self._search: dict[str, SearchIndex] = {}  # by language

    def files(self, site: Site, pages: Iterable[Page]) -> dict[str, bytes]:
        """feed.xml, products.json, merchant.xml and sitemap.xml for this pass, of the catalog's language."""
        config = site.config
        urls = Urls.for_language(config.language, config.language)
        languages = config.all_languages()
        if config != self._config:  # compared once a pass; each part is then the same while its inputs are
            self._parts, self._config = {}, config
        parts = {}
        for product in site.products:
            brand = site.brands.get(product.brand_id)
            images = tuple(site.image(product.folder, ref.file) for ref in product.images)
            known = self._parts.get(product.key)
            if not (known is not None and known.record is product and known.brand is brand
                    and len(known.images) == len(images) and all(a is b for a, b in zip(known.images, images,
                                                                                        strict=True))):
                url = config.url(urls.product(product))
                photos = [config.url(img.fallback.url) for img in images if img is not None]
                entry = _entry(config, product, brand, url, photos)
                known = _Parts(product, brand, images, json.dumps(entry, ensure_ascii=False, sort_keys=True),
                               _merchant_item(config, product, brand, url, photos),
                               "".join(f"<image:image><image:loc>{_x(p)}</image:loc></image:image>" for p in photos),
                               tuple(row(product, brand, images[0] if images else None,
                                         Urls.for_language(config.language, lang), lang) for lang in languages))
            parts[product.key] = known
        self._parts = parts
        search = {lang: self._search.get(lang) or SearchIndex(lang) for lang in languages}
        self._search = search
        return {
            **{rel: data for index in search.values() for rel, data in index.files(site).items()},
            "products.json": _products_json(config, parts.values()),
            "merchant.xml": _merchant(config, parts.values()),
            "feed.xml": _atom(config, site, urls),
            "sitemap.xml": _sitemap(config, pages, {urls.product(p.record): p.sitemap_images for p in parts.values()}),
            **index_files(site, pages, {lang: {k: p.rows[i] for k, p in parts.items()}
                                        for i, lang in enumerate(languages)}),
        }


def _products_json(config: SiteConfig, parts: Iterable[_Parts]) -> bytes:
    head = json.dumps({"version": SCHEMA_VERSION, "title": config.title, "url": config.url("/"),
                       "language": config.language}, ensure_ascii=False, sort_keys=True)
    return (head[:-1] + ', "products": [\n' + ",\n".join(p.json for p in parts) + "\n]}\n").encode()


def _merchant(config: SiteConfig, parts: Iterable[_Parts]) -> bytes:
    items = "".join(p.merchant for p in parts)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n'
            f"<channel><title>{_x(config.title)}</title><link>{_x(config.url('/'))}</link>"
            f"<description>{_x(config.description or config.title)}</description>\n{items}</channel>\n</rss>\n"
            ).encode()


def _atom(config: SiteConfig, site: Site, urls: Any) -> bytes:
    """The newest products by their date (undated ones are not news); the feed is as new as its newest."""
    newest = site.new_products(FEED_SIZE)
    updated = f"{newest[0].date}T00:00:00Z" if newest else f"{site.today.isoformat()}T00:00:00Z"
    entries = []
    for p in newest:
        url = config.url(urls.product(p))
        brand = site.brands.get(p.brand_id)
        entries.append(f"<entry><title>{_x(p.title)}</title><id>{_x(url)}</id>"
                       f'<link rel="alternate" type="text/html" href="{_x(url)}"/>'
                       f"<updated>{p.date}T00:00:00Z</updated>"
                       f"<author><name>{_x(brand.name if brand else config.title)}</name></author>"
                       f"<summary>{_x(p.summary or p.title)}</summary></entry>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
            f'xml:lang="{_x(config.language)}">\n<title>{_x(config.title)}</title><id>{_x(config.url("/"))}</id>'
            f'<link rel="alternate" type="text/html" href="{_x(config.url("/"))}"/>'
            f'<link rel="self" type="application/atom+xml" href="{_x(config.url("/feed.xml"))}"/>'
            f"<updated>{updated}</updated>\n{''.join(entries)}</feed>\n").encode()


def _sitemap(config: SiteConfig, pages: Iterable[Page], images: dict[str, str]) -> bytes:
    """Every page but the 404, with each product page's photos (the sitemap image extension) and, in a
    catalog of several languages, the page in each of them (hreflang, as in the pages' heads)."""
    prefix = {lang: Urls.for_language(config.language, lang).prefix for lang in config.all_languages()}
    rows = []
    for page in pages:
        if page.kind == "404":
            continue
        path = page.url[len(prefix.get(page.lang, "")):]  # the same page in the catalog's own language
        links = "".join(f'<xhtml:link rel="alternate" hreflang="{_x(lang)}" href="{_x(config.url(there + path))}"/>'
                        for lang, there in prefix.items()) if len(prefix) > 1 else ""
        rows.append(f"<url><loc>{_x(config.url(page.url))}</loc>{links}{images.get(path, '')}</url>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
            f"\n{''.join(rows)}</urlset>\n").encode()

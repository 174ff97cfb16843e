"""`items.json` beside each listing (a brand, a category, a harvest month, a certification, a province): what
the theme's catalog.js filters and sorts in the browser, so a listing of 3,000 products needs no server.

A shopper who never touches the filters never downloads it; one who does gets one file of the whole listing
(about 40 bytes gzipped a product), not 60 pages of it. Each product's row is an array, not an object: the
names would double the file. Rows are made once and kept like the feeds' parts (`render/feeds.py`); a pass
joins them. The columns are `COLUMNS`; catalog.js reads them by position.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from sitegen.content.models import Brand, Price, Product
from sitegen.images.model import ProcessedImage, Variant
from sitegen.structure import Page, Site, Urls

COLUMNS = ("url", "title", "brand", "price", "price_text", "category", "certifications", "months", "available",
           "date", "thumb", "width", "height")
LISTINGS = {"brand": "brand", "category": "category", "season": "season", "certification": "cert",
            "province": "province"}  # page kind → the list of Site.members it shows
THUMB_WIDTH = 400  # a card is at most ~17 rem wide: 400 px is sharp on a 2× phone screen


def money(amount: float | None, currency: str = "CNY") -> str:
    if amount is None:
        return ""
    symbol = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€"}.get(currency, currency + " ")
    return f"{symbol}{amount:,.2f}".replace(".00", "")


def price_text(price: Price | None) -> str:
    """'¥68 / 250g', as a card shows it."""
    return (money(price.amount, price.currency) + (f" / {price.unit}" if price.unit else "")) if price else ""


def thumb(image: ProcessedImage | None) -> Variant | None:
    if image is None:
        return None
    fmt = "webp" if any(v.format == "webp" for v in image.sources) else image.fallback.format  # every phone has it
    same = sorted((v for v in image.sources if v.format == fmt), key=lambda v: v.width)
    return next((v for v in same if v.width >= THUMB_WIDTH), same[-1] if same else image.fallback)


def row(product: Product, brand: Brand | None, cover: ProcessedImage | None, urls: Urls, lang: str) -> str:
    """One product's row, as JSON text."""
    english = lang.startswith("en")
    price = product.price
    small = thumb(cover)
    months = sum(1 << (m - 1) for m in set(product.season) if 1 <= m <= 12)
    return json.dumps([
        urls.product(product), product.title_en if english and product.title_en else product.title,
        (brand.name_en if english and brand.name_en else brand.name) if brand else "",
        price.amount if price else None,
        price_text(price),
        product.category, sorted({c.id for c in product.certifications}), months, int(product.available),
        product.date, small.url if small else "", small.width if small else 0, small.height if small else 0,
    ], ensure_ascii=False, separators=(",", ":"))


def members(page: Page) -> str:
    """The name of the whole list a listing page shows a part of ('category:tea')."""
    return f"{LISTINGS[page.kind]}:{page.subject}"


def index_files(site: Site, pages: Iterable[Page], rows: Mapping[str, Mapping[str, str]]) -> dict[str, bytes]:
    """`items.json` of every listing among `pages`, from each product's row (by language, then key)."""
    out = {}
    for page in pages:
        if page.kind in LISTINGS and page.number == 1:
            mine = rows[page.lang]
            items = ",\n".join(mine[p.key] for p in site.members(members(page)) if p.key in mine)
            out[page.output.rpartition("/")[0] + "/items.json"] = (
                '{"columns":' + json.dumps(COLUMNS) + ',"items":[\n' + items + "\n]}\n").encode()
    return out

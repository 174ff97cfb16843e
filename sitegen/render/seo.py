"""Machine-readable page data: schema.org JSON-LD, sitemap.xml and robots.txt."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from html import escape
from typing import Any

from markupsafe import Markup

from sitegen.content.models import Product
from sitegen.images.model import ProcessedImage


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON inside <script> must not be able to close the tag, whatever editors wrote."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def price_range(product: Product) -> tuple[float, float, int] | None:
    """(lowest, highest, how many) of the variants' prices, when they differ: the page shows that range."""
    prices = [v.price for v in product.variants if v.price is not None]
    if len(set(prices)) < 2:
        return None
    return min(prices), max(prices), len(prices)


def product_ld(config: Any, image: Callable[[str, str], ProcessedImage | None], product: Any, brand: Any,
               description: str, url: str) -> dict[str, Any]:
    """schema.org Product. `config`, `product`, `brand`: the records as the page reads them (tracked)."""
    images = [config.url(img.fallback.url) for ref in product.images if (img := image(product.folder, ref.file))]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "url": url,
        "image": images,
        "description": description,
        "category": config.categories[product.category].zh if product.category in config.categories
        else product.category,
    }
    if brand:
        data["brand"] = {"@type": "Brand", "name": brand.name}
    if product.producer:
        data["manufacturer"] = {"@type": "Organization", "name": product.producer}
    if product.gtin:
        data[f"gtin{len(product.gtin)}" if len(product.gtin) in (8, 12, 13, 14) else "gtin"] = product.gtin
    availability = "https://schema.org/InStock" if product.available else "https://schema.org/OutOfStock"
    currency = product.price.currency if product.price else "CNY"  # the variants' prices are in it too
    if spread := price_range(product):
        low, high, count = spread
        data["offers"] = {"@type": "AggregateOffer", "lowPrice": f"{low:.2f}", "highPrice": f"{high:.2f}",
                          "offerCount": count, "priceCurrency": currency, "availability": availability,
                          "url": url}
    elif product.price:
        data["offers"] = {"@type": "Offer", "price": f"{product.price.amount:.2f}", "priceCurrency": currency,
                          "availability": availability, "url": url}
    return data


def sitemap(urls: Iterable[str]) -> str:
    rows = "".join(f"<url><loc>{escape(u, quote=False)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{rows}</urlset>\n"
    )


def robots(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"

"""Machine-readable page data: schema.org JSON-LD, robots.txt, the site icon and its web app manifest."""

from __future__ import annotations

import json
from collections.abc import Callable
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


def graph(*nodes: dict[str, Any]) -> dict[str, Any]:
    """A page's schema.org nodes in one JSON-LD document (search engines read one script per page best)."""
    return {"@context": "https://schema.org", "@graph": list(nodes)}


def breadcrumb_ld(config: Any, crumbs: list[tuple[str, str]]) -> dict[str, Any]:
    """The trail the page shows above its title, from the home page to the page itself."""
    return {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": n, "name": name, "item": config.url(url)}
        for n, (name, url) in enumerate(crumbs, 1)]}


def brand_ld(config: Any, brand: Any, url: str, logo: ProcessedImage | None, description: str) -> dict[str, Any]:
    """A regional public brand (区域公用品牌) as schema.org sees it: a Brand with its page, logo and story."""
    data: dict[str, Any] = {"@type": "Brand", "name": brand.name, "url": url, "description": description}
    if logo is not None:
        data["logo"] = config.url(logo.fallback.url)
    return data


def product_ld(config: Any, image: Callable[[str, str], ProcessedImage | None], product: Any, brand: Any,
               description: str, url: str) -> dict[str, Any]:
    """schema.org Product, or a ProductGroup with a Product per priced variant (varying by size: the jar, the
    box, the weight). `config`, `product`, `brand`: the records as the page reads them (tracked)."""
    images = [config.url(img.fallback.url) for ref in product.images if (img := image(product.folder, ref.file))]
    data: dict[str, Any] = {
        "@type": "Product",
        "name": product.title,
        "url": url,
        "sku": f"{product.brand_id}-{product.id}",
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
    priced = [(n, v) for n, v in enumerate(product.variants, 1) if v.price is not None]
    if len(priced) >= 2:
        data.update({"@type": "ProductGroup", "productGroupID": data["sku"], "variesBy": ["https://schema.org/size"],
                     "hasVariant": [{
                         "@type": "Product", "name": f"{product.title} {v.name}", "sku": f"{data['sku']}-{n}",
                         "size": v.unit or v.name, "image": images[:1],
                         "offers": {"@type": "Offer", "price": f"{v.price:.2f}", "priceCurrency": currency,
                                    "availability": availability, "url": url}} for n, v in priced]})
    return data


BRAND_COLOUR = "#2f6b3a"  # the default theme's --brand
PAPER_COLOUR = "#fbfaf6"


def icon_svg(title: str) -> str:
    """The site's icon: the first character of its title on the brand colour, drawn by the phone's own font
    (a tab, a bookmark and a home-screen icon instead of a browser's blank page)."""
    mark = escape(title.strip()[:1] or "·")
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
            f'<rect width="64" height="64" rx="14" fill="{BRAND_COLOUR}"/>'
            '<text x="32" y="45" font-size="38" text-anchor="middle" fill="#fff" '
            f'font-family="system-ui, PingFang SC, Microsoft YaHei, sans-serif">{mark}</text></svg>\n')


def web_manifest(config: Any) -> str:
    """What a phone needs to put the catalog on its home screen."""
    return json.dumps({
        "name": config.title, "short_name": config.title[:12], "lang": config.language, "start_url": "/",
        "display": "standalone", "background_color": PAPER_COLOUR, "theme_color": BRAND_COLOUR,
        "icons": [{"src": "/favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }, ensure_ascii=False, indent=1) + "\n"


def robots(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"

"""Page → HTML string, through the theme's Jinja2 templates (autoescaped; no file I/O).

Each page kind gets a small context function; everything common (site settings, the
translator, URL helpers, the <picture> helper) is a template global set once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from sitegen.config import Term
from sitegen.content.models import CertRef, Product
from sitegen.images.model import ProcessedImage
from sitegen.render.i18n import texts, translator
from sitegen.render.markdown import plain_text, render_markdown
from sitegen.render.picture import picture
from sitegen.render.sandbox import MAX_RENDER_MEMORY, CatalogSandbox
from sitegen.render.seo import json_ld, price_range, product_ld
from sitegen.render.theme import Theme
from sitegen.structure import Page, Site, Urls, paged_url, related_products

TEMPLATES = {"home": "home.html", "brands": "brands.html", "brand": "brand.html", "product": "product.html",
             "categories": "categories.html", "category": "category.html", "404": "404.html"}


class Renderer:
    """Holds the Jinja environment for one site and language; `render` is safe to call from workers."""

    def __init__(self, site: Site, theme: Theme, lang: str):
        self.site = site
        self.theme = theme
        self.lang = lang
        self.env = CatalogSandbox(
            loader=theme.loader(), undefined=jinja2.StrictUndefined,
            auto_reload=False,  # templates cannot change during a build; checking costs a stat per include
        )
        self._ = translator(lang)
        self.urls = Urls.for_language(site.config.language, lang)
        self.env.globals.update(
            site=site.config, _=self._, t=texts(lang), asset=theme.asset_url, picture=picture, lang=lang,
            urls=self.urls, product_url=self.urls.product, brand_url=self.urls.brand,
            category_url=self.urls.category,
            image=site.image, term_name=self.term_name, month_names=self.month_names,
            cert_terms=self.cert_terms, money=money, categories=site.config.categories,
            category_counts={k: len(v) for k, v in site.by_category.items()},
            police_code=re.sub(r"\D", "", site.config.police_record), card=self.card,
        )
        self._cards: dict[tuple[str, bool], Markup] = {}
        self._contexts: dict[str, Callable[[Page], dict[str, Any]]] = {
            "home": self._home, "brands": self._brands, "brand": self._brand, "product": self._product,
            "categories": self._categories, "category": self._category, "404": self._not_found,
        }

    def render(self, page: Page) -> str:
        context = self._contexts[page.kind](page)
        context.setdefault("canonical", self.site.config.url(page.url))
        if not context.get("og_image"):
            context["og_image"] = self._share_image
        context.setdefault("description", self.site.config.description or self.site.config.title)
        context["page"] = page
        try:
            return self.env.get_template(TEMPLATES[page.kind]).render(context)
        except MemoryError as exc:  # past sandbox.bounded_memory: said at the template's line, like any other
            limit = f"{MAX_RENDER_MEMORY >> 20:,} MB"
            raise self.theme.error(SecurityError(f"this page would take more memory than a template may use "
                                                 f"({limit})").with_traceback(exc.__traceback__)) from None
        except Exception as exc:  # a template is the catalog's code: 1/0, a loop of includes, a wrong call …
            raise self.theme.error(exc) from None

    @functools.cached_property
    def _share_image(self) -> str:
        """og:image of the pages without a picture of their own: looked up once, not once per page."""
        return self._og(self.site.share_image())

    def compile_templates(self) -> None:
        try:
            for name in (*TEMPLATES.values(), "partials/card.html"):
                self.env.get_template(name)
        except Exception as exc:
            raise self.theme.error(exc) from None

    # -- helpers exposed to templates
    def card(self, product: Product, eager: bool = False) -> Markup:
        """A product's card, rendered once per process: it appears on many listing and product pages.
        `eager`: the card is in the first screen, so its photo is not lazy-loaded (a variant of its own)."""
        key = (product.key, eager)
        html = self._cards.get(key)
        if html is None:
            html = Markup(self.env.get_template("partials/card.html").render(p=product, eager=eager))
            self._cards[key] = html
        return html

    def term_name(self, term: Term | None) -> str:
        return term.name(self.lang) if term else ""

    def month_names(self, months: tuple[int, ...]) -> str:
        return "、".join(self._("month", m=m) for m in months) if self.lang.startswith("zh") else ", ".join(
            self._("month", m=m) for m in months)

    def cert_terms(self, refs: tuple[CertRef, ...]) -> list[tuple[Term, str]]:
        certs = self.site.config.certifications
        return [(certs[r.id], r.number) for r in refs if r.id in certs]

    def _photos(self, folder: str, files: list[str]) -> dict[str, str]:
        """The published copy of each listed photo, for <img> tags written in the Markdown text."""
        return {f: img.fallback.url for f in files if (img := self.site.image(folder, f))}

    def _og(self, image: ProcessedImage | None) -> str:
        if image is None:
            return ""
        return self.site.config.url((image.og or image.fallback).url)

    # -- one context per page kind
    def _home(self, page: Page) -> dict[str, Any]:
        site = self.site
        return {"title": site.config.title, "brands": list(site.brands.values()),
                "new_products": site.new_products(), "in_season": site.in_season()}

    def _brands(self, page: Page) -> dict[str, Any]:
        return {"title": self._("all_brands"), "brands": list(self.site.brands.values())}

    def _brand(self, page: Page) -> dict[str, Any]:
        brand = self.site.brands[page.subject]
        photos = self._photos(brand.folder, [ref.file for ref in (brand.logo, brand.banner) if ref])
        body = render_markdown(brand.body, photos)
        items = _page_items(self.site.by_brand.get(brand.id, ()), page)
        banner = self.site.image(brand.folder, brand.banner.file) if brand.banner else None
        logo = self.site.image(brand.folder, brand.logo.file) if brand.logo else None
        return {"title": brand.name, "brand": brand, "body": body, "products": items, "banner": banner,
                "logo": logo, "pager": _pager(page), "og_image": self._og(banner or logo),
                "description": brand.summary or plain_text(body) or brand.name}

    def _product(self, page: Page) -> dict[str, Any]:
        product = self.site.place[f"product:{page.subject}"][0]
        brand = self.site.brands.get(product.brand_id)
        body = render_markdown(product.body, self._photos(product.folder, [ref.file for ref in product.images]))
        images = [(img, ref.alt or product.title) for ref in product.images
                  if (img := self.site.image(product.folder, ref.file))]
        description = product.summary or plain_text(body) or product.title
        canonical = self.site.config.url(page.url)
        return {
            "title": product.title, "product": product, "brand": brand, "body": body, "images": images,
            "category": self.site.config.categories.get(product.category), "description": description,
            "related": related_products(self.site, product), "canonical": canonical,
            "price_range": price_range(product), "currency": product.price.currency if product.price else "CNY",
            "og_image": self._og(images[0][0] if images else None),
            "json_ld": json_ld(product_ld(self.site, product, brand, description, canonical)),
        }

    def _categories(self, page: Page) -> dict[str, Any]:
        return {"title": self._("all_categories")}

    def _category(self, page: Page) -> dict[str, Any]:
        term = self.site.config.categories[page.subject]
        items = _page_items(self.site.by_category.get(page.subject, ()), page)
        cover = self.site.image(items[0].folder, items[0].cover.file) if items else None
        return {"title": self.term_name(term), "term": term, "products": items, "pager": _pager(page),
                "description": term.description or self.term_name(term), "og_image": self._og(cover)}

    def _not_found(self, page: Page) -> dict[str, Any]:
        # Served at every missing URL, so it has no URL of its own: no canonical link and no og:url.
        return {"title": self._("not_found"), "canonical": ""}


def _page_items(items: tuple[Product, ...], page: Page) -> tuple[Product, ...]:
    from sitegen.structure import PER_PAGE

    return items[(page.number - 1) * PER_PAGE : page.number * PER_PAGE]


def _pager(page: Page) -> dict[str, Any]:
    base = page.url if page.number == 1 else page.url.rsplit("page/", 1)[0]
    return {
        "number": page.number, "count": page.pages,
        "prev": paged_url(base, page.number - 1) if page.number > 1 else "",
        "next": paged_url(base, page.number + 1) if page.number < page.pages else "",
    }


def money(amount: float | None, currency: str = "CNY") -> str:
    if amount is None:
        return ""
    symbol = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€"}.get(currency, currency + " ")
    return f"{symbol}{amount:,.2f}".replace(".00", "")

"""Page → HTML string, through the theme's Jinja2 templates (sandboxed, autoescaped; no file I/O).

Each page kind gets a small context function; everything common (site settings, the translator, URL
helpers, the <picture> helper) is a template global set once. Records reach templates and helpers as
`Tracked` views, so each page comes back with what it read (`render/reads.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from sitegen.config import Term
from sitegen.content.models import CertRef
from sitegen.images.model import ProcessedImage
from sitegen.provinces import province as province_of
from sitegen.qr import FILE as QR_FILE
from sitegen.render.i18n import texts, translator
from sitegen.render.listing_index import members, money
from sitegen.render.markdown import body_key, plain_text, render_markdown, resanitized
from sitegen.render.picture import largest, picture, smallest
from sitegen.render.reads import Reads, Recorder, untracked, view
from sitegen.render.sandbox import CatalogSandbox, CompiledTemplates
from sitegen.render.seo import brand_ld, breadcrumb_ld, graph, json_ld, price_range, product_ld
from sitegen.render.theme import Theme
from sitegen.structure import Page, Site, Urls, paged_url

TEMPLATES = {"home": "home.html", "brands": "brands.html", "brand": "brand.html", "product": "product.html",
             "categories": "categories.html", "category": "category.html", "404": "404.html",
             "season": "listing.html", "certification": "listing.html", "province": "listing.html",
             "seasons": "terms.html", "certifications": "terms.html", "provinces": "terms.html",
             "search": "search.html"}


LANGUAGE_NAMES = {"zh-CN": "中文", "en": "English"}  # each in itself, as a language switch shows them


class Renderer:
    """Holds the Jinja environment for one site and language; `render` is safe to call from workers."""

    def __init__(self, site: Site, theme: Theme, lang: str, bodies: Callable[[str], str | None] | None = None,
                 compiled: dict[tuple[str, str], Any] | None = None):
        """`bodies`: the body cache (key → HTML rendered before); bodies rendered now go to `new_bodies`.
        `compiled`: templates compiled by a session's earlier passes (see `CompiledTemplates`)."""
        self.site = site
        self.bodies = bodies
        self.new_bodies: dict[str, str] = {}
        self.theme = theme
        self.lang = lang
        self.recorder = Recorder()
        self.env = CatalogSandbox(
            loader=theme.loader(), undefined=jinja2.StrictUndefined, recorder=self.recorder,
            auto_reload=False,  # templates cannot change during a build; checking costs a stat per include
            bytecode_cache=None if compiled is None else CompiledTemplates(compiled),
        )
        self.view = view(lang, site.config.language)
        self.config = self.view(site.config, "config", self.recorder)
        self._ = translator(lang)
        self.urls = Urls.for_language(site.config.language, lang)
        self.env.globals.update(
            site=self.config, _=self._, t=texts(lang), asset=self.asset, picture=picture, largest=largest,
            smallest=smallest, lang=lang,
            urls=self.urls, product_url=self.urls.product, brand_url=self.urls.brand,
            category_url=self.urls.category, season_url=self.urls.season, cert_url=self.urls.certification,
            province_url=self.urls.province, province=self.province, image=self.image, term_name=self.term_name,
            month_names=self.month_names, cert_terms=self.cert_terms, money=money, card=self.card,
            categories=_Noted(site.config.categories, lambda: self.recorder.reads.field("config", "categories")),
            category_counts=_Noted({k: len(v) for k, v in site.by_category.items()},
                                   lambda: self.recorder.reads.lists.add("counts")),
        )
        self._cards: dict[tuple[str, bool], tuple[Markup, Reads]] = {}
        self._share: tuple[str, Reads] | None = None
        self._contexts: dict[str, Callable[[Page], dict[str, Any]]] = {
            "home": self._home, "brands": self._brands, "brand": self._brand, "product": self._product,
            "categories": self._categories, "category": self._category, "404": self._not_found,
            "season": self._facet, "certification": self._facet, "province": self._facet,
            "seasons": self._facets, "certifications": self._facets, "provinces": self._facets,
            "search": self._search,
        }

    def render(self, page: Page) -> tuple[str, Reads]:
        """The page's HTML, and everything it read."""
        self.recorder.reads = reads = Reads()
        context = self._contexts[page.kind](page)
        context.setdefault("canonical", self.config.url(page.url))
        if not context.get("og_image"):
            context["og_image"] = self._share_image()
        context.setdefault("description", self.config.description or self.config.title)
        context["alternates"] = self._alternates(page)
        context["police_code"] = re.sub(r"\D", "", self.config.police_record)
        context["page"] = page
        try:
            return self.env.get_template(TEMPLATES[page.kind]).render(context), reads
        except MemoryError as exc:  # past sandbox.bounded_memory: said at the template's line, like any other
            raise self.theme.error(SecurityError("sandbox-page-memory").with_traceback(exc.__traceback__)) from None
        except Exception as exc:  # a template is the catalog's code: 1/0, a loop of includes, a wrong call …
            raise self.theme.error(exc) from None

    def _alternates(self, page: Page) -> list[tuple[str, str, str, str]]:
        """(language, its name, site path, absolute URL) of this page in each language the catalog is built in,
        for hreflang links and the language switch; none for a catalog in one language, or the 404."""
        own, others = self.config.language, self.config.languages  # plain fields: what a page reads is compared
        if len(others) < 2 or page.kind == "404":
            return []
        path = page.url[len(self.urls.prefix):]
        return [(lang, LANGUAGE_NAMES.get(lang, lang), there, self.config.url(there))
                for lang in others for there in [Urls.for_language(own, lang).prefix + path]]

    def _share_image(self) -> str:
        """og:image of the pages without a picture of their own (the first brand banner or logo): looked up
        once, and its reads added to each page that shows it."""
        if self._share is None:
            outer = self.recorder.reads
            self.recorder.reads = found = Reads()
            url = ""
            for brand in self._list("brands"):
                image = next((img for ref in (brand.banner, brand.logo) if ref and (img := self.image(
                    brand.folder, ref.file))), None)
                if image is not None:
                    url = self._og(image)
                    break
            self.recorder.reads = outer
            self._share = (url, found)
        self.recorder.reads.merge(self._share[1])
        return self._share[0]

    def compile_templates(self) -> None:
        try:
            for name in (*TEMPLATES.values(), "partials/card.html"):
                self.env.get_template(name)
        except Exception as exc:
            raise self.theme.error(exc) from None

    # -- what pages read, noted as they read it
    def _track(self, record: Any) -> Any:
        return self.view(record, record.key, self.recorder)

    def _record(self, key: str) -> Any:
        return self._track(self.site.record(key))

    def _list(self, name: str) -> list[Any]:
        self.recorder.reads.lists.add(name)
        return [self._track(r) for r in self.site.members(name)]

    def image(self, folder: str, file: str) -> ProcessedImage | None:
        rel = f"{folder}/{file}"
        self.recorder.reads.images.add(rel)
        return self.site.images.get(rel)

    def asset(self, name: str) -> str:
        self.recorder.reads.assets.add(name)
        return self.theme.asset_url(name)

    # -- helpers exposed to templates
    def card(self, product: Any, eager: bool = False) -> Markup:
        """A product's card, rendered once per process: it appears on many listing and product pages; what it
        read is added to each page that shows it. `eager`: the card is in the first screen, so its photo is
        not lazy-loaded (a variant of its own)."""
        record = untracked(product)
        key = (record.key, eager)
        hit = self._cards.get(key)
        if hit is None:
            outer = self.recorder.reads
            self.recorder.reads = reads = Reads()
            try:
                html = Markup(self.env.get_template("partials/card.html").render(p=self._track(record), eager=eager))
            finally:
                self.recorder.reads = outer
            hit = self._cards[key] = (html, reads)
        self.recorder.reads.merge(hit[1])
        return hit[0]

    def term_name(self, term: Term | None) -> str:
        return term.name(self.lang) if term else ""

    def month_names(self, months: tuple[int, ...]) -> str:
        return "、".join(self._("month", m=m) for m in months) if self.lang.startswith("zh") else ", ".join(
            self._("month", m=m) for m in months)

    def cert_terms(self, refs: tuple[CertRef, ...]) -> list[tuple[Term, str]]:
        certs = self.config.certifications
        return [(certs[r.id], r.number) for r in refs if r.id in certs]

    def _photos(self, folder: str, files: list[str]) -> dict[str, str]:
        """The published copy of each listed photo, for <img> tags written in the Markdown text."""
        return {f: img.fallback.url for f in files if (img := self.image(folder, f))}

    def _body(self, text: str, photos: dict[str, str]) -> str:
        """The body as sanitized HTML: from the cache when it was rendered before with the same photos."""
        key = body_key(text, photos)
        cached = self.bodies(key) if self.bodies is not None else None
        html = resanitized(cached, photos) if cached is not None else None
        if html is None:
            html = render_markdown(text, photos)
            self.new_bodies[key] = html
        return html

    def _crumbs(self, *trail: tuple[str, str]) -> list[tuple[str, str]]:
        """(name, site path) from the home page to this page: shown above its title, and in its JSON-LD."""
        return [(self._("home"), self.urls.home()), *trail]

    def _og(self, image: ProcessedImage | None) -> str:
        if image is None:
            return ""
        return str(self.config.url((image.og or image.fallback).url))

    # -- one context per page kind
    def _home(self, page: Page) -> dict[str, Any]:
        site = {"@type": "WebSite", "name": self.config.title, "url": self.config.url(page.url)}
        return {"title": self.config.title, "brands": self._list("brands"), "new_products": self._list("new"),
                "in_season": self._list("season"), "now_month": self.site.today.month,  # in the "season" list's digest
                "json_ld": json_ld(graph(site))}

    def _brands(self, page: Page) -> dict[str, Any]:
        crumbs = self._crumbs((self._("all_brands"), page.url))
        return {"title": self._("all_brands"), "brands": self._list("brands"), "crumbs": crumbs,
                "json_ld": json_ld(graph(breadcrumb_ld(self.config, crumbs)))}

    def _brand(self, page: Page) -> dict[str, Any]:
        brand = self._record(f"brand:{page.subject}")
        photos = self._photos(brand.folder, [ref.file for ref in (brand.logo, brand.banner) if ref])
        body = self._body(brand.body, photos)
        items = self._list(f"brand:{page.subject}@{page.number}")
        banner = self.image(brand.folder, brand.banner.file) if brand.banner else None
        logo = self.image(brand.folder, brand.logo.file) if brand.logo else None
        description = brand.summary or plain_text(body) or brand.name
        crumbs = self._crumbs((self._("brands"), self.urls.brands()), (brand.name, page.url))
        ld = graph(brand_ld(self.config, brand, self.config.url(self.urls.brand(page.subject)), logo, description),
                   breadcrumb_ld(self.config, crumbs))
        return {"title": brand.name, "brand": brand, "body": body, "products": items, "banner": banner,
                "logo": logo, "pager": _pager(page), "filters": self._filters(page),
                "og_image": self._og(banner or logo),
                "description": description, "crumbs": crumbs, "json_ld": json_ld(ld)}

    def _product(self, page: Page) -> dict[str, Any]:
        product = self._record(f"product:{page.subject}")
        owner = self.site.brands.get(product.brand_id)
        brand = self._track(owner) if owner else None
        body = self._body(product.body, self._photos(product.folder, [ref.file for ref in product.images]))
        images = [(img, ref.alt or product.title) for ref in product.images
                  if (img := self.image(product.folder, ref.file))]
        description = product.summary or plain_text(body) or product.title
        canonical = self.config.url(page.url)
        categories = self.config.categories
        crumbs = self._crumbs(*([(brand.name, self.urls.brand(product.brand_id))] if brand else []),
                              (product.title, page.url))
        return {
            "crumbs": crumbs,
            "title": product.title, "product": product, "brand": brand, "body": body, "images": images,
            "category": categories.get(product.category), "description": description,
            "related": self._list(f"related:{product.key}"), "canonical": canonical,
            "price_range": price_range(product), "currency": product.price.currency if product.price else "CNY",
            "og_image": self._og(images[0][0] if images else None),
            "qr": Urls().product(product) + QR_FILE,  # one code per product, that of the catalog's own language
            "json_ld": json_ld(graph(product_ld(self.config, self.image, product, brand, description, canonical),
                                     breadcrumb_ld(self.config, crumbs))),
        }

    def _categories(self, page: Page) -> dict[str, Any]:
        crumbs = self._crumbs((self._("all_categories"), page.url))
        return {"title": self._("all_categories"), "crumbs": crumbs,
                "json_ld": json_ld(graph(breadcrumb_ld(self.config, crumbs)))}

    def _category(self, page: Page) -> dict[str, Any]:
        term = self.config.categories[page.subject]
        items = self._list(f"category:{page.subject}@{page.number}")
        cover = self.image(items[0].folder, items[0].cover.file) if items else None
        crumbs = self._crumbs((self._("categories"), self.urls.categories()), (self.term_name(term), page.url))
        return {"title": self.term_name(term), "term": term, "products": items, "pager": _pager(page),
                "filters": self._filters(page),
                "description": term.description or self.term_name(term), "og_image": self._og(cover),
                "crumbs": crumbs, "json_ld": json_ld(graph(breadcrumb_ld(self.config, crumbs)))}

    def _facet_names(self, kind: str) -> list[tuple[str, str, str]]:
        """(id, name, URL) of each listing of a facet, in the order shoppers expect (months in order)."""
        if kind == "season":
            return [(str(m), self._("month", m=m), self.urls.season(m)) for m in range(1, 13)]
        if kind == "certification":
            return [(c, self.term_name(term), self.urls.certification(c))
                    for c, term in self.config.certifications.items()]
        self.recorder.reads.lists.add("counts")  # the provinces are the brands' ones: their names are counted
        return [(i, p.name(self.lang), self.urls.province(i)) for i, p in self.site.provinces.items()]

    def province(self, brand: Any) -> tuple[str, str] | None:
        """(name, URL) of the listing of a brand's province, for its brand and product pages."""
        found = province_of(brand.province)
        if found is None or found.id not in self.site.by_province:
            return None
        return found.name(self.lang), self.urls.province(found.id)

    def _facet(self, page: Page) -> dict[str, Any]:
        """A listing of one month, certification or province."""
        index = {"season": ("seasons", self.urls.seasons()), "certification": ("certifications",
                 self.urls.certifications()), "province": ("provinces", self.urls.provinces())}[page.kind]
        name = next(n for i, n, _ in self._facet_names(page.kind) if i == page.subject)
        items = self._list(f"{members(page)}@{page.number}")
        cover = self.image(items[0].folder, items[0].cover.file) if items else None
        crumbs = self._crumbs((self._(index[0]), index[1]), (name, page.url))
        return {"title": name, "products": items, "pager": _pager(page), "filters": self._filters(page),
                "description": self._(f"{page.kind}_description", name=name), "og_image": self._og(cover),
                "crumbs": crumbs, "json_ld": json_ld(graph(breadcrumb_ld(self.config, crumbs)))}

    def _facets(self, page: Page) -> dict[str, Any]:
        """The listings of one facet, with how many products each has."""
        kind = page.kind[:-1]
        self.recorder.reads.lists.add("counts")
        site = self.site
        lists = site.by_month.items() if kind == "season" else (site.by_cert if kind == "certification"
                                                                 else site.by_province).items()
        counts = {str(i): len(items) for i, items in lists}
        entries = [(name, url, counts.get(i, 0)) for i, name, url in self._facet_names(kind)]
        crumbs = self._crumbs((self._(page.kind), page.url))
        return {"title": self._(page.kind), "entries": entries, "crumbs": crumbs,
                "json_ld": json_ld(graph(breadcrumb_ld(self.config, crumbs)))}

    def _filters(self, page: Page) -> dict[str, Any]:
        """What the filter form of a listing offers; catalog.js reads the listing's items.json."""
        return {"index": page.url.rsplit("page/", 1)[0] + "items.json", "kind": page.kind,
                "categories": [(i, self.term_name(t)) for i, t in self.config.categories.items()],
                "certifications": [(i, self.term_name(t)) for i, t in self.config.certifications.items()]}

    def _search(self, page: Page) -> dict[str, Any]:
        crumbs = self._crumbs((self._("search"), page.url))
        return {"title": self._("search"), "crumbs": crumbs, "index": page.url, "description": self._("search_hint"),
                "json_ld": json_ld(graph(breadcrumb_ld(self.config, crumbs)))}

    def _not_found(self, page: Page) -> dict[str, Any]:
        # Served at every missing URL, so it has no URL of its own: no canonical link and no og:url.
        return {"title": self._("not_found"), "canonical": ""}


class _Noted(Mapping[str, Any]):
    """A mapping templates read (the categories, their counts) that notes the read when it happens."""

    def __init__(self, data: Mapping[str, Any], note: Callable[[], None]):
        self._data = data
        self._note = note

    def __getitem__(self, key: str) -> Any:
        self._note()
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        self._note()
        return iter(self._data)

    def __len__(self) -> int:
        self._note()
        return len(self._data)


def _pager(page: Page) -> dict[str, Any]:
    base = page.url if page.number == 1 else page.url.rsplit("page/", 1)[0]
    return {
        "number": page.number, "count": page.pages,
        "prev": paged_url(base, page.number - 1) if page.number > 1 else "",
        "next": paged_url(base, page.number + 1) if page.number < page.pages else "",
    }

"""The pages a catalog has, their fingerprints and the files for search engines, kept between passes.

Which pages exist depends on the catalog's shape only: its brands, categories and products by key, and
how many each listing holds. An edit to a product's text leaves the shape as it was, so a session's next
pass takes the same pages, fingerprints and sitemap instead of making 5,000 of each again.
"""

from __future__ import annotations

from sitegen import __version__
from sitegen.config import SiteConfig
from sitegen.engine.assemble import extras
from sitegen.engine.previous import code_digest, fingerprint
from sitegen.structure import Page, Site, plan_pages


def shape(site: Site, langs: tuple[str, ...]) -> tuple[object, ...]:
    """Everything `plan_pages` reads."""
    config = site.config
    return (langs, config.language, tuple(config.categories),
            tuple((b, len(site.by_brand.get(b, ()))) for b in site.brands),
            tuple(len(site.by_category.get(c, ())) for c in config.categories),
            tuple(len(v) for v in site.by_month.values()), tuple((c, len(v)) for c, v in site.by_cert.items()),
            tuple((i, len(v)) for i, v in site.by_province.items()),
            tuple(p.key for p in site.products))


class Planned:
    def __init__(self) -> None:
        self._shape: tuple[object, ...] | None = None
        self.pages: list[Page] = []
        self.fingerprints: list[str] = []  # what each page is; what it shows is in its reads
        self._extras: tuple[list[Page], str, dict[str, bytes]] | None = None

    def plan(self, site: Site, langs: tuple[str, ...]) -> list[tuple[Page, str]]:
        """Every page of each language, with its fingerprint."""
        now = shape(site, langs)
        if now != self._shape:
            self.pages = [page for lang in langs for page in plan_pages(site, lang)]
            code = code_digest()
            self.fingerprints = [fingerprint(__version__, code, page) for page in self.pages]
            self._shape = now
        return list(zip(self.pages, self.fingerprints, strict=True))

    def extras(self, config: SiteConfig, settings: str, pages: list[Page]) -> dict[str, bytes]:
        """`extras` for these very pages and settings (`settings`: their digest)."""
        if self._extras is None or self._extras[0] is not pages or self._extras[1] != settings:
            self._extras = (pages, settings, extras(config, pages))
        return self._extras[2]

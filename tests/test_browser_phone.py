"""What a phone downloads and how the theme lays pages out, measured in Chromium (360×740 CSS px at DPR 3
and other screens): the smallest file that fills each photo's box, no lazy photo in the first screen, no
sideways scroll, tap targets a thumb can hit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser_site import LONG_URL, PAGE_KINDS, PRODUCT_ITEM, Served, open_page, page_width

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

pytestmark = pytest.mark.browser


def _phone(browser: Browser, width: int, height: int, dpr: float) -> BrowserContext:
    return browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=dpr,
                               is_mobile=width < 600, has_touch=width < 600)


_CHOSEN_FILES = """() => [...document.querySelectorAll('main picture img')].filter(img => img.currentSrc).map(img => {
    const candidates = el => (el.getAttribute('srcset') || '').split(',').map(s => s.trim().split(/\\s+/))
        .filter(p => p.length === 2).map(([u, w]) => [new URL(u, location.href).href, parseInt(w)]);
    const from = [...img.parentElement.querySelectorAll('source'), img]
        .map(candidates).find(list => list.some(([u]) => u === img.currentSrc)) || [];
    return {cls: img.className, drawn: img.getBoundingClientRect().width, src: img.currentSrc,
            chosen: (from.find(([u]) => u === img.currentSrc) || [0, 0])[1], widths: from.map(([, w]) => w)};
})"""


@pytest.mark.parametrize("viewport", [(360, 740, 3), (390, 844, 2), (1000, 800, 2), (1280, 800, 1)],
                         ids=lambda v: "{}x{}@{}".format(*v))
def test_photos_fetch_the_smallest_file_that_fills_their_box(viewport: tuple[int, int, float], browser: Browser,
                                                            served: Served) -> None:
    """`sizes` says how wide each photo is drawn; when it is right, the browser picks the smallest file that is
    at least (drawn width × device pixel ratio) wide: no card thumbnail at twice the pixels it needs. A wider
    file that the visit fetched anyway is fine: Chromium shows it from its cache at no cost (a gallery's
    thumbnail shows the file of the big photo above it, or of the card on the listing before)."""
    width, height, dpr = viewport
    context = _phone(browser, width, height, dpr)
    wrong, seen, fetched = [], set(), set()
    context.on("requestfinished", lambda request: fetched.add(request.url))
    try:
        for path in ("/", "/categories/tea/", "/brands/puer/", PRODUCT_ITEM.url):
            before = set(fetched)
            page = open_page(context, served.url(path))
            page.evaluate("async () => { for (let y = 0; y < document.body.scrollHeight; y += 400) {"
                          " scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); } }")
            page.wait_for_load_state("networkidle")
            images = page.evaluate(_CHOSEN_FILES)
            shown = [img["src"] for img in images]
            for img in images:
                if not img["widths"]:
                    continue  # a single file (the PNG logo): nothing to choose
                need = img["drawn"] * dpr
                best = min((w for w in img["widths"] if w >= need - 1), default=max(img["widths"]))
                seen.add(img["cls"])
                free = img["src"] in before or shown.count(img["src"]) > 1  # a file fetched for another photo
                if img["chosen"] != best and not (img["chosen"] > best and free):
                    wrong.append(f"{path} .{img['cls']}: drawn {img['drawn']:.0f} px → needs {need:.0f}, "
                                 f"got the {img['chosen']}w file instead of {best}w")
            page.close()
    finally:
        context.close()
    assert {"thumb", "banner", "photo"} <= seen, seen
    assert wrong == []


@pytest.mark.parametrize("viewport", [(360, 740, 3), (1280, 800, 1)], ids=lambda v: "{}x{}@{}".format(*v))
def test_photos_in_the_first_screen_are_not_lazy(viewport: tuple[int, int, float], browser: Browser,
                                                 served: Served, paged: Served) -> None:
    """A lazy image is only fetched after layout: the first cards of a listing (its largest paint) must not wait."""
    width, height, dpr = viewport
    context = _phone(browser, width, height, dpr)
    lazy, cards = [], 0
    try:
        for url in (served.url("/"), served.url("/categories/tea/"), served.url("/categories/rice/"),
                    paged.url("/categories/tea/"), paged.url("/categories/tea/page/2/"),
                    paged.url("/brands/lishui/page/2/")):
            page = open_page(context, url)
            shown = page.evaluate("""() => [...document.querySelectorAll('main img')].filter(img => {
                const r = img.getBoundingClientRect();
                return r.bottom > 0 && r.top < innerHeight && r.width > 0;
            }).map(img => [img.className, img.loading, img.currentSrc])""")
            cards += sum(cls == "thumb" for cls, _, _ in shown)
            lazy += [f"{url}: .{cls} {src}" for cls, loading, src in shown if loading == "lazy"]
            page.close()
    finally:
        context.close()
    assert cards >= 6, "no product cards in the first screen to check"
    assert lazy == [], "lazy-loaded photos in the first screen"


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_no_sideways_scroll_at_320px_with_long_words(kind: str, browser: Browser, served: Served) -> None:
    """A URL in a text or a long title_en cannot shrink below its width unless it may break anywhere."""
    context = _phone(browser, 320, 640, 2)
    try:
        page = open_page(context, served.url(PAGE_KINDS[kind]))
        if kind in ("product", "brand"):
            assert page.locator("main").get_by_text(LONG_URL, exact=False).count() == 1
        scroll_width, inner_width = page_width(page)
        assert scroll_width <= 320 and inner_width == 320, \
            f"{kind}: {scroll_width} px wide in a {inner_width} px layout viewport on a 320 px phone"
    finally:
        context.close()


def test_variant_units_and_prices_stay_on_one_line(browser: Browser, served: Served) -> None:
    context = _phone(browser, 360, 740, 3)
    try:
        page = open_page(context, served.url(PRODUCT_ITEM.url))
        lines = page.evaluate("""() => [...document.querySelectorAll('.variants td')].map(td => {
            const range = document.createRange();
            range.selectNodeContents(td);
            return [td.textContent, new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
        })""")
        assert any(text == "5千克/箱" for text, _ in lines), lines
        assert [text for text, n in lines if n != 1] == [], "cells broken over lines"
    finally:
        context.close()


@pytest.mark.parametrize("kind", [*PAGE_KINDS, "paged"])
def test_tap_targets_are_at_least_40px_tall(kind: str, browser: Browser, served: Served, paged: Served) -> None:
    """Every link's own box (what a thumb hits): header and footer links, chips, pager, the brand and category
    links of a product. Links inside running text (a story, a product's details) are exempt, as in WCAG 2.5.8."""
    context = _phone(browser, 360, 740, 3)
    try:
        page = open_page(context, paged.url("/categories/tea/") if kind == "paged" else served.url(PAGE_KINDS[kind]))
        small = page.evaluate("""() => [...document.querySelectorAll('header a, main a, footer a')]
            .filter(a => !a.closest('.body, .story') && a.getClientRects().length)
            .map(a => [a.textContent.trim(), a.getBoundingClientRect().height])
            .filter(([, h]) => h < 40)""")
        if kind == "paged":
            assert page.locator(".pager a").count() == 1
        assert small == [], f"{kind}: links shorter than 40 px: {small}"
    finally:
        context.close()

"""Accessibility in a real browser: axe-core finds nothing on any page kind, and a keyboard alone reaches a product.

axe-core is the npm package pinned in tests/js/package.json, installed by `.ci/run` (`npm ci --prefix tests/js`)
and injected into each page; these tests skip without it, unless CI is set. The pages it checks are the table
PAGE_KINDS in browser_site.py: a new page kind (search, the English catalog) is checked once it is added there.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image, ImageChops

from tests.browser_site import PAGE_KINDS, PHONE, PRODUCT_ITEM, Served, Watch, cannot_run, open_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

JS = Path(__file__).resolve().parent / "js"
AXE = JS / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS: dict[str, dict[str, Any]] = {"phone": PHONE, "desktop": {"viewport": {"width": 1280, "height": 800}}}
# axe's default rules (WCAG 2.0–2.2 A and AA, and its best practices) and the WCAG 2.2 target size, which axe
# leaves off by default and which matters most on a phone.
AXE_OPTIONS = {"rules": {"target-size": {"enabled": True}}}


@pytest.fixture(scope="session")
def axe() -> Path:
    pinned = json.loads((JS / "package.json").read_text("utf-8"))["dependencies"]["axe-core"]
    if not AXE.exists():
        cannot_run("axe-core is not installed: npm ci --prefix tests/js")
    installed = json.loads((AXE.parent / "package.json").read_text("utf-8"))["version"]
    if installed != pinned:
        cannot_run(f"axe-core {installed} is installed, tests/js/package.json pins {pinned}: npm ci --prefix tests/js")
    return AXE


def _violations(page: Page, axe: Path) -> list[str]:
    page.add_script_tag(path=axe)
    found = page.evaluate("async options => (await axe.run(document, options)).violations", AXE_OPTIONS)
    return [f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
        f"    {' '.join(n['target'])}: {n['failureSummary']}" for n in v["nodes"]) for v in found]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_axe_finds_no_violations(kind: str, viewport: str, browser: Browser, served: Served, axe: Path) -> None:
    context = browser.new_context(**VIEWPORTS[viewport])
    watch = Watch(served.origin)
    watch.attach(context)
    try:
        page = open_page(context, served.url(PAGE_KINDS[kind]))
        page.wait_for_load_state("networkidle")  # what the page's own script adds is checked too
        violations = _violations(page, axe)
        assert violations == [], f"{kind} on a {viewport}:\n" + "\n".join(violations)
        assert watch.foreign() == []
    finally:
        context.close()


# The focused element: where it is in the page, how much of it shows (within the window and every parent that clips
# it, such as the photo strip), and a box around it wide enough for its focus ring.
_FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    let [left, top, right, bottom] = [Math.max(r.left, 0), Math.max(r.top, 0), Math.min(r.right, innerWidth),
                                      Math.min(r.bottom, innerHeight)];
    for (let a = e.parentElement; a; a = a.parentElement) {
        const o = getComputedStyle(a);
        if (o.overflowX === 'visible' && o.overflowY === 'visible') continue;
        const q = a.getBoundingClientRect();
        [left, top, right, bottom] = [Math.max(left, q.left), Math.max(top, q.top), Math.min(right, q.right),
                                      Math.min(bottom, q.bottom)];
    }
    const shown = Math.max(0, right - left) * Math.max(0, bottom - top) / (r.width * r.height || 1);
    const before = window.__lastFocused, order = before ? before.compareDocumentPosition(e) : 0;
    window.__lastFocused = e;
    return {html: e.outerHTML.slice(0, 100), href: e.getAttribute('href'), skip: e.classList.contains('skip'),
            inMain: !!e.closest('main'), follows: !before || !!(order & Node.DOCUMENT_POSITION_FOLLOWING),
            outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
            shown: r.width > 0 && r.height > 0 ? shown : 0,
            box: {x: r.x - 8, y: r.y - 8, width: r.width + 16, height: r.height + 16}};
}"""


def _tab(page: Page) -> dict[str, Any]:
    """Tab to the next element: after the last one in the page, in view, with a visible ring.
    "In view" is WCAG 2.2's "focus not obscured (minimum)": not wholly hidden. Chromium does not scroll an element
    that is partly shown (a card cut by the window's bottom edge, the photo that peeks into the strip from the
    right) any further: its ring shows on the part in view."""
    page.keyboard.press("Tab")
    focused = page.evaluate(_FOCUSED)
    assert focused is not None, "Tab left the page"
    where = focused["html"]
    assert focused["shown"] > 0, f"focused but not in view: {where}"
    assert focused["follows"], f"focus went back up the page: {where}"
    assert focused["outline"] not in ("none", "") and focused["outlineWidth"] >= 2, \
        f"no focus outline of 2 px or more ({focused['outline']} {focused['outlineWidth']} px): {where}"
    # Drawn, not only declared: the ring changes the pixels around the element (a parent clipping it all fails).
    viewport = page.viewport_size
    assert viewport is not None
    box = focused["box"]
    x, y = max(0, box["x"]), max(0, box["y"])
    clip = {"x": x, "y": y, "width": min(box["width"], viewport["width"] - x),
            "height": min(box["height"], viewport["height"] - y)}
    with_ring = page.screenshot(clip=clip)
    page.evaluate("() => { window.__ringless = document.activeElement; document.activeElement.blur(); }")
    without = page.screenshot(clip=clip)
    page.evaluate("() => window.__ringless.focus({preventScroll: true})")
    changed = ImageChops.difference(Image.open(io.BytesIO(with_ring)).convert("RGB"),
                                    Image.open(io.BytesIO(without)).convert("RGB")).getbbox()
    assert changed is not None, f"the focus ring is not visible: {where}"
    return focused


def _tab_through_main(page: Page) -> None:
    """From the top of a page: the skip link first, then past the menu, through every stop in <main>."""
    first = _tab(page)
    assert first["skip"], f"the first Tab does not reach the skip link: {first['html']}"
    page.keyboard.press("Enter")
    stops = []
    while (focused := _tab(page))["inMain"]:
        stops.append(focused["html"])
        assert len(stops) < 80, "Tab never leaves <main>"
    assert len(stops) >= 3, f"only {len(stops)} stops in <main>: {stops}"


def test_keyboard_alone_reaches_a_product_with_focus_always_visible(browser: Browser, served: Served) -> None:
    """From the home page: the skip link is the first stop and jumps past the menu; each further Tab goes down
    the page with a visible ring, to a product card; Enter opens the product, where the same holds (and on the
    product with a photo strip, thumbnails and variants)."""
    context = browser.new_context(**VIEWPORTS["desktop"])
    try:
        page = open_page(context, served.url("/"))
        assert _tab(page)["skip"], "the first Tab does not reach the skip link"
        assert not _tab(page)["inMain"], "the menu should come next, before the page's own content"

        page.reload()
        assert _tab(page)["skip"]
        page.keyboard.press("Enter")  # skip the menu
        path = []
        for _ in range(30):
            focused = _tab(page)
            assert focused["inMain"], f"after the skip link, Tab should stay in <main>: {focused['html']}"
            path.append(focused["html"])
            if (focused["href"] or "").startswith("/products/"):
                break
        else:
            raise AssertionError(f"no product reached in 30 Tabs: {path}")
        page.keyboard.press("Enter")
        page.wait_for_url(served.url(focused["href"]))
        _tab_through_main(page)

        page.goto(served.url(PRODUCT_ITEM.url))
        _tab_through_main(page)
    finally:
        context.close()

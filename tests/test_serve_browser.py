"""`sitegen serve` in a real Chromium: an open page reloads by itself, shows the problems over the page and
drops them when the file is fixed, and takes a new stylesheet without a reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.catalog import Catalog, make_catalog
from tests.serving import Server, start

pytestmark = pytest.mark.browser
SHIPPED_CSS = Path(__file__).parent.parent / "sitegen/themes/default/static/style.css"


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Catalog, Server]]:
    site = make_catalog(tmp_path / "site", products=2)
    site.write("themes/default/static/style.css", SHIPPED_CSS.read_text("utf-8"))
    server = start(site.root)
    try:
        yield site, server
    finally:
        server.stop()


@pytest.fixture
def page(browser: Browser, preview: tuple[Catalog, Server]) -> Iterator[Page]:
    context = browser.new_context()
    errors: list[str] = []
    p = context.new_page()
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.goto(preview[1].url + "products/lishui/p1/")
    p.wait_for_function("window.__sitegen && window.__sitegen.readyState === EventSource.OPEN")
    try:
        yield p
    finally:
        context.close()
    assert errors == []


def _set(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")


def test_the_page_reloads_itself_after_an_edit(page: Page, preview: tuple[Catalog, Server]) -> None:
    site, _ = preview
    assert page.locator("h1").inner_text() == "遂昌菊米1"
    page.evaluate("window.sitegenMark = 1")  # gone after a reload
    _set(site.root / "products/lishui/p1/index.md", "title: 遂昌菊米1", "title: 龙井新茶")
    page.wait_for_function("document.querySelector('h1').textContent === '龙井新茶'", timeout=20_000)
    assert page.evaluate("window.sitegenMark") is None


def test_problems_cover_the_page_as_text_until_fixed(page: Page, preview: tuple[Catalog, Server]) -> None:
    site, _ = preview
    path = site.root / "products/lishui/p1/index.md"
    good = path.read_text("utf-8")
    _set(path, "title: 遂昌菊米1", "title: <img src=x onerror=alert(1)>\nprice: 很贵")
    box = page.locator("#sitegen-problems")
    box.wait_for(state="visible", timeout=20_000)
    text = box.inner_text()
    assert "products/lishui/p1/index.md:" in text
    assert page.locator("#sitegen-problems img").count() == 0  # shown as text, never read as HTML
    assert page.locator("h1").inner_text() == "遂昌菊米1"  # the last good page stays under it
    path.write_text(good, "utf-8")
    box.wait_for(state="detached", timeout=20_000)


def test_a_stylesheet_change_applies_without_a_reload(page: Page, preview: tuple[Catalog, Server]) -> None:
    site, _ = preview
    page.evaluate("window.sitegenMark = 1")
    site.write("themes/default/static/style.css", SHIPPED_CSS.read_text("utf-8") + "\nh1 { color: rgb(1, 2, 3); }\n")
    page.wait_for_function("getComputedStyle(document.querySelector('h1')).color === 'rgb(1, 2, 3)'",
                           timeout=20_000)
    assert page.evaluate("window.sitegenMark") == 1


REPO = Path(__file__).resolve().parent.parent
GUIDE_IMAGES = REPO / "docs/zh/img"  # the guide's screenshots: SITEGEN_GUIDE_IMAGES=1 pytest -k guide


def test_the_guide_s_phone_page_and_a_problem_over_it_in_chinese(browser: Browser, tmp_path: Path) -> None:
    """A zh-CN catalog's preview speaks Chinese: the overlay's title and each line, as `sitegen check` prints them.
    The screenshots of docs/zh/README.md are taken here (and kept in tests/artifacts/ on every run)."""
    import os
    import shutil

    site = tmp_path / "sample"
    site.mkdir()
    shutil.copy(REPO / "sitegen.toml", site)
    for folder in ("brands/lishui-shangeng", "products/lishui-shangeng/suichang-jumi"):  # few photos to make
        shutil.copytree(REPO / folder, site / folder)
    shots = [REPO / "tests/artifacts"] + ([GUIDE_IMAGES] if os.environ.get("SITEGEN_GUIDE_IMAGES") else [])
    for folder in shots:
        folder.mkdir(parents=True, exist_ok=True)
    server = start(site, env={"SITEGEN_LANG": "zh-CN"})
    context = browser.new_context(viewport={"width": 390, "height": 760}, device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(server.url + "products/lishui-shangeng/suichang-jumi/")
        page.wait_for_function("window.__sitegen && window.__sitegen.readyState === EventSource.OPEN")
        page.wait_for_load_state("networkidle")
        for folder in shots:
            page.screenshot(path=str(folder / "phone-product.png"))
        _set(site / "products/lishui-shangeng/suichang-jumi/index.md", "category: tea", "category: 茶叶")
        box = page.locator("#sitegen-problems")
        box.wait_for(state="visible", timeout=20_000)
        text = box.inner_text()
        assert text.startswith("sitegen：预览没有更新，请先改好下面这些问题")
        assert "products/lishui-shangeng/suichang-jumi/index.md:4: 分类 \"茶叶\" 不存在。请填写分类的英文代号" in text
        for folder in shots:
            page.screenshot(path=str(folder / "preview-problem.png"))
    finally:
        context.close()
        server.stop()

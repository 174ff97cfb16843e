"""What a shopper does with the catalog, in a real browser: filter and sort a listing (catalog.js reads the
listing's items.json only when the form is touched, keeps the choice in the address, and gives the build's own
page back on reset), search a Chinese name and click through, switch to English and back."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser_site import ITEMS, LONG_TITLE_EN, PRODUCT_ITEM, Served, Watch, open_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

TEA = "/categories/tea/"
TEAS = [i for i in ITEMS if i.category == "tea"]


def _names(page: Page) -> list[str]:
    return [n.strip() for n in page.locator("main .grid .card .name").all_inner_texts()]


def test_filter_and_sort_a_category(browser: Browser, served: Served) -> None:
    context = browser.new_context()
    watch = Watch(served.origin)
    watch.attach(context)
    try:
        page = open_page(context, served.url(TEA))
        page.wait_for_load_state("networkidle")
        built = _names(page)
        assert sorted(built) == sorted(i.title for i in TEAS)
        form = page.locator("form.filters")
        assert form.is_visible()
        assert not any(u.endswith("items.json") for u in watch.requests)  # not until the form is touched

        page.select_option("form.filters select[name=sort]", "-price")
        page.wait_for_function("() => location.search === '?sort=-price'")
        assert _names(page) == [i.title for i in sorted(TEAS, key=lambda i: -i.price)]
        assert sum(u.endswith("/categories/tea/items.json") for u in watch.requests) == 1
        page.select_option("form.filters select[name=sort]", "price")
        page.wait_for_function("() => location.search === '?sort=price'")
        assert _names(page) == [i.title for i in sorted(TEAS, key=lambda i: i.price)]

        page.check("form.filters input[name=stock]")
        page.wait_for_function("() => new URLSearchParams(location.search).get('stock') === '1'")
        in_stock = [i.title for i in sorted(TEAS, key=lambda i: i.price) if i.available]
        assert _names(page) == in_stock
        assert page.locator("form.filters .count").inner_text() == f"共 {len(in_stock)} 款"

        page.fill("form.filters input[name=min]", "100000")
        page.press("form.filters input[name=min]", "Enter")
        page.wait_for_function("() => new URLSearchParams(location.search).get('min') === '100000'")
        assert _names(page) == [] and page.locator("form.filters .count").inner_text() == "没有符合条件的产品"
        page.fill("form.filters input[name=min]", "")
        page.press("form.filters input[name=min]", "Enter")
        page.wait_for_function("() => !new URLSearchParams(location.search).has('min')")

        page.reload()  # the choice is in the address: a shared or reloaded link shows the same cards
        page.wait_for_function("() => document.querySelector('form.filters .count').textContent !== ''")
        assert page.locator("form.filters input[name=stock]").is_checked()
        assert page.locator("form.filters select[name=sort]").input_value() == "price"
        assert _names(page) == in_stock

        page.click("form.filters button[type=reset]")
        page.wait_for_function("() => location.search === ''")
        assert _names(page) == built
        assert watch.foreign() == [] and watch.errors == []
    finally:
        context.close()


def test_the_filters_offer_only_categories_the_listing_has(browser: Browser, served: Served) -> None:
    context = browser.new_context()
    try:
        page = open_page(context, served.url("/provinces/yunnan/"))
        page.select_option("form.filters select[name=sort]", "price")
        page.wait_for_function("() => location.search === '?sort=price'")
        options = page.locator("form.filters select[name=category] option").evaluate_all(
            "os => os.map(o => o.value)")
        assert options == ["", "tea"]  # the province's brand sells tea only
    finally:
        context.close()


def test_search_a_chinese_name_and_click_through(browser: Browser, served: Served) -> None:
    """From the home page's search field, as a shopper types: results as cards, the title's match first."""
    item = ITEMS[0]
    context = browser.new_context()
    watch = Watch(served.origin)
    watch.attach(context)
    try:
        page = open_page(context, served.url("/"))
        page.fill("main form.search input[name=q]", "古树生茶")
        page.press("main form.search input[name=q]", "Enter")
        page.wait_for_url(served.url("/search/") + "?q=*")
        page.wait_for_selector("main .results .card")
        names = [n.strip() for n in page.locator("main .results .card .name").all_inner_texts()]
        assert names[0] == item.title
        first = page.locator("main .results .card").first
        assert first.locator(".brand").inner_text() == "普洱茶" and first.locator(".price").inner_text().startswith(
            f"¥{item.price}") and first.locator("img.thumb").evaluate("i => i.complete && i.naturalWidth > 0")
        assert page.locator("main .count").inner_text() == f"找到 {len(names)} 款产品"
        page.fill("main form.search input[name=q]", "没有这种东西")
        page.wait_for_function("() => document.querySelector('main .count').textContent.startsWith('没有找到')")
        assert page.locator("main .results .card").count() == 0
        page.fill("main form.search input[name=q]", item.title[:2])
        page.wait_for_selector("main .results .card")
        page.locator("main .results .card a").first.click()
        page.wait_for_url(served.url("/products/**"))
        assert page.locator("h1").first.inner_text().strip() in [i.title for i in ITEMS]
        assert watch.foreign() == [] and watch.errors == []
    finally:
        context.close()


def test_switch_language_and_back(browser: Browser, served: Served) -> None:
    context = browser.new_context()
    try:
        page = open_page(context, served.url(PRODUCT_ITEM.url))
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        page.locator('header nav a[hreflang="en"]').click()
        page.wait_for_url(served.url("/en" + PRODUCT_ITEM.url))
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.locator("h1").first.inner_text().strip() == LONG_TITLE_EN
        assert page.locator("header nav").inner_text().split()[:2] == ["Brands", "Categories"]
        page.locator('header nav a[hreflang="zh-CN"]').click()
        page.wait_for_url(served.url(PRODUCT_ITEM.url))
        assert page.locator("h1").first.inner_text().strip() == PRODUCT_ITEM.title
    finally:
        context.close()

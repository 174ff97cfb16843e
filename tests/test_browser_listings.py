"""Filters and sorting of a listing in a real browser: filters.js reads the listing's items.json only when a
shopper touches the form, keeps the choice in the address, and gives the build's own page back on reset."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser_site import ITEMS, Served, Watch, open_page

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


def test_the_certification_filter_keeps_only_options_the_listing_has(browser: Browser, served: Served) -> None:
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

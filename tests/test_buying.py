"""Where to buy: shop links as buttons, a WeChat mini-program link (no server needed), and the brand's
customer service on each product page."""

from __future__ import annotations

import json

import pytest

from tests.catalog import BRAND, PRODUCT, Catalog, run_here

P = "products/lishui/p1/index.md"


def _links(*urls: str) -> str:
    rows = "".join(f"  - {{platform: 店{i}, url: \"{url}\"}}\n" for i, url in enumerate(urls))
    return PRODUCT.format(title="菊米", category="tea").replace("season:", f"shop_links:\n{rows}season:")


@pytest.mark.parametrize(("url", "ok"), [
    ("https://detail.tmall.com/item.htm?id=1", True),
    ("weixin://dl/business/?appid=wx1234567890abcdef&path=pages/item/index", True),
    ("weixin://dl/business/?t=AbCdEf123", True),
    ("weixin://dl/business/?appid=wx1&path=<script>", False),
    ("weixin://dl/officialaccounts?x=1", False),
    ("javascript:alert(1)", False),
    ("weixin://dl/business/?appid=wx1 onclick=x", False),
])
def test_a_shop_link_is_a_web_page_or_a_mini_program(catalog: Catalog, url: str, ok: bool) -> None:
    catalog.write(P, _links(url))
    result = run_here(catalog.root, "check", "--format", "json")
    problems = [json.loads(line)["code"] for line in result.stdout.splitlines()]
    assert (result.returncode, problems) == ((0, []) if ok else (1, ["bad-url"]))


def test_buttons_and_customer_service_on_the_product_page(catalog: Catalog) -> None:
    catalog.write(P, _links("https://detail.tmall.com/item.htm?id=1", "weixin://dl/business/?t=AbC&x=1"))
    catalog.write("brands/lishui/index.md", BRAND.replace("summary:", "contact: {phone: 0578-1234567, email: "
                                                          "kf@example.cn}\nsummary:"))
    assert run_here(catalog.root, "build").returncode == 0
    html = (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")
    assert '<a class="button" href="https://detail.tmall.com/item.htm?id=1" rel="noopener nofollow">店0</a>' in html
    assert '<a class="button" href="weixin://dl/business/?t=AbC&amp;x=1" rel="noopener nofollow">店1</a>' in html
    assert '<p class="service">客服： <a href="tel:0578-1234567">0578-1234567</a> ' \
           '<a href="mailto:kf@example.cn">kf@example.cn</a></p>' in html
    other = (catalog.output / "products/lishui/p2/index.html").read_text("utf-8")
    assert "客服" in other  # every product of the brand

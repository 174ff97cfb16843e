"""Listing pages by harvest month, certification and province (each with an index page), the items.json
beside every listing that catalog.js filters and sorts, and the links that lead shoppers to them."""

from __future__ import annotations

import json
import re

import pytest

from sitegen.provinces import province
from tests.catalog import BRAND, PRODUCT, Catalog, run_here


def _names(html: str) -> list[str]:
    grid = html.split('<ul class="grid">')[1].split("</ul>")[0] if '<ul class="grid">' in html else ""
    return re.findall(r'<span class="name">([^<]*)</span>', grid)


def _build(catalog: Catalog) -> Catalog:
    """lishui (浙江省): p1 tea, September-October, gi; p2 rice, April, no certificate, out of stock, 12 yuan.
    yunnan (云南): p3 tea, April, gi, 300 yuan."""
    catalog.write("products/lishui/p2/index.md", PRODUCT.format(title="春米", category="rice").replace(
        "season: [9, 10]", "season: [4]\navailable: false\ndate: 2025-05-01").replace(
        'certifications: [{id: gi, number: "AGI-0001"}]\n', "").replace("amount: 68", "amount: 12"))
    catalog.write("brands/yunnan/index.md", BRAND.replace("丽水山耕", "普洱茶").replace("浙江省", "云南"))
    catalog.product("yunnan", "p3", text=PRODUCT.format(title="普洱", category="tea").replace(
        "season: [9, 10]", "season: [4]\ndate: 2025-06-01").replace("amount: 68", "amount: 300"))
    result = run_here(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    return catalog


@pytest.mark.parametrize(("page", "title", "names"), [
    ("seasons/4/index.html", "4月", ["春米", "普洱"]),
    ("seasons/9/index.html", "9月", ["遂昌菊米1"]),
    ("certifications/gi/index.html", "地理标志产品", ["遂昌菊米1", "普洱"]),
    ("provinces/zhejiang/index.html", "浙江", ["遂昌菊米1", "春米"]),
    ("provinces/yunnan/index.html", "云南", ["普洱"]),
])
def test_each_listing_shows_exactly_its_products(catalog: Catalog, page: str, title: str, names: list[str]) -> None:
    html = (_build(catalog).output / page).read_text("utf-8")
    assert f"<h1>{title}</h1>" in html
    assert _names(html) == names
    assert '<nav class="crumbs"' in html and '"@type":"BreadcrumbList"' in html.replace(" ", "")


def test_a_month_with_no_product_has_no_page_and_its_index_entry_no_link(catalog: Catalog) -> None:
    out = _build(catalog).output
    assert sorted(p.name for p in (out / "seasons").iterdir() if p.is_dir()) == ["10", "4", "9"]
    index = (out / "seasons/index.html").read_text("utf-8")
    assert '<li><a href="/seasons/4/">4月 <small>2</small></a></li>' in index
    assert "<li><span>5月 <small>0</small></span></li>" in index
    certs = (out / "certifications/index.html").read_text("utf-8")
    assert '<a href="/certifications/gi/">地理标志产品 <small>2</small></a>' in certs
    provinces = (out / "provinces/index.html").read_text("utf-8")
    assert re.findall(r'<a href="(/provinces/[a-z]+/)">', provinces) == ["/provinces/yunnan/", "/provinces/zhejiang/"]


def test_items_json_has_every_product_of_the_listing_with_what_filters_need(catalog: Catalog) -> None:
    out = _build(catalog).output
    data = json.loads((out / "seasons/4/items.json").read_text("utf-8"))
    col = {name: i for i, name in enumerate(data["columns"])}
    rows = {r[col["title"]]: r for r in data["items"]}
    assert list(rows) == ["春米", "普洱"]
    rice = rows["春米"]
    assert (rice[col["url"]], rice[col["brand"]], rice[col["price"]], rice[col["price_text"]]) == (
        "/products/lishui/p2/", "丽水山耕", 12.0, "¥12 / 250g")
    assert (rice[col["category"]], rice[col["certifications"]], rice[col["months"]], rice[col["available"]],
            rice[col["date"]]) == ("rice", [], 1 << 3, 0, "2025-05-01")
    assert rice[col["thumb"]].startswith("/img/") and (out / rice[col["thumb"]].lstrip("/")).is_file()
    assert rows["普洱"][col["certifications"]] == ["gi"] and rows["普洱"][col["available"]] == 1
    # every listing has one, the whole list (not a page of it), and the form that reads it
    for listing in ("brands/lishui", "categories/tea", "certifications/gi", "provinces/yunnan"):
        assert (out / listing / "items.json").is_file(), listing
        html = (out / listing / "index.html").read_text("utf-8")
        assert f'<form class="filters" hidden data-index="/{listing}/items.json"' in html
        assert re.search(r'<script src="/assets/catalog\.[0-9a-f]+\.js" defer></script>', html)
    assert not (out / "products/lishui/p2/items.json").exists()


def test_product_pages_link_to_their_months_certificates_and_province(catalog: Catalog) -> None:
    html = (_build(catalog).output / "products/lishui/p1/index.html").read_text("utf-8")
    assert '<a href="/seasons/9/">9月</a>、<a href="/seasons/10/">10月</a>' in html
    assert '<a href="/certifications/gi/">地理标志产品</a>' in html
    assert '<a href="/provinces/zhejiang/">浙江</a>' in html
    brand = (catalog.output / "brands/yunnan/index.html").read_text("utf-8")
    assert '<a href="/provinces/yunnan/">云南</a>' in brand
    home = (catalog.output / "index.html").read_text("utf-8")
    for url in ("/seasons/", "/provinces/", "/certifications/"):
        assert f'href="{url}"' in home


@pytest.mark.parametrize(("written", "ident", "zh", "en"), [
    ("浙江省", "zhejiang", "浙江", "Zhejiang"),
    ("浙江", "zhejiang", "浙江", "Zhejiang"),
    ("广西壮族自治区", "guangxi", "广西", "Guangxi"),
    ("内蒙古自治区", "inner-mongolia", "内蒙古", "Inner Mongolia"),
    ("北京市", "beijing", "北京", "Beijing"),
    ("陕西省", "shaanxi", "陕西", "Shaanxi"),
    ("山西", "shanxi", "山西", "Shanxi"),
    (" 西藏自治区 ", "tibet", "西藏", "Tibet"),
    ("香港特别行政区", "hong-kong", "香港", "Hong Kong"),
    ("浙江丽水", "zhejiang-lishui", "浙江丽水", "Zhejiang Lishui"),
    ("Ontario", "ontario", "Ontario", "Ontario"),
])
def test_province_names_as_editors_write_them(written: str, ident: str, zh: str, en: str) -> None:
    found = province(written)
    assert found is not None and (found.id, found.zh, found.en) == (ident, zh, en)


@pytest.mark.parametrize("written", ["", "   ", "！！"])
def test_no_province(written: str) -> None:
    assert province(written) is None

"""What search engines and shoppers' apps read: one valid schema.org JSON-LD document on every page (Product or
ProductGroup, Brand, BreadcrumbList, WebSite), and breadcrumbs shown on every page but the home page and the 404,
the same trail in the page and in its JSON-LD."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.catalog import PRODUCT, Catalog, run_here

LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
CRUMB = re.compile(r'<li>(?:<a href="([^"]+)">([^<]+)</a>|<span aria-current="page">([^<]+)</span>)</li>')
SITE = "https://shop.example.com"


def _ld(html: str) -> list[dict]:
    (text,) = LD.findall(html)  # one document per page
    data = json.loads(text)
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


def _crumbs(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="crumbs" aria-label="当前位置"><ol>(.*?)</ol></nav>', html)
    assert nav, "no breadcrumbs"
    return [(url or "", name or here) for url, name, here in CRUMB.findall(nav.group(1))]


def _build(catalog: Catalog) -> Path:
    variants = "variants:\n  - {name: 小罐, price: 68, unit: 250g}\n  - {name: 礼盒, price: 128, unit: 500g}\n" \
               "  - {name: 试饮装}\nseason:"
    catalog.write("products/lishui/p2/index.md", PRODUCT.format(title="菊米礼盒", category="tea").replace(
        "season:", variants))
    result = run_here(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    return catalog.output


def test_every_page_has_one_valid_json_ld_document(catalog: Catalog) -> None:
    output = _build(catalog)
    pages = sorted(output.rglob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        html = page.read_text("utf-8")
        if page.name == "404.html":
            assert not LD.search(html)
            continue
        types = [node["@type"] for node in _ld(html)]
        assert types and all(isinstance(t, str) for t in types), page


def test_a_product_page_s_breadcrumbs_are_shown_and_in_its_json_ld(catalog: Catalog) -> None:
    html = (_build(catalog) / "products/lishui/p1/index.html").read_text("utf-8")
    shown = _crumbs(html)
    assert shown == [("/", "首页"), ("/brands/lishui/", "丽水山耕"), ("", "遂昌菊米1")]
    product, trail = _ld(html)
    assert product["@type"] == "Product" and product["sku"] == "lishui-p1" and product["offers"]["price"] == "68.00"
    assert trail["@type"] == "BreadcrumbList"
    assert [(i["position"], i["name"], i["item"]) for i in trail["itemListElement"]] == [
        (1, "首页", f"{SITE}/"), (2, "丽水山耕", f"{SITE}/brands/lishui/"),
        (3, "遂昌菊米1", f"{SITE}/products/lishui/p1/")]


def test_a_product_with_priced_variants_is_a_product_group(catalog: Catalog) -> None:
    html = (_build(catalog) / "products/lishui/p2/index.html").read_text("utf-8")
    group = _ld(html)[0]
    assert group["@type"] == "ProductGroup" and group["productGroupID"] == "lishui-p2"
    assert group["variesBy"] == ["https://schema.org/size"]
    variants = [(v["name"], v["sku"], v["size"], v["offers"]["price"], v["offers"]["url"]) for v in group["hasVariant"]]
    assert variants == [("菊米礼盒 小罐", "lishui-p2-1", "250g", "68.00", f"{SITE}/products/lishui/p2/"),
                        ("菊米礼盒 礼盒", "lishui-p2-2", "500g", "128.00", f"{SITE}/products/lishui/p2/")]
    assert all(v["offers"]["priceCurrency"] == "CNY" and v["@type"] == "Product" for v in group["hasVariant"])


def test_brand_category_and_index_pages(catalog: Catalog) -> None:
    output = _build(catalog)
    brand_html = (output / "brands/lishui/index.html").read_text("utf-8")
    brand, trail = _ld(brand_html)
    assert brand == {"@type": "Brand", "name": "丽水山耕", "url": f"{SITE}/brands/lishui/",
                     "description": "丽水的生态农产品"}
    assert _crumbs(brand_html) == [("/", "首页"), ("/brands/", "品牌"), ("", "丽水山耕")]
    assert [i["name"] for i in trail["itemListElement"]] == ["首页", "品牌", "丽水山耕"]
    category = (output / "categories/tea/index.html").read_text("utf-8")
    assert _crumbs(category) == [("/", "首页"), ("/categories/", "分类"), ("", "茶叶")]
    assert _crumbs((output / "brands/index.html").read_text("utf-8")) == [("/", "首页"), ("", "全部品牌")]
    home = (output / "index.html").read_text("utf-8")
    assert _ld(home) == [{"@type": "WebSite", "name": "测试品牌目录", "url": f"{SITE}/"}]
    assert 'class="crumbs"' not in home and 'class="crumbs"' not in (output / "404.html").read_text("utf-8")


def test_the_site_has_an_icon_and_a_web_app_manifest(catalog: Catalog) -> None:
    config = catalog.root / "sitegen.toml"
    config.write_text(config.read_text("utf-8").replace('title = "测试品牌目录"', 'title = "<丽水> & 山耕"'), "utf-8")
    output = _build(catalog)
    icon = (output / "favicon.svg").read_text("utf-8")
    assert icon.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and ">&lt;</text>" in icon
    manifest = json.loads((output / "manifest.webmanifest").read_text("utf-8"))
    assert manifest["name"] == "<丽水> & 山耕" and manifest["start_url"] == "/" and manifest["lang"] == "zh-CN"
    assert manifest["icons"] == [{"src": "/favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}]
    head = (output / "products/lishui/p1/index.html").read_text("utf-8").split("</head>")[0]
    assert '<link rel="icon" href="/favicon.svg" type="image/svg+xml">' in head
    assert '<link rel="manifest" href="/manifest.webmanifest">' in head and 'data:,' not in head

"""What other programs read of the catalog: feed.xml (Atom), products.json, merchant.xml (Google Merchant RSS)
and sitemap.xml with each product's photos; every URL absolute, every text escaped, drafts never in them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.catalog import PRODUCT, Catalog, run_here

SITE = "https://shop.example.com"
ATOM = "{http://www.w3.org/2005/Atom}"
G = "{http://base.google.com/ns/1.0}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
IMG = "{http://www.google.com/schemas/sitemap-image/1.1}"


def _catalog(catalog: Catalog) -> Catalog:
    hostile = PRODUCT.format(title='"菊米 & <b>特级</b>"', category="tea").replace(
        "season:", "date: 2024-09-01\nsummary: '</summary><x>'\nseason:")
    catalog.write("products/lishui/p1/index.md", hostile)
    catalog.product("lishui", "p3", title="新米")
    catalog.write("products/lishui/p3/index.md", PRODUCT.format(title="新米", category="rice").replace(
        "season:", "date: 2025-10-01\nseason:").replace("price: {amount: 68, unit: 250g}\n", ""))
    catalog.product("lishui", "p4", title="草稿茶")
    catalog.write("products/lishui/p4/index.md", PRODUCT.format(title="草稿茶", category="tea").replace(
        "season:", "draft: true\ndate: 2026-01-01\nseason:"))
    result = run_here(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    return catalog


def test_products_json_lists_every_published_product_with_absolute_urls(catalog: Catalog) -> None:
    data = json.loads((_catalog(catalog).output / "products.json").read_text("utf-8"))
    assert (data["version"], data["url"], data["language"]) == (1, f"{SITE}/", "zh-CN")
    products = {p["id"]: p for p in data["products"]}
    assert sorted(products) == ["lishui/p1", "lishui/p2", "lishui/p3"]  # not the draft
    p1 = products["lishui/p1"]
    assert p1["title"] == '菊米 & <b>特级</b>' and p1["summary"] == "</summary><x>"
    assert p1["url"] == f"{SITE}/products/lishui/p1/" and p1["images"][0].startswith(f"{SITE}/img/")
    assert p1["price"] == {"amount": 68.0, "currency": "CNY", "unit": "250g"}
    assert p1["category"] == {"id": "tea", "zh": "茶叶", "en": "Tea"} and p1["brand"] == {"id": "lishui",
                                                                                        "name": "丽水山耕"}
    assert p1["certifications"] == [{"id": "gi", "name": "地理标志产品", "number": "AGI-0001"}]
    assert products["lishui/p3"]["price"] is None


def test_the_atom_feed_has_the_newest_dated_products_first(catalog: Catalog) -> None:
    feed = ET.fromstring((_catalog(catalog).output / "feed.xml").read_bytes())
    assert feed.findtext(f"{ATOM}updated") == "2025-10-01T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [(e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}id"), e.findtext(f"{ATOM}updated")) for e in entries] \
        == [("新米", f"{SITE}/products/lishui/p3/", "2025-10-01T00:00:00Z"),
            ("菊米 & <b>特级</b>", f"{SITE}/products/lishui/p1/", "2024-09-01T00:00:00Z")]
    assert entries[1].findtext(f"{ATOM}summary") == "</summary><x>"  # text, not markup
    home = (catalog.output / "index.html").read_text("utf-8")
    assert '<link rel="alternate" type="application/atom+xml" title="测试品牌目录" href="/feed.xml">' in home


def test_the_merchant_feed_has_each_priced_product_with_a_photo(catalog: Catalog) -> None:
    channel = ET.fromstring((_catalog(catalog).output / "merchant.xml").read_bytes()).find("channel")
    assert channel is not None
    items = {i.findtext(f"{G}id"): i for i in channel.findall("item")}
    assert sorted(items) == ["lishui-p1", "lishui-p2"]  # p3 has no price; the draft is not published
    p1 = items["lishui-p1"]
    assert p1.findtext(f"{G}price") == "68.00 CNY" and p1.findtext(f"{G}availability") == "in_stock"
    assert p1.findtext("link") == f"{SITE}/products/lishui/p1/" and p1.findtext(f"{G}brand") == "丽水山耕"
    assert (p1.findtext(f"{G}image_link") or "").startswith(f"{SITE}/img/")
    assert p1.findtext(f"{G}identifier_exists") == "no" and p1.findtext(f"{G}product_type") == "茶叶"


def test_the_sitemap_lists_each_product_s_photos(catalog: Catalog) -> None:
    sitemap = ET.fromstring((_catalog(catalog).output / "sitemap.xml").read_bytes())
    urls = {u.findtext(f"{SM}loc"): [i.findtext(f"{IMG}loc") for i in u.findall(f"{IMG}image")]
            for u in sitemap.findall(f"{SM}url")}
    assert len(urls[f"{SITE}/products/lishui/p1/"]) == 1 and urls[f"{SITE}/products/lishui/p1/"][0].startswith(
        f"{SITE}/img/")
    assert urls[f"{SITE}/"] == [] and f"{SITE}/products/lishui/p4/" not in urls


def test_a_feed_follows_an_edit(catalog: Catalog) -> None:
    _catalog(catalog)
    path = catalog.root / "products/lishui/p2/index.md"
    path.write_text(path.read_text("utf-8").replace("遂昌菊米2", "改名的菊米"), "utf-8")
    assert run_here(catalog.root, "build").returncode == 0
    data = json.loads((catalog.output / "products.json").read_text("utf-8"))
    assert [p["title"] for p in data["products"] if p["id"] == "lishui/p2"] == ["改名的菊米"]
    assert "改名的菊米" in (catalog.output / "merchant.xml").read_text("utf-8")


def test_the_traceability_fields_of_gb_t_38574_are_shown_and_fed(catalog: Catalog) -> None:
    text = PRODUCT.format(title="菊米", category="tea").replace(
        "season:", "producer: 遂昌县菊米合作社\nbatch: SC-2024-09-A\nproduction_date: 2024-09-12\n"
                   "shelf_life: 18个月\nseason:")
    catalog.write("products/lishui/p1/index.md", text)
    assert run_here(catalog.root, "build").returncode == 0
    html = (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")
    for label, value in (("生产者", "遂昌县菊米合作社"), ("批次", "SC-2024-09-A"), ("生产日期", "2024-09-12"),
                         ("保质期", "18个月")):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html
    data = json.loads((catalog.output / "products.json").read_text("utf-8"))
    p1 = next(p for p in data["products"] if p["id"] == "lishui/p1")
    assert (p1["batch"], p1["production_date"], p1["shelf_life"]) == ("SC-2024-09-A", "2024-09-12", "18个月")
    catalog.write("products/lishui/p1/index.md", text.replace("2024-09-12", "2024-13-01"))
    result = run_here(catalog.root, "check")
    assert result.returncode == 1 and "'production_date' is 2024-13-01, a day that does not exist" in result.stderr


def test_a_preview_pass_after_one_edit_remakes_only_that_product_s_part(catalog: Catalog,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A session's next pass loads an equal copy of the settings and the same records for unchanged files: the
    feeds keep those products' parts (20,000 of them at province scale) and remake the edited one."""
    import sitegen.render.feeds as feeds
    from sitegen.build import BuildOptions
    from sitegen.engine.session import Session

    session = Session(BuildOptions(catalog.root, catalog.output, jobs=1))
    session.build()
    made: list[str] = []
    real = feeds._entry
    monkeypatch.setattr(feeds, "_entry", lambda config, product, *rest: made.append(product.id) or real(
        config, product, *rest))
    path = catalog.root / "products/lishui/p2/index.md"
    path.write_text(path.read_text("utf-8").replace("遂昌菊米2", "改名的菊米"), "utf-8")
    session.build({"products/lishui/p2/index.md"})
    assert made == ["p2"]
    assert "改名的菊米" in (catalog.output / "products.json").read_text("utf-8")

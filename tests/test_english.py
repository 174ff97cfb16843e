"""`languages = ["zh-CN", "en"]`: an English catalog under /en/ from the *_en fields and the taxonomies' English
names, the Chinese shown (and warned of) where a field is missing; hreflang alternates in every page head and
in sitemap.xml, a language switch, `<html lang>` right on each page."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.catalog import CONFIG, PRODUCT, Catalog, run_here

SITE = "https://shop.example.com"
ENGLISH = CONFIG.replace('title = "测试品牌目录"\n', 'title = "测试品牌目录"\ntitle_en = "Test Brands"\n'
                         'languages = ["zh-CN", "en"]\n')


def _english(catalog: Catalog) -> tuple[Catalog, str]:
    catalog.write("sitegen.toml", ENGLISH)
    catalog.write("products/lishui/p1/index.md", PRODUCT.format(title="遂昌菊米", category="tea").replace(
        "category:", "title_en: Suichang Chrysanthemum Rice\nsummary: 清雅\nsummary_en: Delicate\ncategory:"))
    result = run_here(catalog.root, "--lang", "en", "build")
    assert result.returncode == 0, result.stderr
    return catalog, result.stderr


def test_english_pages_use_the_english_fields_and_names(catalog: Catalog) -> None:
    out = _english(catalog)[0].output
    page = (out / "en/products/lishui/p1/index.html").read_text("utf-8")
    assert page.startswith('<!doctype html>\n<html lang="en">')
    assert "<title>Suichang Chrysanthemum Rice - Test Brands</title>" in page
    assert '<meta name="description" content="Delicate">' in page
    assert "<h1>Suichang Chrysanthemum Rice</h1>" in page
    assert '<a href="/en/categories/tea/">Tea</a>' in page  # the taxonomy's English name, at its English URL
    assert '<a href="/en/seasons/9/">September</a>, <a href="/en/seasons/10/">October</a>' in page
    assert '<a href="/en/certifications/gi/">Geographical Indication</a>' in page
    # the body has no English version: it is shown, marked as Chinese for screen readers and translators
    assert re.search(r'<h2>Details</h2><div lang="zh-CN">\s*<h2[^>]*>介绍</h2>', page)
    assert (out / "products/lishui/p1/index.html").read_text("utf-8").startswith('<!doctype html>\n<html lang="zh-CN">')
    season = (out / "en/seasons/9/index.html").read_text("utf-8")
    assert "<h1>September</h1>" in season and '<span class="name">Suichang Chrysanthemum Rice</span>' in season


def test_a_missing_english_field_shows_the_chinese_and_is_warned_of(catalog: Catalog) -> None:
    built, stderr = _english(catalog)
    warning = "warning: the English catalog (/en/) shows the Chinese here: there is no"
    assert stderr.splitlines() == [
        f"brands/lishui/index.md:1: {warning} name_en, summary_en; add it, e.g. name_en: …",
        f"products/lishui/p2/index.md:1: {warning} title_en; add it, e.g. title_en: …",
    ]
    page = (built.output / "en/products/lishui/p2/index.html").read_text("utf-8")
    assert "<h1>遂昌菊米2</h1>" in page and '<html lang="en">' in page


def test_every_page_names_its_other_language_and_the_sitemap_too(catalog: Catalog) -> None:
    out = _english(catalog)[0].output
    for path, other in (("products/lishui/p1/", "/en/products/lishui/p1/"), ("en/brands/lishui/", "/brands/lishui/"),
                        ("", "/en/"), ("en/seasons/", "/seasons/")):
        page = (out / path / "index.html").read_text("utf-8")
        zh_path = path.removeprefix("en/")
        assert f'<link rel="alternate" hreflang="zh-CN" href="{SITE}/{zh_path}">' in page, path
        assert f'<link rel="alternate" hreflang="en" href="{SITE}/en/{zh_path}">' in page, path
        assert f'<link rel="alternate" hreflang="x-default" href="{SITE}/{zh_path}">' in page, path
        switch = re.findall(r'<a href="([^"]+)" hreflang="([^"]+)" lang="[^"]+">([^<]+)</a>', page)
        assert switch == [(other, "en" if other.startswith("/en/") else "zh-CN",
                           "English" if other.startswith("/en/") else "中文")], path
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = ET.fromstring((out / "sitemap.xml").read_bytes()).findall("s:url", ns)
    locs = {u.findtext("s:loc", namespaces=ns): u for u in urls}
    for loc in (f"{SITE}/products/lishui/p1/", f"{SITE}/en/products/lishui/p1/"):
        links = [(x.get("hreflang"), x.get("href")) for x in locs[loc].findall("x:link", ns)]
        assert links == [("zh-CN", f"{SITE}/products/lishui/p1/"), ("en", f"{SITE}/en/products/lishui/p1/")]
    assert len(locs) == len(urls) and sum(loc.startswith(f"{SITE}/en/") for loc in locs) * 2 == len(locs)


def test_the_english_listings_filter_english_rows(catalog: Catalog) -> None:
    out = _english(catalog)[0].output
    data = json.loads((out / "en/categories/tea/items.json").read_text("utf-8"))
    rows = {r[0]: r for r in data["items"]}
    assert rows["/en/products/lishui/p1/"][1] == "Suichang Chrysanthemum Rice"
    assert rows["/en/products/lishui/p2/"][1] == "遂昌菊米2"  # no title_en: the Chinese, as on its page
    assert json.loads((out / "categories/tea/items.json").read_text("utf-8"))["items"][0][0] == "/products/lishui/p1/"


def test_one_language_has_no_english_pages_and_no_alternates(catalog: Catalog) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    assert not (catalog.output / "en").exists()
    page = (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")
    assert "hreflang" not in page and "xhtml:link" not in (catalog.output / "sitemap.xml").read_text("utf-8")


@pytest.mark.parametrize("languages", ['["en", "zh-CN"]', '["zh-CN", "fr"]', '"en"', '["zh-CN", "en", "en"]', "[]"])
def test_languages_must_be_the_catalogs_own_then_english(catalog: Catalog, languages: str) -> None:
    catalog.write("sitegen.toml", f"languages = {languages}\n" + CONFIG)
    result = run_here(catalog.root, "--lang", "en", "check")
    line = 1
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"sitegen.toml:{line}: 'languages' must list the catalog's own language first (language = …), then \"en\" "
        'for an English catalog at /en/, e.g. languages = ["zh-CN", "en"]')


def test_the_chinese_message_for_a_missing_english_field(catalog: Catalog) -> None:
    catalog.write("sitegen.toml", ENGLISH)
    result = run_here(catalog.root, "--lang", "zh-CN", "check")
    assert ("products/lishui/p1/index.md:1: 提醒：英文版（/en/）这里会显示中文：缺少 title_en。"
            "请加上，例如 title_en: …") in result.stderr.splitlines()


def test_settings_without_english_names_are_warned_of_at_their_line(catalog: Catalog) -> None:
    config = ('languages = ["zh-CN", "en"]\n' + CONFIG).replace('zh = "大米"\nen = "Rice"\n', 'zh = "大米"\n')
    catalog.write("sitegen.toml", config)
    result = run_here(catalog.root, "--lang", "en", "check")
    warning = "warning: the English catalog (/en/) shows the Chinese here: there is no"
    rice = config.splitlines().index("[categories.rice]") + 1
    assert result.returncode == 0
    assert [line for line in result.stderr.splitlines() if line.startswith("sitegen.toml")] == [
        f'sitegen.toml:1: {warning} title_en; add it, e.g. title_en = "…"',
        f'sitegen.toml:{rice}: {warning} [categories.rice] en; add it, e.g. en = "…"',
    ]

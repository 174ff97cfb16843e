"""`sitegen build` end to end: the files a shopper gets, safety, atomicity and incremental rebuilds."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from tests.catalog import PRODUCT, Catalog, run, run_here


def _tree(output: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(output).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(output.rglob("*")) if p.is_file()}


def _rendered(result) -> int:
    match = re.search(r"\(([\d,]+) rendered", result.stdout)
    assert match, result.stdout + result.stderr
    return int(match.group(1).replace(",", ""))


def test_build_writes_pretty_urls_sitemap_and_robots(catalog: Catalog) -> None:
    result = run_here(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^built \d+ pages in [\d.]+ s", result.stdout, re.M)
    out = catalog.output
    for rel in ["index.html", "brands/index.html", "brands/lishui/index.html", "products/lishui/p1/index.html",
                "categories/index.html", "categories/tea/index.html", "categories/rice/index.html", "404.html",
                "robots.txt", "sitemap.xml"]:
        assert (out / rel).is_file(), rel
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://shop.example.com/products/lishui/p1/</loc>" in sitemap
    assert "404" not in sitemap
    assert "Sitemap: https://shop.example.com/sitemap.xml" in (out / "robots.txt").read_text("utf-8")


def test_product_page_has_seo_basics_and_json_ld(catalog: Catalog) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    html = (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")
    assert '<html lang="zh-CN">' in html
    assert "<title>遂昌菊米1 - 测试品牌目录</title>" in html
    assert '<link rel="canonical" href="https://shop.example.com/products/lishui/p1/">' in html
    assert '<meta name="description" content="' in html and 'property="og:image"' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))["@graph"][0]
    assert data["@type"] == "Product" and data["name"] == "遂昌菊米1"
    assert data["brand"]["name"] == "丽水山耕"
    assert data["offers"]["price"] == "68.00" and data["offers"]["priceCurrency"] == "CNY"
    assert data["image"] and data["image"][0].startswith("https://shop.example.com/")
    assert "AGI-0001" in html and "浙ICP备00000000号-1" in html and "https://beian.miit.gov.cn/" in html


def test_untrusted_markdown_and_front_matter_are_made_safe(catalog: Catalog) -> None:
    body = ("\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))\n\n"
            '<p><a href="https://example.org/" onclick="alert(4)">ok</a></p>\n')
    text = PRODUCT.format(title='"<b>粗</b> & \\"引号\\""', category="tea") + body
    breakout = "</script><script>alert(5)</script><!--"
    text = text.replace("category: tea", f"category: tea\nproducer: '{breakout}'\n"
                        "summary: '\"><svg onload=alert(6)>'")
    catalog.write("products/lishui/p1/index.md", text)
    assert run_here(catalog.root, "build").returncode == 0
    html = (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")
    main = html.split('<script type="application/ld+json">')[1].split("</script>", 1)[1]
    assert "<script" not in main
    assert "onerror" not in html and "onclick" not in html and "javascript:" not in html
    assert "<b>粗</b>" not in html and "&lt;b&gt;粗&lt;/b&gt;" in html
    assert '<a href="https://example.org/" rel="noopener nofollow">ok</a>' in html
    ld = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in ld
    assert json.loads(ld)["@graph"][0]["manufacturer"]["name"] == breakout  # escaped for HTML, the same string for JSON
    assert html.count("<script") == 1 and "<svg" not in html and "<!--" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(5)" in main and 'content="&#34;&gt;&lt;svg onload' in html


def test_drafts_only_with_flag(catalog: Catalog) -> None:
    catalog.write("products/lishui/p2/index.md", PRODUCT.format(title="草稿", category="tea") .replace(
        "category: tea", "category: tea\ndraft: true"))
    assert run_here(catalog.root, "build").returncode == 0
    assert not (catalog.output / "products/lishui/p2").exists()
    assert "草稿" not in (catalog.output / "brands/lishui/index.html").read_text("utf-8")
    assert run_here(catalog.root, "build", "--drafts").returncode == 0
    assert (catalog.output / "products/lishui/p2/index.html").is_file()


def test_failed_build_leaves_previous_output_untouched(catalog: Catalog) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    before = _tree(catalog.output)
    catalog.write("products/lishui/p1/index.md", "---\ntitle: [broken\n---\n")
    result = run_here(catalog.root, "build")
    assert result.returncode == 1
    assert "products/lishui/p1/index.md:2:" in result.stderr and "nothing was built" in result.stderr
    assert _tree(catalog.output) == before
    leftovers = [p.name for p in catalog.root.iterdir() if p.name.startswith(".output")]
    assert leftovers == []


def test_noop_rebuild_renders_and_writes_nothing(catalog: Catalog) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    before = _tree(catalog.output)
    result = run_here(catalog.root, "build")
    assert result.returncode == 0 and _rendered(result) == 0
    assert _tree(catalog.output) == before


def test_body_edit_rerenders_only_that_product(catalog: Catalog) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    before = _tree(catalog.output)
    path = catalog.root / "products/lishui/p1/index.md"
    path.write_text(path.read_text("utf-8") + "\n新增一句介绍。\n", encoding="utf-8")
    result = run_here(catalog.root, "build")
    assert result.returncode == 0 and _rendered(result) == 1
    after = _tree(catalog.output)
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {"products/lishui/p1/index.html", ".sitegen-manifest.json"}
    assert "新增一句介绍" in (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")


def test_an_edit_that_keeps_the_file_size_is_still_seen(catalog: Catalog) -> None:
    """68 → 98 changes no byte count: the change must be noticed by its time stamp, not only its size."""
    assert run_here(catalog.root, "build").returncode == 0
    path = catalog.root / "products/lishui/p1/index.md"
    size = path.stat().st_size
    path.write_text(path.read_text("utf-8").replace("amount: 68", "amount: 98"), encoding="utf-8")
    stat = path.stat()
    assert stat.st_size == size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a later save, even on a coarse clock
    result = run_here(catalog.root, "build")
    assert result.returncode == 0 and _rendered(result) >= 1
    page = (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")
    own = page.split('<script type="application/ld+json">')[1].split("</script>")[0]  # p2 at ¥68 is on it too
    assert "¥98" in page and '"98.00"' in own and "68" not in own


def test_title_edit_updates_listings_too(catalog: Catalog) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    path = catalog.root / "products/lishui/p1/index.md"
    path.write_text(path.read_text("utf-8").replace("遂昌菊米1", "新名字"), encoding="utf-8")
    assert run_here(catalog.root, "build").returncode == 0
    for rel in ["brands/lishui/index.html", "categories/tea/index.html", "products/lishui/p2/index.html"]:
        assert "新名字" in (catalog.output / rel).read_text("utf-8"), rel


def test_removed_product_page_disappears_and_manifest_matches_files(catalog: Catalog) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    import shutil

    shutil.rmtree(catalog.root / "products/lishui/p2")
    assert run_here(catalog.root, "build").returncode == 0
    assert not (catalog.output / "products/lishui/p2").exists()
    manifest = json.loads((catalog.output / ".sitegen-manifest.json").read_text("utf-8"))["files"]
    files = {p.relative_to(catalog.output).as_posix() for p in catalog.output.rglob("*") if p.is_file()}
    assert set(manifest) == files - {".sitegen-manifest.json", ".sitegen-output"}
    for rel, entry in manifest.items():
        data = (catalog.output / rel).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}, rel


def test_tampered_output_file_is_restored(catalog: Catalog) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    page = catalog.output / "products/lishui/p1/index.html"
    good = page.read_bytes()
    page.write_text("defaced", encoding="utf-8")
    assert run_here(catalog.root, "build").returncode == 0
    assert page.read_bytes() == good


def test_static_assets_have_content_hash_names_and_pages_load_nothing_external(catalog: Catalog) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    assets = list((catalog.output / "assets").iterdir())
    assert assets and all(re.match(r"^[\w-]+\.[0-9a-f]{10}\.\w+$", a.name) for a in assets)
    assert sum(a.stat().st_size for a in assets if a.suffix in (".css", ".js")) < 30_000
    for html_file in catalog.output.rglob("*.html"):
        html = html_file.read_text("utf-8")
        for url in re.findall(r'(?:src|srcset)="([^"]+)"', html) + re.findall(
                r'<link rel="stylesheet" href="([^"]+)"', html):
            assert url.startswith("/"), (html_file, url)


def test_site_theme_overrides_one_template(catalog: Catalog) -> None:
    catalog.write("themes/default/templates/404.html",
                  '{% extends "base.html" %}{% block main %}<h1>这里什么都没有</h1>{% endblock %}')
    assert run_here(catalog.root, "build").returncode == 0
    assert "这里什么都没有" in (catalog.output / "404.html").read_text("utf-8")
    assert "遂昌菊米1" in (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")


def test_long_listings_are_paginated(catalog: Catalog) -> None:
    for i in range(3, 52):
        catalog.product("lishui", f"p{i}", title=f"产品{i}")
    assert run_here(catalog.root, "build").returncode == 0
    page2 = catalog.output / "categories/tea/page/2/index.html"
    assert page2.is_file()
    first = (catalog.output / "categories/tea/index.html").read_text("utf-8")
    assert 'rel="next" href="/categories/tea/page/2/"' in first
    assert first.count('class="card') == 48


def test_usage_errors_exit_2(catalog: Catalog) -> None:
    assert run(catalog.root, "build", "--no-such-flag").returncode == 2
    assert run(catalog.root / "missing", "build").returncode == 2


def test_new_creates_brand_and_product_without_overwriting(catalog: Catalog) -> None:
    result = run_here(catalog.root, "new", "brand", "wuchang", "--name", "五常大米")
    assert result.returncode == 0, result.stderr
    assert (catalog.root / "brands/wuchang/index.md").read_text("utf-8").startswith('---\nname: "五常大米"')
    result = run_here(catalog.root, "new", "product", "wuchang", "遂昌菊米")
    assert result.returncode == 0 and (catalog.root / "products/wuchang/suichang-jumi/index.md").is_file()
    text = (catalog.root / "products/wuchang/suichang-jumi/index.md").read_text("utf-8")
    for field in ("title:", "category:", "images:", "# price:", "# season:", "# shop_links:", "# gtin:"):
        assert field in text
    again = run_here(catalog.root, "new", "product", "wuchang", "遂昌菊米")
    assert again.returncode == 2 and "already exists" in again.stderr
    assert (catalog.root / "products/wuchang/suichang-jumi/index.md").read_text("utf-8") == text
    (catalog.root / "products/wuchang/suichang-jumi/photo-1.jpg").write_bytes(
        (catalog.root / "products/lishui/p1/photo.jpg").read_bytes())
    assert run_here(catalog.root, "check").returncode == 0


def test_editing_a_theme_file_in_place_does_not_change_the_built_site(catalog: Catalog) -> None:
    css = catalog.write("themes/default/static/style.css", "body { color: black; }\n")
    assert run_here(catalog.root, "build").returncode == 0
    built = next((catalog.output / "assets").glob("style.*.css"))
    with open(css, "r+", encoding="utf-8") as handle:  # same inode, new bytes: as some editors save
        handle.write("body { color: red;   }\n")
    assert built.read_text("utf-8") == "body { color: black; }\n"


def test_replaced_photo_is_picked_up_even_with_the_same_name(catalog: Catalog) -> None:
    from tests.catalog import photo

    assert run_here(catalog.root, "build").returncode == 0
    before = _tree(catalog.output)
    photo(catalog.root / "products/lishui/p1/photo.jpg", size=(900, 700), color=(10, 20, 200))
    result = run_here(catalog.root, "build")
    assert result.returncode == 0
    after = _tree(catalog.output)
    changed = {k for k in after if after[k][0] != before.get(k, (b"",))[0]}
    assert "products/lishui/p1/index.html" in changed
    html = (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")
    assert 'width="900"' in html  # the new photo's size (900 px is within the default widths)
    assert {k for k in changed if k.startswith("img/")}, "the new photo was not processed"


def test_second_build_reports_the_same_warnings(catalog: Catalog) -> None:
    catalog.write("products/lishui/p1/index.md", PRODUCT.format(title="菊米", category="tea").replace(
        "{file: photo.jpg, alt: 一杯茶}", "photo.jpg"))
    first = run_here(catalog.root, "build")
    second = run_here(catalog.root, "build")
    assert _rendered(second) == 0
    assert "has no 'alt' text" in first.stderr and first.stderr == second.stderr

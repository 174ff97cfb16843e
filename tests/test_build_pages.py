"""What each page carries: the home page's sections, the head every page needs, photos in the text, the CLI's
summary and progress bar, and a catalog outside the repository built with the theme inside the package."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import re
import select
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from sitegen.build import BuildOptions, build
from tests.catalog import PRODUCT, Catalog, make_catalog, photo, run, run_here


def _product(title: str, season: str, date: str | None) -> str:
    text = PRODUCT.format(title=title, category="tea").replace("season: [9, 10]", f"season: {season}")
    return text.replace("category: tea", f"category: tea\ndate: {date}") if date else text


class _Head(HTMLParser):
    """The <head> facts a search engine or a WeChat share card reads, and every URL the page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.loaded: list[str] = []
        self._title: list[str] | None = None
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "title":
            self._title = []
        elif tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a["property"]] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href", "")
        if tag in ("img", "script", "iframe", "source", "video", "audio", "embed") or (
                tag == "link" and a.get("rel") not in ("canonical",)):
            for key in ("src", "href"):
                if a.get(key):
                    self.loaded.append(a[key])
            self.loaded += [part.split()[0] for part in a.get("srcset", "").split(",") if part.strip()]

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title is not None:
            self.title, self._title = "".join(self._title).strip(), None


def _head(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text("utf-8"))
    return parser


def test_home_shows_brands_in_season_and_new_products(catalog: Catalog) -> None:
    catalog.write("products/lishui/p1/index.md", _product("冬笋", "[12, 1]", "2024-01-05"))
    catalog.write("products/lishui/p2/index.md", _product("春茶", "[3, 4]", "2024-03-20"))
    catalog.product("lishui", "p3", text=_product("秋梨", "[9, 10]", None))
    catalog.product("lishui", "p4", text=_product("夏蜜", "[7]", "2024-02-01"))
    build(BuildOptions(catalog.root, catalog.output, jobs=1, today=dt.date(2024, 12, 15)))
    html = (catalog.output / "index.html").read_text("utf-8")
    sections = {m.group(1): m.group(2) for m in re.finditer(r"<h2>(.*?)</h2>(.*?)</section>", html, re.S)}
    assert 'href="/brands/lishui/"' in sections["品牌"] and "丽水山耕" in sections["品牌"]
    in_season = sections["当季好物"]
    assert "冬笋" in in_season and "春茶" not in in_season and "秋梨" not in in_season
    new = sections["新品上架"]
    assert new.index("春茶") < new.index("夏蜜"), "newest first"
    assert "冬笋" not in new, "shown in season just above: not twice in adjacent sections"
    assert "秋梨" not in new, "a product without a date is not new"
    assert 'href="/categories/tea/"' in sections["分类"]
    # Another month, another season: the stamp of a build includes the month.
    build(BuildOptions(catalog.root, catalog.output, jobs=1, today=dt.date(2025, 4, 1)))
    html = (catalog.output / "index.html").read_text("utf-8")
    in_season = html.split("<h2>当季好物</h2>")[1].split("</section>")[0]
    assert "春茶" in in_season and "冬笋" not in in_season


def test_every_page_has_lang_title_description_canonical_and_open_graph(catalog: Catalog) -> None:
    photo(catalog.root / "brands/lishui/banner.jpg", size=(1600, 600))
    catalog.write("brands/lishui/index.md", (catalog.root / "brands/lishui/index.md").read_text("utf-8").replace(
        "summary:", "banner: banner.jpg\nsummary:"))
    result = run_here(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    pages = sorted(catalog.output.rglob("*.html"))
    assert len(pages) == 17  # 9, the search page, and the indexes and listings of seasons, certifications and provinces
    for page in pages:
        rel = page.relative_to(catalog.output).as_posix()
        head = _head(page)
        url = "/" + rel.removesuffix("index.html")
        assert head.lang == "zh-CN", rel
        assert head.title.endswith("测试品牌目录") and head.title.strip(), rel
        assert head.meta.get("description"), rel
        if rel == "404.html":  # served at every missing URL: it has no URL of its own to declare
            assert head.canonical == "" and "og:url" not in head.meta
        else:
            assert head.canonical == "https://shop.example.com" + url, rel
            assert head.meta.get("og:url") == head.canonical, rel
        assert head.meta.get("og:title") and head.meta.get("og:type") in ("website", "product"), rel
        assert head.meta.get("og:image", "").startswith("https://shop.example.com/img/"), rel
        outside = [u for u in head.loaded if re.match(r"^(https?:)?//", u)]
        assert outside == [], f"{rel} loads from another host: {outside}"
    assert _head(catalog.output / "404.html").meta.get("robots") == "noindex"
    assert "robots" not in _head(catalog.output / "index.html").meta
    assert _head(catalog.output / "products/lishui/p1/index.html").meta["og:image"].endswith("-og.jpg")


def test_listing_page_2_has_its_own_title_and_the_pager_speaks_the_page_language(catalog: Catalog) -> None:
    for i in range(3, 51):
        catalog.product("lishui", f"p{i}", title=f"遂昌菊米{i}")
    assert run_here(catalog.root, "build").returncode == 0
    first, second = (_head(catalog.output / f"categories/tea/{rel}index.html") for rel in ("", "page/2/"))
    assert (first.title, second.title) == ("茶叶 - 测试品牌目录", "茶叶 · 第 2 页 - 测试品牌目录")
    assert _head(catalog.output / "brands/lishui/page/2/index.html").title == "丽水山耕 · 第 2 页 - 测试品牌目录"
    html = (catalog.output / "categories/tea/page/2/index.html").read_text("utf-8")
    assert '<nav class="pager" aria-label="分页">' in html
    config = catalog.root / "sitegen.toml"
    config.write_text('language = "en"\n' + config.read_text("utf-8"), encoding="utf-8")
    assert run_here(catalog.root, "build").returncode == 0
    assert _head(catalog.output / "categories/tea/page/2/index.html").title == "Tea · Page 2 - 测试品牌目录"
    assert '<nav class="pager" aria-label="Pages">' in (catalog.output / "categories/tea/index.html").read_text()


def test_first_cards_of_a_listing_load_eagerly_and_the_rest_lazily(catalog: Catalog) -> None:
    """The eager and lazy cards of one product are cached apart: a build in one process renders both."""
    for i in range(3, 13):
        catalog.product("lishui", f"p{i}", title=f"遂昌菊米{i}")
    build(BuildOptions(catalog.root, catalog.output, jobs=1))
    cards = re.findall(r'<li class="card">.*?</li>', (catalog.output / "categories/tea/index.html").read_text(), re.S)
    assert len(cards) == 12
    assert ['loading="lazy"' in card for card in cards] == [False] * 8 + [True] * 4
    related = (catalog.output / "products/lishui/p12/index.html").read_text().split("同品牌产品")[1]
    assert related.count('<li class="card">') >= 4 and related.count('loading="lazy"') == related.count("<img ")


def test_variants_at_different_prices_are_one_aggregate_offer(catalog: Catalog) -> None:
    variants = ("variants:\n  - {name: 小罐, price: 68, unit: 250g}\n  - {name: 礼盒, price: 128, unit: 2×250g}\n"
                "  - {name: 中罐, price: 98, unit: 400g}\nseason:")
    catalog.write("products/lishui/p1/index.md", PRODUCT.format(title="菊米", category="tea").replace(
        "season:", variants))
    catalog.write("products/lishui/p2/index.md", PRODUCT.format(title="菊米2", category="tea").replace(
        "season:", "variants:\n  - {name: 小罐, price: 68}\n  - {name: 旧包装, price: 68}\nseason:"))
    assert run_here(catalog.root, "build").returncode == 0

    def page(pid: str) -> tuple[str, dict]:
        html = (catalog.output / f"products/lishui/{pid}/index.html").read_text("utf-8")
        ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
        assert ld
        return html, json.loads(ld.group(1))["@graph"][0]["offers"]

    html, offers = page("p1")
    assert offers == {"@type": "AggregateOffer", "lowPrice": "68.00", "highPrice": "128.00", "offerCount": 3,
                      "priceCurrency": "CNY", "availability": "https://schema.org/InStock",
                      "url": "https://shop.example.com/products/lishui/p1/"}
    assert '<p class="price big">¥68 – ¥128</p>' in html, "the page shows the range the JSON-LD gives"
    html, offers = page("p2")
    assert offers["@type"] == "Offer" and offers["price"] == "68.00"
    assert '<p class="price big">¥68<small> / 250g</small></p>' in html


def test_photos_in_the_text_show_the_published_copy_and_never_another_host(catalog: Catalog) -> None:
    body = ("\n![杯中的菊米](photo.jpg)\n\n![远程图片](https://cdn.example.net/tracker.gif)\n\n"
            '<img src="//cdn.example.net/x.png" alt="协议相对">\n\n![不在列表](other.jpg)\n')
    catalog.write("products/lishui/p1/index.md", PRODUCT.format(title="菊米", category="tea") + body)
    assert run_here(catalog.root, "build").returncode == 0
    html = (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")
    text = html.split('<section class="body">')[1].split("</section>")[0]
    shown = re.findall(r"<img [^>]*>", text)
    src = re.search(r'<img alt="杯中的菊米" src="(/img/[^"]+)">', text)
    assert src and (catalog.output / src.group(1).lstrip("/")).is_file()
    assert "cdn.example.net" not in html
    assert shown == [src.group(0)]  # the three that cannot show are left out: no broken-image icons
    assert "远程图片" not in text and "协议相对" not in text and "不在列表" not in text


def test_summary_line_and_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path / "site", products=1)
    for i in range(200):
        catalog.product("lishui", f"q{i}", title=f"产品{i}")
    piped = run(catalog.root, "build")
    assert piped.returncode == 0
    assert re.fullmatch(r"built 240 pages in \d+\.\d s \(240 rendered, \d+ files written\) → \S+\n", piped.stdout)
    assert "#" not in piped.stderr, "no progress bar when stderr is not a terminal"
    config = catalog.root / "sitegen.toml"
    config.write_text(config.read_text("utf-8").replace("测试品牌目录", "新的目录"), encoding="utf-8")
    code, stdout, terminal = _build_on_a_terminal(catalog.root)
    assert code == 0 and stdout.startswith("built 240 pages")
    assert re.search(r"\[#{30}\] 240/240 pages", terminal), terminal


def test_photos_have_their_own_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """On a cold build the photos take most of the time: the editor sees them counted, then the pages."""
    catalog = make_catalog(tmp_path / "site", products=1)
    for i in range(12):  # twelve different photos (one is already there): real work, no twins
        catalog.product("lishui", f"q{i}", title=f"产品{i}")
        photo(catalog.root / f"products/lishui/q{i}/photo.jpg", color=(10 * i, 90, 200 - 10 * i))
    code, stdout, terminal = _build_on_a_terminal(catalog.root)
    assert code == 0 and stdout.startswith("built 28 pages")
    bars = re.findall(r"\[[#.]{30}\] (\d+)/(\d+) photos", terminal)
    assert bars and bars[-1] == ("13", "13"), terminal
    assert "pages" not in terminal, "20 pages are done in a moment: no bar for them"
    again_code, _, again = _build_on_a_terminal(catalog.root)
    assert again_code == 0 and "photos" not in again, "nothing to make, nothing to show"


def _build_on_a_terminal(root: Path) -> tuple[int, str, str]:
    """`sitegen build` with stderr on a pseudo-terminal: (exit status, stdout, what the terminal showed)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "sitegen", "build", "--root", str(root)],
                               stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    terminal = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        try:
            chunk = os.read(leader, 4096) if ready else b""
        except OSError:  # the build exited and closed its end
            chunk = b""
        if not chunk:
            break
        terminal += chunk
    os.close(leader)
    stdout, _ = process.communicate(timeout=60)
    return process.returncode, stdout, terminal.decode()


def test_catalog_outside_the_repository_builds_with_the_packaged_theme(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path / "x")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    console_script = Path(sys.executable).with_name("sitegen")
    command = [str(console_script) if console_script.exists() else sys.executable, "build", "--root",
               str(catalog.root)]
    if not console_script.exists():
        command[1:1] = ["-m", "sitegen"]
    result = subprocess.run(command, cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    html = (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")
    css = re.search(r'<link rel="stylesheet" href="/(assets/style\.[0-9a-f]{10}\.css)">', html)
    assert css and (catalog.output / css.group(1)).stat().st_size > 1000
    assert not (catalog.root / "themes").exists() and list(elsewhere.iterdir()) == []

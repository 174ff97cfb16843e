"""The default theme in a real browser (Debian's Chromium driven by Playwright).

A small catalog is written and built with the CLI, served over HTTP on 127.0.0.1, and
every page kind is checked the way a shopper's phone would see it: no request leaves
the local server, nothing breaks without JavaScript, the cover photo a WeChat share card
needs is visible early, the 备案 numbers are in the footer, and the theme stays small.

Skips when /usr/bin/chromium is missing, unless CI is set: CI must prove the theme works.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from PIL import Image, ImageDraw

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Route

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                         "device_scale_factor": 2}
CJK_FONTS = ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
             "WenQuanYi Micro Hei")

SITE_TITLE = "云岭好物测试馆"
ICP = "滇ICP备12345678号-2"
POLICE = "滇公网安备 53010202000123号"
COVER_RGB = (214, 98, 24)  # the tea cover's ground colour, looked for in screenshots

CONFIG = f"""\
title = "{SITE_TITLE}"
base_url = "https://shop.example.com/"
description = "浏览器测试用的县域公用品牌目录"
icp_record = "{ICP}"
police_record = "{POLICE}"

[contact]
phone = "0871-0000000"
email = "hello@example.com"
address = "云南省昆明市示例路 1 号"

[categories.tea]
zh = "茶叶"
en = "Tea"

[categories.rice]
zh = "大米"
en = "Rice"

[certifications.gi]
zh = "地理标志产品"
en = "Geographical Indication"
url = "https://www.cnipa.gov.cn/"

[images]
widths = [480, 720, 960, 1280, 1600]  # steps fine enough that a wrong `sizes` picks another file
"""
# An unbroken string wider than a 320 px phone: in a brand story, a product text and a title_en.
LONG_URL = "https://trace.example.com/records/2024/yunnan/puer/batch-00000000000000000000000042"
LONG_TITLE_EN = "Pu'er-ancient-tree-raw-tea-cake-from-Jingmai-Mountain-spring-harvest-2024"

BRANDS = {
    "puer": f"""\
---
name: 普洱茶
name_en: Pu'er Tea
province: 云南省
county: 普洱市
summary: 澜沧江畔的古树茶园，一口回甘。
logo: logo.png
banner: banner.jpg
certifications:
  - id: gi
    number: "GI-BRAND-0042"
contact:
  phone: "0879-0000001"
---

## 古茶园

普洱茶产自云南普洱的高山茶园。溯源：{LONG_URL}
""",
    "wuchang": """\
---
name: 五常大米
province: 黑龙江省
county: 五常市
summary: 黑土地上一年一季的稻花香。
logo: logo.png
banner: banner.jpg
---

五常大米生长在黑龙江五常的黑土地上。
""",
}

PRODUCT = """\
---
title: {title}
category: {category}
summary: {summary}
images:
{images}
price: {{amount: {price}, unit: {unit}}}
season: [3, 4, 10]
origin: {origin}
producer: 示例专业合作社
available: {available}
date: 2024-0{month}-01
certifications:
  - id: gi
    number: "{cert}"
shop_links:
  - platform: 淘宝
    url: https://taobao.example.net/item/{pid}
  - platform: 微信小程序
    url: https://mp.example.com/{pid}
traceability_url: https://trace.example.com/{pid}
---

## 介绍

{title}，产地直发。批次记录：{long_url}
"""
# The product page's extra fields: a long title_en and variants whose units must not break at 360 px.
VARIANTS = f"""\
title_en: {LONG_TITLE_EN}
variants:
  - {{name: 2024 春茶古树单株（易武）, price: 368, unit: 357克/饼}}
  - {{name: 整提装（七饼，竹箬包装）, price: 2480, unit: 2.5千克/提}}
  - {{name: 整件装（八十四饼），整件纸箱, price: 27800, unit: 5千克/箱}}
"""


@dataclass(frozen=True)
class Item:
    brand: str
    pid: str
    title: str
    category: str
    price: int
    cert: str
    images: tuple[tuple[str, tuple[int, int], tuple[int, int, int]], ...]
    available: bool = True

    @property
    def url(self) -> str:
        return f"/products/{self.brand}/{self.pid}/"


ITEMS = (
    Item("puer", "gushu-shengcha", "普洱古树生茶饼", "tea", 368, "GI-PE-2024-0001",
         (("cover.jpg", (1000, 1000), COVER_RGB), ("leaf.jpg", (900, 1200), (60, 120, 50)))),
    Item("puer", "gongting-shucha", "宫廷熟普散茶", "tea", 128, "GI-PE-2024-0002",
         (("cover.jpg", (800, 800), (110, 60, 30)),), available=False),
    Item("wuchang", "daohuaxiang", "五常稻花香大米", "rice", 89, "GI-WC-2024-0003",
         (("cover.jpg", (1200, 900), (230, 220, 190)), ("field.jpg", (800, 800), (200, 180, 60)))),
    Item("wuchang", "xuanmi", "五常糙米", "rice", 45, "GI-WC-2024-0004",
         (("cover.jpg", (800, 800), (170, 140, 100)),)),
)
PRODUCT_ITEM = ITEMS[0]
UNAVAILABLE_ITEM = ITEMS[1]


def _photo(path: Path, size: tuple[int, int], ground: tuple[int, int, int], fmt: str = "JPEG") -> None:
    """A flat ground with a few shapes: something to look at, and a colour screenshots can find."""
    path.parent.mkdir(parents=True, exist_ok=True)
    im = Image.new("RGB", size, ground)
    draw = ImageDraw.Draw(im)
    w, h = size
    light = tuple(min(255, c + 40) for c in ground)
    draw.ellipse((w * 0.6, h * 0.55, w * 0.95, h * 0.9), fill=light)
    draw.rectangle((w * 0.08, h * 0.08, w * 0.2, h * 0.2), fill=(250, 248, 240))
    im.save(path, fmt, **({"quality": 85} if fmt == "JPEG" else {}))


def _write_catalog(root: Path) -> None:
    (root / "sitegen.toml").write_text(CONFIG, encoding="utf-8")
    for i, (bid, text) in enumerate(BRANDS.items()):
        folder = root / "brands" / bid
        folder.mkdir(parents=True)
        (folder / "index.md").write_text(text, encoding="utf-8")
        _photo(folder / "banner.jpg", (1600, 600), (40 + 60 * i, 110, 70))
        _photo(folder / "logo.png", (400, 400), (250, 240, 220), fmt="PNG")
    for n, item in enumerate(ITEMS):
        folder = root / "products" / item.brand / item.pid
        folder.mkdir(parents=True)
        for name, size, ground in item.images:
            _photo(folder / name, size, ground)
        images = "\n".join(f"  - {{file: {name}, alt: {item.title}照片{k + 1}}}"
                           for k, (name, _, _) in enumerate(item.images))
        text = PRODUCT.format(
            title=item.title, category=item.category, summary=f"{item.title}，来自县域公用品牌。", images=images,
            price=item.price, unit="357克/饼" if item.category == "tea" else "5kg", origin="云南省普洱市",
            available=str(item.available).lower(), month=n + 1, cert=item.cert, pid=item.pid, long_url=LONG_URL,
        )
        if item == PRODUCT_ITEM:
            text = text.replace("producer:", VARIANTS + "producer:")
        (folder / "index.md").write_text(text, encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Served:
    root: Path  # the site sources
    output: Path
    origin: str  # 'http://127.0.0.1:PORT'

    def url(self, path: str) -> str:
        return self.origin + path


@pytest.fixture(scope="module", autouse=True)
def _need_chromium() -> None:
    """Before anything is built: skip (or, under CI, fail) when there is no browser to drive."""
    reason = ""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is missing (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so browser tests must run: {reason}", pytrace=False)
        pytest.skip(reason)


def _build_and_serve(root: Path) -> Iterator[Served]:
    output = root / "output"
    result = subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(root), "--output", str(output)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"sitegen build failed:\n{result.stdout}\n{result.stderr}"
    handler = functools.partial(_QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(root, output, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("browser-site")
    _write_catalog(root)
    yield from _build_and_serve(root)


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A category with 50 products: two listing pages, with a pager."""
    from tests.catalog import make_catalog

    catalog = make_catalog(tmp_path_factory.mktemp("browser-paged") / "site", products=50)
    yield from _build_and_serve(catalog.root)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    # launch() gives every browser a fresh temporary profile (user-data-dir) and removes it on close.
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watch:
    """Everything one browser context asked for or complained about."""

    origin: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)
        context.on("request", self._request)
        context.on("page", self._page)

    def _route(self, route: Route) -> None:
        if _is_local(route.request.url, self.origin):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _page(self, page: Page) -> None:
        page.on("console", lambda msg: self.errors.append(f"console {msg.type}: {msg.text}")
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not _is_local(u, self.origin)]


def _is_local(url: str, origin: str) -> bool:
    return url.startswith(origin + "/") or url == origin or url.startswith(("data:", "about:"))


@pytest.fixture
def phone(browser: Browser, served: Served) -> Iterator[tuple[BrowserContext, Watch]]:
    context = browser.new_context(**PHONE)
    watch = Watch(served.origin)
    watch.attach(context)
    try:
        yield context, watch
    finally:
        context.close()


PAGE_KINDS = {
    "home": "/",
    "brands": "/brands/",
    "brand": "/brands/puer/",
    "product": PRODUCT_ITEM.url,
    "unavailable product": UNAVAILABLE_ITEM.url,
    "categories": "/categories/",
    "category": "/categories/tea/",
    "404": "/404.html",
}


def _open(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    return page


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_page_kind_loads_clean_with_no_outside_requests(kind: str, browser: Browser, served: Served) -> None:
    context = browser.new_context()
    watch = Watch(served.origin)
    watch.attach(context)
    try:
        page = _open(context, served.url(PAGE_KINDS[kind]))
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").first.is_visible()
        assert watch.errors == []
        assert watch.blocked == [], "requests to other hosts were attempted"
        assert watch.foreign() == []
        stylesheets = [u for u in watch.requests if urlsplit(u).path.endswith(".css")]
        assert stylesheets, f"{kind}: the theme's stylesheet was not loaded"
        if kind not in ("404", "categories"):
            assert any(urlsplit(u).path.endswith((".jpg", ".jpeg", ".png", ".webp", ".avif")) for u in watch.requests)
    finally:
        context.close()


def test_watch_catches_outside_requests(browser: Browser, served: Served) -> None:
    """The guard above is real: a page that does reach out is caught and blocked."""
    context = browser.new_context()
    watch = Watch(served.origin)
    watch.attach(context)
    try:
        page = _open(context, served.url("/"))
        page.evaluate("""() => { const i = new Image(); i.src = 'https://cdn.example.net/x.png';
                                 document.body.append(i); }""")
        page.wait_for_load_state("networkidle")
        assert watch.blocked == ["https://cdn.example.net/x.png"]
        assert watch.foreign() == ["https://cdn.example.net/x.png"]
    finally:
        context.close()


def _first_main_image(page: Page) -> dict[str, Any]:
    return page.evaluate("""() => {
        const img = document.querySelector('main img');
        if (!img) return null;
        const r = img.getBoundingClientRect();
        return {top: r.top + scrollY, width: r.width, height: r.height, complete: img.complete,
                naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, src: img.currentSrc,
                visible: getComputedStyle(img).visibility !== 'hidden' && r.width > 0 && r.height > 0};
    }""")


def _page_width(page: Page) -> tuple[int, int]:
    """(scrollWidth, innerWidth). A mobile browser widens its layout viewport (zooms out) to fit content
    wider than the device, so both are compared with the phone's own 390 px, not only with each other."""
    return page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")


def test_product_page_on_a_phone(phone: tuple[BrowserContext, Watch], served: Served) -> None:
    context, watch = phone
    page = _open(context, served.url(PRODUCT_ITEM.url))
    page.wait_for_load_state("networkidle")

    scroll_width, inner_width = _page_width(page)
    assert scroll_width <= 390 and inner_width == 390, \
        f"the product page is {scroll_width} px wide in a {inner_width} px viewport on a 390 px phone"

    cover = _first_main_image(page)
    assert cover is not None, "no image in <main>"
    assert cover["complete"] and cover["visible"]
    assert "/cover" in cover["src"], f"the first image is not the cover: {cover['src']}"
    # WeChat's share card wants a visible image of at least 300×300 px, early in the page.
    assert cover["naturalWidth"] >= 300 and cover["naturalHeight"] >= 300
    assert cover["width"] >= 300, f"cover rendered only {cover['width']} CSS px wide"
    assert cover["top"] < 844, "the cover does not start in the first viewport"
    assert cover["top"] + min(cover["height"], 300) <= 1.5 * 844

    title = page.title()
    assert PRODUCT_ITEM.title in title and SITE_TITLE in title

    assert page.get_by_text(f"¥{PRODUCT_ITEM.price}", exact=False).first.is_visible()
    assert page.get_by_text(PRODUCT_ITEM.cert, exact=False).first.is_visible()
    icp = page.locator('footer a[href="https://beian.miit.gov.cn/"]')
    assert icp.is_visible() and icp.inner_text().strip() == ICP
    police = page.locator('footer a[href^="https://beian.mps.gov.cn/"]')
    assert police.is_visible() and police.inner_text().strip() == POLICE
    assert "53010202000123" in (police.get_attribute("href") or "")
    assert watch.foreign() == [] and watch.errors == []


def test_product_page_shows_the_shop_window(phone: tuple[BrowserContext, Watch], served: Served) -> None:
    """Price, origin, season, producer, certificate with its number, buy and traceability links, all visible."""
    context, _ = phone
    page = _open(context, served.url(PRODUCT_ITEM.url))
    main = page.locator("main")
    for text in ("云南省普洱市", "示例专业合作社", "3月", "357克/饼", "地理标志产品"):
        assert main.get_by_text(text, exact=False).first.is_visible(), text
    for href in (f"https://taobao.example.net/item/{PRODUCT_ITEM.pid}", f"https://mp.example.com/{PRODUCT_ITEM.pid}",
                 f"https://trace.example.com/{PRODUCT_ITEM.pid}", "https://www.cnipa.gov.cn/"):
        link = main.locator(f'a[href="{href}"]')
        assert link.count() == 1 and link.is_visible(), href
        box = link.bounding_box()
        assert box is not None and box["height"] >= 24, f"{href}: tap target only {box} tall"
    # Out of stock is said on that product's own page (its <article>), not on an available one's.
    unavailable = _open(context, served.url(UNAVAILABLE_ITEM.url))
    assert unavailable.locator("main article").get_by_text("暂时缺货").first.is_visible()
    assert page.locator("main article").get_by_text("暂时缺货").count() == 0


def test_brand_page_has_a_share_image_and_title(phone: tuple[BrowserContext, Watch], served: Served) -> None:
    context, watch = phone
    page = _open(context, served.url("/brands/puer/"))
    page.wait_for_load_state("networkidle")
    assert "普洱茶" in page.title() and SITE_TITLE in page.title()
    # A share-card scraper fetches the <img src> file itself: measure that file's own pixels (with srcset,
    # naturalWidth is scaled to the slot, so it says nothing about the file).
    images = page.evaluate("""async () => Promise.all([...document.querySelectorAll('main img')].map(async img => {
        const r = img.getBoundingClientRect();
        const file = new Image();
        file.src = img.getAttribute('src');
        await file.decode();
        return {top: r.top + scrollY, w: file.naturalWidth, h: file.naturalHeight, rw: r.width, rh: r.height};
    }))""")
    early = [i for i in images if i["top"] < 1.5 * 844 and i["rw"] > 0 and i["rh"] > 0
             and i["w"] >= 300 and i["h"] >= 300]
    assert early, f"no visible image ≥300×300 px in the first 1.5 screens: {images}"
    assert page.locator("main").get_by_text("GI-BRAND-0042").first.is_visible()
    assert watch.foreign() == []


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_no_sideways_scroll_on_a_phone(kind: str, phone: tuple[BrowserContext, Watch], served: Served) -> None:
    context, _ = phone
    page = _open(context, served.url(PAGE_KINDS[kind]))
    page.wait_for_load_state("networkidle")
    scroll_width, inner_width = _page_width(page)
    assert scroll_width <= 390 and inner_width == 390, \
        f"{kind}: {scroll_width} px wide in a {inner_width} px layout viewport on a 390 px phone"


def test_works_without_javascript(browser: Browser, served: Served) -> None:
    context = browser.new_context(java_script_enabled=False, **PHONE)
    watch = Watch(served.origin)
    watch.attach(context)
    try:
        page = _open(context, served.url("/"))
        brand_link = page.locator('main a[href="/brands/puer/"]').first
        assert brand_link.is_visible()
        brand_link.click()
        page.wait_for_url(served.url("/brands/puer/"))
        assert page.locator("h1").first.inner_text().strip() == "普洱茶"
        product_link = page.locator(f'main a[href="{PRODUCT_ITEM.url}"]').first
        assert product_link.is_visible()
        product_link.click()
        page.wait_for_url(served.url(PRODUCT_ITEM.url))
        assert page.locator("h1").first.inner_text().strip() == PRODUCT_ITEM.title
        cover = _first_main_image(page)
        assert cover is not None and cover["complete"] and cover["naturalWidth"] >= 300 and cover["width"] >= 300
        assert page.get_by_text(f"¥{PRODUCT_ITEM.price}", exact=False).first.is_visible()
        assert page.locator('footer a[href="https://beian.miit.gov.cn/"]').is_visible()
        # Nothing hidden waiting for a script: every link and image in <main> is laid out.
        hidden = page.evaluate("""() => [...document.querySelectorAll('main a, main img')]
            .filter(e => e.getClientRects().length === 0).map(e => e.outerHTML.slice(0, 80))""")
        assert hidden == []
        assert watch.foreign() == []
    finally:
        context.close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []  # hrefs and srcs to follow
        self.canonical: list[str] = []
        self.bad_images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        elif tag == "link" and a.get("href"):
            (self.canonical if a.get("rel") == "canonical" else self.links).append(a["href"] or "")
        elif tag == "img":
            self.links.append(a.get("src") or "")
            self.links += [part.strip().split(" ")[0] for part in (a.get("srcset") or "").split(",") if part.strip()]
            if not (a.get("width", "").isdigit() and a.get("height", "").isdigit() and (a.get("alt") or "").strip()):
                self.bad_images.append(self.get_starttag_text() or "")
        elif tag == "source" and a.get("srcset"):
            self.links += [part.strip().split(" ")[0] for part in (a["srcset"] or "").split(",")]


def _fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""


def test_crawl_every_internal_link_resolves(served: Served) -> None:
    base_url = "https://shop.example.com/"
    queue, seen, broken, bad_images = ["/"], {"/"}, [], []
    pages: set[str] = set()

    def local(url: str, at: str) -> str | None:
        """The site path a link points to, or None for links to other sites (and tel:, mailto:)."""
        url = urldefrag(url)[0]
        if url.startswith(base_url):
            return "/" + url[len(base_url):]
        absolute = urljoin(served.url(at), url)
        return urlsplit(absolute).path if absolute.startswith(served.origin + "/") else None

    while queue:
        path = queue.pop()
        status, body, ctype = _fetch(served.url(path))
        if status != 200:
            broken.append(path)
            continue
        if ctype != "text/html":
            continue
        pages.add(path)
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        bad_images += [f"{path}: {tag}" for tag in parser.bad_images]
        assert [local(c, path) for c in parser.canonical] == [path], f"{path}: canonical {parser.canonical}"
        for link in parser.links:
            target = local(link, path)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)

    assert broken == [], f"links that do not resolve: {broken}"
    assert bad_images == [], "images without width/height/alt"
    expected = {"/", "/brands/", "/categories/", "/brands/puer/", "/brands/wuchang/", "/categories/tea/",
                "/categories/rice/", *(item.url for item in ITEMS)}
    assert expected <= pages, f"not reachable by links from /: {expected - pages}"
    assert _fetch(served.url("/404.html"))[0] == 200

    status, sitemap, _ = _fetch(served.url("/sitemap.xml"))
    assert status == 200
    locs = [e.text or "" for e in ET.fromstring(sitemap).iter() if e.tag.endswith("loc")]
    assert locs and all(loc.startswith(base_url) for loc in locs)
    assert {local(loc, "/") for loc in locs} >= expected


def test_theme_css_and_js_under_30kb(browser: Browser, served: Served) -> None:
    context = browser.new_context()
    sizes: dict[str, int] = {}

    def record(response: Any) -> None:
        if urlsplit(response.url).path.endswith((".css", ".js")) or response.request.resource_type in (
                "stylesheet", "script"):
            sizes[response.url] = len(response.body())

    try:
        page = context.new_page()
        page.on("response", record)
        page.goto(served.url(PRODUCT_ITEM.url), wait_until="networkidle")
        assert sizes, "no stylesheet was loaded"
        assert 0 < sum(sizes.values()) < 30 * 1024, sizes
    finally:
        context.close()


def test_body_font_stack_has_cjk_family(browser: Browser, served: Served) -> None:
    context = browser.new_context()
    try:
        page = _open(context, served.url(PRODUCT_ITEM.url))
        families = page.evaluate("() => getComputedStyle(document.body).fontFamily")
        assert any(name in families for name in CJK_FONTS), families
        assert "sans-serif" in families  # a generic family last, so something always renders
        assert "@font-face" not in page.evaluate(
            "() => [...document.styleSheets].flatMap(s => [...s.cssRules]).map(r => r.cssText).join()")
    finally:
        context.close()


def _share(shot: Image.Image, rgb: tuple[int, int, int], tolerance: int = 12) -> float:
    """Fraction of the screenshot's pixels within `tolerance` of `rgb` on every channel."""
    small = shot.convert("RGB").resize((shot.width // 2, shot.height // 2), Image.Resampling.NEAREST)
    data = small.tobytes()
    r, g, b = rgb
    hits = sum(1 for i in range(0, len(data), 3) if abs(data[i] - r) <= tolerance
               and abs(data[i + 1] - g) <= tolerance and abs(data[i + 2] - b) <= tolerance)
    return hits / (small.width * small.height)


def test_phone_screenshots(phone: tuple[BrowserContext, Watch], served: Served) -> None:
    """Screenshots to look at (tests/artifacts/); the product's cover must be painted in the first screen."""
    context, _ = phone
    ARTIFACTS.mkdir(exist_ok=True)
    for name, url in (("product", PRODUCT_ITEM.url), ("home", "/"), ("brand", "/brands/puer/"),
                      ("category", "/categories/tea/")):
        page = _open(context, served.url(url))
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / f"phone-{name}-first-screen.png"))
    with Image.open(ARTIFACTS / "phone-product-first-screen.png") as shot:
        assert shot.size == (390 * 2, 844 * 2)
        # 300×300 CSS px of cover colour (at 2× device pixels) is ~27% of the first screen.
        assert _share(shot, COVER_RGB) >= 300 * 300 / (390 * 844), "the cover photo is not painted in the first screen"


# -- what a phone downloads and how it lays the page out (an audit at 360×740 CSS px, DPR 3)

def _phone(browser: Browser, width: int, height: int, dpr: float) -> BrowserContext:
    return browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=dpr,
                               is_mobile=width < 600, has_touch=width < 600)


_CHOSEN_FILES = """() => [...document.querySelectorAll('main picture img')].filter(img => img.currentSrc).map(img => {
    const candidates = el => (el.getAttribute('srcset') || '').split(',').map(s => s.trim().split(/\\s+/))
        .filter(p => p.length === 2).map(([u, w]) => [new URL(u, location.href).href, parseInt(w)]);
    const from = [...img.parentElement.querySelectorAll('source'), img]
        .map(candidates).find(list => list.some(([u]) => u === img.currentSrc)) || [];
    return {cls: img.className, drawn: img.getBoundingClientRect().width, src: img.currentSrc,
            chosen: (from.find(([u]) => u === img.currentSrc) || [0, 0])[1], widths: from.map(([, w]) => w)};
})"""


@pytest.mark.parametrize("viewport", [(360, 740, 3), (390, 844, 2), (1000, 800, 2), (1280, 800, 1)],
                         ids=lambda v: "{}x{}@{}".format(*v))
def test_photos_fetch_the_smallest_file_that_fills_their_box(viewport: tuple[int, int, float], browser: Browser,
                                                            served: Served) -> None:
    """`sizes` says how wide each photo is drawn; when it is right, the browser picks the smallest file that is
    at least (drawn width × device pixel ratio) wide: no card thumbnail at twice the pixels it needs."""
    width, height, dpr = viewport
    context = _phone(browser, width, height, dpr)
    wrong, seen = [], set()
    try:
        for path in ("/", "/categories/tea/", "/brands/puer/", PRODUCT_ITEM.url):
            page = _open(context, served.url(path))
            page.evaluate("async () => { for (let y = 0; y < document.body.scrollHeight; y += 400) {"
                          " scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); } }")
            page.wait_for_load_state("networkidle")
            for img in page.evaluate(_CHOSEN_FILES):
                if not img["widths"]:
                    continue  # a single file (the PNG logo): nothing to choose
                need = img["drawn"] * dpr
                best = min((w for w in img["widths"] if w >= need - 1), default=max(img["widths"]))
                seen.add(img["cls"])
                if img["chosen"] != best:
                    wrong.append(f"{path} .{img['cls']}: drawn {img['drawn']:.0f} px → needs {need:.0f}, "
                                 f"got the {img['chosen']}w file instead of {best}w")
            page.close()
    finally:
        context.close()
    assert {"thumb", "banner", "photo"} <= seen, seen
    assert wrong == []


@pytest.mark.parametrize("viewport", [(360, 740, 3), (1280, 800, 1)], ids=lambda v: "{}x{}@{}".format(*v))
def test_photos_in_the_first_screen_are_not_lazy(viewport: tuple[int, int, float], browser: Browser,
                                                 served: Served, paged: Served) -> None:
    """A lazy image is only fetched after layout: the first cards of a listing (its largest paint) must not wait."""
    width, height, dpr = viewport
    context = _phone(browser, width, height, dpr)
    lazy, cards = [], 0
    try:
        for url in (served.url("/"), served.url("/categories/tea/"), served.url("/categories/rice/"),
                    paged.url("/categories/tea/"), paged.url("/categories/tea/page/2/"),
                    paged.url("/brands/lishui/page/2/")):
            page = _open(context, url)
            shown = page.evaluate("""() => [...document.querySelectorAll('main img')].filter(img => {
                const r = img.getBoundingClientRect();
                return r.bottom > 0 && r.top < innerHeight && r.width > 0;
            }).map(img => [img.className, img.loading, img.currentSrc])""")
            cards += sum(cls == "thumb" for cls, _, _ in shown)
            lazy += [f"{url}: .{cls} {src}" for cls, loading, src in shown if loading == "lazy"]
            page.close()
    finally:
        context.close()
    assert cards >= 6, "no product cards in the first screen to check"
    assert lazy == [], "lazy-loaded photos in the first screen"


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_no_sideways_scroll_at_320px_with_long_words(kind: str, browser: Browser, served: Served) -> None:
    """A URL in a text or a long title_en cannot shrink below its width unless it may break anywhere."""
    context = _phone(browser, 320, 640, 2)
    try:
        page = _open(context, served.url(PAGE_KINDS[kind]))
        if kind in ("product", "brand"):
            assert page.locator("main").get_by_text(LONG_URL, exact=False).count() == 1
        scroll_width, inner_width = _page_width(page)
        assert scroll_width <= 320 and inner_width == 320, \
            f"{kind}: {scroll_width} px wide in a {inner_width} px layout viewport on a 320 px phone"
    finally:
        context.close()


def test_variant_units_and_prices_stay_on_one_line(browser: Browser, served: Served) -> None:
    context = _phone(browser, 360, 740, 3)
    try:
        page = _open(context, served.url(PRODUCT_ITEM.url))
        lines = page.evaluate("""() => [...document.querySelectorAll('.variants td')].map(td => {
            const range = document.createRange();
            range.selectNodeContents(td);
            return [td.textContent, new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
        })""")
        assert any(text == "5千克/箱" for text, _ in lines), lines
        assert [text for text, n in lines if n != 1] == [], "cells broken over lines"
    finally:
        context.close()


@pytest.mark.parametrize("kind", [*PAGE_KINDS, "paged"])
def test_tap_targets_are_at_least_40px_tall(kind: str, browser: Browser, served: Served, paged: Served) -> None:
    """Every link's own box (what a thumb hits): header and footer links, chips, pager, the brand and category
    links of a product. Links inside running text (a story, a product's details) are exempt, as in WCAG 2.5.8."""
    context = _phone(browser, 360, 740, 3)
    try:
        page = _open(context, paged.url("/categories/tea/") if kind == "paged" else served.url(PAGE_KINDS[kind]))
        small = page.evaluate("""() => [...document.querySelectorAll('header a, main a, footer a')]
            .filter(a => !a.closest('.body, .story') && a.getClientRects().length)
            .map(a => [a.textContent.trim(), a.getBoundingClientRect().height])
            .filter(([, h]) => h < 40)""")
        if kind == "paged":
            assert page.locator(".pager a").count() == 1
        assert small == [], f"{kind}: links shorter than 40 px: {small}"
    finally:
        context.close()

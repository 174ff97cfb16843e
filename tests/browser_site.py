"""The browser tests' shared parts: a small catalog, built with the CLI and served on 127.0.0.1, and
Debian's Chromium driven by Playwright. Fixtures are session-wide (made available by conftest.py), so
the catalog is built and the browser started once for every browser test module."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from PIL import Image, ImageDraw

from tests.catalog import TERMS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Route


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
languages = ["zh-CN", "en"]
title_en = "Yunling Goods (test)"
icp_record = "{ICP}"
police_record = "{POLICE}"

[contact]
phone = "0871-0000000"
email = "hello@example.com"
address = "云南省昆明市示例路 1 号"

{TERMS}url = "https://www.cnipa.gov.cn/"

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


def need_chromium() -> None:
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
        cannot_run(reason)


def cannot_run(reason: str) -> NoReturn:
    """Skip a browser test that this machine cannot run, except under CI, which must prove what it proves."""
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


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    need_chromium()
    root = tmp_path_factory.mktemp("browser-site")
    _write_catalog(root)
    yield from _build_and_serve(root)


@pytest.fixture(scope="session")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A category with 50 products: two listing pages, with a pager."""
    need_chromium()
    from tests.catalog import make_catalog

    catalog = make_catalog(tmp_path_factory.mktemp("browser-paged") / "site", products=50)
    yield from _build_and_serve(catalog.root)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    need_chromium()
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
    "season": "/seasons/3/",
    "province": "/provinces/yunnan/",
    "search": "/search/?q=" + PRODUCT_ITEM.title[:2],  # results shown by catalog.js
    "English home": "/en/",
    "English product": "/en" + PRODUCT_ITEM.url,
    "404": "/404.html",
}


def open_page(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    return page

def page_width(page: Page) -> tuple[int, int]:
    """(scrollWidth, innerWidth). A mobile browser widens its layout viewport (zooms out) to fit content
    wider than the device, so both are compared with the phone's own 390 px, not only with each other."""
    return page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")

"""Each product's QR code (products/<brand>/<id>/qr.svg), as a phone and an editor meet it: the address it holds
(the traceability record's, else the page's), read back from the SVG module by module and by a real decoder; the
block on the product page; codes that follow their address and go with their product; each code made once
(the session's memo, the cache folder), none for a theme change; and the addresses that cannot be printed small."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import segno
from PIL import Image

from sitegen import qr
from sitegen.engine import qrcodes
from tests.catalog import CONFIG, PRODUCT, Catalog, run_here

SITE = "https://shop.example.com"
TRACE = "https://trace.example.cn/q?code=330102240567&batch=A1"


def _with(text: str, extra: str) -> str:
    return text.replace("season:", f"{extra}\nseason:")


def _product(extra: str = "", title: str = "遂昌菊米") -> str:
    return _with(PRODUCT.format(title=title, category="tea"), extra) if extra else PRODUCT.format(
        title=title, category="tea")


def modules(svg: bytes) -> list[list[int]]:
    """The SVG back to its grid of modules (1 dark), quiet zone included: the path's runs, drawn as a printer
    would, knowing nothing of how sitegen wrote them."""
    size = int(re.search(rb'viewBox="0 0 (\d+) (\d+)"', svg).group(1))  # type: ignore[union-attr]
    path = re.search(rb'<path stroke="#000" d="([^"]*)"', svg).group(1).decode()  # type: ignore[union-attr]
    grid = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command in "Mm":
            x, y = (float(a), float(b)) if command == "M" else (x + float(a), y + float(b))
        else:
            end = float(a) if command == "H" else x + float(a)
            for column in range(int(x), int(end)):
                grid[int(y)][column] = 1
            x = end
    return grid


def decoded(svg: bytes) -> str:
    """What a phone's scanner reads from the code (zxing-cpp, on the SVG drawn at 4 pixels a module)."""
    zxingcpp = pytest.importorskip("zxingcpp")
    grid = modules(svg)
    image = Image.new("L", (len(grid), len(grid)), 255)
    image.putdata([0 if dark else 255 for row in grid for dark in row])
    found = zxingcpp.read_barcodes(image.resize((len(grid) * 4, len(grid) * 4), Image.Resampling.NEAREST))
    assert len(found) == 1, "no QR code read"
    return str(found[0].text)


def assert_code_of(svg: bytes, text: str) -> None:
    """The SVG is exactly segno's code of `text` (at sitegen's settings), in a quiet zone of 4, and it scans."""
    grid = modules(svg)
    code = segno.make_qr(text.encode(), error="m", mask=2, boost_error=True)
    width = len(code.matrix)
    assert len(grid) == width + 8
    assert all(not any(row) for row in grid[:4] + grid[-4:]) and all(not any(r[:4] + r[-4:]) for r in grid)
    assert [row[4:-4] for row in grid[4:-4]] == [list(row) for row in code.matrix]
    assert decoded(svg) == text


@pytest.fixture
def site(catalog: Catalog) -> Catalog:
    """p1 with a traceability record, p2 without, p3 a draft."""
    catalog.write("products/lishui/p1/index.md", _product(f"traceability_url: {TRACE}"))
    catalog.product("lishui", "p3", text=_product("draft: true", title="草稿"))
    return catalog


def _code(catalog: Catalog, pid: str) -> bytes:
    return (catalog.output / f"products/lishui/{pid}/qr.svg").read_bytes()


def test_each_published_product_has_the_code_of_its_record_or_its_page(site: Catalog) -> None:
    result = run_here(site.root, "build")
    assert result.returncode == 0, result.stderr
    assert_code_of(_code(site, "p1"), TRACE)
    assert_code_of(_code(site, "p2"), f"{SITE}/products/lishui/p2/")
    assert not (site.output / "products/lishui/p3").exists()  # a draft is not published, nor is its code
    assert sorted(p.relative_to(site.output).as_posix() for p in site.output.rglob("qr.svg")) == [
        "products/lishui/p1/qr.svg", "products/lishui/p2/qr.svg"]
    svg = _code(site, "p2")
    assert svg.startswith(b'<svg xmlns="http://www.w3.org/2000/svg" width="25mm" height="25mm" viewBox="0 0 41 41"')
    assert svg.count(b"<path") == 2 and len(svg) < 2500  # a white square and one path: 2.5 cm as it is
    assert qr.is_code_svg(svg)


def test_the_product_page_shows_the_code_and_a_link_to_download_it(site: Catalog) -> None:
    assert run_here(site.root, "build").returncode == 0
    html = (site.output / "products/lishui/p2/index.html").read_text("utf-8")
    assert ('<p class="qr"><img src="/products/lishui/p2/qr.svg" width="96" height="96" alt="本产品的二维码">'
            '<a href="/products/lishui/p2/qr.svg" download="p2-qr.svg">下载二维码（打印用）</a></p>') in html
    css = next(site.output.glob("assets/style.*.css")).read_text("utf-8")
    print_rules = css[css.index("@media print"):]
    assert ".qr img { width: 2.5cm; height: 2.5cm; }" in print_rules and ".qr a { display: none; }" in print_rules


def test_a_code_follows_its_address_and_goes_with_its_product(site: Catalog) -> None:
    assert run_here(site.root, "build").returncode == 0
    p1 = site.root / "products/lishui/p1/index.md"
    steps = [
        ("traceability_url changed", lambda: p1.write_text(_product(f"traceability_url: {TRACE}2"), "utf-8"),
         {"p1": f"{TRACE}2", "p2": f"{SITE}/products/lishui/p2/"}),
        ("traceability_url removed", lambda: p1.write_text(_product(), "utf-8"),
         {"p1": f"{SITE}/products/lishui/p1/", "p2": f"{SITE}/products/lishui/p2/"}),
        ("base_url changed", lambda: site.write("sitegen.toml", CONFIG.replace(SITE, "https://www.example.cn")),
         {"p1": "https://www.example.cn/products/lishui/p1/", "p2": "https://www.example.cn/products/lishui/p2/"}),
        ("p1 made a draft", lambda: p1.write_text(_product("draft: true"), "utf-8"),
         {"p2": "https://www.example.cn/products/lishui/p2/"}),
        ("p1 published, p2 deleted", lambda: (p1.write_text(_product(), "utf-8"),
                                              shutil.rmtree(site.root / "products/lishui/p2")),
         {"p1": "https://www.example.cn/products/lishui/p1/"}),
    ]
    for what, edit, codes in steps:
        edit()
        result = run_here(site.root, "build")
        assert result.returncode == 0, f"{what}: {result.stderr}"
        assert sorted(p.parent.name for p in site.output.rglob("qr.svg")) == sorted(codes), what
        for pid, text in codes.items():
            assert decoded(_code(site, pid)) == text, what


def _make_count(catalog: Catalog, *args: str) -> int:
    before = qrcodes.made()
    result = run_here(catalog.root, "build", *args)
    assert result.returncode == 0, result.stderr
    return qrcodes.made() - before


def test_each_code_is_made_once_and_never_for_a_theme_change(site: Catalog, tmp_path: Path) -> None:
    for i in range(4, 12):
        site.product("lishui", f"p{i}", title=f"菊米{i}")
    assert _make_count(site) == 10  # p1, p2, p4 … p11
    assert _make_count(site) == 0  # nothing changed
    site.write("themes/default/static/style.css", "body { color: red; }\n")  # the theme's stylesheet …
    template = Path(qr.__file__).parent / "themes/default/templates/product.html"
    site.write("themes/default/templates/product.html", template.read_text("utf-8").replace(
        "{% block main %}", "{% block main %}<p>新模板</p>"))  # … and a template: every page again, no code
    assert _make_count(site) == 0
    assert "新模板" in (site.output / "products/lishui/p4/index.html").read_text("utf-8")
    p4 = site.root / "products/lishui/p4/index.md"
    p4.write_text(_product(f"traceability_url: {TRACE}/p4", title="菊米4"), "utf-8")
    assert _make_count(site) == 1  # the one product whose address changed
    p4.write_text(_product(title="菊米4"), "utf-8")
    assert _make_count(site) == 0  # back to its page's address: that code is in the cache folder
    shutil.rmtree(site.output)
    assert _make_count(site) == 0  # a clean output/: every code from the cache folder
    assert _make_count(site, "--output", str(tmp_path / "elsewhere")) == 0
    shutil.rmtree(site.root / ".sitegen-cache")
    assert _make_count(site, "--output", str(tmp_path / "third")) == 10  # no cache: made again
    assert_code_of(_code(site, "p4"), f"{SITE}/products/lishui/p4/")


def test_a_preview_session_makes_a_code_once(site: Catalog) -> None:
    """The live preview's passes: a draft toggled off and on again, an address changed and back."""
    from sitegen.build import BuildOptions
    from sitegen.engine.session import Session

    session = Session(BuildOptions(site.root, site.root / ".sitegen-cache/preview", jobs=1))
    before = qrcodes.made()
    session.build()
    assert qrcodes.made() - before == 2
    p2 = site.root / "products/lishui/p2/index.md"
    for text, made in ((_product("draft: true"), 0), (_product(), 0), (_product(f"traceability_url: {TRACE}/x"), 1),
                       (_product(), 0), (_product(f"traceability_url: {TRACE}/x"), 0)):
        p2.write_text(text, "utf-8")
        before = qrcodes.made()
        session.build({"products/lishui/p2/index.md"})
        assert qrcodes.made() - before == made, text
    assert decoded((site.root / ".sitegen-cache/preview/products/lishui/p2/qr.svg").read_bytes()) == f"{TRACE}/x"


@pytest.mark.parametrize(("url", "text"), [
    ("https://shop.example.com/p/1", "https://shop.example.com/p/1"),
    ("https://例子.中国/溯源?批次=A1#第1页", "https://xn--fsqu00a.xn--fiqs8s/%E6%BA%AF%E6%BA%90?%E6%89%B9%E6%AC%A1=A1"
                                        "#%E7%AC%AC1%E9%A1%B5"),
    ("https://trace.example.cn:8443/查?id=%E6%9F%A5", "https://trace.example.cn:8443/%E6%9F%A5?id=%E6%9F%A5"),
    ("http://" + "长" * 70 + ".cn/", "http://" + "%E9%95%BF" * 70 + ".cn/"),  # no punycode past 63: escaped
])
def test_a_web_address_is_put_in_a_code_as_a_browser_sends_it(url: str, text: str) -> None:
    assert qr.address(url) == text
    assert decoded(qr.code_svg(text)) == text


def test_a_label_holds_version_10_at_most() -> None:
    for length, version in ((qr.LABEL_BYTES, qr.MAX_VERSION), (qr.LABEL_BYTES + 1, qr.MAX_VERSION + 1)):
        url = "https://t.cn/" + "a" * (length - len("https://t.cn/"))
        assert qr.fits_label(url) is (version == qr.MAX_VERSION == 10)
        assert segno.make_qr(url.encode(), error="m", boost_error=True).version == version


def test_a_traceability_address_too_long_for_a_label_is_a_warning_and_the_code_holds_the_page(
        site: Catalog) -> None:
    long = "https://trace.example.cn/q?" + "&".join(f"k{i}=v{i}" for i in range(60))
    site.write("products/lishui/p1/index.md", _product(f"traceability_url: {long}"))
    result = run_here(site.root, "build")
    assert result.returncode == 0, result.stderr
    assert (f"products/lishui/p1/index.md:7: warning: 'traceability_url' is {len(long)} characters long as a web "
            "address, more than the 213 a QR code printed 2.5 cm wide can hold and still be read by a phone; the "
            "product's QR code links to its page instead, which links to the record. Ask the traceability platform "
            "for a shorter link to have the code open the record\n") in result.stderr
    assert decoded(_code(site, "p1")) == f"{SITE}/products/lishui/p1/"
    assert f'href="{long.replace("&", "&amp;")}"' in (site.output / "products/lishui/p1/index.html").read_text()
    huge = "https://trace.example.cn/" + "x" * 9_900  # as long as a value may be: the same, no failure
    site.write("products/lishui/p1/index.md", _product(f"traceability_url: {huge}"))
    result = run_here(site.root, "build")
    assert result.returncode == 0 and "'traceability_url' is 9925 characters long" in result.stderr
    assert decoded(_code(site, "p1")) == f"{SITE}/products/lishui/p1/"


def test_the_warning_in_chinese(site: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_LANG", "zh")
    site.write("products/lishui/p1/index.md", _product("traceability_url: https://t.cn/" + "a" * 300))
    result = run_here(site.root, "check")
    assert ("products/lishui/p1/index.md:7: 提醒：\"traceability_url\" 写成网址有 313 个字符，超过了印成 2.5 厘米宽的"
            "二维码能装下、手机还能扫出来的 213 个") in result.stdout + result.stderr


def test_a_site_address_too_long_for_a_code_is_an_error_at_its_line(catalog: Catalog) -> None:
    catalog.write("sitegen.toml", CONFIG.replace(f"{SITE}/", "https://" + "a" * 190 + ".example.cn/"))
    result = run_here(catalog.root, "build")
    assert result.returncode == 1
    assert ("sitegen.toml:2: 'base_url' must be at most 200 characters long as a web address, not 210: "
            "every product's QR code holds it") in result.stderr


def test_the_cache_folder_is_untrusted(site: Catalog, tmp_path: Path) -> None:
    """A cached code is published as it is: one with anything but the path of its modules is made again, and a
    `qr` folder that is a link out of the catalog is not written through."""
    assert run_here(site.root, "build").returncode == 0
    cache = site.root / ".sitegen-cache/qr"
    for path in cache.iterdir():
        path.write_bytes(path.read_bytes().replace(b"</svg>", b"<script>alert(1)</script></svg>"))
    shutil.rmtree(site.output)
    before = qrcodes.made()
    assert run_here(site.root, "build").returncode == 0
    assert qrcodes.made() - before == 2 and b"script" not in _code(site, "p2")
    assert_code_of(_code(site, "p2"), f"{SITE}/products/lishui/p2/")
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(cache)
    os.symlink(outside, cache)
    shutil.rmtree(site.output)
    assert run_here(site.root, "build").returncode == 0
    assert list(outside.iterdir()) == [] and cache.is_dir() and not cache.is_symlink()
    assert len(list(cache.glob("*.svg"))) == 2


def test_cache_entries_that_are_not_files_are_made_again(site: Catalog) -> None:
    """A FIFO (reading it would hang the build) and a folder where cached codes were: each is a miss."""
    assert run_here(site.root, "build").returncode == 0
    cache = site.root / ".sitegen-cache/qr"
    fifo, folder = sorted(cache.iterdir())
    fifo.unlink()
    os.mkfifo(fifo)
    folder.unlink()
    (folder / "inside").mkdir(parents=True)
    shutil.rmtree(site.output)
    result = run_here(site.root, "build", timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert_code_of(_code(site, "p1"), TRACE)
    assert_code_of(_code(site, "p2"), f"{SITE}/products/lishui/p2/")
    assert sorted(p.name for p in cache.iterdir() if p.is_file() and qr.is_code_svg(p.read_bytes())) == sorted(
        [fifo.name, folder.name])  # whole again


_IN_WORKERS = """
import sys
from sitegen.engine import qrcodes
from sitegen.__main__ import main
qrcodes.WORKERS_FROM, qrcodes.CHUNK = 4, 3
pools = []
real = qrcodes.pool
qrcodes.pool = lambda workers, *rest: pools.append(workers) or real(workers, *rest)
sys.argv = ["sitegen", "build", "-q", "--jobs", "2", "--root", sys.argv[1]]
try:
    code = main()
except SystemExit as exc:
    code = exc.code
print(code, pools, qrcodes.made())
"""


def test_many_codes_are_made_by_worker_processes(site: Catalog) -> None:
    """A cold build's hundreds of codes are shared out among worker processes: the same codes, in their places.
    In a process of its own: workers are forked only where no other thread runs (the test session has some)."""
    for i in range(4, 12):
        site.product("lishui", f"p{i}", title=f"菊米{i}")
    result = subprocess.run([sys.executable, "-c", _IN_WORKERS, str(site.root)], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.split() == ["0", "[2]", "10"], result.stderr
    assert_code_of(_code(site, "p1"), TRACE)
    for i in (2, *range(4, 12)):
        assert_code_of(_code(site, f"p{i}"), f"{SITE}/products/lishui/p{i}/")


def test_the_preview_serves_each_code_and_follows_edits(site: Catalog) -> None:
    """`sitegen serve`: the preview's codes hold the published site's addresses, change with an edit and go with
    a draft; output/ is never written."""
    from tests.serving import Events, Server, running

    def code(server: Server, until: Callable[[int, bytes], bool]) -> tuple[int, bytes]:
        deadline = time.monotonic() + 20
        while True:
            status, _, body = server.get("/products/lishui/p2/qr.svg")
            if until(status, body) or time.monotonic() > deadline:
                return status, body
            time.sleep(0.1)

    p2 = site.root / "products/lishui/p2/index.md"
    with running(site.root) as server:
        status, headers, body = server.get("/products/lishui/p2/qr.svg")
        assert status == 200 and headers["content-type"].startswith("image/svg+xml")
        assert decoded(body) == f"{SITE}/products/lishui/p2/"
        events = Events(server.port)
        p2.write_text(_product(f"traceability_url: {TRACE}"), "utf-8")
        events.wait_for("reload")
        status, body = code(server, lambda s, b: s == 200 and decoded(b) == TRACE)
        assert status == 200 and decoded(body) == TRACE
        p2.write_text(_product("draft: true"), "utf-8")
        events.wait_for("reload")
        assert code(server, lambda s, b: s == 404)[0] == 404
        events.close()
    assert not site.output.exists()

"""`sitegen serve`: real HTTP on a free port, real file changes, a real event-stream client."""

from __future__ import annotations

import _thread
import contextlib
import errno
import logging
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.cli import problem_line
from sitegen.serve import watch
from sitegen.serve.preview import ServeOptions, Terminal, _lan_address, serve
from tests.catalog import PRODUCT, Catalog, make_catalog, run
from tests.serving import Events, Server, running, start

PREVIEW = Path(".sitegen-cache/preview")
PRODUCT_TEXT = PRODUCT.format(title="坏名字", category="tea")


@pytest.fixture
def site(tmp_path: Path) -> Catalog:
    return make_catalog(tmp_path / "site", products=3)


@pytest.fixture
def server(site: Catalog) -> Iterator[Server]:
    s = start(site.root)
    yield s
    s.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_the_preview_is_served_with_the_reload_script_and_never_written_to_output(site: Catalog,
                                                                                  server: Server) -> None:
    status, headers, body = server.get("/products/lishui/p1/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "遂昌菊米1" in body.decode() and body.count(b'<script src="/__sitegen/reload.js"') == 1
    built = (site.root / PREVIEW / "products/lishui/p1/index.html").read_bytes()
    assert b"__sitegen" not in built  # only served HTML carries the script
    assert not site.output.exists()
    status, headers, script = server.get("/__sitegen/reload.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript") and b"EventSource" in script
    assert run(site.root, "build").returncode == 0
    assert not any(b"__sitegen" in p.read_bytes() for p in site.output.rglob("*.html"))


def test_an_edit_reloads_open_pages_and_the_page_shows_it(site: Catalog, server: Server) -> None:
    events = Events(server.port)
    edit(site.root / "products/lishui/p2/index.md", "title: 遂昌菊米2", "title: 龙泉红茶")
    events.wait_for("reload")
    assert "龙泉红茶" in server.get("/products/lishui/p2/")[2].decode()
    assert "龙泉红茶" in server.get("/brands/lishui/")[2].decode()  # its card on the brand's page too
    server.wait_line(r"products/lishui/p2/index\.md: \d+ page\(s\) rendered")
    events.close()


def test_an_invalid_file_shows_the_lines_check_prints_and_fixing_it_clears_them(site: Catalog,
                                                                                server: Server) -> None:
    events = Events(server.port)
    path = site.root / "products/lishui/p1/index.md"
    good = path.read_text("utf-8")
    edit(path, "price: {amount: 68, unit: 250g}", "price: {amount: 六十八, unit: 250g}")
    lines = events.wait_for("problems")["lines"]
    check = run(site.root, "check")
    assert check.returncode == 1
    expected = [line for line in check.stderr.splitlines() if re.match(r"\S+:\d+: ", line)]
    assert expected and lines == expected
    assert "遂昌菊米1" in server.get("/products/lishui/p1/")[2].decode()  # the last good preview stays
    late = Events(server.port)  # a page opened while the catalog is broken shows the problems at once
    assert late.wait_for("problems")["lines"] == expected
    path.write_text(good, "utf-8")
    events.wait_for("reload")
    assert run(site.root, "check").returncode == 0
    late.close()
    events.close()


def test_a_template_error_is_shown_with_its_template_and_line(site: Catalog, server: Server) -> None:
    events = Events(server.port)
    site.write("themes/default/templates/partials/card.html", "<li>\n{{ p.title | nosuchfilter }}</li>\n")
    lines = events.wait_for("problems")["lines"]
    assert isinstance(lines, list) and len(lines) == 1
    assert lines[0].startswith("themes/default/templates/partials/card.html:2: ")
    (site.root / "themes/default/templates/partials/card.html").unlink()
    events.wait_for("reload")
    events.close()


def test_a_stylesheet_change_swaps_it_without_a_reload(site: Catalog) -> None:
    shipped = (Path(__file__).parent.parent / "sitegen/themes/default/static/style.css").read_text("utf-8")
    site.write("themes/default/static/style.css", shipped)  # the county's own stylesheet
    with running(site.root) as server:
        _swap_stylesheet(site, server, shipped)


def test_a_theme_change_renders_the_open_page_first_then_the_rest_and_ends_as_a_clean_build(tmp_path: Path) -> None:
    """Hugo's fast render mode, with no page left behind. From two pages to render on (the tests' small
    catalogs), a pass renders the pages open first: their reload, then the rest, and a second reload that
    the pages already shown ignore."""
    site = make_catalog(tmp_path / "site", products=4)
    base = (Path(__file__).parent.parent / "sitegen/themes/default/templates/base.html").read_text("utf-8")
    site.write("themes/default/templates/base.html", base)  # the county's own copy, then edited
    with running(site.root, env={"SITEGEN_LATER_FROM": "2"}) as server:
        events = Events(server.port, page="/products/lishui/p2/")
        site.write("themes/default/templates/base.html", base.replace("</footer>", "<p>本站为示例</p></footer>"))
        assert events.wait_for("reload") == ""
        server.wait_line(r"base\.html: 1 page\(s\) rendered in [\d.]+ s; the other \d+ next")
        assert events.wait_for("reload") == {"except": ["/products/lishui/p2/"]}
        rest = int(server.wait_line(r"^the other \d+ page\(s\) rendered").split()[2])
        assert rest >= 8
        events.close()
        time.sleep(2.0)  # the server looks at an idle stream every half second: it sees the page gone
        site.write("themes/default/templates/base.html", base.replace("</footer>", "<p>示例</p></footer>"))
        server.wait_line(rf"base\.html: {rest + 1} page\(s\) rendered in [\d.]+ s$")
    assert run(site.root, "build").returncode == 0
    preview = {p.relative_to(site.root / PREVIEW): p.read_bytes() for p in (site.root / PREVIEW).rglob("*.html")}
    built = {p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*.html")}
    assert preview == built and all("<p>示例</p>" in html.decode() for html in built.values())


def _swap_stylesheet(site: Catalog, server: Server, shipped: str) -> None:
    events = Events(server.port)
    page = server.get("/")[2].decode()
    old = re.search(r'href="(/assets/style\.[0-9a-f]+\.css)"', page).group(1)  # type: ignore[union-attr]
    site.write("themes/default/static/style.css", shipped + "\nbody { color: #123456; }\n")
    renamed = events.wait_for("css")
    assert isinstance(renamed, dict) and list(renamed) == [old]
    new = renamed[old]
    assert new != old and re.fullmatch(r"/assets/style\.[0-9a-f]+\.css", new)
    status, headers, css = server.get(new)
    assert status == 200 and headers["content-type"] == "text/css; charset=utf-8" and b"#123456" in css
    assert ("reload", "") not in events.quiet(1.0)
    events.close()


def test_a_burst_of_200_writes_is_one_rebuild(tmp_path: Path) -> None:
    site = make_catalog(tmp_path / "site", products=200)
    with running(site.root) as server:
        events = Events(server.port)
        for i in range(200):
            with open(site.root / f"products/lishui/p{i + 1}/index.md", "a", encoding="utf-8") as f:
                f.write(f"\n第 {i} 次保存。\n")
        events.wait_for("reload")
        assert [e for e in events.quiet(2.0) if e[0] == "reload"] == [], server.lines
        rebuilt = [line for line in server.lines if "rendered in" in line]
        assert len(rebuilt) == 1 and "and 197 more" in rebuilt[0], rebuilt
        assert "第 199 次保存" in server.get("/products/lishui/p200/")[2].decode()
        events.close()


def test_editor_temp_files_git_and_output_do_not_rebuild(site: Catalog, server: Server) -> None:
    events = Events(server.port)
    folder = site.root / "products/lishui/p1"
    for name in (".index.md.swp", "index.md~", "4913", "#index.md#", ".#index.md"):
        (folder / name).write_text("x", "utf-8")
    (site.root / ".git").mkdir()
    (site.root / ".git/index").write_text("x", "utf-8")
    (site.root / "output").mkdir()
    (site.root / "output/x.html").write_text("x", "utf-8")
    assert events.quiet(1.5) == []
    assert not [line for line in server.lines if "rendered in" in line]
    events.close()


def test_missing_pages_are_the_sites_404_and_files_have_their_types(site: Catalog, server: Server) -> None:
    status, headers, body = server.get("/products/lishui/nope/")
    assert status == 404 and headers["content-type"] == "text/html; charset=utf-8"
    assert body.replace(b'<script src="/__sitegen/reload.js" defer></script>', b"") == \
        (site.root / PREVIEW / "404.html").read_bytes()
    status, headers, _ = server.get("/products/lishui/p1")  # a folder without its slash
    assert status == 301 and headers["location"] == "/products/lishui/p1/"
    for path, kind in (("/sitemap.xml", "application/xml"), ("/robots.txt", "text/plain; charset=utf-8")):
        status, headers, _ = server.get(path)
        assert (status, headers["content-type"]) == (200, kind)
    webp = next((site.root / PREVIEW).rglob("*.webp")).relative_to(site.root / PREVIEW)
    status, headers, _ = server.get(f"/{webp}")
    assert (status, headers["content-type"]) == (200, "image/webp")
    status, headers, body = server.get("/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


@pytest.fixture(scope="class")
def linked_preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Catalog, Server]]:
    """One server for every path below (the requests only read, each on a connection of its own), with links
    out of its preview folder: to /etc and to the catalog's sitegen.toml."""
    site = make_catalog(tmp_path_factory.mktemp("preview-links") / "site", products=3)
    server = start(site.root)
    try:
        preview = site.root / PREVIEW
        os.symlink("/etc", preview / "link-out")
        os.symlink(site.root / "sitegen.toml", preview / "link-file")
        yield site, server
    finally:
        server.stop()


class TestNothingOutsideThePreviewFolderIsServed:
    @pytest.mark.parametrize("path", [
        "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd", "/products/../../../../etc/passwd", "//etc/passwd", "/..\\..\\etc\\passwd",
        "/%00/etc/passwd", "/%c0%ae%c0%ae/etc/passwd", "/link-out/passwd", "/link-file", "/../site/sitegen.toml",
        "/" + "a" * 5000, "/a" * 3000, "/%ff%fe", "/%", "/%zz",
        "/.sitegen-manifest.json/../../../sitegen.toml", "http://127.0.0.1/../../etc/passwd",
    ])
    def test_nothing_outside_the_preview_folder_is_served(self, linked_preview: tuple[Catalog, Server],
                                                          path: str) -> None:
        site, server = linked_preview
        assert server.proc.poll() is None, "an earlier path stopped the server"
        assert (site.root / PREVIEW / "link-out").is_symlink() and (site.root / PREVIEW / "link-file").is_symlink()
        status, _, body = server.get(path)
        assert status == 404, path
        assert b"root:" not in body and "测试品牌目录".encode() not in body.split(b"<title>")[0]
        assert b"base_url" not in body
        assert server.get("/products/lishui/p1/")[0] == 200, "the server no longer serves its own pages"


def test_drafts_are_shown_only_with_drafts_and_carry_a_badge(site: Catalog) -> None:
    edit(site.root / "products/lishui/p3/index.md", "title: 遂昌菊米3", "title: 遂昌菊米3\ndraft: true")
    with running(site.root) as plain:
        assert plain.get("/products/lishui/p3/")[0] == 404
        assert "草稿" not in plain.get("/brands/lishui/")[2].decode()
    with running(site.root, "--drafts") as drafts:
        page = drafts.get("/products/lishui/p3/")[2].decode()
        assert '<p class="badge draft">草稿</p>' in page
        assert '<span class="badge draft">草稿</span>' in drafts.get("/brands/lishui/")[2].decode()
        assert 'class="badge draft"' not in drafts.get("/products/lishui/p1/")[2].decode().split("</h1>")[0]
    assert not site.output.exists()


def test_polling_notices_changes(site: Catalog) -> None:
    with running(site.root, "--poll") as server:
        events = Events(server.port)
        edit(site.root / "products/lishui/p1/index.md", "title: 遂昌菊米1", "title: 轮询标题")
        events.wait_for("reload")
        assert "轮询标题" in server.get("/products/lishui/p1/")[2].decode()
        events.close()


def test_a_folder_deleted_and_made_again_is_still_watched(site: Catalog, server: Server) -> None:
    """What `git checkout` of another branch does to products/."""
    events = Events(server.port)
    products = site.root / "products"
    aside = site.root.parent / "products-aside"
    products.rename(aside)
    events.next()  # every product gone: a brand without products
    assert server.get("/products/lishui/p1/")[0] == 404
    aside.rename(products)
    events.wait_for("reload")
    edit(products / "lishui/p1/index.md", "title: 遂昌菊米1", "title: 换了分支")
    events.wait_for("reload")
    assert "换了分支" in server.get("/products/lishui/p1/")[2].decode()
    events.close()


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 0), (signal.SIGTERM, 143)])
def test_ctrl_c_stops_the_server_the_streams_and_every_process(site: Catalog, sig: int, status: int,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Every process it started (render workers, their fork server) is in its process group: none is left."""
    monkeypatch.setenv("SITEGEN_FRESH_WORKERS_FROM", "0")  # render a theme change in workers, small as it is
    server = start(site.root, "--jobs", "2", new_session=True)
    events = Events(server.port)
    site.write("themes/default/templates/404.html", "<!doctype html><title>404</title><p>没有这个页面</p>\n")
    events.wait_for("reload")
    group = subprocess.run(["pgrep", "-g", str(server.proc.pid)], capture_output=True, text=True).stdout.split()
    assert len(group) >= 2, group  # the server and the fork server its workers came from
    assert server.stop(sig) == status
    assert events.wait_for("closed", 5) is None  # the open stream ends; nothing is left serving it
    assert "stopped" in server.lines[-1]
    assert not any("Traceback" in line for line in server.lines)
    deadline = time.monotonic() + 5
    while (left := subprocess.run(["pgrep", "-g", str(server.proc.pid)], capture_output=True, text=True).stdout) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert left == ""
    with pytest.raises(OSError):
        server.get("/")


def test_a_port_in_use_is_one_line(site: Catalog) -> None:
    with running(site.root) as first:
        result = run(site.root, "serve", "--port", str(first.port))
        assert result.returncode == 2
        assert f"port {first.port} on 127.0.0.1 is in use" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(_lan_address() is None, reason="this machine has no network address besides loopback")
def test_the_lan_host_warns_and_gives_the_lan_url_as_a_qr_code(site: Catalog) -> None:
    with running(site.root, "--host", "0.0.0.0") as server:
        server.wait_line(r"other computers and phones on this network can see the preview")
        lan = server.wait_line(r"on a phone on the same network: http://")
        assert not re.search(r"http://(127\.|0\.0\.0\.0)", lan)
        deadline = time.monotonic() + 10  # the code's rows follow the line above
        while (rows := sum(1 for line in server.lines if re.search("[█▀▄]", line))) < 10 and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        assert rows >= 10
        assert server.get("/")[0] == 200
    with running(site.root) as local:
        time.sleep(0.3)
        assert not [line for line in local.lines if "network" in line]


def _serve_here(root: Path, during: Callable[[int], None], *, poll: bool = False) -> tuple[int, list[str]]:
    """`serve` in this process, as the CLI runs it: `during(port)` runs in a thread once the preview is up,
    then Ctrl-C reaches the main thread (where serve waits)."""
    said: list[str] = []
    failed: list[BaseException] = []
    terminal = Terminal(info=lambda m: said.append(str(m)), warn=lambda m: said.append(str(m)), line=problem_line,
                        text=str, qr=said.append)

    def ready(url: str) -> None:
        def act() -> None:
            try:
                during(int(url.rsplit(":", 1)[1].strip("/")))
            except BaseException as exc:  # reported by the test, after serve has stopped
                failed.append(exc)
            finally:
                _thread.interrupt_main()

        threading.Thread(target=act, name="test-editor").start()

    status = serve(ServeOptions(root, port=0, poll=poll), terminal, ready)
    if failed:
        raise failed[0]
    return status, said


def test_after_ctrl_c_no_thread_of_the_server_is_left(site: Catalog) -> None:
    before = set(threading.enumerate())

    def during(port: int) -> None:
        events = Events(port)
        edit(site.root / "products/lishui/p1/index.md", "title: 遂昌菊米1", "title: 线程")
        events.wait_for("reload")
        Events(port)  # a second page, still open when the server stops

    status, said = _serve_here(site.root, during)
    assert status == 0 and said[-1] == "stopped"
    deadline = time.monotonic() + 5
    while (left := [t for t in threading.enumerate() if t not in before and t.name != "test-editor"]) and \
            time.monotonic() < deadline:
        time.sleep(0.05)
    assert left == []


def test_the_inotify_limit_falls_back_to_polling(site: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """As when fs.inotify.max_user_watches is used up: inotify_add_watch fails with ENOSPC."""

    class Exhausted(watch.Observer):  # type: ignore[misc, valid-type]
        def schedule(self, *args: object, **kwargs: object) -> object:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watch, "Observer", Exhausted)

    def during(port: int) -> None:
        events = Events(port)
        edit(site.root / "products/lishui/p1/index.md", "title: 遂昌菊米1", "title: 改用轮询")
        events.wait_for("reload")

    status, said = _serve_here(site.root, during)
    assert status == 0
    assert any("fs.inotify.max_user_watches" in line and "polling" in line for line in said)
    assert "改用轮询" in (site.root / PREVIEW / "products/lishui/p1/index.html").read_text("utf-8")


def test_events_lost_in_the_kernel_make_the_next_pass_look_at_everything(site: Catalog) -> None:
    """A pass looks only into the folders the watcher names. When inotify's queue overflows, the kernel drops
    events and watchdog's only sign is its log record: the next batch then names every watched folder."""
    changes = watch.Changes(site.root)
    watcher = watch.Watcher(site.root, changes)
    try:
        assert changes.wait(timeout=0.3) == set()
        logging.getLogger("watchdog.observers.inotify_c").warning("Inotify queue overflowed; filesystem events "
                                                                   "were lost")
        assert changes.wait(timeout=5) == {"brands", "products", "themes", "sitegen.toml"}
    finally:
        watcher.stop()
        changes.close()


def test_the_builds_own_reads_are_not_watched(site: Catalog, server: Server) -> None:
    """A pass reads every file it watches: were opens and reads watched, 5,000 products overflowed the inotify
    queue, whose recovery reported every file as changed, and each rebuild set off the next. The kernel's
    own list of the server's watches (/proc/PID/fdinfo) shows what it is told about."""
    masks = []
    for fd in Path(f"/proc/{server.proc.pid}/fdinfo").iterdir():
        with contextlib.suppress(OSError):
            masks += [int(m, 16) for m in re.findall(r"^inotify .*?mask:([0-9a-f]+)", fd.read_text(), re.M)]
    assert len(masks) >= 4  # the catalog's folder, brands/ and every folder below it, products/ …
    in_access, in_close_nowrite, in_open = 0x1, 0x10, 0x20
    assert [m for m in masks if m & (in_access | in_close_nowrite | in_open)] == []
    assert all(m & 0x2 for m in masks)  # IN_MODIFY: a save is still seen
    events = Events(server.port)
    assert events.quiet(1.0) == []
    assert not [line for line in server.lines if "rendered in" in line]  # no pass at all, not even an empty one


def test_a_file_name_that_is_not_utf8_is_shown_like_any_problem(site: Catalog, server: Server) -> None:
    events = Events(server.port)
    bad = os.fsencode(site.root / "products/lishui") + b"/p\xff"
    os.mkdir(bad)
    with open(bad + b"/index.md", "w", encoding="utf-8") as f:
        f.write(PRODUCT_TEXT)
    lines = events.wait_for("problems")["lines"]
    assert isinstance(lines, list) and any(line.startswith("products/lishui/p") for line in lines)
    late = Events(server.port)
    assert late.wait_for("problems")["lines"] == lines
    assert not any("Traceback" in line for line in server.lines)
    late.close()
    events.close()


def test_only_this_computers_names_reach_a_preview_on_loopback(server: Server) -> None:
    """A page on another site that rebinds its name to 127.0.0.1 must not read the preview (drafts)."""
    for host in ("127.0.0.1", "localhost", f"localhost:{server.port}", f"127.0.0.1:{server.port}"):
        assert _raw(server.port, f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").startswith(b"HTTP/1.1 200"), host
    for host in (f"attacker.example:{server.port}", "attacker.example", ""):
        for path in ("/", "/__sitegen/events", "/products/lishui/p1/"):
            reply = _raw(server.port, f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n")
            assert reply.startswith(b"HTTP/1.1 403"), (host, path, reply[:80])
            assert "遂昌".encode() not in reply


def test_a_folder_address_without_its_slash_is_redirected_on_this_site(server: Server) -> None:
    reply = _raw(server.port, "GET http://x//products/lishui/p1?a=1 HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert b"\r\nLocation: /products/lishui/p1/?a=1\r\n" in reply


def test_a_page_that_missed_events_catches_up_with_a_reload(site: Catalog, server: Server) -> None:
    first = Events(server.port)
    edit(site.root / "products/lishui/p1/index.md", "title: 遂昌菊米1", "title: 错过的修改")
    first.wait_for("reload")
    reply = _raw(server.port, "GET /__sitegen/events HTTP/1.1\r\nHost: localhost\r\nLast-Event-ID: 0\r\n\r\n",
                 until=b"data:")
    assert b"event: reload" in reply
    first.close()


def _raw(port: int, request: str, until: bytes | None = None) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
            if (until is not None and until in data and data.endswith(b"\n\n")) or (
                    until is None and b"\r\n\r\n" in data and _complete(data)):
                break
        return data


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"Content-Length: (\d+)", head)
    return m is not None and len(body) >= int(m.group(1))

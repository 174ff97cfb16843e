"""The build engine: pages are rendered again exactly when something they read changed, and the body
cache spares Markdown on theme-only changes without ever trusting what the cache holds."""

from __future__ import annotations

import datetime as dt
import multiprocessing.forkserver
import os
import shutil
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

import sitegen.render.pages
from sitegen.build import BuildOptions, build
from sitegen.engine.session import Session
from tests.catalog import Catalog, make_catalog

TODAY = dt.date(2024, 9, 1)  # in season: the products of the test catalog show on the home page
THEME = Path(sitegen.render.pages.__file__).parent.parent / "themes" / "default" / "templates"


def _options(catalog: Catalog, output: Path | None = None) -> BuildOptions:
    return BuildOptions(catalog.root, output or catalog.output, jobs=1, today=TODAY)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _clean(catalog: Catalog, tmp_path: Path) -> dict[str, bytes]:
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(catalog.root, fresh, ignore=shutil.ignore_patterns("output", ".sitegen-cache"))
    build(BuildOptions(fresh, fresh / "output", jobs=1, today=TODAY))
    return _tree(fresh / "output")


def _edit(catalog: Catalog, rel: str, old: str, new: str) -> None:
    path = catalog.root / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    cat = make_catalog(tmp_path / "site", 3)
    _edit(cat, "products/lishui/p1/index.md", "season:", "producer: 老张合作社\nseason:")
    return cat


def test_a_card_override_showing_another_field_is_rendered_again_when_that_field_changes(
        catalog: Catalog, tmp_path: Path) -> None:
    """The issue's stale card: the card shows `producer` only through the override, and no list of what a
    card shows was kept by hand; the pages showing the card read it, so they are rendered again."""
    card = (THEME / "partials" / "card.html").read_text("utf-8")
    catalog.write("themes/default/templates/partials/card.html",
                  card.replace('<span class="name">', '<span class="who">{{ p.producer }}</span><span class="name">'))
    build(_options(catalog))
    _edit(catalog, "products/lishui/p1/index.md", "老张合作社", "老李合作社")
    result = build(_options(catalog))
    listing = (catalog.output / "categories/tea/index.html").read_text("utf-8")
    assert "老李合作社" in listing and "老张合作社" not in listing
    assert _tree(catalog.output) == _clean(catalog, tmp_path)
    # the product, and the listings (category, brand, months, certification, province) and pages showing its
    # card: 10 of 17
    assert 1 < result.rendered < result.pages - 5


@pytest.mark.parametrize(("edit", "rendered", "feeds"), [
    (("products/lishui/p1/index.md", "香气清雅。", "香气清雅，回味甘甜。"), {"products/lishui/p1/index.html"}, set()),
    (("products/lishui/p1/index.md", "老张合作社", "老李合作社"), {"products/lishui/p1/index.html"},
     {"products.json", "search/g0.json"}),  # the producer is a public field of the feed and searched; the text
    # below the fields is neither
])
def test_an_edit_renders_only_the_pages_that_read_what_changed(catalog: Catalog, tmp_path: Path, edit: tuple,
                                                               rendered: set[str], feeds: set[str]) -> None:
    """The body and the producer are read by the product's own page only (the default card shows neither)."""
    build(_options(catalog))
    before = _tree(catalog.output)
    _edit(catalog, *edit)
    result = build(_options(catalog))
    after = _tree(catalog.output)
    assert {rel for rel in after if after[rel] != before.get(rel)} - {".sitegen-manifest.json"} == rendered | feeds
    assert result.rendered == len(rendered)
    assert after == _clean(catalog, tmp_path)


def test_a_theme_change_renders_every_page_from_the_body_cache(catalog: Catalog, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    build(_options(catalog))
    calls: list[str] = []
    real = sitegen.render.pages.render_markdown
    monkeypatch.setattr(sitegen.render.pages, "render_markdown", lambda text, photos=None: calls.append(text) or
                        real(text, photos))
    base = (THEME / "base.html").read_text("utf-8")
    catalog.write("themes/default/templates/base.html", base.replace("</body>", "<!-- 县域 --></body>"))
    result = build(_options(catalog))
    assert result.rendered == result.pages and calls == []
    assert _tree(catalog.output) == _clean(catalog, tmp_path)


@pytest.mark.parametrize("forged", [
    '<p>香气清雅。</p><script>alert("x")</script>',
    '<p onclick="steal()">香气清雅。</p>',
    '<p><img src="https://tracker.example/x.gif"></p>',
    "<p>一段别人写的话</p>",
])
def test_a_forged_body_in_the_cache_never_reaches_a_page(catalog: Catalog, tmp_path: Path, forged: str) -> None:
    """The body cache is in the untrusted cache folder: a cached body is cleaned again, and used only if the
    sanitizer leaves it exactly as it is; a forged body that is clean HTML is still only HTML."""
    build(_options(catalog))
    with sqlite3.connect(catalog.root / ".sitegen-cache" / "state.sqlite") as db:
        assert db.execute("UPDATE bodies SET html = ?", (forged,)).rowcount > 0
    base = (THEME / "base.html").read_text("utf-8")
    catalog.write("themes/default/templates/base.html", base.replace("</body>", "<!-- 县域 --></body>"))
    build(_options(catalog))
    pages = b"".join(data for rel, data in _tree(catalog.output).items() if rel.endswith(".html"))
    assert b"<script>alert" not in pages and b"onclick" not in pages and b"tracker.example" not in pages
    if forged == "<p>一段别人写的话</p>":  # clean HTML: shown (it could as well have been written in index.md)
        return
    assert _tree(catalog.output) == _clean(catalog, tmp_path)


def test_a_pass_reports_its_steps_in_pipeline_order(catalog: Catalog) -> None:
    result = build(_options(catalog))
    assert list(result.timings) == ["load+validate", "images", "plan", "render", "write"]


def test_a_process_with_threads_renders_in_fresh_workers_and_writes_the_same_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sitegen serve` has a watcher and a server thread, so it may not fork: its workers come from a fork
    server and unpickle the site model. What they write is what forked workers write."""
    cat = make_catalog(tmp_path / "site", products=30)
    plain = build(BuildOptions(cat.root, tmp_path / "forked", jobs=2, today=dt.date(2026, 5, 1)))
    monkeypatch.setenv("SITEGEN_FRESH_WORKERS_FROM", "0")
    stop = threading.Event()
    watcher = threading.Thread(target=stop.wait, name="a watcher, as in sitegen serve")
    watcher.start()
    try:
        fresh = build(BuildOptions(cat.root, tmp_path / "fresh", jobs=2, today=dt.date(2026, 5, 1)))
    finally:
        stop.set()
        watcher.join()
    assert fresh.rendered == plain.rendered == fresh.pages > 30
    forked, spawned = _tree(tmp_path / "forked"), _tree(tmp_path / "fresh")
    assert forked == spawned and len(forked) > 40
    assert multiprocessing.forkserver._forkserver._forkserver_pid is not None  # it came from a fork server



def test_a_pass_told_what_changed_reads_only_that_and_writes_the_clean_build(catalog: Catalog, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The live preview's pass: told which file changed, it opens no other content file and looks at no
    other folder, and output/ is the clean build's."""
    session = Session(_options(catalog))
    session.build()
    _edit(catalog, "products/lishui/p1/index.md", "老张合作社", "老李合作社")
    opened: list[str] = []
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if not isinstance(path, int):  # a folder by its descriptor: a removal, not a walk
            opened.append(os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = session.build(["products/lishui/p1/index.md"])
    monkeypatch.undo()
    content = [p for p in opened if "/products/" in p and p.count("/") > str(catalog.root).count("/") + 2]
    assert content == [str(catalog.root / "products/lishui/p1")]  # the one product folder looked into
    assert result.rendered == 1
    assert _tree(catalog.output) == _clean(catalog, tmp_path)


def test_a_pass_after_another_build_of_the_same_output_goes_by_what_that_build_wrote(
        catalog: Catalog, tmp_path: Path) -> None:
    """Two sessions on one output, taking turns (two previews of one catalog, one with --drafts): what the
    other one wrote is not in this one's memory, and its next pass must go by what is on disk."""
    _edit(catalog, "products/lishui/p3/index.md", "season:", "draft: true\nseason:")
    first = Session(_options(catalog))
    first.build()
    other = BuildOptions(catalog.root, catalog.output, drafts=True, jobs=1, today=TODAY)
    Session(other).build()  # writes the draft's page, which the first one's memory does not have
    assert (catalog.output / "products/lishui/p3/index.html").exists()
    _edit(catalog, "products/lishui/p2/index.md", "title: 遂昌菊米2", "title: 遂昌菊米二")
    first.build(["products/lishui/p2/index.md"])
    assert _tree(catalog.output) == _clean(catalog, tmp_path)
    _edit(catalog, "products/lishui/p2/index.md", "遂昌菊米二", "遂昌菊米贰")
    first.build(["products/lishui/p2/index.md"])
    assert _tree(catalog.output) == _clean(catalog, tmp_path)


@pytest.mark.parametrize("named", [True, False], ids=["change named", "change not named"])
@pytest.mark.parametrize("then", ["the next pass", "a new session"])
def test_pages_left_for_later_are_rendered_by_whatever_pass_comes_next(catalog: Catalog, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       named: bool, then: str) -> None:
    """A theme change with a page open: that page is rendered, the others are left as they were, and the
    output is not a clean build's until a later pass renders them. No pass may take that output as up to
    date: not the preview's next one, not `sitegen build`'s, whether or not the first was told what changed
    (a pass told nothing looks for "nothing changed since": it must not find it)."""
    monkeypatch.setenv("SITEGEN_LATER_FROM", "2")
    session = Session(_options(catalog))
    session.build()
    card = "themes/default/templates/partials/card.html"
    catalog.write(card, '<li class="card"><a href="{{ product_url(p) }}">{{ p.title }} · {{ p.origin }}</a></li>\n')
    result = session.build([card] if named else [], first={"index.html"})
    assert result.rendered == 1 and result.later >= 2
    assert "· " in (catalog.output / "index.html").read_text("utf-8")
    assert "· " not in (catalog.output / "brands/lishui/index.html").read_text("utf-8")
    again = session.build(set()) if then == "the next pass" else Session(_options(catalog)).build()
    assert again.rendered == result.later and again.later == 0
    assert _tree(catalog.output) == _clean(catalog, tmp_path)


def test_a_drafts_photo_added_then_removed_shows_in_the_next_pass(catalog: Catalog, tmp_path: Path) -> None:
    """`sitegen serve --drafts` after `sitegen new product`: the draft lists a photo that is not there yet. The
    photo dropped in later, and taken away again, change no record: each pass still looks for it."""
    options = BuildOptions(catalog.root, catalog.output, drafts=True, jobs=1, today=TODAY)
    text = (catalog.root / "products/lishui/p1/index.md").read_text("utf-8").replace("season:", "draft: true\nseason:")
    catalog.write("products/lishui/p9/index.md", text.replace("遂昌菊米1", "新茶"))
    session = Session(options)
    codes = [p.code for p in session.build().warnings]
    assert codes == ["missing-image-draft"]

    def clean() -> dict[str, bytes]:
        fresh = tmp_path / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(catalog.root, fresh, ignore=shutil.ignore_patterns("output", ".sitegen-cache"))
        build(BuildOptions(fresh, fresh / "output", drafts=True, jobs=1, today=TODAY))
        return _tree(fresh / "output")

    shutil.copy(catalog.root / "products/lishui/p1/photo.jpg", catalog.root / "products/lishui/p9/photo.jpg")
    assert session.build(["products/lishui/p9/photo.jpg"]).warnings == ()
    page = (catalog.output / "products/lishui/p9/index.html").read_text("utf-8")
    assert "新茶" in page and "/img/photo-" in page
    assert _tree(catalog.output) == clean()
    (catalog.root / "products/lishui/p9/photo.jpg").unlink()
    assert [p.code for p in session.build(["products/lishui/p9/photo.jpg"]).warnings] == ["missing-image-draft"]
    assert _tree(catalog.output) == clean()


@pytest.mark.parametrize("module", ["render/listing_index.py", "structure.py", "themes/default/static/catalog.js",
                                    "themes/default/templates/base.html", "engine/session.py"])
def test_an_edit_anywhere_in_sitegen_changes_the_code_digest(module: str) -> None:
    """The digest once covered sitegen/engine/ only: an edit to render/ left the output 'up to date'."""
    from sitegen.engine.previous import code_digest

    path = Path(sitegen.render.pages.__file__).resolve().parent.parent / module
    before = code_digest()
    st = path.stat()
    try:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert code_digest() != before
    finally:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert code_digest() == before


def test_a_theme_file_changed_between_builds_keeps_the_build_cache_writable(catalog: Catalog) -> None:
    """Its old (size, mtime) and its new one were both saved, one row too many for the file: the cache
    could not be written ('unique constraint failed: hashes.path') after a theme's file was edited."""
    from tests.catalog import run_here

    catalog.write("themes/default/static/extra.css", "p { color: red; }\n")
    assert run_here(catalog.root, "build").returncode == 0
    catalog.write("themes/default/static/extra.css", "p { color: blue; margin: 0; }\n")
    for _ in range(2):
        result = run_here(catalog.root, "--lang", "en", "build")
        assert result.returncode == 0 and "cannot be written" not in result.stderr, result.stderr

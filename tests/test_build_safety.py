"""A build that stops (Ctrl-C, a broken template) leaves output/ whole, and a rebuild links instead of copying."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sitegen.output
from sitegen.build import BuildOptions, build
from tests.catalog import Catalog, make_catalog, photo, run, run_here


def _tree(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def _leftovers(catalog: Catalog) -> list[str]:
    return sorted(p.name for p in catalog.root.iterdir() if p.name.startswith(".output"))


def _many(root: Path, products: int) -> Catalog:
    """Enough pages for rendering to take a while and to go through the worker pool (over 128 pages)."""
    cat = make_catalog(root)
    for i in range(products):
        cat.product("lishui", f"q{i}", title=f"产品{i}")
    return cat


_SLOW_RENDER = """
import sys, time
import sitegen.engine.render as render

real = render.render_pages

def slow(job, chunk):  # rendering lasts seconds, so Ctrl-C lands in it however busy the machine is
    time.sleep(0.5)
    return real(job, chunk)

render.render_pages = slow  # forked workers see the patch
from sitegen.cli import main
sys.exit(main())
"""


def test_ctrl_c_while_rendering_leaves_output_as_it_was(tmp_path: Path) -> None:
    catalog = _many(tmp_path / "site", 400)
    assert run_here(catalog.root, "build").returncode == 0
    before = _tree(catalog.output)
    config = catalog.root / "sitegen.toml"
    config.write_text(config.read_text("utf-8").replace("测试品牌目录", "新的目录"), encoding="utf-8")  # every page
    command = [sys.executable, "-c", _SLOW_RENDER, "build", "--jobs", "2", "--root", str(catalog.root)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while not _leftovers(catalog) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)  # the staging folder appears just before the first page is rendered
    assert process.poll() is None, "the build finished before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted: nothing half-written; output/ holds the last complete build" in stderr
    assert "Traceback" not in stderr
    assert _tree(catalog.output) == before
    assert _leftovers(catalog) == []


def test_ctrl_c_during_the_commit_is_held_until_output_is_whole(catalog: Catalog, monkeypatch) -> None:
    """A signal in the middle of renaming files into output/ must not leave it half old, half new."""
    options = BuildOptions(catalog.root, catalog.output, jobs=1)
    build(options)
    path = catalog.root / "products/lishui/p1/index.md"
    path.write_text(path.read_text("utf-8").replace("遂昌菊米1", "新名字"), encoding="utf-8")  # several pages change
    real_swap = sitegen.output._swap
    placed: list[Path] = []

    def swap_then_ctrl_c(staged: Path, target: Path) -> None:
        real_swap(staged, target)
        placed.append(target)
        if len(placed) == 1:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(sitegen.output, "_swap", swap_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        build(options)
    assert len(placed) > 1, "the commit stopped at the first file"
    monkeypatch.undo()
    expected = catalog.root / "expected"  # the same sources built in one go, undisturbed
    build(BuildOptions(catalog.root, expected, jobs=1))
    assert _tree(catalog.output) == _tree(expected)
    assert _leftovers(catalog) == []


@pytest.mark.parametrize(("products", "dies"), [(2, True), (2, False), (100, True)])
def test_a_commit_cut_short_never_passes_for_a_finished_build(tmp_path: Path, monkeypatch, products: int,
                                                              dies: bool) -> None:
    """A few changed files are renamed into place; many make a new tree. An error half-way through the renames
    puts the old files back (`dies` False); if the machine dies instead, nothing can run, and publish must refuse
    what is there, because the manifest is put back last; the next build repairs it."""
    from sitegen.output import WriteFailed
    from sitegen.publish.errors import PublishError
    from sitegen.publish.manifest import read_manifest

    catalog = make_catalog(tmp_path / "site", products)
    options = BuildOptions(catalog.root, catalog.output, jobs=1)
    build(options)
    before = _tree(catalog.output)
    config = catalog.root / "sitegen.toml"
    if products > 2:
        config.write_text(config.read_text("utf-8").replace("测试品牌目录", "新的目录"), encoding="utf-8")
    else:
        path = catalog.root / "products/lishui/p1/index.md"
        path.write_text(path.read_text("utf-8").replace("遂昌菊米1", "新名字"), encoding="utf-8")
    step = "_place" if products > 2 else "_swap"
    real = getattr(sitegen.output, step)
    placed: list[Path] = []

    def then_die(source, target: Path) -> None:
        if len(placed) == 3:
            raise OSError("the disk went away")
        real(source, target)
        placed.append(target)

    monkeypatch.setattr(sitegen.output, step, then_die)
    if dies:
        monkeypatch.setattr(sitegen.output, "_roll_back", lambda *args: None)  # a dead machine undoes nothing
    with pytest.raises(WriteFailed):
        build(options)
    monkeypatch.undo()
    assert len(placed) == 3
    if products > 2 or not dies:  # the new tree never took output/'s name, or the renames were undone
        assert _tree(catalog.output) == before
        read_manifest(catalog.output)  # verifies every file against it
    else:
        with pytest.raises(PublishError) as err:
            read_manifest(catalog.output)  # verifies every file against it
        assert err.value.code == "no-manifest"
    build(options)
    expected = catalog.root / "expected"
    build(BuildOptions(catalog.root, expected, jobs=1))
    assert _tree(catalog.output) == _tree(expected)


def test_rebuild_of_every_page_links_unchanged_files(tmp_path: Path) -> None:
    """Many pages changed: a new tree is swapped in, and files that did not change are hard links, not copies."""
    catalog = _many(tmp_path / "site", 100)  # over 64 changed pages: the new-tree path, not the in-place one
    for i in range(3):
        photo(catalog.root / "products" / "lishui" / f"q{i}" / "photo.jpg", color=(30 * i, 90, 200))
    assert run_here(catalog.root, "build").returncode == 0
    images = {p.relative_to(catalog.output): p.stat().st_ino for p in (catalog.output / "img").iterdir()}
    assert len(images) > 3
    folder = catalog.output.stat().st_ino
    config = catalog.root / "sitegen.toml"
    config.write_text(config.read_text("utf-8").replace("测试品牌目录", "新的目录"), encoding="utf-8")
    result = run_here(catalog.root, "build")
    assert result.returncode == 0 and "新的目录" in (catalog.output / "index.html").read_text("utf-8")
    assert catalog.output.stat().st_ino != folder  # a new tree took output/'s name in one step
    assert {rel: (catalog.output / rel).stat().st_ino for rel in images} == images
    assert _leftovers(catalog) == []


@pytest.mark.parametrize(("template", "line", "says"), [
    ('{% extends "base.html" %}\n{% block main %}\n<p>{{ nope.x }}</p>{% endblock %}', 3, "'nope' is undefined"),
    ('{% extends "base.html" %}{% block main %}\n\n{% if %}{% endblock %}', 3, "Expected an expression"),
    ('{% extends "base.html" %}{% block main %}\n{% include "partials/nah.html" %}{% endblock %}', 2, "nah.html"),
])
def test_broken_site_template_is_reported_with_its_line(tmp_path: Path, template: str, line: int, says: str) -> None:
    catalog = _many(tmp_path / "site", 140)  # past 128 pages: the error comes back from a worker process
    assert run_here(catalog.root, "build").returncode == 0
    before = _tree(catalog.output)
    catalog.write("themes/default/templates/product.html", template)
    result = run(catalog.root, "build", "--jobs", "2")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"themes/default/templates/product.html:{line}: " in result.stderr and says in result.stderr
    assert _tree(catalog.output) == before
    assert _leftovers(catalog) == []


def test_check_finds_template_mistakes_beside_content_mistakes(catalog: Catalog) -> None:
    """A county's CI runs `sitegen check`: a template that cannot compile must fail it, not only the build."""
    import json

    catalog.write("themes/default/templates/partials/card.html", "<p>{{ p.title | shout }}</p>\n")
    catalog.write("themes/default/templates/brand.html", '{% extends "base.html" %}\n\n{% block main %}{% if %}')
    catalog.write("themes/default/templates/home.html", '{% extends "base.html" %}{% block main %}ok{% endblock %}')
    p1 = catalog.root / "products/lishui/p1/index.md"
    p1.write_text(p1.read_text("utf-8").replace("title: ", "title：", 1), encoding="utf-8")
    result = run_here(catalog.root, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "themes/default/templates/partials/card.html:1: No filter named 'shout'; fix this template" in result.stderr
    assert "themes/default/templates/brand.html:3: Expected an expression" in result.stderr
    assert "home.html" not in result.stderr  # a good override is fine
    assert "products/lishui/p1/index.md:2: 'title：'" in result.stderr and "3 errors" in result.stderr
    found = [json.loads(line) for line in run_here(catalog.root, "check", "--format", "json").stdout.splitlines()]
    assert {(p["code"], p["path"], p["line"]) for p in found} == {
        ("template-error", "themes/default/templates/partials/card.html", 1),
        ("template-error", "themes/default/templates/brand.html", 3),
        ("fullwidth-colon", "products/lishui/p1/index.md", 2)}
    assert not catalog.output.exists()


_KILL_A_WORKER = """
import os, signal, sys
import {module} as target

real, parent = target.{function}, os.getpid()

def die_in_a_worker(*args):  # a pool worker killed mid-task, as the kernel's OOM killer does
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args)

target.{function} = die_in_a_worker  # forked workers see the patch
from sitegen.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize(("module", "function", "doing"), [
    ("sitegen.engine.render", "render_chunk", "rendering the pages"),
    ("sitegen.content.load", "read_folder", "reading the content files"),
])
def test_killed_worker_is_one_clear_line_and_output_is_untouched(tmp_path: Path, module: str, function: str,
                                                                  doing: str) -> None:
    catalog = _many(tmp_path / "site", 1000)  # enough folders for content to be read in workers too
    assert run_here(catalog.root, "build", "--jobs", "1").returncode == 0
    before = _tree(catalog.output)
    (catalog.root / ".sitegen-cache").rename(tmp_path / "old-cache")  # every file read and every page rendered
    config = catalog.root / "sitegen.toml"
    config.write_text(config.read_text("utf-8").replace("测试品牌目录", "新的目录"), encoding="utf-8")
    script = _KILL_A_WORKER.format(module=module, function=function)
    result = subprocess.run([sys.executable, "-c", script, "build", "--jobs", "2", "--root", str(catalog.root)],
                            capture_output=True, text=True, timeout=120)  # a hang fails here
    assert result.returncode == 1, result.stderr
    assert f"a worker process stopped abruptly (it was killed, perhaps for lack of memory) while {doing}; " \
           "nothing was built or changed" in result.stderr and "--jobs 1" in result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert _tree(catalog.output) == before
    assert _leftovers(catalog) == []


def test_output_is_readable_by_a_web_server_running_as_another_user(tmp_path: Path) -> None:
    """Temporary files are born 0600 and folders 0700; output/ must get the modes the editor's umask gives."""
    import stat

    catalog = make_catalog(tmp_path / "site")
    old = os.umask(0o022)
    try:
        def unreadable() -> list[str]:
            paths = [catalog.output, *catalog.output.rglob("*")]
            return [p.name for p in paths if not p.stat().st_mode & stat.S_IROTH
                    or (p.is_dir() and not p.stat().st_mode & stat.S_IXOTH)]

        assert run(catalog.root, "build").returncode == 0
        assert any((catalog.output / "img").iterdir())
        assert unreadable() == []
        import shutil

        shutil.rmtree(catalog.output)
        for p in (catalog.root / ".sitegen-cache").rglob("*"):  # a cache made before modes were set
            if p.is_file():
                p.chmod(0o600)
        assert run(catalog.root, "build").returncode == 0
        assert unreadable() == []
    finally:
        os.umask(old)


def test_build_refuses_an_output_folder_whose_files_it_would_delete(tmp_path: Path) -> None:
    """`--output` is made to hold exactly the site: never the catalog, its folders, or someone's documents."""
    catalog = make_catalog(tmp_path / "site")
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "合同.docx").write_bytes(b"contract")
    before = {p: p.read_bytes() for p in catalog.root.rglob("*") if p.is_file()}
    for folder, says in [(desk, "is not empty and was not made by 'sitegen build'"),
                         (catalog.root, "holds the catalog itself"), (tmp_path, "holds the catalog itself"),
                         (catalog.root / "brands", "inside the catalog's brands/ folder"),
                         (catalog.root / "products" / "site", "inside the catalog's products/ folder")]:
        result = subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(catalog.root),
                                 "--output", str(folder)], capture_output=True, text=True, timeout=120)
        assert result.returncode == 2 and says in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert (desk / "合同.docx").read_bytes() == b"contract" and len(list(desk.iterdir())) == 1
    assert {p: p.read_bytes() for p in catalog.root.rglob("*") if p.is_file()} == before
    empty, new = tmp_path / "empty", tmp_path / "new" / "site"
    empty.mkdir()
    for folder in (empty, new, empty):  # an empty or new folder, and one sitegen built before, are fine
        result = run_here(catalog.root, "build", "--output", str(folder))
        assert result.returncode == 0 and (folder / "index.html").is_file(), result.stderr
    (empty / ".sitegen-manifest.json").unlink()  # as an interrupted commit leaves it: the build's records vouch
    (empty / "stray.html").write_text("x")
    assert run_here(catalog.root, "build", "--output", str(empty)).returncode == 0
    assert (empty / ".sitegen-manifest.json").is_file() and not (empty / "stray.html").exists()

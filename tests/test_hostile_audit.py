"""Holes found by an audit of the trust boundary, each proven here through the CLI.

Files nobody may read where the other hostile suites did not put them (the theme, a photo after a build),
folders nested deeper than Python's stack, names that are not text: `sitegen check` and `sitegen build`
answer each with the same `path: message` lines and exit 1, never a traceback, and what check refuses the
build refuses too, warm cache or not.

sitegen runs in-process (`run_here`: the same entry point, exit status and streams, and a time limit), but as
another user for files nobody may read, and as a real process where what reaches a terminal is the point.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from PIL import Image

from tests.catalog import make_catalog, run, run_here
from tests.unreadable import Locked

CARD = "themes/default/templates/partials/card.html"
STYLE = "themes/default/static/extra.css"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _problems(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("rel", [CARD, STYLE, "themes/default/templates/partials", "themes/default/static"])
def test_a_theme_file_nobody_may_read_is_one_problem(locked: Locked, rel: str) -> None:
    locked.catalog.write(CARD, "<article>{{ p.title }}</article>\n")
    locked.catalog.write(STYLE, "body { color: #333 }\n")
    locked.lock(rel)
    check = locked.run("check", "--format", "json")
    assert check.returncode == 1 and "Traceback" not in check.stderr, check.stderr
    assert [(p["code"], p["path"]) for p in _problems(check)] == [("cannot-read", rel)], check.stdout
    build = locked.run("build")
    assert build.returncode == 1 and "Traceback" not in build.stderr, build.stderr
    assert f"\n{rel}: cannot be read (permission denied)" in f"\n{build.stderr}", build.stderr
    assert not locked.catalog.output.exists()


PHOTO = "products/lishui/p1/photo.jpg"
INDEX = "products/lishui/p1/index.md"
SAYS = {PHOTO: f"{PHOTO}: 'photo.jpg' cannot be used as an image: the file cannot be read (permission denied)",
        INDEX: f"{INDEX}: cannot be read (permission denied)"}


@pytest.mark.parametrize("edit", [False, True], ids=["nothing-else-changed", "a-page-changed"])
@pytest.mark.parametrize("rel", [PHOTO, INDEX])
def test_a_file_nobody_may_read_after_a_build_fails_the_build_as_it_fails_the_check(locked: Locked, rel: str,
                                                                                   edit: bool) -> None:
    """The warm cache knows a photo or an index.md by its size and time alone; check and the next build must still
    refuse a file nobody may read any more, as they do on a cold cache, or a catalog whose check fails publishes
    (and an editor's fix is never asked for)."""
    assert locked.run("build").returncode == 0
    before = _tree(locked.catalog.output)
    locked.lock(rel)
    if edit:
        index = locked.catalog.root / "products/lishui/p2/index.md"
        index.write_text(index.read_text("utf-8").replace("遂昌菊米2", "遂昌菊米（新）"), "utf-8")
    check = locked.run("check")
    assert check.returncode == 1 and SAYS[rel] in check.stderr, check.stderr
    build = locked.run("build")
    assert build.returncode == 1 and SAYS[rel] in build.stderr and "Traceback" not in build.stderr, build.stderr
    assert _tree(locked.catalog.output) == before


@pytest.mark.parametrize("where", ["products/lishui/p1/photos", "brands/lishui/more", "themes/default/templates/deep",
                                   "themes/default/static/deep"])
def test_a_folder_nested_deeper_than_the_stack_is_walked_without_a_traceback(tmp_path: Path, where: str,
                                                                          deep) -> None:
    """Discovery and the theme loader walk every folder of the catalog; one nested 1,100 deep is just deep (and
    walked in well under a second). Only a static file down there is refused: published as it is named, its
    path would be longer than an output folder or a bucket holds."""
    catalog = make_catalog(tmp_path / "site")
    deep(catalog.root / where)
    published = where.startswith("themes/default/static")
    for command in ("check", "build"):
        result = run_here(catalog.root, command)
        assert "Traceback" not in result.stderr, (command, result.stderr[-2000:])
        if not published:
            assert result.returncode == 0 and result.stderr == "", (command, result.stderr[-2000:])
        else:
            name = "deep/" + "a/" * 1100 + "index.html"
            assert result.returncode == 1, (command, result.stderr[-2000:])
            assert f"themes/default/static/{name}: '{name}' cannot be published under this name" in result.stderr


@pytest.mark.parametrize(("name", "shown"), [
    (b"\xff.css", "\\xff.css"), (b"a\x1b[2Jb.css", "a\\x1b[2Jb.css"), (b"new\nline.css", "new\\nline.css"),
    (b"tab\there.css", "tab\\there.css")])
def test_a_theme_file_whose_name_cannot_be_published_is_one_problem(tmp_path: Path, name: bytes, shown: str) -> None:
    """Static files are published under their own names: one that is not UTF-8 crashed check and build, one with
    an escape sequence or a line break went into output/, the manifest and the bucket as it was."""
    catalog = make_catalog(tmp_path / "site")
    static = catalog.root / "themes/default/static"
    static.mkdir(parents=True)
    (static / os.fsdecode(name)).write_text("body { color: #333 }")
    check = run_here(catalog.root, "check", "--format", "json")
    assert check.returncode == 1 and "Traceback" not in check.stderr, check.stderr
    assert [(p["code"], p["path"]) for p in _problems(check)] == [
        ("bad-file-name", f"themes/default/static/{os.fsdecode(name)}")], check.stdout
    build = run_here(catalog.root, "build")
    assert build.returncode == 1 and "Traceback" not in build.stderr, build.stderr
    assert f"themes/default/static/{shown}: '{shown}' cannot be published under this name" in build.stderr
    assert not catalog.output.exists()


@pytest.mark.parametrize("index", ["[" * 100_000 + "]" * 100_000,
                                   '{"version": 1, "objects": {"index.html": {"size": 1e999, "etag": "", '
                                   '"digest": "", "sha256": ""}}}'], ids=["nested", "infinite-size"])
def test_a_publish_target_index_publish_cannot_read_is_absent(tmp_path: Path, index: str) -> None:
    """Whoever else can write to the target (a shared preview folder, a bucket) may leave any index there: one
    that is not what publish writes is as good as none (every file is compared again), never a traceback."""
    catalog = make_catalog(tmp_path / "site")
    target = tmp_path / "preview"
    assert run_here(catalog.root, "build").returncode == 0
    assert run_here(catalog.root, "publish", "--target", target.as_uri()).returncode == 0
    (target / ".sitegen-index.json").write_text(index)
    page = catalog.root / "products/lishui/p1/index.md"
    page.write_text(page.read_text("utf-8").replace("遂昌菊米1", "遂昌菊米（新）"), "utf-8")
    assert run_here(catalog.root, "build").returncode == 0
    result = run_here(catalog.root, "publish", "--target", target.as_uri())
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    published = {k: v for k, v in _tree(target).items() if k != ".sitegen-index.json"}
    assert published == {k: v for k, v in _tree(catalog.output).items() if not k.startswith(".sitegen-")}


def test_publish_json_stays_one_line_whatever_names_the_target_holds(tmp_path: Path) -> None:
    """Names in the target are listed (and planned for deletion) as they are; `--json` prints one object a line
    for CI tools, so a name with U+2028 or a C1 control (NEL, CSI) must not split it or act on a terminal."""
    catalog = make_catalog(tmp_path / "site")
    target = tmp_path / "preview"
    assert run_here(catalog.root, "build").returncode == 0
    assert run_here(catalog.root, "publish", "--target", target.as_uri()).returncode == 0
    odd = "a\u2028b\x85c\x9b2J\u202e.html"
    (target / odd).write_text("left by someone else")
    result = run(catalog.root, "publish", "--target", target.as_uri(), "--json", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert not any(c in result.stdout + result.stderr for c in "\u2028\x85\x9b\u202e")
    (report,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert odd in json.dumps(report["plan"], ensure_ascii=False)


TOKEN = "eC1hY2Nlc3MtdG9rZW46Z2hzX1NFQ1JFVA"  # what actions/checkout leaves in .git/config, base64


@pytest.mark.parametrize(("link", "target"), [
    ("themes/default/static/notes.txt", "../../../.git/config"),
    (CARD, "../../../../.git/config"),
    ("themes/default/static/git", "../../../.git"),
    ("products/lishui/p1/photo.jpg", "../../../.git/config"),
    ("brands/lishui/story", "../../.git"),
])
def test_a_link_into_the_catalogs_hidden_folders_is_an_error_and_never_read(tmp_path: Path, link: str,
                                                                             target: str) -> None:
    """The catalog folder of a CI job is the repository's checkout, `.git/` included, and actions/checkout leaves
    the job's token in .git/config. A link that stays inside the catalog but leads into `.git/` (or any hidden
    folder: the cache, `.github/`) published it: as a theme's static file, or as a template's text in every page."""
    catalog = make_catalog(tmp_path / "site")
    (catalog.root / ".git").mkdir()
    (catalog.root / ".git" / "config").write_text(
        f'[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic {TOKEN}\n')
    path = catalog.root / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.symlink_to(target)
    check = run_here(catalog.root, "check", "--format", "json")
    assert check.returncode == 1 and "Traceback" not in check.stderr, check.stderr
    assert ("link-hidden", link) in {(p["code"], p["path"]) for p in _problems(check)}, check.stdout
    build = run_here(catalog.root, "build")
    assert build.returncode == 1 and f"\n{link}: " in f"\n{build.stderr}", build.stderr
    assert TOKEN not in check.stdout + check.stderr + build.stdout + build.stderr
    assert not catalog.output.exists()


def test_a_photo_damaged_in_the_middle_fails_check_as_it_fails_the_build(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path / "site")
    buffer = io.BytesIO()
    Image.effect_mandelbrot((600, 400), (-2, -1.5, 1, 1.5), 100).convert("RGB").save(buffer, "JPEG", quality=90)
    data = bytearray(buffer.getvalue())
    table = data.find(b"\xff\xc4")  # a Huffman table: garbage in it, but the file still ends as a JPEG does
    data[table + 5 : table + 25] = b"\xff" * 20
    (catalog.root / PHOTO).write_bytes(bytes(data))
    build = run_here(catalog.root, "build")
    assert build.returncode == 1 and f"{PHOTO}: 'photo.jpg' cannot be used as an image" in build.stderr
    check = run_here(catalog.root, "check")
    assert check.returncode == 1 and f"{PHOTO}: 'photo.jpg' cannot be used as an image" in check.stderr

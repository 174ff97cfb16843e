"""Holes found by an audit of the trust boundary, each proven here through the CLI.

Files nobody may read where the other hostile suites did not put them (the theme, a photo after a build),
folders nested deeper than Python's stack, names that are not text: `sitegen check` and `sitegen build`
answer each with the same `path: message` lines and exit 1, never a traceback, and what check refuses the
build refuses too, warm cache or not.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("edit", [False, True], ids=["nothing-else-changed", "a-page-changed"])
def test_a_photo_nobody_may_read_after_a_build_fails_the_build_as_it_fails_the_check(locked: Locked,
                                                                                    edit: bool) -> None:
    """The warm cache knows the photo by its size and time alone; the next build must still refuse what the
    check refuses, or a catalog whose check fails publishes (and an editor's fix is never asked for)."""
    photo = "products/lishui/p1/photo.jpg"
    assert locked.run("build").returncode == 0
    before = _tree(locked.catalog.output)
    locked.lock(photo)
    if edit:
        index = locked.catalog.root / "products/lishui/p2/index.md"
        index.write_text(index.read_text("utf-8").replace("遂昌菊米2", "遂昌菊米（新）"), "utf-8")
    check = locked.run("check")
    line = f"{photo}: 'photo.jpg' cannot be used as an image: the file cannot be read (Permission denied)"
    assert check.returncode == 1 and line in check.stderr, check.stderr
    build = locked.run("build")
    assert build.returncode == 1 and line in build.stderr and "Traceback" not in build.stderr, build.stderr
    assert _tree(locked.catalog.output) == before

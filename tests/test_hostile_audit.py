"""Holes found by an audit of the trust boundary, each proven here through the CLI.

Files nobody may read where the other hostile suites did not put them (the theme, a photo after a build),
folders nested deeper than Python's stack, names that are not text: `sitegen check` and `sitegen build`
answer each with the same `path: message` lines and exit 1, never a traceback, and what check refuses the
build refuses too, warm cache or not.
"""

from __future__ import annotations

import json

import pytest

from tests.unreadable import Locked

CARD = "themes/default/templates/partials/card.html"
STYLE = "themes/default/static/extra.css"


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

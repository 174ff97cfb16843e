"""The Markdown text below the front matter, checked before any Markdown runs.

Python-Markdown's work grows much faster than the text for some shapes of it: a thousand
'[' take seconds and ten thousand take minutes, every heading in a paragraph with no empty
line re-reads the rest of it, and lists nested hundreds deep on one line overflow Python's
stack. `sitegen check` finds those shapes here, with their lines, so that any text it passes
a build renders in seconds (about 1 s a megabyte for ordinary text, under 10 s for the
worst shapes within the limits), and never crashes on.
"""

from __future__ import annotations

import re

from sitegen.errors import Problem
from sitegen.untrusted import (
    CONTROL,
    MAX_BLOCK_CHARS,
    MAX_BLOCK_LINES,
    MAX_BODY_BYTES,
    MAX_DEPTH,
    MAX_LINKS,
    control_char,
)

# '>', '-', '+', '*', '1.' or '1)' at the start of a line, after another or after 4 spaces: a list or quote in
# another, one level deeper each.
_MARKER = re.compile(r"[ \t]*(?:>[ \t]?|(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$))", re.M)
_NESTED = re.compile(r"^[ \t]*(?:>|[-+*][ \t]|\d{1,9}[.)][ \t])", re.M)  # a line that starts a list or quote


def text_problems(body: str, first_line: int, rel: str) -> list[Problem]:
    """The text's size, control characters and the shapes of Markdown that would take too long."""
    problems: list[Problem] = []
    if len(body) > MAX_BODY_BYTES // 4 and len(data := body.encode()) > MAX_BODY_BYTES:
        line = first_line + data.count(b"\n", 0, MAX_BODY_BYTES)
        return [Problem("text-too-long", rel, line, {"limit": MAX_BODY_BYTES})]  # nothing more is read
    problems += control_lines(body, first_line, rel)
    if body.count("[") > MAX_LINKS:
        at = _nth(body, "[", MAX_LINKS + 1)
        problems.append(Problem("too-many-links", rel, first_line + body.count("\n", 0, at), {"limit": MAX_LINKS}))
    if len(body) > MAX_BLOCK_CHARS or body.count("\n") > MAX_BLOCK_LINES:
        problems += _long_blocks(body, first_line, rel)
    for found in _NESTED.finditer(body):
        start = found.group().expandtabs(4)
        depth = (len(start) - len(start.lstrip())) // 4 + _depth(body, found.start())
        if depth > MAX_DEPTH:
            line = first_line + body.count("\n", 0, found.start())
            problems.append(Problem("nested-too-deep", rel, line, {"limit": MAX_DEPTH}))
    return problems


def control_lines(text: str, first_line: int, rel: str) -> list[Problem]:
    """One problem per line of `text` with a control character in it, naming the first."""
    if not CONTROL.search(text):
        return []
    return [Problem("control-character", rel, first_line + n, {"char": found[1]})
            for n, line in enumerate(text.split("\n")) if (found := control_char(line))]


def _long_blocks(body: str, first_line: int, rel: str) -> list[Problem]:
    """A paragraph, list or table with no empty line in it: where it passes MAX_BLOCK_LINES lines or
    MAX_BLOCK_CHARS characters (once per block)."""
    found = []
    lines = chars = 0
    reported = False
    for n, line in enumerate(body.split("\n")):
        if not line.strip():
            lines = chars = 0
            reported = False
            continue
        lines += 1
        chars += len(line) + 1
        if not reported and (lines > MAX_BLOCK_LINES or chars > MAX_BLOCK_CHARS):
            found.append(Problem("block-too-long", rel, first_line + n,
                                 {"lines": MAX_BLOCK_LINES, "limit": MAX_BLOCK_CHARS}))
            reported = True
    return found


def _depth(text: str, pos: int) -> int:
    depth = 0
    while (marker := _MARKER.match(text, pos)) and marker.end() > pos:
        depth += 1
        pos = marker.end()
        if depth > MAX_DEPTH:
            break
    return depth


def _nth(text: str, char: str, n: int) -> int:
    """The offset of the n-th `char` in `text` (1-based); it is there."""
    at = -1
    for _ in range(n):
        at = text.index(char, at + 1)
    return at

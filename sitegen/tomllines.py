"""Line numbers for keys in a TOML file.

`tomllib` gives values but no positions, and editors need `sitegen.toml:12: …`. TOML as
county teams write it (tables, dotted headers, `key = value`) is regular enough that a
line scan finds where each key is defined; multi-line strings and arrays are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-.]+)\s*=""")


def _split_dotted(key: str) -> tuple[str, ...]:
    parts: list[str] = []
    for m in re.finditer(r"""\s*("([^"]*)"|'([^']*)'|[^.\s]+)\s*(\.|$)""", key):
        parts.append(m.group(2) if m.group(2) is not None else m.group(3) or m.group(1))
    return tuple(parts)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map each key path (e.g. ("categories", "tea", "zh")) and table header to its 1-based line."""
    lines: dict[tuple[str, ...], int] = {}
    for path, number, _ in definitions(text):
        lines.setdefault(path, number)
    return lines


def definitions(text: str) -> Iterator[tuple[tuple[str, ...], int, bool]]:
    """Every (key path, line, is a [table] header) in file order, repeats included."""
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if in_multiline in raw:
                in_multiline = None
            continue
        if depth > 0:
            depth += raw.count("[") - raw.count("]")
            continue
        header = _HEADER.match(raw)
        if header and not raw.lstrip().startswith("[["):
            table = _split_dotted(header.group(1))
            yield table, number, True
            continue
        key = _KEY.match(raw)
        if not key:
            continue
        yield table + _split_dotted(key.group(1)), number, False
        rest = raw[key.end() :]
        for quote in ('"""', "'''"):
            if rest.count(quote) == 1:
                in_multiline = quote
        value = rest.split("#", 1)[0]
        depth = max(value.count("[") - value.count("]"), 0)


def line_of(lines: dict[tuple[str, ...], int], path: tuple[str, ...]) -> int | None:
    """The line of `path`, or of its nearest enclosing table."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None

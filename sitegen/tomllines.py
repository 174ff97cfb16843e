"""Line numbers for keys in a TOML file.

`tomllib` gives values but no positions, and editors need `sitegen.toml:12: …`. TOML as
county teams write it (tables, dotted headers, `key = value`) is regular enough that a
line scan finds where each key is defined; multi-line strings and arrays are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sitegen.messages import Msg, msg

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
    """The line of `path`, or of its nearest enclosing table, or of the first key inside it (a table
    written only as [category.tea] defines 'category' on that header's line)."""
    wanted = path
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return min((n for key, n in lines.items() if key[: len(wanted)] == wanted), default=None)


# tomllib's words → what a county editor should write instead (first match wins)
_TOML_ADVICE = (
    (("Illegal character '\\n'", "Unterminated string", "Expected '\"'", "Expected \"'\""),
     msg("advice-toml-quote")),
    (("Invalid value",), msg("advice-toml-value")),
    (("Expected '=' after a key",), msg("advice-toml-equals")),
    (("Invalid statement", "Invalid initial character"),
     msg("advice-toml-statement")),
    (("Cannot overwrite a value",), msg("advice-toml-overwrite")),
    (("Cannot declare",), msg("advice-toml-declare")),
    (("Unclosed array",), msg("advice-toml-array")),
    (("Unclosed inline table",), msg("advice-toml-inline")),
    (("Expected newline or end of document",), msg("advice-toml-newline")),
    (("Expected ']' at the end of a table",), msg("advice-toml-section")),
    (("Unescaped '\\'",), msg("advice-toml-backslash")),
)


_SEARCH_BUDGET = 5_000_000
# Strings (which may hold brackets) and comments, skipped; brackets and line ends, counted.
_TOKENS = re.compile(r'"""(?:[^\\]|\\.)*?"""' "|'''.*?'''" r'|"(?:[^"\\\n]|\\.)*"' r"|'[^'\n]*'"
                     r"|#[^\n]*|[\[\]{}\n]", re.S)


def too_deep(text: str, limit: int) -> int | None:
    """The line where lists and inline tables nest more than `limit` deep, found by a scan of the brackets
    before tomllib reads the text (tomllib recurses once per level, and thousands of levels crash it)."""
    depth, line = 0, 1
    for token in _TOKENS.finditer(text):
        kind = token.group()[0]
        if kind in "[{":
            depth += 1
            if depth > limit:
                return line
        elif kind in "]}":
            depth = max(depth - 1, 0)
        elif kind == "\n":
            line += 1
        elif kind in "\"'":
            line += token.group().count("\n")
    return None


def long_number_line(text: str, digits: int) -> int | None:
    """The line of the first number with more than `digits` digits: Python refuses to read one."""
    found = re.search(rf"[0-9A-Fa-f_]{{{digits + 1},}}", text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def toml_error(message: str, text: str) -> tuple[int | None, str, Msg]:
    """(line, tomllib's words without the position, advice) for a TOMLDecodeError's message.

    For a list or string never closed, tomllib names the end of the document or the line where it
    gave up; the line where it was opened is the last line before which the file still reads as TOML.
    """
    import tomllib

    found = re.search(r"\s*\((?:at line (\d+), column \d+|at end of document)\)$", message)
    problem = message[: found.start()] if found else message
    line = int(found.group(1)) if found and found.group(1) else None
    lines = text.split("\n")
    if line is None or problem.startswith("Unclosed"):
        budget = _SEARCH_BUDGET  # characters parsed in all: a hostile file gets an answer in seconds, not hours
        for good in range(len(lines) - 1, -1, -1):
            prefix = "\n".join(lines[:good])
            budget -= len(prefix)
            if budget < 0:
                break
            try:
                tomllib.loads(prefix)
            except tomllib.TOMLDecodeError:
                continue
            line = good + 1
            break
    advice = next((a for starts, a in _TOML_ADVICE if problem.startswith(starts)),
                  msg("advice-toml-other"))
    return line, problem, advice

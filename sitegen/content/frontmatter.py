"""Split a content file into YAML front matter and Markdown body, keeping line numbers.

PyYAML's composer (the C one when available) gives every node its start mark; we build
plain Python values from the nodes ourselves so that each key and list item keeps the
line an editor needs to see, and duplicate keys are caught instead of silently dropped.

The file is untrusted: sizes are checked before the YAML reader sees the text, values
are only ever plain data (a YAML type tag other than the plain ones is a problem, never a
constructor call), and a control character anywhere is reported at its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from sitegen.content.body import control_lines, text_problems
from sitegen.content.yamladvice import inside_values, syntax_problem
from sitegen.errors import Problem
from sitegen.untrusted import (
    CONTROL,
    MAX_DEPTH,
    MAX_FRONT_MATTER_BYTES,
    MAX_VALUE_CHARS,
    MAX_VALUES,
    control_char,
)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.SafeLoader("")  # only its scalar constructors are used
_resolver = yaml.resolver.Resolver()  # what a plain value is read as without a tag

Path_ = tuple[str | int, ...]


@dataclass(slots=True)
class FrontMatter:
    values: dict[str, Any]
    lines: dict[Path_, int]  # ("images", 0, "file") → 1-based line
    start_line: int  # line of the opening '---'
    body: str
    body_line: int  # first line of the body
    problems: list[Problem] = field(default_factory=list)

    def line(self, *path: str | int) -> int:
        """Line of `path`, else of its nearest parent, else the front matter start."""
        key: Path_ = path
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.start_line


def decode(raw: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 with or without BOM; CRLF folded to LF."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem("not-utf8", rel, line, {"offset": exc.start})]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split(text: str, rel: str) -> FrontMatter:
    """Parse the front matter of `text`; problems are collected on the result, the body's too."""
    fm = _split(text, rel)
    fm.problems += text_problems(fm.body, fm.body_line, rel)
    return fm


def _split(text: str, rel: str) -> FrontMatter:
    empty = FrontMatter({}, {}, 1, "", 1)
    if not text.startswith("---") or text[3:4] not in ("\n", " ", "") or text.split("\n", 1)[0].strip() != "---":
        first = text.split("\n", 1)[0].strip()
        if _DASHES.fullmatch(first):  # a phone's "smart punctuation" made '---' into '—-' or '——'
            empty.problems.append(Problem("fence-dashes", rel, 1, {"value": first}))
        else:
            empty.problems.append(Problem("no-front-matter", rel, 1))
        empty.body = text
        return empty
    end = _closing_fence(text)
    if end is None:
        lines = text.split("\n")
        near = next((n for n, line in enumerate(lines[1:], 2) if _DASHES.fullmatch(line.strip())), None)
        if near is not None:
            empty.problems.append(Problem("fence-dashes", rel, near, {"value": lines[near - 1].strip()}))
        else:
            empty.problems.append(Problem("unclosed-front-matter", rel, 1))
        return empty
    yaml_text, body_start = end
    body = text[body_start:]
    body_line = text.count("\n", 0, body_start) + 1
    if len(yaml_text) > MAX_FRONT_MATTER_BYTES // 4 and len(data := yaml_text.encode()) > MAX_FRONT_MATTER_BYTES:
        line = 2 + data.count(b"\n", 0, MAX_FRONT_MATTER_BYTES)
        return FrontMatter({}, {}, 1, body, body_line,
                           [Problem("front-matter-too-long", rel, line, {"limit": MAX_FRONT_MATTER_BYTES})])
    controls = control_lines(yaml_text, 2, rel)
    if controls:  # reported at their lines; the rest is read as if deleted (YAML counts U+2028 as a line end)
        yaml_text = CONTROL.sub("", yaml_text)
    lines = yaml_text.split("\n")
    colons = [Problem("fullwidth-colon", rel, n + 2, {"field": m.group(1)})
              for n, line in enumerate(lines) if (m := _FULLWIDTH_COLON.match(line))]
    if ":" in yaml_text:  # 'origin:浙江': a field name with no space after its colon is not read as one
        found = [(n, m) for n, line in enumerate(lines) if (m := _NO_SPACE.match(line))]
        inside = inside_values(lines) if found else set()
        colons += [Problem("colon-no-space", rel, n + 2, {"field": m.group(1),
                                                          "value": m.string[m.end(1) + 1 :].strip()})
                   for n, m in found if n not in inside]
    if "\u3000" in yaml_text:  # a full-width space where YAML needs a plain one: it reads a different file
        colons += [Problem("fullwidth-space", rel, n + 2) for n, line in enumerate(lines)
                   if _FULLWIDTH_SPACE.match(line)]
    error: yaml.YAMLError | RecursionError | None
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError) as exc:  # RecursionError: thousands deep, in the Python reader
        node, error = None, exc
    else:
        error = None
        if colons and node is not None:
            written = _text_lines(node)  # 'Note：…' inside a | block or quotes is text the editor meant
            colons = [p for p in colons if p.line not in written]
    if colons:  # YAML cannot read 'summary：好喝' as a field, or silently makes it part of the line above
        fixed = _repaired(lines, colons)
        if any(p.code == "fullwidth-space" for p in colons):
            return FrontMatter({}, {}, 1, body, body_line, colons)
        try:  # read as the editor meant it, so that one run reports the file's other problems too
            node = yaml.compose("\n".join(fixed), Loader=_Loader)
        except (yaml.YAMLError, RecursionError) as exc:  # another mistake: it is said too, as if alone
            return FrontMatter({}, {}, 1, body, body_line, [*controls, *colons, syntax_problem(exc, fixed, rel)])
    elif error is not None:
        return FrontMatter({}, {}, 1, body, body_line, [*controls, syntax_problem(error, lines, rel)])
    result = FrontMatter({}, {}, 1, body, body_line, controls + colons)  # fields are read past a Chinese colon
    if node is None:
        return result
    if not isinstance(node, yaml.MappingNode):
        result.problems.append(Problem("not-a-mapping", rel, node.start_mark.line + 2))
        return result
    try:
        result.values = _build(node, (), result, rel, [MAX_VALUES, MAX_FRONT_MATTER_BYTES])
    except _TooComplex as exc:
        return FrontMatter({}, {}, 1, body, body_line, [*controls, Problem("yaml-too-complex", rel, exc.line)])
    if " #" in yaml_text:
        result.problems += [Problem("comment-cut", rel, line, params, "warning")
                            for line, params in _cut_by_comments(node, yaml_text.split("\n"))]
    return result


_DASHES = re.compile(r"[-—–―－ー‐‑−]{2,}")  # hyphens mixed with long, full-width or minus-sign dashes
_HASHTAG = re.compile(r"\s+#\S")  # '#1 特级', '#明前茶#': text; a note for editors is '# like this'


def _cut_by_comments(root: yaml.Node, lines: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Plain values that YAML ended at ' #', where the rest of the line looks like part of the value."""
    found = []
    for node, name in _scalars(root):
        if not node.style and node.start_mark.line == node.end_mark.line and name:
            rest = lines[node.end_mark.line][node.end_mark.column:]
            if _HASHTAG.match(rest):
                found.append((node.start_mark.line + 2, {"field": name, "value": node.value, "rest": rest.strip()}))
    return sorted(found, key=lambda f: f[0])


def _scalars(root: yaml.Node) -> Iterator[tuple[yaml.ScalarNode, str]]:
    """Every value scalar once, with its field name ('price.amount'). Iterative and each node once:
    aliases may share nodes, and nesting may be deep."""
    todo: list[tuple[yaml.Node, str]] = [(root, "")]
    seen: set[int] = set()
    while todo:
        node, name = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            todo += [(v, f"{name}.{_key(k)}" if name else _key(k)) for k, v in node.value]
        elif isinstance(node, yaml.SequenceNode):
            todo += [(v, name) for v in node.value]
        elif isinstance(node, yaml.ScalarNode):
            yield node, name


def _repaired(lines: list[str], colons: list[Problem]) -> list[str]:
    """The front matter's lines as the editor meant them: each reported '：' after a field name made ': ',
    and a space put after a field name's ':' where there was none."""
    fixed = list(lines)
    for p in colons:
        if p.line is None:
            continue
        if p.code == "fullwidth-colon":
            fixed[p.line - 2] = fixed[p.line - 2].replace("：", ": ", 1)
        elif p.code == "colon-no-space":
            fixed[p.line - 2] = fixed[p.line - 2].replace(":", ": ", 1)
    return fixed


def _text_lines(root: yaml.Node) -> set[int]:
    """File lines inside quoted and block (| or >) scalars, where any character is the editor's text."""
    lines: set[int] = set()
    for node, _ in _scalars(root):
        if node.style:  # plain scalars have no style; a plain one spanning lines is the silent merge
            end = node.end_mark.line + (node.end_mark.column > 0)  # a block ends at the next line's start
            lines.update(range(node.start_mark.line + 2, end + 2))
    return lines


_FULLWIDTH_SPACE = re.compile(r"^[ \u3000]*\u3000|^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*:\u3000")  # indent, after 'key:'
_FULLWIDTH_COLON = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*：")
# a field name at the start of a line, its ':' followed by text with no space ('origin:浙江'; not 'https://')
_NO_SPACE = re.compile(r"^([a-z_][a-z0-9_]*):(?![\s/:]|$)")
# Real front matter has a few hundred values at most. Anchors and aliases ('&a', '*a') let a few lines
# stand for millions of values or for themselves ('billion laughs', cycles), or a long text for itself thousands
# of times: MAX_VALUES values, and as many characters as a front matter may hold, stop long before that.


class _TooComplex(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _closing_fence(text: str) -> tuple[str, int] | None:
    """(YAML text, offset where the body starts) or None when there is no closing '---'."""
    pos = text.index("\n") + 1 if "\n" in text else len(text)
    start = pos
    while pos < len(text):
        nl = text.find("\n", pos)
        line_end = len(text) if nl == -1 else nl
        if text[pos:line_end].rstrip() in ("---", "..."):
            return text[start:pos], (line_end + 1 if nl != -1 else line_end)
        if nl == -1:
            break
        pos = nl + 1
    return None


def _build(node: yaml.Node, path: Path_, fm: FrontMatter, rel: str, budget: list[int]) -> Any:
    line = node.start_mark.line + 2
    budget[0] -= 1  # values
    budget[1] -= len(node.value) if isinstance(node, yaml.ScalarNode) else 0  # and their characters
    if budget[0] < 0 or budget[1] < 0 or len(path) > MAX_DEPTH:
        raise _TooComplex(line)
    fm.lines.setdefault(path, line)
    if isinstance(node, yaml.CollectionNode) and node.tag not in (_SEQ, _MAP):  # !!set, !!omap, !!pairs …
        fm.problems.append(_tag_problem(node, path, rel))
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _key(key_node)
            child = (*path, key)
            if isinstance(key_node, yaml.ScalarNode):  # its tag, length and characters, as for a value
                _scalar(key_node, child, fm, rel)
            if key in out:
                fm.problems.append(Problem("duplicate-key", rel, key_node.start_mark.line + 2,
                                           {"field": ".".join(str(p) for p in child)}))
                continue
            fm.lines[child] = key_node.start_mark.line + 2
            try:
                out[key] = _build(value_node, child, fm, rel, budget)
            except _TooComplex as exc:
                if not path:  # point at the field the editor wrote, not at an anchor deep inside it
                    exc.line = key_node.start_mark.line + 2
                raise
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), fm, rel, budget) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node, path, fm, rel)


def _key(node: yaml.Node) -> str:
    """A field name as the editor wrote it ('yes' stays 'yes', not True; '[a, b]' stays readable)."""
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return "[" + ", ".join(n.value if isinstance(n, yaml.ScalarNode) else "…" for n in node.value) + "]"
    return "{…}"


_YAML = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _YAML + "str", _YAML + "seq", _YAML + "map"
# Tags whose values are plain data; an explicit one is fine when its value fits it (!!str 123, !!int 9).
_CONSTRUCTORS = {_YAML + t: _constructor.yaml_constructors[_YAML + t]
                 for t in ("null", "bool", "int", "float", "binary", "timestamp", "str")}


def _scalar(node: yaml.ScalarNode, path: Path_, fm: FrontMatter, rel: str) -> Any:
    line = node.start_mark.line + 2
    if len(node.value) > MAX_VALUE_CHARS:  # before any conversion: turning 100,000 digits into a number is work
        fm.problems.append(Problem("value-too-long", rel, line, {"field": field_name(path), "limit": MAX_VALUE_CHARS}))
        return node.value
    value = node.value if node.tag == _STR else _typed(node, path, fm, rel)  # most values are text
    if isinstance(value, str) and (found := control_char(value)):  # written as an escape: "\x1b", "\u2028"
        fm.problems.append(Problem("control-character", rel, line, {"char": found[1]}))
    return value


def _typed(node: yaml.ScalarNode, path: Path_, fm: FrontMatter, rel: str) -> Any:
    """The value of a scalar YAML did not read as text. A tag the editor wrote (`!!bool maybe`) must fit its
    value; one YAML found itself (a date like 2024-02-30, a number too long for Python) stays the text as
    written, for the field's own check to report."""
    implicit = node.tag == (_resolver.resolve(yaml.ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]
                            if not node.style
                            else _STR)
    construct = _CONSTRUCTORS.get(node.tag)
    if construct is not None:
        try:
            return construct(_constructor, node)
        except Exception:  # each tag's own errors: ValueError, IndexError, KeyError, binascii.Error …
            pass
    if not implicit:
        fm.problems.append(_tag_problem(node, path, rel))
    return node.value


def _tag_problem(node: yaml.Node, path: Path_, rel: str) -> Problem:
    tag = "!!" + node.tag.removeprefix(_YAML) if node.tag.startswith(_YAML) else node.tag
    return Problem("yaml-tag", rel, node.start_mark.line + 2, {"field": field_name(path), "tag": tag})


def field_name(path: Path_) -> str:
    """'price.amount' for ("price", "amount"), 'images.file' for ("images", 0, "file")."""
    return ".".join(str(p) for p in path if isinstance(p, str)) or "?"

"""Split a content file into YAML front matter and Markdown body, keeping line numbers.

PyYAML's composer (the C one when available) gives every node its start mark; we build
plain Python values from the nodes ourselves so that each key and list item keeps the
line an editor needs to see, and duplicate keys are caught instead of silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from sitegen.errors import Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.SafeLoader("")  # only its scalar constructors are used

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
    """Parse the front matter of `text`; problems are collected on the result."""
    empty = FrontMatter({}, {}, 1, "", 1)
    if not text.startswith("---") or text[3:4] not in ("\n", " ", "") or text.split("\n", 1)[0].strip() != "---":
        empty.problems.append(Problem("no-front-matter", rel, 1))
        empty.body = text
        return empty
    end = _closing_fence(text)
    if end is None:
        empty.problems.append(Problem("unclosed-front-matter", rel, 1))
        return empty
    yaml_text, body_start = end
    body = text[body_start:]
    body_line = text.count("\n", 0, body_start) + 1
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is noticed at the end; the context mark is where it opened.
        mark = exc.context_mark or exc.problem_mark
        last = yaml_text.count("\n") + 1
        line = min(mark.line + 2, last) if mark else 1  # +1 for 1-based, +1 for the '---' line
        problem = " ".join(str(x) for x in (exc.problem, exc.context) if x) or str(exc)
        return FrontMatter({}, {}, 1, body, body_line, [Problem("yaml-syntax", rel, line, {"problem": problem})])
    result = FrontMatter({}, {}, 1, body, body_line)
    if node is None:
        return result
    if not isinstance(node, yaml.MappingNode):
        result.problems.append(Problem("not-a-mapping", rel, node.start_mark.line + 2))
        return result
    result.values = _build(node, (), result, rel)
    return result


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


def _build(node: yaml.Node, path: Path_, fm: FrontMatter, rel: str) -> Any:
    fm.lines.setdefault(path, node.start_mark.line + 2)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node)) if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            child = (*path, key)
            if key in out:
                fm.problems.append(Problem("duplicate-key", rel, key_node.start_mark.line + 2,
                                           {"field": ".".join(str(p) for p in child)}))
                continue
            fm.lines[child] = key_node.start_mark.line + 2
            out[key] = _build(value_node, child, fm, rel)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), fm, rel) for i, item in enumerate(node.value)]
    return _scalar(node)


_STR = "tag:yaml.org,2002:str"


def _scalar(node: yaml.Node) -> Any:
    if node.tag == _STR:  # most values: skip the generic constructor's bookkeeping
        return node.value
    try:
        return _constructor.construct_object(node, deep=True)
    except (yaml.constructor.ConstructorError, ValueError):
        return node.value  # e.g. an impossible date like 2024-02-30: keep the text, the schema reports it

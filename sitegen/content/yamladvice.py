"""What the YAML reader's complaints about a front matter mean for a county editor: the line, and what to write.

The parser's own words describe its state ("while scanning a simple key"), not the editor's mistake; these
turn them, and the line itself, into advice.
"""

from __future__ import annotations

import re

import yaml

from sitegen.errors import Problem
from sitegen.messages import Msg, msg


def syntax_problem(error: yaml.YAMLError | RecursionError, lines: list[str], rel: str) -> Problem:
    """The problem for a front matter YAML cannot read, at its line, with what to write instead."""
    line, problem = yaml_error(error, "\n".join(lines))
    if "nesting depth" in problem or isinstance(error, RecursionError):
        return Problem("yaml-too-complex", rel, line)
    for at in (line, line + 1) if "tab" in problem else ():  # noticed at the end of the line before the tab
        if 2 <= at < len(lines) + 2 and "\t" in (text := lines[at - 2])[: len(text) - len(text.lstrip())]:
            line = at
            break
    source = lines[line - 2] if 2 <= line < len(lines) + 2 else ""
    return Problem("yaml-syntax", rel, line, {"problem": problem, "advice": _advice(problem, source)})


def inside_values(lines: list[str]) -> set[int]:
    """The lines that start inside a quoted value or an open [ ] or { } (a rough scan, as an editor reads it):
    'b:c' there is text or a list item, not a field with no space after its colon."""
    inside: set[int] = set()
    depth, quote = 0, ""
    for n, line in enumerate(lines):
        if depth or quote:
            inside.add(n)
        for i, c in enumerate(line):
            if quote:
                if c == quote:
                    quote = ""
            elif c in "\"'" and (i == 0 or line[i - 1] in " \t:[{,-"):
                quote = c
            elif c == "#" and (i == 0 or line[i - 1] in " \t"):
                break
            elif c in "[{":
                depth += 1
            elif c in "]}":
                depth = max(0, depth - 1)
    return inside


def yaml_error(exc: yaml.YAMLError | RecursionError, yaml_text: str) -> tuple[int, str]:
    """(line in the file, the parser's words) for any PyYAML error, marked or not."""
    last = yaml_text.count("\n") + 1
    if isinstance(exc, yaml.MarkedYAMLError):
        # An unclosed bracket or quote is noticed at the end; the context mark is where it opened. A block
        # mapping's or list's context is only where it began (often line 2): the problem is where it stopped.
        block = "block" in str(exc.context or "")
        mark = exc.problem_mark if block and exc.problem_mark else exc.context_mark or exc.problem_mark
        line = min(mark.line + 2, last) if mark else 1  # +1 for 1-based, +1 for the '---' line
        return line, " ".join(str(x) for x in (exc.problem, exc.context) if x) or str(exc)
    if isinstance(exc, RecursionError):
        return 1, "nesting depth"
    if isinstance(exc, yaml.reader.ReaderError):  # e.g. U+FFFE, not text: has a position, no mark
        line = min(yaml_text.count("\n", 0, max(exc.position, 0)) + 2, last)
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        return line, f"this line contains an invisible control character (U+{char:04X}); delete it"
    return 1, str(exc).splitlines()[0] if str(exc) else type(exc).__name__


_ADVICE = (  # the parser's words → what a county editor should do about them
    ("tab character", msg("advice-yaml-tab")),
    ("mapping values are not allowed", msg("advice-yaml-colon")),
    ("quoted scalar", msg("advice-yaml-quote")),
    ("cannot start any token", msg("advice-yaml-reserved")),
    ("an alias", msg("advice-yaml-alias")),
    ("an anchor", msg("advice-yaml-alias")),
    ("a tag", msg("advice-yaml-tag")),
    ("flow sequence", msg("advice-yaml-list")),
    ("flow mapping", msg("advice-yaml-group")),
)
_VALUE = re.compile(r"^\s*(?:-\s+)?[^\s:#][^:#]*:\s+(.)")  # the first character of a 'key: value' line's value


def _advice(problem: str, source: str) -> Msg:
    """What to write instead, from the parser's words and the line itself (the parser's words alone
    describe its own state, not the editor's mistake)."""
    if "\t" in source[: len(source) - len(source.lstrip())]:  # the C parser does not always say 'tab'
        problem = "tab character"
    if any(c in source for c in "【】，"):
        return msg("advice-yaml-chinese-brackets")
    first = m.group(1) if (m := _VALUE.match(source)) else ""
    if "expected key" in problem and first in "[{" and first:
        return msg("advice-yaml-bracket-value")
    if "expected key" in problem and first in "\"'" and first:
        return msg("advice-yaml-quote-value")
    if "could not find expected ':'" in problem and ":" not in source:
        return msg("advice-yaml-no-key")
    return next((advice for words, advice in _ADVICE if words in problem), msg("advice-yaml-other"))

"""Problems found in a catalog, as data.

A problem is a stable code plus parameters, the file and the line; its English text is
derived from a message table so that a translation (e.g. into Chinese for county editors)
replaces the table without touching any check. Stages collect problems and return them;
only the CLI decides how they are printed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sitegen.untrusted import (
    MAX_BLOCK_CHARS,
    MAX_BLOCK_LINES,
    MAX_BODY_BYTES,
    MAX_DEPTH,
    MAX_FRONT_MATTER_BYTES,
    MAX_LINKS,
    MAX_VALUE_CHARS,
)

Severity = Literal["error", "warning"]

# One entry per problem code. Every message tells a non-programmer what to write instead.
MESSAGES: dict[str, str] = {
    # files and syntax
    "not-utf8": "this file is not saved as UTF-8 text (byte {offset} is not valid); "
    "save it again as 'UTF-8' in your editor",
    "no-front-matter": "the file must start with a line '---', then the fields, then another '---' line",
    "fence-dashes": "'{value}' is not the line '---' the fields start and end with; type exactly three "
    "hyphens - on an English keyboard (a phone's 'smart punctuation' turns them into long or full-width dashes)",
    "unclosed-front-matter": "the front matter opened with '---' is never closed; "
    "add a line '---' after the last field",
    "yaml-syntax": "this line cannot be read: {advice} (in the YAML reader's words: {problem})",
    "fullwidth-space": "this line has a full-width space (　) where YAML needs an ordinary one; retype the "
    "spaces at the start of the line and after the ':' with the keyboard in half-width mode",
    "fullwidth-colon": "'{field}：' is written with the Chinese colon '：'; after a field name write the "
    "English colon and a space, e.g. '{field}: …'",
    "colon-no-space": "'{field}:{value}' has no space after the colon, so it is not read as the field '{field}'; "
    "write '{field}: {value}'",
    "toml-syntax": "sitegen.toml cannot be read ({problem}); {advice}",
    "yaml-too-complex": f"the front matter nests more than {MAX_DEPTH} levels deep or repeats itself through '&' "
    "anchors and '*' references; write each field out plainly as 'field: value'",
    "not-a-mapping": "the front matter must be a list of 'field: value' lines",
    "yaml-tag": "'{field}' is marked with the YAML type tag '{tag}', which sitegen does not read here or which "
    "does not fit the value; delete '{tag}' and write the value plainly (a text that starts with '!' goes in "
    "quotes, e.g. title: \"!好茶\")",
    "control-character": "this line contains an invisible control character ({char}), which could garble the "
    "page or an editor's screen; delete it (if you cannot see it, delete and retype the text around it)",
    "cannot-read": "cannot be read ({problem}): sitegen is not allowed to open it; give everyone permission to "
    "read it (e.g. chmod -R a+rX on the catalog folder), or remove it",
    "file-too-large": "this file is larger than {limit} bytes (the limit is passed on this line), far more than "
    "a catalog needs, so it is not read; shorten it",
    "front-matter-too-long": f"the front matter (between the '---' lines) is longer than {MAX_FRONT_MATTER_BYTES:,} "
    "bytes (the limit is passed on this line), so it is not read; a product needs a few hundred lines at most: "
    "shorten it",
    "text-too-long": f"the text below the front matter is longer than {MAX_BODY_BYTES:,} bytes (about "
    f"{MAX_BODY_BYTES // 3:,} Chinese characters; the limit is passed on this line); shorten it or split it",
    "block-too-long": f"this paragraph, list or table runs on for more than {MAX_BLOCK_LINES} lines or "
    f"{MAX_BLOCK_CHARS:,} characters without an empty line (the limit is passed on this line), which takes the "
    "Markdown reader too long; put an empty line between its parts",
    "too-many-links": f"the text has more than {MAX_LINKS:,} '[' (this line has the {MAX_LINKS + 1:,}th), which "
    "takes the Markdown reader too long; links and pictures are written with [ ], so split the text into "
    "several products, or write 【 】 where you mean brackets",
    "nested-too-deep": f"this line puts lists or quotes inside each other more than {MAX_DEPTH} levels deep (each "
    "'>', '-', '*', '+' or '1.' at its start, and every 4 spaces before them, is one level); write it plainly",
    "value-too-long": f"'{{field}}' is longer than {MAX_VALUE_CHARS:,} characters; shorten it (the story "
    "belongs in the text below the front matter)",
    "missing-config": "there is no sitegen.toml here; run this inside a catalog folder or pass --root",
    # fields
    "missing-field": "the required field '{field}' is missing; add a line '{key}: …'",
    "missing-setting": "sitegen.toml has no '{field}'; add a line {example}",
    "wrong-type": "'{field}' must be {expected}, not {got}",
    "unknown-key": "unknown field '{field}'{hint}",
    "empty-value": "'{field}' is empty, but it must have a value (it cannot be left out either); write one",
    "negative-amount": "'{field}' must be 0 or more, not {value}",
    "bad-month": "'{field}' has month {value}; months are whole numbers from 1 to 12, written as a list with "
    "English commas, e.g. {field}: [9, 10, 11]",
    "bad-url": "'{field}' must be a web address starting with http:// or https://, not '{value}'",
    "bad-date": "'{field}' must be a date written as YYYY-MM-DD, e.g. 2024-09-01 (or a year alone, e.g. 2014), "
    "not '{value}'",
    "no-such-date": "'{field}' is {value}, a day that does not exist in the calendar; check the month and day",
    "duplicate-key": "'{field}' is written twice; keep only one",
    # ids and references
    "bad-id": "'{value}' is not a valid id (ids name folders and [categories.…] tables); use lowercase "
    "letters a-z, digits and hyphens only, e.g. '{suggestion}'",
    "unknown-category": "category '{value}' is not defined in sitegen.toml{hint}; write the id of one of: {names}",
    "unknown-certification": "certification '{value}' is not defined in sitegen.toml{hint}; write the id of one "
    "of: {names}",
    "unknown-brand": "this product is in products/{value}/, but there is no brand folder brands/{value}/; "
    "create it with 'sitegen new brand {value} --name …' or move the product",
    "duplicate-id": "{kind} id '{value}' is defined twice in sitegen.toml; keep only one",
    "misnamed-index": "this folder has '{value}' but no index.md, so it is not read; rename '{value}' to "
    "index.md, all in lower case (Windows may hide a '.txt' at the end of the name)",
    "stray-file": "this folder has no index.md, so it is ignored; add an index.md or remove the folder",
    # files referenced from content
    "missing-image": "the image '{value}' is not in this folder; check the file name (letters, "
    "upper/lower case and extension must match exactly)",
    "missing-image-draft": "the image '{value}' is not in this folder yet; this product is a draft (draft: "
    "true), so it is previewed without it; add the photo before you remove 'draft: true'",
    "path-escapes": "'{value}' points outside this folder; put the file beside index.md and write "
    "only its name",
    "link-outside": "'{value}' is a shortcut (symbolic link) to a file or folder outside the catalog, which "
    "sitegen does not follow; put the real file or folder here instead",
    "link-hidden": "'{value}' is a shortcut (symbolic link) into a hidden file or folder of the catalog ('.git', "
    "'.sitegen-cache' …), which sitegen does not follow: they hold git's settings (and a CI job's token), not "
    "the catalog; put the real file or folder here instead",
    "bad-file-name": "'{value}' cannot be published under this name: a theme's static files are published as "
    "they are named, so a name must be UTF-8 text without control characters and its path about 1,000 "
    "characters at most; rename it (letters, digits, '-', '_' and '.'), in a folder a few levels deep at most",
    "bad-link": "'{value}' is a shortcut (symbolic link) that leads nowhere: to itself, to a folder it is in, or "
    "to a file that does not exist; delete it, and put the real file or folder here if one is meant",
    "empty-file": "'{field}' has an entry with no file name; write the name of a photo beside index.md, e.g. "
    "{field}: photo-1.jpg, or delete the entry",
    "missing-alt": "image '{value}' has no 'alt' text; write {{file: {value}, alt: what the photo shows}} "
    "so blind shoppers and slow connections get a description",
    "comment-cut": "'{field}' is read as '{value}': after a space, '#' starts a note for editors, so "
    "'{rest}' is left out; to keep it, put the whole value in quotes: {field}: \"{value} {rest}\"",
    "unlisted-picture": "the text shows the picture '{value}', but only the photos named in {listed_in} are "
    "published, so it is left out of the page; put the photo beside index.md and name it there (for a "
    "product: - {{file: {value}, alt: what it shows}} under images:), or take the picture out of the text",
    "outside-picture": "the text shows a picture from another website ({value}); it is left out, because "
    "other websites are slow or blocked for shoppers; save the photo beside index.md and name it in {listed_in}",
    "bad-image": "'{value}' cannot be used as an image: {problem}",
    "image-profile": "'{value}' has a damaged colour profile ({problem}), so it was treated as sRGB "
    "and its colours may look a little off; export it again as sRGB JPEG",
    "image-cache": "the image cache {value} cannot be written: {problem}; check that the folder is "
    "writable and the disk is not full (it is safe to delete the folder)",
    "bad-setting": "'{field}' {problem}",
    # site config
    "bad-language": "language '{value}' is not a language code such as zh-CN or en",
    "unknown-theme": "theme '{value}' was not found in themes/ or inside sitegen; use one of: {valid}",
    "template-error": "{problem}; fix this template, or delete it to use the one sitegen ships",
    "template-unsafe": "'{value}' reaches into Python's internals, which templates may not use (a template could "
    "otherwise run programs on the build machine); show the catalog's data instead, e.g. {{{{ product.title }}}}",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the catalog: where, what (a stable code) and the values involved."""

    code: str
    path: str
    line: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity = "error"

    @property
    def message(self) -> str:
        template = MESSAGES.get(self.code, self.code)
        try:
            return template.format(**{k: _show(v) for k, v in self.params.items()})
        except (KeyError, IndexError):
            return f"{template} {self.params}"

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def as_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "params": {k: _plain(v) for k, v in self.params.items()},
            "message": self.message,
        }


def _plain(value: Any) -> Any:
    """A parameter as JSON can carry it: a YAML date or !!binary value becomes its text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _show(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}"  # 2,000,000 bytes: read by people
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) if value else "(none defined)"
    return str(value)


_VALUE_WORDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false", list: "a list",
                type(None): "nothing", bytes: "binary data"}


def type_word(value: Any, group: str = "a group of fields") -> str:
    """What an editor wrote, in their words ('a whole number', not 'int'). `group` names a mapping as
    the file's own syntax calls it: a group of fields in front matter, a table in sitegen.toml."""
    if isinstance(value, dict):
        return group
    if hasattr(value, "isoformat"):  # YAML and TOML dates, TOML times
        return "a date or time"
    return _VALUE_WORDS.get(type(value), "a value")


def counted(n: int, noun: str) -> str:
    """'1 brand', '2 brands', '1,200 photos': summary lines are read by people, not parsed."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def did_you_mean(word: str, choices: Iterable[str], kind: str = "fields") -> str:
    """A '; did you mean …?' hint for a near-miss, else a list of what is allowed (`kind`: of what)."""
    choices = sorted(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; allowed {kind} are: " + ", ".join(choices)


class ContentError(Exception):
    """Raised by a stage that cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class UsageError(Exception):
    """A command that cannot run as asked: one line for the user, exit status 2 unless it says otherwise."""

    exit_status = 2


def by_place(p: Problem) -> tuple[str, int, str]:
    """The order problems are shown in, wherever they are shown: by file, then line."""
    return (p.path, p.line or 0, p.code)


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def cannot_read(path: str, exc: OSError) -> Problem:
    """A file or folder the operating system will not let sitegen read (permissions, a broken disk)."""
    return Problem("cannot-read", path, None, {"problem": (exc.strerror or type(exc).__name__).lower()})

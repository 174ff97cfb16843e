"""Problems found in a catalog, as data.

A problem is a stable code plus parameters, the file and the line; its text, in Chinese or
English, comes from the message catalog (`sitegen.messages`) only when it is shown, so no
check assembles a sentence. Stages collect problems and return them; only the CLI decides
how they are printed.
"""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sitegen.messages import DEFAULT, Msg, msg, plain, render

Severity = Literal["error", "warning"]


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
        """The text in English: what logs and tests read; the CLI asks for `text(lang)`."""
        return self.text(DEFAULT)

    def text(self, lang: str = DEFAULT) -> str:
        return render(self.code, self.params, lang)

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def as_json(self, lang: str = DEFAULT) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "params": {k: plain(v) for k, v in self.params.items()},
            "message": self.text(lang),
        }


_VALUE_WORDS = {str: "type-text", int: "type-int", float: "type-float", bool: "type-bool", list: "type-list",
                type(None): "type-none", bytes: "type-bytes"}


def type_word(value: Any, group: str = "type-group") -> Msg:
    """What an editor wrote, in their words ('a whole number', not 'int'). `group` names a mapping as
    the file's own syntax calls it: a group of fields in front matter, a table in sitegen.toml."""
    if isinstance(value, dict):
        return msg(group)
    if hasattr(value, "isoformat"):  # YAML and TOML dates, TOML times
        return msg("type-date")
    return msg(_VALUE_WORDS.get(type(value), "type-value"))


def did_you_mean(word: str, choices: Iterable[str], kind: str = "fields") -> Msg:
    """A '; did you mean …?' hint for a near-miss, else a list of what is allowed (`kind`: fields or commands)."""
    choices = sorted(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return msg("hint-did-you-mean", word=close[0])
    return msg(f"hint-allowed-{kind}", choices=choices)


class ContentError(Exception):
    """Raised by a stage that cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class UsageError(Exception):
    """A command that cannot run as asked: one line for the user (a message code and its parameters), exit
    status 2 unless it says otherwise. It crosses from a worker process to the main one intact."""

    exit_status = 2

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def text(self, lang: str = DEFAULT) -> str:
        return render(self.code, self.params, lang)

    def __str__(self) -> str:
        return self.text(DEFAULT)

    @property
    def message(self) -> str:
        """The text in English: what logs and tests read; the CLI asks for `text(lang)`."""
        return self.text(DEFAULT)

    def as_msg(self) -> Msg:
        return Msg(self.code, self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        return _usage_error, (type(self), self.code, self.params, self.exit_status)


def _usage_error(cls: type[UsageError], code: str, params: dict[str, Any], exit_status: int) -> UsageError:
    error = Exception.__new__(cls)
    UsageError.__init__(error, code, **params)
    error.exit_status = exit_status
    return error


def by_place(p: Problem) -> tuple[str, int, str]:
    """The order problems are shown in, wherever they are shown: by file, then line."""
    return (p.path, p.line or 0, p.code)


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def cannot_read(path: str, exc: OSError) -> Problem:
    """A file or folder the operating system will not let sitegen read (permissions, a broken disk)."""
    return Problem("cannot-read", path, None, {"problem": os_reason(exc)})


# The operating system's reasons an editor meets, in their words (its own strerror is English, and sometimes empty)
_OS_REASONS = {errno.EACCES: "os-denied", errno.EPERM: "os-denied", errno.ENOENT: "os-missing",
               errno.ENOSPC: "os-full", errno.EDQUOT: "os-full", errno.EROFS: "os-read-only",
               errno.EISDIR: "os-is-folder", errno.ENOTDIR: "os-not-folder", errno.ELOOP: "os-loop",
               errno.ENAMETOOLONG: "os-name-too-long", errno.EIO: "os-io"}


def os_reason(exc: OSError) -> Msg | str:
    """Why the operating system refused, as a message where it is a common reason, else in its own words."""
    code = _OS_REASONS.get(exc.errno or 0)
    return msg(code) if code else (exc.strerror or str(exc) or type(exc).__name__).lower()

"""Why a publish stopped, as data.

A publish error is a stable code plus parameters, like `sitegen.errors.Problem`, so that
`--json` can hand CI the code while the CLI prints the sentence. Messages never contain
credentials: anything that came from a remote service passes through `redact()` first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sitegen.errors import UsageError
from sitegen.messages import DEFAULT, plain

# Exit statuses: 1 for a publish that failed, 2 for a wrong command line or settings, 130 for Ctrl-C.
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
_USAGE_CODES = {"no-bucket", "bad-target", "bad-option", "bad-profile", "bad-client"}


class PublishError(UsageError):
    """A publish that cannot start or did not finish. The CLI prints `str(error)` and exits `exit_status`.

    A UsageError so that a CLI which knows only UsageError still prints one clean line (exit 2)."""

    def __init__(self, code: str, exit_status: int | None = None, /, **params: Any) -> None:
        super().__init__(code, **params)
        if exit_status is None:
            exit_status = EXIT_USAGE if code in _USAGE_CODES else EXIT_FAILED
        self.exit_status = exit_status

    def as_json(self, lang: str = DEFAULT) -> dict[str, Any]:
        return {"code": self.code, "message": self.text(lang), "params": plain(self.params)}


def examples(items: Iterable[str], limit: int = 3) -> str:
    """The first few items for a message, so a 10,000-key problem stays one line."""
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Remove credential values from text that came from elsewhere (a service message, an exception)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text

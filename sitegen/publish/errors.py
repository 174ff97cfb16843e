"""Why a publish stopped, as data.

A publish error is a stable code plus parameters, like `sitegen.errors.Problem`, so that
`--json` can hand CI the code while the CLI prints the sentence. Messages never contain
credentials: anything that came from a remote service passes through `redact()` first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sitegen.errors import UsageError

MESSAGES: dict[str, str] = {
    # the local build
    "no-output": "there is no built site at {path}; run 'sitegen build' first",
    "empty-output": "{path} is empty; run 'sitegen build' first",
    "no-manifest": "{path} has no .sitegen-manifest.json, so it is not the result of a successful build; "
    "run 'sitegen build' again and publish only when it succeeds",
    "bad-manifest": "the build manifest {path} cannot be read ({problem}); run 'sitegen build' again",
    "drafts-in-output": "{path} was built with --drafts and holds products marked draft: true, which are not "
    "ready for shoppers; run 'sitegen build' without --drafts, or publish anyway with --allow-drafts",
    "manifest-mismatch": "the built files do not match the build manifest ({count} differ, e.g. {examples}); "
    "something changed output/ after the build; run 'sitegen build' again",
    # where to publish
    "no-bucket": "no bucket to publish to; set 'bucket' in the [publish] table of sitegen.toml or pass --bucket",
    "bad-target": "--target must be file:///a/folder or s3://bucket/prefix, not '{value}'",
    "bad-option": "{option} must be {expected}, not '{value}'",
    "unsafe-folder": "the folder {path} is not empty and was not written by 'sitegen publish'; "
    "choose an empty folder so nothing of yours is deleted",
    "target-overlaps": "the target folder {path} overlaps the build output {output}; choose another folder",
    # credentials and the service
    "no-credentials": "no storage credentials found; boto3 looks in the environment variables "
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then the profile{profile} in ~/.aws/credentials "
    "and ~/.aws/config, then the instance or container role",
    "bad-profile": "the profile '{profile}' is not in ~/.aws/credentials or ~/.aws/config",
    "missing-bucket": "the bucket '{bucket}' does not exist at {endpoint}; create it or fix 'bucket'",
    "access-denied": "the storage service refused access ({code}: {detail}) during {operation}; "
    "check that the credentials may list, read, write and delete in '{bucket}'",
    "service-error": "the storage service answered {code} ({detail}) during {operation} of '{key}'",
    "unreachable": "cannot reach the storage endpoint {endpoint} ({detail}); check endpoint_url and the "
    "network, then run 'sitegen publish' again",
    "unreachable-midway": "lost the storage endpoint {endpoint} mid-publish ({detail}); the bucket still serves "
    "a consistent site; run 'sitegen publish' again to finish ({done} of {total} uploads had arrived)",
    "timed-out": "the storage endpoint {endpoint} did not answer within {seconds} s, {attempts} times in a row "
    "({operation}); check endpoint_url and the network (on a slow link, raise read_timeout or connect_timeout "
    "in [publish]), then run 'sitegen publish' again",
    "timed-out-midway": "the storage endpoint {endpoint} did not answer within {seconds} s, {attempts} times in a "
    "row ({operation}), mid-publish; the bucket still serves a consistent site; check the network (on a slow "
    "link, raise read_timeout or connect_timeout in [publish]), then run 'sitegen publish' again to finish "
    "({done} of {total} uploads had arrived)",
    "interrupted": "publish interrupted; the bucket still serves a consistent site; run 'sitegen publish' "
    "again to finish ({done} of {total} uploads had arrived)",
    "bad-client": "boto3 cannot use the [publish] settings ({detail}); check endpoint_url, region, "
    "addressing_style and signature_version",
    "request-failed": "boto3 could not send {operation} of '{key}' ({detail}); check the [publish] settings",
    "write-failed": "cannot write {path}: {detail}",
    "unsafe-path": "'{path}' is not a path inside the target; publish does not write, read or delete it",
    "read-failed": "cannot read {path} from the build: {detail}; run 'sitegen build' again",
    # the plan
    "too-many-deletes": "this publish would delete {count} files (more than --max-deletes {limit}), "
    "e.g. {examples}; check --prefix and output/, then pass --force or a higher --max-deletes",
    "index-in-output": "the build output contains '{key}', a name publish keeps for itself; rename that file",
}

# Exit statuses: 1 for a publish that failed, 2 for a wrong command line or settings, 130 for Ctrl-C.
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
_USAGE_CODES = {"no-bucket", "bad-target", "bad-option", "bad-profile", "bad-client"}


class PublishError(UsageError):
    """A publish that cannot start or did not finish. The CLI prints `str(error)` and exits `exit_status`.

    A UsageError so that a CLI which knows only UsageError still prints one clean line (exit 2)."""

    def __init__(self, code: str, exit_status: int | None = None, /, **params: Any) -> None:
        self.code = code
        self.params = params
        if exit_status is None:
            exit_status = EXIT_USAGE if code in _USAGE_CODES else EXIT_FAILED
        self.exit_status = exit_status
        super().__init__(self.message)

    @property
    def message(self) -> str:
        template = MESSAGES.get(self.code, self.code)
        try:
            return template.format(**self.params)
        except (KeyError, IndexError):
            return f"{template} {self.params}"

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "params": self.params}


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

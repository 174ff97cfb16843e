"""`sitegen publish`: the flags, and one run from the build manifest to the bucket.

The main CLI parses the common flags, loads sitegen.toml and calls `run`; errors come back
as `PublishError` (with `exit_status`) for the CLI to print. With `--json` the plan or the
result goes to stdout as one JSON object (also on failure, then the error is re-raised), so
CI can read it; the human summary line then goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from sitegen.config import SiteConfig
from sitegen.messages import DEFAULT, Msg, msg, render
from sitegen.publish.errors import PublishError
from sitegen.publish.headers import HeaderRules
from sitegen.publish.local import LocalStore
from sitegen.publish.manifest import read_manifest
from sitegen.publish.plan import LocalObject, check_deletes, local_objects
from sitegen.publish.remote_index import INDEX_NAME
from sitegen.publish.report import plan_lines, progress_label, summary_line
from sitegen.publish.s3 import S3Store
from sitegen.publish.settings import (
    ADDRESSING_STYLES,
    DEFAULT_ATTEMPTS,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
)
from sitegen.publish.sync import Outcome, Progress, Store, dry_run, execute
from sitegen.publish.target import LocalTarget, Target, resolve_target, target_warnings
from sitegen.untrusted import json_safe, visible

DEFAULT_MAX_DELETES = 256
DRY_RUN_LIMIT = 10  # paths shown per kind of change


class Reporter(Protocol):
    """What publish needs from the CLI's console (the progress bar it draws itself, see ConsoleReporter)."""

    def info(self, message: Msg | str) -> None: ...


@dataclass
class ConsoleReporter:
    """A plain Reporter: lines to `stream`, a one-line bar redrawn in place when it is a terminal.

    Publish draws its own bar rather than the CLI's page bar, which stays hidden below 200 items:
    twenty large photos over a rural uplink take long enough to need one."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    _drawn: float = field(default=-1.0, init=False, repr=False)

    lang: str = "en"

    def text(self, message: Msg | str) -> str:
        return message.text(self.lang) if isinstance(message, Msg) else message

    def info(self, message: Msg | str) -> None:
        print(self.text(message), file=self.stream, flush=True)

    def progress(self, done: int, total: int, label: str) -> None:
        if not self.stream.isatty():
            return
        now = time.monotonic()
        if done < total and self._drawn >= 0 and now - self._drawn < 0.1:
            return  # at most ten redraws a second; the first and the last are always drawn
        self._drawn = -1.0 if done >= total else now
        width = 30
        filled = width * done // total if total else width
        end = "\n" if done >= total else ""
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {label}",
              end=end, file=self.stream, flush=True)

    def end_line(self) -> None:
        """Close a bar left half-way (a failed publish), so the error starts on its own line."""
        if self._drawn >= 0:
            print(file=self.stream, flush=True)
            self._drawn = -1.0


def add_arguments(parser: argparse.ArgumentParser, h: Callable[..., str] | None = None) -> None:
    """Publish's own flags; each target flag overrides the same key of [publish] in sitegen.toml.
    `h(code, **params)`: the help text of `help-<code>` in the chosen language (English unless given)."""
    if h is None:
        def h(code: str, **params: Any) -> str:
            return render(f"help-{code}", params)

    where = parser.add_argument_group(h("publish-where"))
    where.add_argument("--bucket", help=h("publish-bucket"))
    where.add_argument("--prefix", help=h("publish-prefix"))
    where.add_argument("--endpoint-url", dest="endpoint_url", metavar="URL", help=h("publish-endpoint-url"))
    where.add_argument("--region", help=h("publish-region"))
    where.add_argument("--addressing-style", dest="addressing_style", choices=ADDRESSING_STYLES,
                       help=h("publish-addressing-style"))
    where.add_argument("--signature-version", dest="signature_version", metavar="VERSION",
                       help=h("publish-signature-version"))
    where.add_argument("--profile", help=h("publish-profile"))
    where.add_argument("--target", metavar="URL", help=h("publish-target"))
    how = parser.add_argument_group(h("publish-how"))
    how.add_argument("--workers", type=int, metavar="N", help=h("publish-workers"))
    how.add_argument("--connect-timeout", dest="connect_timeout", type=float, metavar="S",
                     help=h("publish-connect-timeout", default=DEFAULT_CONNECT_TIMEOUT))
    how.add_argument("--read-timeout", dest="read_timeout", type=float, metavar="S",
                     help=h("publish-read-timeout", default=DEFAULT_READ_TIMEOUT))
    how.add_argument("--attempts", type=int, metavar="N", help=h("publish-attempts", default=DEFAULT_ATTEMPTS))
    how.add_argument("--gzip", action=argparse.BooleanOptionalAction, default=None, help=h("publish-gzip"))
    how.add_argument("--dry-run", dest="dry_run", action="store_true", help=h("publish-dry-run"))
    how.add_argument("--json", action="store_true", help=h("publish-json"))
    how.add_argument("--no-delete", dest="no_delete", action="store_true", help=h("publish-no-delete"))
    how.add_argument("--max-deletes", dest="max_deletes", type=int, default=DEFAULT_MAX_DELETES, metavar="N",
                     help=h("publish-max-deletes", default=DEFAULT_MAX_DELETES))
    how.add_argument("--force", action="store_true", help=h("publish-force"))
    how.add_argument("--allow-drafts", dest="allow_drafts", action="store_true", help=h("publish-allow-drafts"))


def run(args: argparse.Namespace, config: SiteConfig, output_dir: Path, ui: Reporter) -> int:
    """Publish `output_dir`. Returns the exit status; raises PublishError when it cannot."""
    as_json = bool(getattr(args, "json", False))
    report: dict[str, Any] = {"status": "error", "dry_run": bool(args.dry_run)}
    try:
        return _run(args, config, output_dir, ui, report)
    except PublishError as exc:
        if as_json:
            report["error"] = exc.as_json(getattr(ui, "lang", DEFAULT))  # its text in the CLI's language
            _print_json(report)
        raise


def _run(args: argparse.Namespace, config: SiteConfig, output_dir: Path, ui: Reporter,
         report: dict[str, Any]) -> int:
    as_json = bool(args.json)
    lang = getattr(ui, "lang", DEFAULT)  # the CLI's language; English for a Reporter that has none

    def words(message: Msg | str) -> str:
        return message.text(lang) if isinstance(message, Msg) else message

    say = ui.info if not as_json else (lambda m: _to_stderr(words(m)))
    if args.max_deletes < 0:
        raise PublishError("bad-option", option="--max-deletes", expected=msg("expect-zero-or-more"),
                           value=args.max_deletes)
    target = resolve_target(config.publish, vars(args), args.target)
    report["target"] = target.describe()
    manifest = read_manifest(output_dir)
    if manifest.drafts and not args.allow_drafts:
        raise PublishError("drafts-in-output", path=str(output_dir))
    gzip = config.publish.gzip if args.gzip is None else args.gzip
    rules = HeaderRules(config.publish.headers, gzip=gzip and not isinstance(target, LocalTarget))
    local = local_objects(manifest, rules)
    if any(o.path == INDEX_NAME for o in local):
        raise PublishError("index-in-output", key=INDEX_NAME)
    warnings = target_warnings(target, config.base_url)
    report["warnings"] = [w.text(lang) for w in warnings]
    for warning in warnings:
        say(msg("warning-prefix", text=warning))
    store = open_store(target, output_dir)
    delete = not args.no_delete
    if args.dry_run:
        outcome = dry_run(store, local, workers=target.workers, delete=delete)
        refusal = _refusal(outcome, args)
        report.update(status="dry-run", plan=outcome.plan.as_json(), result=outcome.as_json())
        if refusal:
            report["refusal"] = refusal.as_json(lang)
        if as_json:
            _print_json(report)
        else:
            for line in plan_lines(outcome.plan, DRY_RUN_LIMIT):
                ui.info(line)
        if refusal:
            say(msg("publish-would-stop", text=refusal.as_msg()))
        say(summary_line(outcome, target.describe(), dry_run=True))
        return refusal.exit_status if refusal else 0
    bar = ConsoleReporter(sys.stderr)
    show = not as_json and getattr(ui, "verbosity", 0) >= 0
    try:
        outcome = execute(store, local, output_dir, workers=target.workers, delete=delete,
                          max_deletes=args.max_deletes, force=args.force, progress=_progress(bar, show, words))
    finally:
        bar.end_line()
    report.update(status="ok", plan=outcome.plan.as_json(), result=outcome.as_json())
    if as_json:
        _print_json(report)
    say(summary_line(outcome, target.describe(), dry_run=False))
    return 0


def open_store(target: Target, output_dir: Path) -> Store:
    if isinstance(target, LocalTarget):
        return LocalStore(target.folder, output_dir)
    return S3Store(target)


def objects_for(config: SiteConfig, output_dir: Path, gzip: bool | None = None) -> tuple[LocalObject, ...]:
    """The built files with their headers under `config`'s rules (for tools such as the benchmark)."""
    use_gzip = config.publish.gzip if gzip is None else gzip
    return local_objects(read_manifest(output_dir), HeaderRules(config.publish.headers, gzip=use_gzip))


def _refusal(outcome: Outcome, args: argparse.Namespace) -> PublishError | None:
    try:
        check_deletes(outcome.plan, args.max_deletes, args.force)
    except PublishError as exc:
        return exc
    return None


def _progress(bar: ConsoleReporter, show: bool, text: Callable[[Msg], str]) -> Progress:
    """Files and bytes while uploading, when a person is watching (the bar draws only on a terminal)."""

    def report(done: int, total: int, done_bytes: int, total_bytes: int) -> None:
        if show and total:
            bar.progress(done, total, text(progress_label(done_bytes, total_bytes)))
    return report


def _print_json(report: dict[str, Any]) -> None:
    """One line whatever it holds: names listed in a bucket or folder are anyone's (see untrusted.json_safe)."""
    print(json_safe(json.dumps(report, ensure_ascii=False, sort_keys=True)), flush=True)


def _to_stderr(line: str) -> None:
    print(visible(line), file=sys.stderr, flush=True)

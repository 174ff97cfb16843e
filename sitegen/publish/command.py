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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from sitegen.config import SiteConfig
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

    def info(self, msg: str) -> None: ...


@dataclass
class ConsoleReporter:
    """A plain Reporter: lines to `stream`, a one-line bar redrawn in place when it is a terminal.

    Publish draws its own bar rather than the CLI's page bar, which stays hidden below 200 items:
    twenty large photos over a rural uplink take long enough to need one."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    _drawn: float = field(default=-1.0, init=False, repr=False)

    def info(self, msg: str) -> None:
        print(msg, file=self.stream, flush=True)

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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Publish's own flags; each target flag overrides the same key of [publish] in sitegen.toml."""
    where = parser.add_argument_group("where to publish (override [publish] in sitegen.toml)")
    where.add_argument("--bucket", help="bucket name")
    where.add_argument("--prefix", help="folder inside the bucket (default: the bucket root)")
    where.add_argument("--endpoint-url", dest="endpoint_url", metavar="URL",
                       help="S3-compatible endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com")
    where.add_argument("--region", help="region, e.g. cn-hangzhou or ap-guangzhou")
    where.add_argument("--addressing-style", dest="addressing_style", choices=ADDRESSING_STYLES,
                       help="virtual (bucket.host, needed by OSS and COS) or path (host/bucket, MinIO)")
    where.add_argument("--signature-version", dest="signature_version", metavar="VERSION",
                       help="request signing: s3v4 (default) or s3 (OSS's S3-compatible API)")
    where.add_argument("--profile", help="credentials profile from ~/.aws/credentials")
    where.add_argument("--target", metavar="URL",
                       help="file:///a/folder (write the site there) or s3://bucket/prefix")
    how = parser.add_argument_group("how")
    how.add_argument("--workers", type=int, metavar="N", help="parallel uploads (default 8)")
    how.add_argument("--connect-timeout", dest="connect_timeout", type=float, metavar="S",
                     help=f"seconds to connect, and to send each 128 KiB (default {DEFAULT_CONNECT_TIMEOUT})")
    how.add_argument("--read-timeout", dest="read_timeout", type=float, metavar="S",
                     help=f"seconds to wait for an answer (default {DEFAULT_READ_TIMEOUT})")
    how.add_argument("--attempts", type=int, metavar="N",
                     help=f"tries of each request before publish gives up (default {DEFAULT_ATTEMPTS})")
    how.add_argument("--gzip", action=argparse.BooleanOptionalAction, default=None,
                     help="store text files gzip-compressed with Content-Encoding: gzip")
    how.add_argument("--dry-run", dest="dry_run", action="store_true",
                     help="show what would be uploaded and deleted, and why; change nothing")
    how.add_argument("--json", action="store_true", help="print the plan or the result as one JSON object")
    how.add_argument("--no-delete", dest="no_delete", action="store_true",
                     help="keep remote files that the build no longer has")
    how.add_argument("--max-deletes", dest="max_deletes", type=int, default=DEFAULT_MAX_DELETES, metavar="N",
                     help=f"refuse to delete more than N files (default {DEFAULT_MAX_DELETES})")
    how.add_argument("--force", action="store_true", help="delete even more than --max-deletes files")
    how.add_argument("--allow-drafts", dest="allow_drafts", action="store_true",
                     help="publish a site built with --drafts (products marked draft: true are then public)")


def run(args: argparse.Namespace, config: SiteConfig, output_dir: Path, ui: Reporter) -> int:
    """Publish `output_dir`. Returns the exit status; raises PublishError when it cannot."""
    as_json = bool(getattr(args, "json", False))
    report: dict[str, Any] = {"status": "error", "dry_run": bool(args.dry_run)}
    try:
        return _run(args, config, output_dir, ui, report)
    except PublishError as exc:
        if as_json:
            report["error"] = exc.as_json()
            _print_json(report)
        raise


def _run(args: argparse.Namespace, config: SiteConfig, output_dir: Path, ui: Reporter,
         report: dict[str, Any]) -> int:
    as_json = bool(args.json)
    say = ui.info if not as_json else _to_stderr
    if args.max_deletes < 0:
        raise PublishError("bad-option", option="--max-deletes", expected="0 or more", value=args.max_deletes)
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
    report["warnings"] = warnings
    for warning in warnings:
        say(f"warning: {warning}")
    store = open_store(target, output_dir)
    delete = not args.no_delete
    if args.dry_run:
        outcome = dry_run(store, local, workers=target.workers, delete=delete)
        refusal = _refusal(outcome, args)
        report.update(status="dry-run", plan=outcome.plan.as_json(), result=outcome.as_json())
        if refusal:
            report["refusal"] = refusal.as_json()
        if as_json:
            _print_json(report)
        else:
            for line in plan_lines(outcome.plan, DRY_RUN_LIMIT):
                ui.info(line)
        if refusal:
            say(f"warning: a real publish would stop here: {refusal.message}")
        say(summary_line(outcome, target.describe(), dry_run=True))
        return refusal.exit_status if refusal else 0
    bar = ConsoleReporter(sys.stderr)
    show = not as_json and getattr(ui, "verbosity", 0) >= 0
    try:
        outcome = execute(store, local, output_dir, workers=target.workers, delete=delete,
                          max_deletes=args.max_deletes, force=args.force, progress=_progress(bar, show))
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


def _progress(bar: ConsoleReporter, show: bool) -> Progress:
    """Files and bytes while uploading, when a person is watching (the bar draws only on a terminal)."""

    def report(done: int, total: int, done_bytes: int, total_bytes: int) -> None:
        if show and total:
            bar.progress(done, total, progress_label(done_bytes, total_bytes))
    return report


def _print_json(report: dict[str, Any]) -> None:
    """One line whatever it holds: names listed in a bucket or folder are anyone's (see untrusted.json_safe)."""
    print(json_safe(json.dumps(report, ensure_ascii=False, sort_keys=True)), flush=True)


def _to_stderr(msg: str) -> None:
    print(visible(msg), file=sys.stderr, flush=True)

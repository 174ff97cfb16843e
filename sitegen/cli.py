"""The command line: parse arguments, run one command, and print problems.

This is the only module that prints. Problems arrive as data and leave as
`path:line: message` lines (or JSON lines); a traceback is shown only for a real bug.
What it prints may hold text from an untrusted catalog (values, file names): each line
goes out with its control characters written visibly, so that none acts on the terminal,
and each JSON line stays one line for any reader.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path

from sitegen import __version__
from sitegen.errors import ContentError, Problem, UsageError, by_place, counted, did_you_mean
from sitegen.untrusted import json_safe, visible

# Below these counts the work is over in about a second: a progress bar would only flicker.
_MIN_TOTAL = {"pages": 200, "photos": 8}


class Reporter:
    """Where human-readable output goes: summaries on stdout, problems and progress on stderr."""

    def __init__(self, verbosity: int = 0):
        self.verbosity = verbosity
        self.tty = sys.stderr.isatty()
        self._last = 0.0

    def info(self, message: str) -> None:
        if self.verbosity >= 0:
            print(visible(message), flush=True)

    def detail(self, message: str) -> None:
        if self.verbosity > 0:
            say(message)

    def progress(self, done: int, total: int, label: str = "pages") -> None:
        if not self.tty or self.verbosity < 0 or total < _MIN_TOTAL.get(label, 0):
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {label}", end=end, file=sys.stderr,
              flush=True)

    def problems(self, problems: list[Problem], as_json: bool = False, limit: int | None = None) -> None:
        shown = problems if limit is None else problems[:limit]
        for p in shown:
            if as_json:
                print(json_safe(json.dumps(p.as_json(), ensure_ascii=False)), file=sys.stdout)
            else:
                say(problem_line(p))
        if len(shown) < len(problems):
            say(f"… and {len(problems) - len(shown):,} more warnings (run 'sitegen check' to see all)")


def problem_line(p: Problem) -> str:
    """A problem as `sitegen check` prints it: `path:line: message`."""
    return f"{p.location()}: {'warning: ' if p.severity == 'warning' else ''}{p.message}"


def say(message: str) -> None:
    """One line on stderr, shown as it is: a file name or a value cannot move the cursor, clear the screen,
    change the window title or start a new line."""
    print(visible(message), file=sys.stderr)


def _parser(with_publish: bool = True) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path("."), help="the catalog folder (default: here)")
    common.add_argument("-q", "--quiet", action="count", default=0, help="print only problems")
    common.add_argument("-v", "--verbose", action="count", default=0, help="print more")
    parser = argparse.ArgumentParser(prog="sitegen", description="Build county brand catalogs as static sites.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    b = sub.add_parser("build", parents=[common], help="check the catalog and build the site into output/")
    b.add_argument("--output", type=Path, help="where to write the site (default: ROOT/output)")
    b.add_argument("--drafts", action="store_true", help="include products marked draft: true")
    b.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per core)")

    c = sub.add_parser("check", parents=[common], help="report every problem in the catalog; change nothing")
    c.add_argument("--format", choices=["text", "json"], default="text", help="json: one problem per line")

    s = sub.add_parser("serve", parents=[common], help="preview the catalog in a browser as you edit it")
    s.add_argument("--port", type=int, default=8000, help="default: 8000 (0: any free port)")
    s.add_argument("--host", default="127.0.0.1",
                   help="default: 127.0.0.1, this computer only; 0.0.0.0 lets phones on the same network see it")
    s.add_argument("--drafts", action="store_true", help="show products marked draft: true, with a 草稿 badge")
    s.add_argument("--open", action="store_true", help="open the preview in the browser")
    s.add_argument("--poll", action="store_true",
                   help="notice changes by polling (WSL, Docker bind mounts and network drives give no events)")
    s.add_argument("--jobs", type=int, default=0, help="worker processes for the first build (default: one per core)")

    n = sub.add_parser("new", help="create a brand or product with every field explained")
    kinds = n.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    nb = kinds.add_parser("brand", parents=[common], help="sitegen new brand <id> --name 名称")
    nb.add_argument("id")
    nb.add_argument("--name", required=True)
    np_ = kinds.add_parser("product", parents=[common], help='sitegen new product <brand-id> "中文标题" [--id ID]')
    np_.add_argument("brand")
    np_.add_argument("title")
    np_.add_argument("--id", dest="product_id", help="folder name (default: pinyin of the title)")

    p = sub.add_parser("publish", parents=[common], help="upload output/ to S3-compatible object storage")
    p.add_argument("--output", type=Path, help="the built site (default: ROOT/output)")
    if with_publish:  # boto3 takes a tenth of a second to import: only when publishing
        from sitegen.publish import command as publish_command

        publish_command.add_arguments(p)
    return parser


COMMANDS = ("serve", "check", "build", "new", "publish")

# `sitegen` alone: what an editor who has just installed it needs, in both languages, not a usage error
OVERVIEW = """sitegen — 区域公用品牌产品目录 (county brand catalogs)

  sitegen serve     边改边看：在浏览器里预览，保存即更新 (live preview as you edit)
  sitegen check     检查全部文件，列出所有问题 (report every problem; change nothing)
  sitegen build     生成网站到 output/ (build the site into output/)
  sitegen new       新建品牌或产品，每个字段都有说明 (create a brand or product)
  sitegen publish   上传到对象存储 (upload output/ to object storage)

sitegen <命令> --help 查看详细用法 (a command's options); sitegen --version"""


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if not words:
        print(OVERVIEW)
        return 0
    if not words[0].startswith("-") and words[0] not in COMMANDS:
        say(f"sitegen: unknown command '{words[0]}'{did_you_mean(words[0], COMMANDS, 'commands')}")
        return 2
    parser = _parser(with_publish="publish" in words)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else 2
    ui = Reporter(args.verbose - args.quiet)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler), signal.signal(signal.SIGTERM, _stopped)
    try:
        return _run(args, ui)
    except ContentError as exc:
        as_json = getattr(args, "format", "text") == "json"
        ui.problems(sorted(exc.problems, key=by_place), as_json=as_json)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        if not as_json:
            say(f"{counted(errors, 'error')}: nothing was built or changed" if args.command == "build"
                else counted(errors, "error"))
        return 1
    except UsageError as exc:  # also a failed publish, which says its own exit status (1, or 130 for Ctrl-C)
        say(f"sitegen: {exc}")
        return getattr(exc, "exit_status", 2)
    except KeyboardInterrupt as exc:
        stopped = isinstance(exc, Stopped)
        say(f"{'stopped' if stopped else 'interrupted'}{_AFTER_INTERRUPT.get(args.command, '')}")
        return 143 if stopped else 130
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


class Stopped(KeyboardInterrupt):
    """SIGTERM (a CI runner cancelling the job, `kill`): the same clean-up as Ctrl-C, exit status 143."""


def _stopped(signum: int, frame: object) -> None:
    raise Stopped


# What a Ctrl-C leaves behind, by command: each of them is built so that it never leaves half a result.
_AFTER_INTERRUPT = {
    "build": ": nothing half-written; output/ holds the last complete build",
    "publish": ": the bucket still serves a complete site; run 'sitegen publish' again to finish",
}


def _run(args: argparse.Namespace, ui: Reporter) -> int:
    root: Path = args.root
    if not root.is_dir():
        raise UsageError(f"--root {root} is not a folder")
    if args.command == "check":
        return _check(args, ui)
    if args.command == "build":
        return _build(args, ui)
    if args.command == "serve":
        return _serve(args, ui)
    if args.command == "new":
        from sitegen.scaffold import new_brand, new_product

        path = new_brand(root, args.id, args.name) if args.kind == "brand" else new_product(
            root, args.brand, args.title, args.product_id)
        ui.info(f"created {path.relative_to(root)}" + ("" if args.kind == "brand" else
                " (a draft: 'sitegen serve --drafts' shows it; remove the line 'draft: true' when it is ready)"))
        return 0
    if args.command == "publish":
        from sitegen.config import load_config
        from sitegen.publish import command as publish_command

        config, problems = load_config(root)
        if config is None or any(p.severity == "error" for p in problems):
            raise ContentError(problems)
        output = args.output or root / "output"
        return publish_command.run(args, config, output, ui)
    raise UsageError(f"unknown command {args.command}")


def _check(args: argparse.Namespace, ui: Reporter) -> int:
    from sitegen.build import check, check_photos

    started = time.perf_counter()
    checked = check(args.root, templates=True, keep_going=True)  # every problem in one run, photos' too
    found = [*checked.warnings, *check_photos(args.root, checked)]
    if any(p.severity == "error" for p in found):
        raise ContentError(found)
    warnings = sorted(found, key=by_place)
    ui.problems(warnings, as_json=args.format == "json")
    if args.format == "text":
        content = checked.content
        ui.info(f"checked {counted(len(content.brands), 'brand')} and {counted(len(content.products), 'product')} "
                f"in {time.perf_counter() - started:.1f} s: no errors, {counted(len(warnings), 'warning')}")
    return 0


def _build(args: argparse.Namespace, ui: Reporter) -> int:
    from sitegen.build import BuildOptions, build

    output = args.output or args.root / "output"
    result = build(BuildOptions(args.root, output, drafts=args.drafts, jobs=args.jobs), progress=ui.progress,
                   waiting=lambda: ui.info("another 'sitegen build' of this catalog is running; waiting for it "
                                           "to finish…"))
    if ui.verbosity >= 0:
        ui.problems(sorted(result.warnings, key=by_place), limit=None if ui.verbosity > 0 else 10)
    if ui.verbosity > 0:
        ui.detail(", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()))
    ui.info(f"built {counted(result.pages, 'page')} in {result.seconds:.1f} s "
            f"({result.rendered:,} rendered, {counted(result.written, 'file')} written) → {output}")
    return 0


def _serve(args: argparse.Namespace, ui: Reporter) -> int:
    from sitegen.serve.preview import ServeOptions, Terminal, serve

    def qr(url: str) -> None:
        import segno

        segno.make(url, error="m").terminal(out=sys.stdout, compact=True)

    terminal = Terminal(info=ui.info, warn=say, line=problem_line, qr=qr)
    return serve(ServeOptions(args.root, args.port, args.host, args.drafts, args.open, args.poll, args.jobs),
                 terminal)

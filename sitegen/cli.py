"""The command line: parse arguments, run one command, and print problems.

This is the only module that prints. Problems arrive as data and leave as
`path:line: message` lines (or JSON lines); a traceback is shown only for a real bug.
What it prints may hold text from an untrusted catalog (values, file names): each line
goes out with its control characters written visibly, so that none acts on the terminal,
and each JSON line stays one line for any reader.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.errors import ContentError, Problem, UsageError, by_place, did_you_mean
from sitegen.messages import Msg, choose, msg, render, supported, text_of
from sitegen.messages.english_commands import ARGPARSE
from sitegen.untrusted import json_safe, visible

# Below these counts the work is over in about a second: a progress bar would only flicker.
_MIN_TOTAL = {"pages": 200, "photos": 8}


class Reporter:
    """Where human-readable output goes: summaries on stdout, problems and progress on stderr."""

    def __init__(self, verbosity: int = 0, lang: str = "en"):
        self.verbosity = verbosity
        self.lang = lang
        self.tty = sys.stderr.isatty()
        self._last = 0.0

    def text(self, message: Msg | str) -> str:
        return message.text(self.lang) if isinstance(message, Msg) else message

    def info(self, message: Msg | str) -> None:
        if self.verbosity >= 0:
            print(visible(self.text(message)), flush=True)

    def warn(self, message: Msg | str) -> None:
        say(self.text(message))

    def detail(self, message: Msg | str) -> None:
        if self.verbosity > 0:
            say(self.text(message))

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
        words = text_of(f"progress-{label}", self.lang)
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {words}", end=end, file=sys.stderr,
              flush=True)

    def problems(self, problems: list[Problem], as_json: bool = False, limit: int | None = None) -> None:
        shown = problems if limit is None else problems[:limit]
        for p in shown:
            if as_json:
                print(json_safe(json.dumps(p.as_json(self.lang), ensure_ascii=False)), file=sys.stdout)
            else:
                say(problem_line(p, self.lang))
        if len(shown) < len(problems):
            self.warn(msg("more-warnings", count=len(problems) - len(shown)))


def problem_line(p: Problem, lang: str = "en") -> str:
    """A problem as `sitegen check` prints it: `path:line: message`."""
    text = p.text(lang)
    return f"{p.location()}: {msg('warning-prefix', text=text).text(lang) if p.severity == 'warning' else text}"


def say(message: str) -> None:
    """One line on stderr, shown as it is: a file name or a value cannot move the cursor, clear the screen,
    change the window title or start a new line."""
    print(visible(message), file=sys.stderr)


def _parser(lang: str, with_publish: bool = True) -> argparse.ArgumentParser:
    def h(code: str, **params: Any) -> str:
        return render(f"help-{code}", params, lang)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-h", "--help", action="help", help=h("help"))
    common.add_argument("--root", type=Path, default=Path("."), help=h("root"))
    common.add_argument("-q", "--quiet", action="count", default=0, help=h("quiet"))
    common.add_argument("-v", "--verbose", action="count", default=0, help=h("verbose"))
    common.add_argument("--lang", type=_language, metavar="zh-CN|en", help=h("lang"))
    parser = argparse.ArgumentParser(prog="sitegen", description=h("sitegen"), add_help=False)
    parser.add_argument("-h", "--help", action="help", help=h("help"))
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}", help=h("version"))
    parser.add_argument("--lang", type=_language, metavar="zh-CN|en", help=h("lang"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=h("commands"))
    sub.required = True

    def command(name: str, parent: Any = sub, **kwargs: Any) -> argparse.ArgumentParser:
        made: argparse.ArgumentParser = parent.add_parser(name, help=h(name), description=h(name), add_help=False,
                                                          **kwargs)
        return made

    b = command("build", parents=[common])
    b.add_argument("--output", type=Path, help=h("build-output"))
    b.add_argument("--drafts", action="store_true", help=h("build-drafts"))
    b.add_argument("--jobs", type=int, default=0, help=h("jobs"))

    c = command("check", parents=[common])
    c.add_argument("--format", choices=["text", "json"], default="text", help=h("check-format"))

    s = command("serve", parents=[common])
    s.add_argument("--port", type=int, default=8000, help=h("serve-port"))
    s.add_argument("--host", default="127.0.0.1", help=h("serve-host"))
    s.add_argument("--drafts", action="store_true", help=h("serve-drafts"))
    s.add_argument("--open", action="store_true", help=h("serve-open"))
    s.add_argument("--poll", action="store_true", help=h("serve-poll"))
    s.add_argument("--jobs", type=int, default=0, help=h("serve-jobs"))

    n = command("new")
    n.add_argument("-h", "--help", action="help", help=h("help"))
    kinds = n.add_subparsers(dest="kind", metavar="KIND", title=h("kinds"))
    kinds.required = True
    nb = command("brand", kinds, parents=[common])
    nb.add_argument("id", help=h("new-brand-id"))
    nb.add_argument("--name", required=True, help=h("new-brand-name"))
    np_ = command("product", kinds, parents=[common])
    np_.add_argument("brand", help=h("new-product-brand"))
    np_.add_argument("title", help=h("new-product-title"))
    np_.add_argument("--id", dest="product_id", help=h("new-product-id"))

    p = command("publish", parents=[common])
    p.add_argument("--output", type=Path, help=h("publish-output"))
    if with_publish:  # boto3 takes a tenth of a second to import: only when publishing
        from sitegen.publish import command as publish_command

        publish_command.add_arguments(p, h)
    return parser


COMMANDS = ("serve", "check", "build", "new", "publish")

def language(words: list[str], environ: Mapping[str, str]) -> str:
    """The language to speak, decided before the arguments are parsed, so that --help and argparse's own
    complaints are in it too: --lang, SITEGEN_LANG, the locale, then the language of the catalog in --root."""
    flag = _option(words, "--lang")
    root = Path(_option(words, "--root") or ".")
    return choose(flag, environ, None if flag else catalog_language(root))


def _option(words: list[str], name: str) -> str | None:
    value = None
    for i, word in enumerate(words):
        if word == "--":
            break
        if word == name and i + 1 < len(words):
            value = words[i + 1]
        elif word.startswith(name + "="):
            value = word[len(name) + 1:]
    return value


def catalog_language(root: Path) -> str | None:
    """`language` of ROOT/sitegen.toml (zh-CN when it says none) when it can be read at a glance; `sitegen check`
    reports anything else."""
    import tomllib

    from sitegen.config import DEFAULT_LANGUAGE
    from sitegen.fsutil import read_regular
    from sitegen.untrusted import MAX_CONFIG_BYTES

    data = read_regular(root / "sitegen.toml", MAX_CONFIG_BYTES)
    if data is None:
        return None
    try:
        value = tomllib.loads(data.decode("utf-8-sig")).get("language", DEFAULT_LANGUAGE)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, str) else None


@contextlib.contextmanager
def argparse_in(lang: str) -> Iterator[None]:
    """argparse's own words (its usage line, section titles, complaints) in `lang`: argparse looks each one up
    through its module's `_` as it parses, so that lookup is pointed at sitegen's catalog while it does."""
    codes = {english: code for code, english in ARGPARSE.items()}
    original = argparse._  # type: ignore[attr-defined]

    def translated(english: str) -> str:
        code = codes.get(english)
        return text_of(code, lang) if code else english

    argparse._ = translated  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


def _language(value: str) -> str:
    lang = supported(value)
    if lang is None:
        raise argparse.ArgumentTypeError(f"{value!r}: zh-CN, en")
    return lang


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    lang = language(words, os.environ)
    if not words:
        print(msg("overview").text(lang))
        return 0
    if not words[0].startswith("-") and words[0] not in COMMANDS:
        say(msg("unknown-command", word=words[0], hint=did_you_mean(words[0], COMMANDS, "commands")).text(lang))
        return 2
    try:
        with argparse_in(lang):  # argparse names its sections as the parser is made
            args = _parser(lang, with_publish="publish" in words).parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else 2
    ui = Reporter(args.verbose - args.quiet, lang)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler), signal.signal(signal.SIGTERM, _stopped)
    try:
        return _run(args, ui)
    except ContentError as exc:
        as_json = getattr(args, "format", "text") == "json"
        ui.problems(sorted(exc.problems, key=by_place), as_json=as_json)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        if not as_json:
            ui.warn(msg("errors-summary-build" if args.command == "build" else "errors-summary", errors=errors))
        return 1
    except UsageError as exc:  # also a failed publish, which says its own exit status (1, or 130 for Ctrl-C)
        ui.warn(msg("usage-failed", text=exc.text(lang)))
        return exc.exit_status
    except KeyboardInterrupt as exc:
        how = "stopped" if isinstance(exc, Stopped) else "interrupted"
        what = args.command if args.command in ("build", "publish") else "other"
        ui.warn(msg(f"{how}-{what}"))
        return 143 if how == "stopped" else 130
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


class Stopped(KeyboardInterrupt):
    """SIGTERM (a CI runner cancelling the job, `kill`): the same clean-up as Ctrl-C, exit status 143."""


def _stopped(signum: int, frame: object) -> None:
    raise Stopped


def _run(args: argparse.Namespace, ui: Reporter) -> int:
    root: Path = args.root
    if not root.is_dir():
        raise UsageError("root-not-folder", path=str(root))
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
        ui.info(msg(f"created-{args.kind}", path=str(path.relative_to(root))))
        return 0
    if args.command == "publish":
        from sitegen.config import load_config
        from sitegen.publish import command as publish_command

        config, problems = load_config(root)
        if config is None or any(p.severity == "error" for p in problems):
            raise ContentError(problems)
        output = args.output or root / "output"
        return publish_command.run(args, config, output, ui)
    raise UsageError("unknown-command", word=args.command, hint=did_you_mean(args.command, COMMANDS, "commands"))


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
        ui.info(msg("checked", brands=len(content.brands), products=len(content.products),
                    seconds=f"{time.perf_counter() - started:.1f}", warnings=len(warnings)))
    return 0


def _build(args: argparse.Namespace, ui: Reporter) -> int:
    from sitegen.build import BuildOptions, build

    output = args.output or args.root / "output"
    result = build(BuildOptions(args.root, output, drafts=args.drafts, jobs=args.jobs), progress=ui.progress,
                   waiting=lambda: ui.info(msg("build-waiting")))
    if ui.verbosity >= 0:
        ui.problems(sorted(result.warnings, key=by_place), limit=None if ui.verbosity > 0 else 10)
    if ui.verbosity > 0:
        ui.detail(", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()))
    ui.info(msg("built", pages=result.pages, seconds=f"{result.seconds:.1f}", rendered=result.rendered,
                written=result.written, output=str(output)))
    return 0


def _serve(args: argparse.Namespace, ui: Reporter) -> int:
    from sitegen.serve.preview import ServeOptions, Terminal, serve

    def qr(url: str) -> None:
        import segno

        segno.make(url, error="m").terminal(out=sys.stdout, compact=True)

    terminal = Terminal(info=ui.info, warn=ui.warn, line=lambda p: problem_line(p, ui.lang),
                        text=ui.text, qr=qr)
    return serve(ServeOptions(args.root, args.port, args.host, args.drafts, args.open, args.poll, args.jobs),
                 terminal)

"""Small catalogs written by the tests themselves, and a way to run the CLI on them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

TERMS = """\
[categories.tea]
zh = "茶叶"
en = "Tea"

[categories.rice]
zh = "大米"
en = "Rice"

[certifications.gi]
zh = "地理标志产品"
en = "Geographical Indication"
"""

CONFIG = """\
title = "测试品牌目录"
base_url = "https://shop.example.com/"
icp_record = "浙ICP备00000000号-1"
police_record = "浙公网安备 33000002000001号"
""" + "\n" + TERMS

BRAND = """\
---
name: 丽水山耕
province: 浙江省
county: 丽水市
summary: 丽水的生态农产品
---

## 品牌故事

丽水山耕是丽水市的区域公用品牌。
"""

PRODUCT = """\
---
title: {title}
category: {category}
images:
  - {{file: photo.jpg, alt: 一杯茶}}
price: {{amount: 68, unit: 250g}}
season: [9, 10]
certifications: [{{id: gi, number: "AGI-0001"}}]
---

## 介绍

遂昌菊米，香气清雅。
"""


def photo(path: Path, size: tuple[int, int] = (640, 480), color: tuple[int, int, int] = (120, 160, 90)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path, "JPEG", quality=80)


def deep_folder(folder: Path, levels: int = 1100) -> None:
    """A folder nested deeper than Python's stack (git stores it: 'a/' 1,100 times is 2,200 characters)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(levels):
        os.mkdir("a", dir_fd=fd)
        child = os.open("a", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(os.open("index.html", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
    os.close(fd)


@dataclass
class Catalog:
    root: Path

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def product(self, brand: str, pid: str, title: str = "遂昌菊米", category: str = "tea",
                text: str | None = None) -> Path:
        photo(self.root / "products" / brand / pid / "photo.jpg")
        return self.write(f"products/{brand}/{pid}/index.md",
                          text if text is not None else PRODUCT.format(title=title, category=category))

    @property
    def output(self) -> Path:
        return self.root / "output"


def make_catalog(root: Path, products: int = 2) -> Catalog:
    cat = Catalog(root)
    cat.write("sitegen.toml", CONFIG)
    cat.write("brands/lishui/index.md", BRAND)
    for i in range(products):
        cat.product("lishui", f"p{i + 1}", title=f"遂昌菊米{i + 1}")
    return cat


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it: a new process, real files, exit status and both streams."""
    return subprocess.run([sys.executable, "-m", "sitegen", *args, "--root", str(root)],
                          capture_output=True, text=True, timeout=120)


def run_here(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`run` without a new process, for tests where the process boundary is not what they are about: the same
    entry point (`sitegen.cli.main`), exit status and both streams, in a tenth of the time.

    As close to `run` as one process allows: file descriptors 1 and 2 go to files for the run (so what a forked
    worker writes is there too), sys.stdout and sys.stderr have the encoding and error handlers this Python
    gives a process's streams, warnings and log records are shown on stderr as Python shows them (Python's
    default warning filters, logging's last-resort handler; not collected by pytest), and the streams are read
    back as `run` reads them (decoded, universal newlines). Like `run`, a run
    that goes on for `timeout` seconds fails the test; one stuck where Python cannot interrupt it ends pytest
    with every thread's traceback a minute later, rather than hanging CI. A crash is an exception in the test,
    not a traceback in stderr. Not for anything about signals, the environment, stdin/tty or a real process.
    """
    import faulthandler
    import logging
    import signal
    import tempfile
    import warnings

    from sitegen.cli import main

    def expired(signum: int, frame: object) -> None:
        raise RunTimedOut(f"sitegen {' '.join(args)} ran for more than {timeout} s")

    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    streams = sys.stdout, sys.stderr
    backstop = open(os.dup(saved[2]), "w")  # noqa: SIM115 - faulthandler writes to the real stderr
    previous = signal.signal(signal.SIGALRM, expired)
    root_logger = logging.getLogger()
    handlers, root_logger.handlers = root_logger.handlers, []  # pytest's: without them, logging.lastResort
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        try:
            os.dup2(out_file.fileno(), 1)
            os.dup2(err_file.fileno(), 2)
            sys.stdout = open(1, "w", encoding=_ENCODING[0], errors=_ENCODING[1], closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", encoding=_ENCODING[0], errors=_ENCODING[2], closefd=False)  # noqa: SIM115
            faulthandler.dump_traceback_later(timeout + 60, exit=True, file=backstop)
            signal.setitimer(signal.ITIMER_REAL, timeout)
            with warnings.catch_warnings():  # Python's own filters: pytest's would collect warnings instead
                warnings.resetwarnings()
                for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                    warnings.simplefilter("ignore", category)
                warnings.showwarning = _show_warning
                status = main([*args, "--root", str(root)])
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            faulthandler.cancel_dump_traceback_later()
            signal.signal(signal.SIGALRM, previous)
            root_logger.handlers = handlers
            for stream in (sys.stdout, sys.stderr):
                if stream not in streams:
                    stream.close()
            sys.stdout, sys.stderr = streams
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)
            backstop.close()
        out, err = (_read_back(f) for f in (out_file, err_file))
    return subprocess.CompletedProcess(["sitegen", *args], status, out, err)


class RunTimedOut(BaseException):  # not an Exception: nothing in sitegen may take it for a problem of its own
    pass


# What `python -m sitegen` gets here (the same locale as this process): its streams' encoding and error handlers.
_ENCODING = (sys.__stdout__.encoding if sys.__stdout__ else "utf-8",
             sys.__stdout__.errors if sys.__stdout__ else "strict",
             sys.__stderr__.errors if sys.__stderr__ else "backslashreplace")


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    """Python's way of showing a warning: one formatted line on (the current) sys.stderr."""
    import warnings

    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _read_back(file: Any) -> str:
    """As subprocess.run(text=True) reads a child's output: the locale's encoding, universal newlines."""
    file.seek(0)
    return io.TextIOWrapper(io.BytesIO(file.read())).read()


def in_english(value: Any) -> Any:
    """A problem's JSON params with each nested message (a hint, a kind of value: {"code", "params"}) as its
    English text, so that a table of expected params reads as the message does."""
    from sitegen.messages import render

    if isinstance(value, dict) and value.keys() == {"code", "params"}:
        return render(value["code"], in_english(value["params"]))
    if isinstance(value, dict):
        return {k: in_english(v) for k, v in value.items()}
    if isinstance(value, list):
        return [in_english(v) for v in value]
    return value

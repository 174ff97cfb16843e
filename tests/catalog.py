"""Small catalogs written by the tests themselves, and a way to run the CLI on them."""

from __future__ import annotations

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


def run_here(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`run` without a new process, for the hundreds of `sitegen check` runs of the problem tables: the same
    entry point (`sitegen.cli.main`), exit status and both streams, in a tenth of the time. A crash is an
    exception in the test, not a traceback in stderr."""
    import contextlib
    import io

    from sitegen.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([*args, "--root", str(root)])
    return subprocess.CompletedProcess(["sitegen", *args], status, out.getvalue(), err.getvalue())


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

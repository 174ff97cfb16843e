"""The pages of docs/zh/mistakes/: one per common mistake, each with what sitegen really prints for it.

Every page is made by running `sitegen check --lang zh-CN` on a small catalog with the mistake in it, then on the
same catalog with the fix (which must check clean), so a page cannot show a message sitegen no longer prints or a
fix that does not work. `python -m tests.mistakes_zh` writes the pages; tests/test_docs_zh.py fails while the
committed ones differ from what it would write.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.catalog import BRAND, CONFIG, Catalog, photo, run_here

FOLDER = Path(__file__).resolve().parent.parent / "docs" / "zh" / "mistakes"
REL = "products/lishui/jumi/index.md"

GOOD = """\
---
title: 遂昌菊米
category: tea
images:
  - {file: photo.jpg, alt: 一杯菊米茶}
price: {amount: 68, unit: 250g}
season: [9, 10]
---

遂昌菊米，香气清雅。
"""


@dataclass(frozen=True)
class Mistake:
    slug: str
    title: str  # what the editor did, in their words
    why: str  # what sitegen reads there, in a sentence or two
    wrong: tuple[str, str]  # (a line of GOOD, what the editor wrote instead)
    right: tuple[str, str] | None = None  # the fix, when it is not GOOD itself
    files: dict[str, bytes | None] = field(default_factory=dict)  # extra files (None: a photo), beside index.md
    remove: tuple[str, ...] = ()  # files of the good catalog the mistake takes away


MISTAKES = (
    Mistake("chinese-colon", "字段名后面用了中文冒号",
            "字段名和值之间要用英文冒号“:”，后面再加一个空格。输入法在中文状态下打出的是“：”。"
            "sitegen 会按英文冒号读，但仍然报错，请改掉。",
            ("title: 遂昌菊米", "title：遂昌菊米")),
    Mistake("no-space", "冒号后面没有空格",
            "“origin:浙江”没有空格，YAML 会把整行当成一段文字，而不是字段 origin。",
            ("season: [9, 10]", "season: [9, 10]\norigin:浙江"),
            ("season: [9, 10]", "season: [9, 10]\norigin: 浙江")),
    Mistake("colon-in-value", "值里面有“冒号加空格”却没加引号",
            "值里出现“: ”时，YAML 以为又开始了一个字段。把整个值放进英文双引号里就好。",
            ("title: 遂昌菊米", "title: 遂昌菊米: 特级"),
            ("title: 遂昌菊米", 'title: "遂昌菊米: 特级"')),
    Mistake("tab", "用 Tab 键缩进",
            "字段区里只能用空格缩进，Tab 键打出的制表符 YAML 不认。",
            ("  - {file: photo.jpg", "\t- {file: photo.jpg")),
    Mistake("category-in-chinese", "分类写成了中文名称",
            "分类要写 sitegen.toml 里定义的英文代号，网页上显示的中文名称（茶叶）由 sitegen 自动换上。",
            ("category: tea", "category: 茶叶")),
    Mistake("misspelled-field", "字段名拼错了",
            "sitegen 只认识 docs/fields.md 里列出的字段，拼错的字段会被当成未知字段，原来的字段也就成了缺少的字段。",
            ("title: 遂昌菊米", "titel: 遂昌菊米")),
    Mistake("price-with-unit", "价格里带了“元”或“¥”",
            "price 只写数字；币种默认是人民币，规格（如 250g）写在 unit 里。",
            ("price: {amount: 68, unit: 250g}", "price: 68元"),
            ("price: {amount: 68, unit: 250g}", "price: 68")),
    Mistake("month-13", "上市月份写错",
            "season 是 1 到 12 的月份列表。",
            ("season: [9, 10]", "season: [9, 13]")),
    Mistake("chinese-brackets", "列表用了中文方括号和逗号",
            "列表要用英文的 [ ] 和英文逗号。",
            ("season: [9, 10]", "season: 【9，10】")),
    Mistake("photo-name", "照片文件名和 images 里写的不一样",
            "文件名要和 images 里写的完全一致，包括大小写和扩展名（手机照片常是 .JPG 或 .jpeg）。",
            ("  - {file: photo.jpg, alt: 一杯菊米茶}", "  - {file: Photo.JPG, alt: 一杯菊米茶}")),
    Mistake("no-alt", "照片没有写 alt 说明",
            "alt 是给看不见图片的顾客（盲人用读屏软件、网速慢图片没加载）的文字说明，请写上照片里是什么。",
            ("  - {file: photo.jpg, alt: 一杯菊米茶}", "  - photo.jpg")),
    Mistake("empty-photo", "照片是空文件",
            "照片没有复制完整（大小为 0 字节），通常是从手机或网盘复制时中断了。",
            ("title: 遂昌菊米", "title: 遂昌菊米"), files={"photo.jpg": b""}),
    Mistake("web-picture", "正文里用了别的网站上的图片",
            "网页上不会显示它，因为别的网站在国内常常很慢或打不开。请把照片保存到 index.md 旁边，并在 images 里列出。",
            ("遂昌菊米，香气清雅。", "遂昌菊米，香气清雅。\n\n![菊米](https://example.com/jumi.jpg)")),
    Mistake("index-name", "index.md 的名字不对",
            "Windows 默认隐藏扩展名，新建的“index.md”其实常常是“index.md.txt”。"
            "sitegen 只读名字正好是 index.md 的文件。",
            ("title: 遂昌菊米", "title: 遂昌菊米"), files={"index.md.txt": GOOD.encode()}, remove=("index.md",)),
    Mistake("dashes", "三个减号被换成了破折号",
            "字段区的开头和结尾都是一行三个英文减号 ---。手机输入法的“智能标点”会把它换成长破折号。",
            ("---\ntitle: 遂昌菊米", "———\ntitle: 遂昌菊米")),
)


def _catalog(root: Path, index: str | None, files: dict[str, bytes | None]) -> Catalog:
    catalog = Catalog(root)
    catalog.write("sitegen.toml", CONFIG)
    catalog.write("brands/lishui/index.md", BRAND)
    folder = root / "products/lishui/jumi"
    photo(folder / "photo.jpg")
    if index is not None:
        catalog.write(REL, index)
    for name, data in files.items():
        if data is None:
            photo(folder / name)
        else:
            (folder / name).write_bytes(data)
    return catalog


def _check(catalog: Catalog) -> tuple[int, list[str]]:
    """The exit status and what `sitegen check` prints on stderr: the problems, then the count of errors."""
    result = run_here(catalog.root, "check", "--lang", "zh-CN")
    return result.returncode, result.stderr.splitlines()


def page(mistake: Mistake, work: Path) -> str:
    """The page of one mistake; raises AssertionError when the mistake gives no message or the fix does not work."""
    old, new = mistake.wrong
    assert old in GOOD, mistake.slug
    wrong = GOOD.replace(old, new, 1)
    right = GOOD.replace(*mistake.right, 1) if mistake.right else GOOD
    files = {name: data for name, data in mistake.files.items()}
    status, said = _check(_catalog(work / "wrong", None if "index.md" in mistake.remove else wrong, files))
    assert said, (mistake.slug, "sitegen says nothing about it")
    fixed_status, fixed = _check(_catalog(work / "right", right, {}))
    assert (fixed_status, fixed) == (0, []), (mistake.slug, fixed)
    shown = f"products/lishui/jumi/{next(iter(mistake.files))}" if "index.md" in mistake.remove else REL
    written = (mistake.files[next(iter(mistake.files))] or b"").decode() if "index.md" in mistake.remove else wrong
    outcome = "这是提醒，不是错误：`sitegen check` 的退出状态仍是 0，网站照样生成。" if status == 0 else \
        "这是错误：`sitegen check` 的退出状态是 1，改好之前网站不会生成，CI 也不会发布。"
    lines = [f"# {mistake.title}", "", mistake.why, "", f"## 写成了这样（`{shown}`）", "", "```",
             written.rstrip("\n"), "```", "", "## `sitegen check` 会说", "", "```", *said, "```", "", outcome, "",
             f"## 改成这样（`{REL}`）", "", "```", right.rstrip("\n"), "```", "",
             "改好以后再运行 `sitegen check`，这个问题就不会再出现。", ""]
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """File name → text of every page, the index included."""
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, mistake in enumerate(MISTAKES):
            out[f"{mistake.slug}.md"] = page(mistake, Path(tmp) / str(i))
    index = ["# 常见错误", "",
             "每一页是一种新手常犯的错误：写成了什么样、`sitegen check` 怎么说（都是真实运行的结果）、怎么改。"
             "行号和文件名会随你的文件而不同。", ""]
    index += [f"- [{m.title}]({m.slug}.md)" for m in MISTAKES]
    out["README.md"] = "\n".join([*index, ""])
    return out


if __name__ == "__main__":
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (FOLDER / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(MISTAKES) + 1} pages to {FOLDER}")

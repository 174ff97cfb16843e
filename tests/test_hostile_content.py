"""Every file in a catalog repo is untrusted input.

Whatever a pull request puts in the front matter, in sitegen.toml or in the folder tree (impossible
YAML tags, numbers too long for Python, files too big to parse, control characters, links to files
outside the catalog, files nobody may read), `sitegen check` and `sitegen build` both answer with
`path:line: message` lines and exit 1: never a traceback, never minutes of work, never a byte from
outside the catalog, never a raw escape sequence on the editor's terminal. What check passes, build
builds.

The tables run sitegen in-process (`run_here`: the same entry point, exit status and streams, and a time
limit); what reaches a terminal, and files nobody may read, are checked with a real process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.untrusted import MAX_BODY_BYTES, MAX_FILE_BYTES, MAX_FRONT_MATTER_BYTES, MAX_VALUE_CHARS
from tests.catalog import CONFIG, Catalog, photo, run, run_here
from tests.unreadable import Locked

P = "products/lishui/p1/index.md"
B = "brands/lishui/index.md"
T = "sitegen.toml"
HEAD = "---\ntitle: x\ncategory: tea\nimages: [{file: photo.jpg, alt: 一杯茶}]\n"  # valid lines 1-4
BIG = "1" * 5000  # past Python's 4,300-digit limit for turning text into an integer
END = CONFIG.count("\n") + 1  # the first line of what a case appends to sitegen.toml
BOMB = "".join(f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefg", "bcdefgh", strict=True))


def _brand(*lines: str) -> str:
    return "---\nname: 丽水山耕\n" + "".join(f"{x}\n" for x in lines) + "---\n\n品牌故事。\n"


def _config(extra: str, first: str = "") -> str:
    return first + CONFIG + extra


# -- links and folders from elsewhere: `setup(catalog, outside)` with `outside` a folder beside the catalog


def _link(rel: str, target: str | Callable[[Path, Path], Path]) -> Callable[[Catalog, Path], None]:
    """Make `rel` a symbolic link to `target`: a path as written in the link, or one made from (root, outside).
    What was at `rel` is moved to outside/copy/<rel> first, so that a link there finds the same content."""

    def setup(catalog: Catalog, outside: Path) -> None:
        path, copy = catalog.root / rel, outside / "copy" / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and not path.is_symlink():
            shutil.move(path, copy)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target if isinstance(target, str) else target(catalog.root, outside), path)

    return setup


def _copy_of(rel: str) -> Callable[[Path, Path], Path]:
    return lambda root, outside: outside / "copy" / rel


def _new_photo(name: str) -> Callable[[Path, Path], Path]:
    def make(root: Path, outside: Path) -> Path:
        photo(outside / name)
        return outside / name

    return make


def _line_at(text: str, first_line: int, limit: int) -> int:
    """The line of `text` (which starts at `first_line`) holding its byte number `limit`: the first one past it."""
    return first_line + text.encode()[:limit].count(b"\n")


def _nested_link(catalog: Catalog, outside: Path) -> None:
    photo(outside / "x.jpg")
    (catalog.root / "products/lishui/p1/pics").mkdir()
    os.symlink(outside / "x.jpg", catalog.root / "products/lishui/p1/pics/x.jpg")


@dataclass(frozen=True)
class Case:
    """A hostile catalog: files written over the standard one (rel → text) and/or a setup, and the problem
    both commands must report for it."""

    name: str
    code: str
    path: str
    line: int | None
    files: tuple[tuple[str, str], ...] = ()
    setup: Callable[[Catalog, Path], None] | None = None


def fm(name: str, text: str, code: str, line: int, path: str = P) -> Case:
    return Case(name, code, path, line, ((path, text),))


def toml(name: str, text: str, code: str, line: int) -> Case:
    return Case(name, code, T, line, ((T, text),))


def link(name: str, code: str, path: str, setup: Callable[[Catalog, Path], None]) -> Case:
    return Case(name, code, path, None, setup=setup)


LONG_BODY = "一行文字。\n" * 70_000  # 16 bytes a line: 1,120,000 bytes
LONG_YAML = "tags:\n" + "  - 好茶\n" * 30_000  # 330,000 bytes, and 30,000 values
LONG_FILE = ("x" * 99 + "\n") * 50_000  # 5,000,000 bytes

HOSTILE = [
    # YAML tags whose value cannot be what the tag says, and tags sitegen does not read at all
    fm("bool-maybe", HEAD + "available: !!bool maybe\n---\n", "yaml-tag", 5),
    fm("int-empty", HEAD + "season: !!int ''\n---\n", "yaml-tag", 5),
    fm("float-empty", HEAD + "price: !!float ''\n---\n", "yaml-tag", 5),
    fm("timestamp-foo", HEAD + "date: !!timestamp foo\n---\n", "yaml-tag", 5),
    fm("int-nested", HEAD + "price:\n  unit: 盒\n  amount: !!int abc\n---\n", "yaml-tag", 7),
    fm("python-object", HEAD + "summary: !!python/object:os.system x\n---\n", "yaml-tag", 5),
    fm("python-name", HEAD + "summary: !!python/name:os.system ''\n---\n", "yaml-tag", 5),
    fm("binary-garbage", HEAD + "summary: !!binary 'a'\n---\n", "yaml-tag", 5),
    fm("binary-not-ascii", HEAD + "summary: !!binary 好茶\n---\n", "yaml-tag", 5),
    fm("set", HEAD + "tags: !!set {a, b}\n---\n", "yaml-tag", 5),
    fm("omap", HEAD + "tags: !!omap [a: 1]\n---\n", "yaml-tag", 5),
    fm("omap-bad", HEAD + "tags: !!omap [1]\n---\n", "yaml-tag", 5),
    fm("pairs", HEAD + "tags: !!pairs [a: 1]\n---\n", "yaml-tag", 5),
    fm("local-tag", HEAD + "origin: !local 丽水\n---\n", "yaml-tag", 5),
    fm("tag-on-brand", _brand("province: 浙江", "established: !!timestamp soon"), "yaml-tag", 4, B),
    # integers past Python's 4,300 digits, in every numeric field
    fm("big-amount", HEAD + f"price: {{amount: {BIG}}}\n---\n", "wrong-type", 5),
    fm("big-price", HEAD + f"price: {BIG}\n---\n", "wrong-type", 5),
    fm("big-variant", HEAD + f"variants:\n  - name: 礼盒\n    price: {BIG}\n---\n", "wrong-type", 7),
    fm("big-season", HEAD + f"season: [9, {BIG}]\n---\n", "bad-month", 5),
    fm("big-int-tag", HEAD + f"price: !!int {BIG}\n---\n", "wrong-type", 5),
    fm("big-date", HEAD + f"date: {BIG}\n---\n", "bad-date", 5),
    fm("big-established", _brand(f"established: {BIG}"), "bad-date", 3, B),
    toml("toml-big-quality", _config(f"\n[images]\nquality = {BIG}\n"), "toml-syntax", END + 2),
    toml("toml-big-hex", _config(f"\n[images]\nquality = 0x{'f' * 5000}\n"), "toml-syntax", END + 2),
    # empty or null photo entries
    fm("images-empty-item", "---\ntitle: x\ncategory: tea\nimages: ['']\n---\n", "empty-file", 4),
    fm("images-null-item", "---\ntitle: x\ncategory: tea\nimages: [~]\n---\n", "empty-file", 4),
    fm("images-empty", "---\ntitle: x\ncategory: tea\nimages: ''\n---\n", "empty-file", 4),
    fm("images-file-empty", "---\ntitle: x\ncategory: tea\nimages: [{file: ''}]\n---\n", "empty-file", 4),
    fm("images-second-null", "---\ntitle: x\ncategory: tea\nimages:\n  - photo.jpg\n  -\n---\n", "empty-file", 6),
    fm("logo-empty", _brand("logo: ''"), "empty-file", 3, B),
    fm("logo-null", _brand("logo: ~"), "empty-file", 3, B),
    fm("banner-file-null", _brand("banner: {file: ~, alt: 茶园}"), "empty-file", 3, B),
    # nesting thousands deep
    fm("yaml-deep-flow", "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n", "yaml-too-complex", 2),
    fm("yaml-deep-block", "---\ntitle: x\ntags:\n" + "- " * 5000 + "x\n---\n", "yaml-too-complex", 4),
    fm("billion-laughs", "---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BOMB + "---\n",
       "yaml-too-complex", 6),
    toml("toml-deep-array", _config("", "deep = " + "[" * 5000 + "]" * 5000 + "\n"), "toml-syntax", 1),
    toml("toml-deep-table", _config("\n[contact]\naddress = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n"),
         "toml-syntax", END + 2),
    toml("toml-deep-mixed", _config("\n[images]\nwidths = " + "[{a = " * 2000 + "1" + "}]" * 2000 + "\n"),
         "toml-syntax", END + 2),
    # sizes: found before the expensive parsing, at the line where the limit is passed
    fm("body-too-long", HEAD + "---\n" + LONG_BODY, "text-too-long", _line_at(LONG_BODY, 6, MAX_BODY_BYTES)),
    fm("value-too-long", HEAD + "summary: " + "好" * (MAX_VALUE_CHARS + 1) + "\n---\n", "value-too-long", 5),
    fm("origin-too-long", HEAD + "origin: '" + "a" * (MAX_VALUE_CHARS + 1) + "'\n---\n", "value-too-long", 5),
    fm("title-too-long", "---\ntitle: |\n  " + "x" * (MAX_VALUE_CHARS + 1) + "\ncategory: tea\n---\n",
       "value-too-long", 2),
    fm("front-matter-too-long", HEAD + LONG_YAML + "---\n", "front-matter-too-long",
       _line_at(HEAD[4:] + LONG_YAML, 2, MAX_FRONT_MATTER_BYTES)),
    fm("many-links", HEAD + "---\n" + "[" * 1001 + "\n", "too-many-links", 6),
    fm("links-in-paragraphs", HEAD + "---\n" + ("[" * 300 + "\n\n") * 4, "too-many-links", 12),
    fm("headings-in-one-block", HEAD + "---\n" + "# 标题\n" * 501, "block-too-long", 506),
    fm("long-paragraph", HEAD + "---\n" + "好" * 20_001 + "\n", "block-too-long", 6),
    fm("img-soup", HEAD + "---\n" + "<img " * 199_000 + "\n", "block-too-long", 6),  # and no hang in check
    fm("picture-soup", HEAD + "---\n" + "![" * 400_000 + "\n", "too-many-links", 6),
    fm("nested-on-one-line", HEAD + "---\n" + "1. " * 31 + "x\n", "nested-too-deep", 6),
    fm("quotes-and-lists", HEAD + "---\n" + "> - " * 16 + "x\n", "nested-too-deep", 6),
    fm("nested-by-indent", HEAD + "---\n" + "".join(" " * 4 * i + "- x\n" for i in range(40)), "nested-too-deep", 36),
    fm("million-values", HEAD + "tags: [" + "1," * 1_000_000 + "]\n---\n", "file-too-large", 5),
    fm("alias-text-bomb", HEAD + "summary: &s " + "好" * 9000 + "\ntags: [" + ", ".join(["*s"] * 100) + "]\n---\n",
       "yaml-too-complex", 6),
    fm("many-values", HEAD + "tags: [" + "1," * 60_000 + "]\n---\n", "yaml-too-complex", 5),
    fm("file-too-large", HEAD + "---\n" + LONG_FILE, "file-too-large",
       _line_at(HEAD + "---\n" + LONG_FILE, 1, MAX_FILE_BYTES)),
    toml("toml-too-large", _config(f'\ndescription = "{"x" * 1_100_000}"\n'), "file-too-large", END + 1),
    # control characters: in values, keys and text, written raw or as YAML/TOML escapes
    fm("escape-in-title", HEAD.replace("title: x", 'title: "\\x1b[2K菊米"') + "---\n", "control-character", 2),
    fm("escape-in-nested", HEAD + 'price: {amount: 5, unit: "\\e]0;pwned\\a"}\n---\n', "control-character", 5),
    fm("escape-in-key", HEAD + '"tag\\x1b": x\n---\n', "control-character", 5),
    fm("escape-in-list", HEAD + 'tags:\n  - a\n  - "b\\x07"\n---\n', "control-character", 7),
    fm("raw-nul", HEAD + "summary: a\x00b\n---\n", "control-character", 5),
    fm("raw-del", HEAD + "summary: a\x7fb\n---\n", "control-character", 5),
    fm("raw-c1", HEAD + "summary: a\x9bb\n---\n", "control-character", 5),
    fm("raw-nel", HEAD + "summary: a\x85b\norigin: 丽水\n---\n", "control-character", 5),
    fm("raw-line-separator", HEAD + "summary: a\u2028b\n---\n", "control-character", 5),
    fm("escaped-paragraph-separator", HEAD + 'summary: "a\\u2029b"\n---\n', "control-character", 5),
    fm("escaped-cr", HEAD + 'summary: "a\\rb"\n---\n', "control-character", 5),
    fm("lone-surrogate", HEAD + 'summary: "a\\ud800b"\n---\n', "yaml-syntax", 5),  # libyaml refuses the escape
    fm("escape-in-body", HEAD + "---\n\n正文\n红\x1b[31m字\n", "control-character", 8),
    fm("form-feed-in-body", HEAD + "---\n正文\x0c\n", "control-character", 6),
    fm("escape-in-brand-body", _brand() + "\x1b]8;;https://evil.example\x1b\\链接\n", "control-character", 6, B),
    toml("toml-escape-title", _config("", 'title = "目录\\u001b[2K"\n').replace('title = "测试品牌目录"\n', ""),
         "control-character", 1),
    toml("toml-escape-term", _config('\n[categories.nuts]\nzh = "坚果"\nen = "Nuts\\u0007"\n'), "control-character",
         END + 3),
    toml("toml-raw-c1-description", _config("", 'description = "好\u009b"\n'), "control-character", 1),
    toml("toml-contact-separator", _config('\n[contact]\naddress = "丽水\u2028市"\n'), "control-character", END + 2),
    # web addresses
    toml("base-url-user", CONFIG.replace("https://shop.example.com/", "https://user:pass@shop.example.com/"),
         "bad-setting", 2),
    toml("base-url-space", CONFIG.replace("https://shop.example.com/", "https://shop example.com/"), "bad-url", 2),
    toml("base-url-port", CONFIG.replace("https://shop.example.com/", "https://shop.example.com:99999/"),
         "bad-setting", 2),
    toml("base-url-port-word", CONFIG.replace("https://shop.example.com/", "https://shop.example.com:abc/"),
         "bad-setting", 2),
    toml("base-url-no-host", CONFIG.replace("https://shop.example.com/", "https:///"), "bad-url", 2),
    toml("base-url-bracket", CONFIG.replace("https://shop.example.com/", "https://[::1/"), "bad-setting", 2),
    # paths in sitegen.toml that leave the catalog
    toml("theme-parent", _config("", 'theme = "../x"\n'), "bad-setting", 1),
    toml("theme-absolute", _config("", 'theme = "/tmp"\n'), "bad-setting", 1),
    toml("theme-slash", _config("", 'theme = "default/templates"\n'), "bad-setting", 1),
    toml("theme-backslash", _config("", 'theme = "..\\\\x"\n'), "bad-setting", 1),
    toml("theme-dots", _config("", 'theme = ".."\n'), "bad-setting", 1),
    toml("cache-parent", _config('\n[images]\ncache_dir = "../cache"\n'), "bad-setting", END + 2),
    toml("cache-absolute", _config('\n[images]\ncache_dir = "/tmp/x"\n'), "bad-setting", END + 2),
    toml("cache-sneaky", _config('\n[images]\ncache_dir = "a/../../x"\n'), "bad-setting", END + 2),
    # symbolic links out of the catalog, or round in circles
    link("brands-outside", "link-outside", "brands", _link("brands", _copy_of("brands"))),
    link("products-outside", "link-outside", "products", _link("products", _copy_of("products"))),
    link("brand-products-outside", "link-outside", "products/lishui",
         _link("products/lishui", _copy_of("products/lishui"))),
    link("brand-outside", "link-outside", "brands/lishui", _link("brands/lishui", _copy_of("brands/lishui"))),
    link("product-outside", "link-outside", "products/lishui/p2",
         _link("products/lishui/p2", _copy_of("products/lishui/p2"))),
    link("index-outside", "link-outside", P, _link(P, _copy_of(P))),
    link("photo-outside", "link-outside", "products/lishui/p1/photo.jpg",
         _link("products/lishui/p1/photo.jpg", _copy_of("products/lishui/p1/photo.jpg"))),
    link("unlisted-photo-outside", "link-outside", "products/lishui/p1/extra.jpg",
         _link("products/lishui/p1/extra.jpg", _new_photo("extra.jpg"))),
    link("logo-outside", "link-outside", "brands/lishui/logo.png",
         _link("brands/lishui/logo.png", _new_photo("logo.png"))),
    link("subfolder-outside", "link-outside", "products/lishui/p1/pics",
         _link("products/lishui/p1/pics", lambda root, out: out)),
    link("file-in-subfolder-outside", "link-outside", "products/lishui/p1/pics/x.jpg", _nested_link),
    link("config-outside", "link-outside", T, _link(T, _copy_of(T))),
    link("themes-outside", "link-outside", "themes", _link("themes", lambda root, out: out)),
    link("theme-file-outside", "link-outside", "themes/default/static/secret.jpg",
         _link("themes/default/static/secret.jpg", _new_photo("secret.jpg"))),
    link("folder-loop", "bad-link", "products/lishui/p3", _link("products/lishui/p3", "p3")),
    link("folder-to-parent", "bad-link", "products/lishui/p3", _link("products/lishui/p3", ".")),
    link("subfolder-to-parent", "bad-link", "products/lishui/p1/up", _link("products/lishui/p1/up", "..")),
    link("brand-to-brands", "bad-link", "brands/again", _link("brands/again", "../brands")),
    link("index-loop", "bad-link", P, _link(P, "index.md")),
    link("photo-dangling", "bad-link", "products/lishui/p1/gone.jpg",
         _link("products/lishui/p1/gone.jpg", "nothing-here.jpg")),
]

# Catalogs near every limit, or with links that stay inside the catalog: check passes, build builds.
ALLOWED = [
    Case("str-tag", "", P, None, ((P, HEAD.replace("title: x", "title: !!str 123") + "---\n"),)),
    Case("int-tag", "", P, None, ((P, HEAD + "season: [!!int 9]\n---\n"),)),
    Case("value-at-limit", "", P, None, ((P, HEAD + "summary: " + "好" * MAX_VALUE_CHARS + "\n---\n"),)),
    Case("links-at-limit", "", P, None, ((P, HEAD + "---\n" + "[" * 1000 + "\n"),)),
    Case("blocks-at-limit", "", P, None, ((P, HEAD + "---\n" + ("# 标题\n" * 500 + "\n") * 20),)),
    Case("nesting-at-limit", "", P, None, ((P, HEAD + "---\n" + "1. " * 30 + "x\n"),)),
    Case("tabs", "", P, None, ((P, HEAD + 'summary: "a\\tb"\n---\n表格\t文字\n'),)),
    Case("base-url-port", "", T, None, ((T, CONFIG.replace("shop.example.com/", "shop.example.com:8443/")),)),
    Case("cache-inside", "", T, None, ((T, _config('\n[images]\ncache_dir = "cache/sitegen"\n')),)),
    Case("folder-link-inside", "", P, None, setup=_link("products/lishui/p3", "p2")),
    Case("photo-link-in-folder", "", P, None, ((P, HEAD.replace("photo.jpg", "cover.jpg") + "---\n"),),
         setup=_link("products/lishui/p1/cover.jpg", "photo.jpg")),
    Case("brands-linked-inside", "", B, None, setup=lambda c, o: (
        shutil.move(c.root / "brands", c.root / "src-brands"), os.symlink("src-brands", c.root / "brands"))),
]


def _prepare(catalog: Catalog, case: Case, outside: Path) -> None:
    outside.mkdir(exist_ok=True)
    (outside / "index.md").write_text(HEAD + "---\n", encoding="utf-8")
    (outside / T).write_text(CONFIG, encoding="utf-8")
    for rel, text in case.files:
        catalog.write(rel, text)
    if case.setup:
        case.setup(catalog, outside)


def _problems(result: subprocess.CompletedProcess[str]) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_check_and_build_both_report_it_at_its_line(catalog: Catalog, tmp_path: Path, case: Case) -> None:
    _prepare(catalog, case, tmp_path / "outside")
    started = time.monotonic()
    check = run_here(catalog.root, "check", "--format", "json")
    build = run_here(catalog.root, "build")
    assert time.monotonic() - started < 60  # bounded work: seconds, not minutes
    assert "Traceback" not in check.stderr + build.stderr, check.stderr + build.stderr
    assert check.returncode == build.returncode == 1, (check.stdout, build.stderr)
    found = {(p["code"], p["path"], p["line"]) for p in _problems(check)}
    assert (case.code, case.path, case.line) in found, sorted(found, key=str)
    where = f"{case.path}:{case.line}: " if case.line else f"{case.path}: "
    assert any(line.startswith(where) for line in build.stderr.splitlines()), build.stderr
    assert not catalog.output.exists()


LINKS = [c for c in HOSTILE if c.setup is not None]


@pytest.mark.parametrize("case", LINKS, ids=[c.name for c in LINKS])
def test_a_link_made_after_a_build_stops_the_next_build_as_it_fails_the_check(catalog: Catalog, tmp_path: Path,
                                                                               case: Case) -> None:
    """A rebuild with nothing changed does no work; a new link (which changes no file a page is made from) is
    not 'nothing changed'."""
    assert run_here(catalog.root, "build").returncode == 0
    _prepare(catalog, case, tmp_path / "outside")
    check, build = run_here(catalog.root, "check"), run_here(catalog.root, "build")
    assert check.returncode == build.returncode == 1, build.stdout + build.stderr
    where = f"{case.path}: "
    assert any(line.startswith(where) for line in build.stderr.splitlines()), build.stderr


@pytest.mark.parametrize("case", ALLOWED, ids=[c.name for c in ALLOWED])
def test_what_check_passes_build_builds(catalog: Catalog, tmp_path: Path, case: Case) -> None:
    _prepare(catalog, case, tmp_path / "outside")
    check = run_here(catalog.root, "check")
    build = run_here(catalog.root, "build")
    assert check.returncode == build.returncode == 0, check.stderr + build.stderr
    assert (catalog.output / "index.html").is_file()


def test_a_huge_index_md_is_refused_without_reading_it(catalog: Catalog) -> None:
    """A 50 MB file: refused in about the time a small one takes, for check and build."""
    with open(catalog.root / P, "w", encoding="utf-8") as handle:
        handle.write(HEAD + "---\n")
        line = "正文" * 40 + "\n"
        for _ in range(50_000_000 // len(line.encode())):
            handle.write(line)
    for command in ("check", "build"):
        started = time.monotonic()
        result = run_here(catalog.root, command)
        assert time.monotonic() - started < 20
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"{P}:" in result.stderr and "larger than 2,000,000 bytes" in result.stderr


def test_the_limits_are_documented_with_their_values() -> None:
    from sitegen import untrusted

    docs = (Path(__file__).parent.parent / "docs" / "content.md").read_text("utf-8")
    limits = docs.split("## Limits", 1)[1].split("\n## ", 1)[0]
    names = [name for name in dir(untrusted) if name.startswith("MAX_")]
    assert len(names) == 10
    for name in names:
        assert f"`{name}`" in limits and f"{getattr(untrusted, name):,}" in limits, name


def test_every_tagged_value_is_one_problem_and_nothing_else_is_read_from_the_file(catalog: Catalog) -> None:
    catalog.write(P, HEAD + "available: !!bool maybe\nsummary: !!python/object/apply:os.system [ls]\n---\n")
    result = run_here(catalog.root, "check", "--format", "json")
    found = [(p["code"], p["line"], p["params"]) for p in _problems(result)]
    assert found == [("yaml-tag", 5, {"field": "available", "tag": "!!bool"}),
                     ("yaml-tag", 6, {"field": "summary", "tag": "!!python/object/apply:os.system"})]


def test_an_empty_photo_entry_says_what_to_write(catalog: Catalog) -> None:
    catalog.write(P, "---\ntitle: x\ncategory: tea\nimages: [photo.jpg, '']\n---\n")
    result = run_here(catalog.root, "check")
    assert f"{P}:4: 'images' has an entry with no file name" in result.stderr, result.stderr


# -- what reaches a terminal or a JSON reader


def test_values_and_file_names_never_reach_the_terminal_raw(catalog: Catalog) -> None:
    catalog.write(P, HEAD.replace("category: tea", 'category: "\\e[2K\\e]0;owned\\atea"') + "---\n")
    catalog.product("lishui", "p\x1b[31mred")
    (catalog.root / "products/lishui" / "p\u202eevil").mkdir()
    os.mkdir(os.fsencode(catalog.root / "products/lishui") + b"/p\xff")  # a name that is not UTF-8
    for command in (("check",), ("build",)):
        result = run(catalog.root, *command)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        for char in ("\x1b", "\x07", "\u202e", "\ufffd"):
            assert char not in result.stderr + result.stdout, (char, result.stderr)
        assert "products/lishui/p\\x1b[31mred: " in result.stderr
        assert "products/lishui/p\\u202eevil: " in result.stderr
        assert "products/lishui/p\\xff: " in result.stderr
    assert "category '\\x1b[2K\\x1b]0;owned\\x07tea' is not defined" in run(catalog.root, "check").stderr


def test_json_lines_cannot_be_broken_or_fail_to_print(catalog: Catalog) -> None:
    (catalog.root / "products/lishui" / "p\u2028x\x85y\x1ez").mkdir()
    os.mkdir(os.fsencode(catalog.root / "products/lishui") + b"/q\xff")
    catalog.write(P, HEAD.replace("category: tea", 'category: "t\\u2029ea"') + "---\n")
    result = run(catalog.root, "check", "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stdout.split("\n")[:-1]
    assert lines == result.stdout.splitlines()  # no U+2028, U+0085 or U+001E for splitlines() to split at
    problems = [json.loads(line) for line in lines]
    assert {"products/lishui/p\u2028x\x85y\x1ez", "products/lishui/q\udcff"} <= {p["path"] for p in problems}


# -- editor HTML


def test_editor_html_keeps_no_id_or_class(catalog: Catalog) -> None:
    catalog.write(P, HEAD + '---\n\n<p id="x" class="site-header" title="t" lang="en">文字</p>\n\n'
                            '<span class="price" id="main">特价</span>\n')
    assert run_here(catalog.root, "build").returncode == 0
    page = (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")
    assert '<p title="t" lang="en">文字</p>' in page
    assert "<span>特价</span>" in page
    assert 'id="x"' not in page and "site-header" not in page


# -- files nobody may read


UNREADABLE = [P, "brands/lishui", "brands/other/index.md", "products/other", "brands", "products", T,
              "products/lishui/p2/photo.jpg"]


@pytest.mark.parametrize("rel", UNREADABLE)
def test_a_file_or_folder_that_cannot_be_read_is_one_problem(locked: Locked, rel: str) -> None:
    locked.lock(rel)
    for command in (("check", "--format", "json"), ("build",)):
        result = locked.run(*command)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        said = result.stdout if command[0] == "check" else result.stderr
        assert f'"path": "{rel}"' in said if command[0] == "check" else f"\n{rel}: " in f"\n{said}", said
        assert "ermission denied" in said, said
    problems = _problems(locked.run("check", "--format", "json"))
    unreadable = [p for p in problems if p["code"] in ("cannot-read", "bad-image")]
    assert [p["path"] for p in unreadable] == [rel], problems
    assert not [p for p in problems if p["code"] == "unknown-brand"], problems  # the brand may well be there


def test_every_unreadable_file_and_folder_is_reported_in_one_run(locked: Locked) -> None:
    rels = [P, "brands/lishui", "products/other", T]
    locked.lock(*rels)
    result = locked.run("check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for rel in rels:
        assert f"{rel}: cannot be read (permission denied)" in result.stderr, result.stderr

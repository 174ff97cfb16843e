"""`sitegen check`: each kind of bad input gives its code at the right file and line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.catalog import PRODUCT, Catalog, in_english, photo, run, run_here

P = "products/lishui/p1/index.md"


def _product(**fields: str) -> str:
    """The standard product with some front matter lines replaced or added."""
    lines = PRODUCT.format(title="遂昌菊米", category="tea").split("\n")
    for key, value in fields.items():
        if f"{key}:" in "\n".join(lines):
            at = next(i for i, ln in enumerate(lines) if ln.startswith(f"{key}:"))
            end = at + 1
            while end < len(lines) and lines[end].startswith("  "):
                end += 1  # the key's indented continuation lines go with it
            del lines[at:end]
        if value:
            lines.insert(1, value)
    return "\n".join(lines)


# (what to write at P, code, line, a param that must be in the problem)
CASES = [
    ("---\ntitle: [oops\n---\n", "yaml-syntax", 2, {}),
    ("---\ntitle: a\n  bad: indent\n---\n", "yaml-syntax", 3, {}),
    ("no front matter here\n", "no-front-matter", 1, {}),
    ("---\ntitle: x\n", "unclosed-front-matter", 1, {}),
    (_product(title=""), "missing-field", 1, {"field": "title"}),
    (_product(titel="titel: 遂昌菊米"), "unknown-key", 2, {"field": "titel"}),
    (_product(category="category: tee"), "unknown-category", 2, {"value": "tee", "valid": ["rice", "tea"],
                                                                  "hint": " (did you mean 'tea'?)"}),
    (_product(category="category: 茶叶"), "unknown-category", 2, {"value": "茶叶", "hint": " (did you mean 'tea'?)"}),
    (_product(category="category: Tea"), "unknown-category", 2, {"value": "Tea", "hint": " (did you mean 'tea'?)"}),
    (_product(title="title: NO"), "wrong-type", 2, {"field": "title", "got": "true or false"}),
    (_product(season="season: [9, 13]"), "bad-month", 2, {"value": 13}),
    (_product(price="price: {amount: -5}"), "negative-amount", 2, {}),
    (_product(price="price: {amount: lots}"), "wrong-type", 2, {"field": "price.amount"}),
    (_product(available="available: maybe"), "wrong-type", 2, {"field": "available"}),
    (_product(shop_links="shop_links: [{platform: 淘宝, url: 'javascript:alert(1)'}]"), "bad-url", 2, {}),
    (_product(shop_links="shop_links: [{platform: 淘宝, url: 'ftp://x.cn/a'}]"), "bad-url", 2, {}),
    (_product(certifications="certifications: [organic]"), "unknown-certification", 2, {"value": "organic"}),
    (_product(images="images: [missing.jpg]"), "missing-image", 2, {"value": "missing.jpg"}),
    (_product(images="images: [../../../sitegen.toml]"), "path-escapes", 2, {}),
    (_product(images="images: [/etc/passwd]"), "path-escapes", 2, {}),
    (_product(images="images: []"), "missing-field", 2, {"field": "images"}),
    (_product(date="date: 2024-13-01"), "no-such-date", 2, {"value": "2024-13-01"}),
    (_product(date="date: 2024-02-30"), "no-such-date", 2, {"value": "2024-02-30"}),
    (_product(date="date: 2024/9/1"), "bad-date", 2, {"value": "2024/9/1"}),
    (_product(gtin="gtin: '12ab'"), "wrong-type", 2, {"field": "gtin"}),
    ("---\ntitle: a\ntitle: b\ncategory: tea\nimages: [photo.jpg]\n---\n", "duplicate-key", 3, {}),
]


@pytest.mark.parametrize(("text", "code", "line", "params"), CASES, ids=[c[1] + str(i) for i, c in enumerate(CASES)])
def test_bad_product_is_reported_at_its_line(catalog: Catalog, text: str, code: str, line: int, params: dict) -> None:
    catalog.write(P, text)
    result = run_here(catalog.root, "check", "--format", "json")
    assert result.returncode == 1, result.stderr
    problems = [json.loads(x) for x in result.stdout.splitlines()]
    matching = [p for p in problems if p["code"] == code and p["path"] == P]
    assert matching, problems
    assert matching[0]["line"] == line
    for key, value in params.items():
        assert in_english(matching[0]["params"][key]) == value
    assert "Traceback" not in result.stderr


def test_text_format_is_path_line_message_with_every_problem_in_one_run(catalog: Catalog) -> None:
    catalog.write(P, _product(titel="titel: x", category="category: tee"))
    catalog.write("products/lishui/p2/index.md", _product(season="season: [0]"))
    result = run_here(catalog.root, "check")
    assert result.returncode == 1
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("products/")]
    assert f"{P}:3: unknown field 'titel'; did you mean 'title'?" in lines
    assert f"{P}:2: category 'tee' is not defined in sitegen.toml (did you mean 'tea'?); write the id of one of: " \
           "rice (大米), tea (茶叶)" in lines
    assert any(ln.startswith("products/lishui/p2/index.md:2: ") and "month 0" in ln for ln in lines)
    assert "Traceback" not in result.stderr


def test_symlink_pointing_outside_is_refused(catalog: Catalog, tmp_path) -> None:
    secret = tmp_path / "secret.jpg"
    photo(secret)
    os.symlink(secret, catalog.root / "products/lishui/p1/linked.jpg")
    catalog.write(P, _product(images="images: [linked.jpg]"))
    result = run_here(catalog.root, "check", "--format", "json")
    codes = {json.loads(x)["code"] for x in result.stdout.splitlines()}
    assert result.returncode == 1 and "path-escapes" in codes


def test_not_utf8_names_the_line(catalog: Catalog) -> None:
    (catalog.root / P).write_bytes("---\ntitle: 菊米\n".encode() + "category: 茶\n".encode("gbk") + b"---\n")
    result = run_here(catalog.root, "check")
    assert result.returncode == 1
    assert f"{P}:3: this file is not saved as UTF-8" in result.stderr


def test_bom_and_crlf_are_fine(catalog: Catalog) -> None:
    text = "\ufeff" + PRODUCT.format(title="菊米", category="tea").replace("\n", "\r\n")
    (catalog.root / P).write_bytes(text.encode("utf-8"))
    result = run_here(catalog.root, "check")
    assert result.returncode == 0, result.stderr


def test_product_under_missing_brand_and_bad_ids(catalog: Catalog) -> None:
    catalog.product("nobrand", "p1")
    catalog.product("lishui", "Bad_ID")
    result = run_here(catalog.root, "check", "--format", "json")
    problems = [json.loads(x) for x in result.stdout.splitlines()]
    assert any(p["code"] == "unknown-brand" and p["path"] == "products/nobrand/p1/index.md"
               and p["params"]["value"] == "nobrand" for p in problems)
    bad = [p for p in problems if p["code"] == "bad-id"]
    assert bad and bad[0]["path"] == "products/lishui/Bad_ID" and bad[0]["params"]["suggestion"] == "bad-id"


CONFIG_CASES = [  # (lines put first in sitegen.toml, code, words in the message, the line it is reported at)
    ('titel = "x"\n', "unknown-key", "did you mean 'title'?", 1),
    ("[categories.tea]\nzh = '茶'\n[categories.tea]\nzh = '茶2'\n", "duplicate-id", "category id 'tea'", 3),
    ('[images]\nwidth = [1]\n', "unknown-key", "images.width", 2),
    ('base_url = 5\n', "wrong-type", "base_url", 1),
    ('title = "unterminated\n', "toml-syntax", "a quote mark opened on this line is never closed", 1),
]


@pytest.mark.parametrize(("extra", "code", "text", "line"), CONFIG_CASES, ids=[c[1] for c in CONFIG_CASES])
def test_bad_config_is_reported_with_its_line(catalog: Catalog, extra: str, code: str, text: str, line: int) -> None:
    config = catalog.root / "sitegen.toml"
    original = config.read_text("utf-8").replace('base_url = "https://shop.example.com/"\n', "")
    if code != "wrong-type":
        original = 'base_url = "https://shop.example.com/"\n' + original
    config.write_text(extra + original, encoding="utf-8")
    result = run_here(catalog.root, "check", "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    problems = [json.loads(x) for x in result.stdout.splitlines()]
    found = [p for p in problems if p["code"] == code]
    assert found, problems
    assert found[0]["path"] == "sitegen.toml" and found[0]["line"] == line
    assert text in found[0]["message"]


TOML_MISTAKES = [  # (what an editor wrote, on which line tomllib's trouble begins, what the message advises)
    ('title = 山水好物\n', 1, 'text must be between straight double quotes'),
    ('title = “山水好物”\n', 1, 'not “ ” and not left bare'),
    ('title：= "x"\n', 1, "the English equals sign, no colon"),
    ('标题 = "x"\n', 1, "name is in English letters"),
    ('\ntags = [\n  "a",\n  "b"\n\n[contact]\n', 2, "a list opened with '[' here is never closed"),
    ("\n\nnote = 'x\n", 3, "a quote mark opened on this line is never closed"),
]


@pytest.mark.parametrize(("extra", "line", "advice"), TOML_MISTAKES)
def test_unreadable_config_names_the_line_and_what_to_write_and_content_is_still_checked(
        catalog: Catalog, extra: str, line: int, advice: str) -> None:
    config = catalog.root / "sitegen.toml"
    config.write_text(extra + config.read_text("utf-8"), encoding="utf-8")
    catalog.write(P, _product().replace("title: ", "title：", 1))  # a mistake that needs no settings to be found
    result = run_here(catalog.root, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    said = [x for x in result.stderr.splitlines() if x.startswith("sitegen.toml:")]
    assert len(said) == 1 and said[0].startswith(f"sitegen.toml:{line}: sitegen.toml cannot be read (") and \
        advice in said[0], result.stderr
    assert "column" not in said[0]  # the position is in the prefix, once
    assert f"{P}:2: 'title：'" in result.stderr and "2 errors" in result.stderr


def test_pictures_in_the_text_that_cannot_be_shown_are_warned_about_with_their_lines(catalog: Catalog) -> None:
    body = ("\n![杯中的菊米](photo.jpg) ![旧写法](./photo.jpg)\n\n![远程](https://cdn.example.net/a.gif)\n"
            '<img alt="协议相对" src="//cdn.example.net/x.png">\n![不在列表](other.jpg)\n\n'
            "```\n![代码里](code.jpg)\n```\n<image src=\"https://cdn.example.net/i.png\">\n")
    catalog.write(P, _product() + body)
    (catalog.root / "products/lishui/p1/other.jpg").write_bytes((catalog.root / "products/lishui/p1/photo.jpg")
                                                                .read_bytes())  # present, but not listed
    catalog.write("brands/lishui/index.md", (catalog.root / "brands/lishui/index.md").read_text("utf-8")
                  + "\n![茶园](garden.jpg)\n")
    result = run_here(catalog.root, "check", "--format", "json")
    assert result.returncode == 0, result.stdout  # the pages are whole without them
    found = [json.loads(x) for x in result.stdout.splitlines()]
    start = _product().count("\n") + 1  # the body's first line
    assert {(p["code"], p["path"], p["line"], p["params"]["value"]) for p in found} == {
        ("outside-picture", P, start + 3, "https://cdn.example.net/a.gif"),
        ("outside-picture", P, start + 4, "//cdn.example.net/x.png"),
        ("unlisted-picture", P, start + 5, "other.jpg"),
        ("outside-picture", P, start + 10, "https://cdn.example.net/i.png"),  # <image> is an <img> to HTML
        ("unlisted-picture", "brands/lishui/index.md",
         (catalog.root / "brands/lishui/index.md").read_text("utf-8").count("\n"), "garden.jpg")}
    assert all(p["severity"] == "warning" for p in found)
    text = run_here(catalog.root, "check").stderr
    assert f"{P}:{start + 5}: warning: the text shows the picture 'other.jpg', but only the photos named in " \
           "images: are published, so it is left out of the page" in text


def test_a_value_cut_short_by_hash_is_warned_about_and_quotes_keep_it(catalog: Catalog) -> None:
    catalog.write(P, _product(title="title: 遂昌菊米 #1 特级", summary="summary: 好喝 # 编辑备注"))
    result = run_here(catalog.root, "check")
    assert result.returncode == 0
    said = (f"{P}:3: warning: 'title' is read as '遂昌菊米': after a space, '#' starts a note for editors, so "
            "'#1 特级' is left out; to keep it, put the whole value in quotes: title: \"遂昌菊米 #1 特级\"")
    assert said in result.stderr
    assert "summary" not in result.stderr  # '# like this' is a note, as the editor meant
    catalog.write(P, _product(title='title: "遂昌菊米 #1 特级"'))
    result = run_here(catalog.root, "check")
    assert result.returncode == 0 and "warning" not in result.stderr
    assert run(catalog.root, "build").returncode == 0
    assert "<h1>遂昌菊米 #1 特级</h1>" in (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")


def test_a_misnamed_index_file_is_an_error_naming_it_and_an_empty_folder_a_warning(catalog: Catalog) -> None:
    (catalog.root / P).rename(catalog.root / "products/lishui/p1/index.md.txt")  # Notepad's doing
    (catalog.root / "brands/lishui/index.md").rename(catalog.root / "brands/lishui/Index.md")
    (catalog.root / "products/lishui/empty").mkdir()
    result = run_here(catalog.root, "check", "--format", "json")
    assert result.returncode == 1
    found = {(p["code"], p["path"], p["severity"]) for p in map(json.loads, result.stdout.splitlines())}
    assert {("misnamed-index", "products/lishui/p1/index.md.txt", "error"),
            ("misnamed-index", "brands/lishui/Index.md", "error"),
            ("stray-file", "products/lishui/empty", "warning")} <= found
    text = run_here(catalog.root, "check").stderr
    assert "brands/lishui/Index.md: this folder has 'Index.md' but no index.md, so it is not read; rename " \
           "'Index.md' to index.md, all in lower case" in text


def test_months_and_barcodes_say_how_to_write_them(catalog: Catalog) -> None:
    catalog.write(P, _product(season="season: [10，11]", gtin="gtin: “2000000000039”"))
    result = run_here(catalog.root, "check")
    assert result.returncode == 1
    assert "'season' has month 10，11; months are whole numbers from 1 to 12, written as a list with English " \
           "commas, e.g. season: [9, 10, 11]" in result.stderr
    assert "'gtin' must be 8, 12, 13 or 14 digits in straight quotes, e.g. gtin: \"6901234567892\"" in result.stderr


def test_missing_alt_is_a_warning_not_an_error(catalog: Catalog) -> None:
    catalog.write(P, _product(images="images: [photo.jpg]"))
    result = run_here(catalog.root, "check")
    assert result.returncode == 0
    assert f"{P}:2: warning: image 'photo.jpg' has no 'alt' text" in result.stderr


def test_unknown_theme(catalog: Catalog) -> None:
    config = catalog.root / "sitegen.toml"
    config.write_text('theme = "fancy"\n' + config.read_text("utf-8"), encoding="utf-8")
    result = run_here(catalog.root, "check")
    assert result.returncode == 1 and "theme 'fancy' was not found" in result.stderr and "default" in result.stderr


def test_check_reads_image_headers(catalog: Catalog) -> None:
    (catalog.root / "products/lishui/p1/photo.jpg").write_bytes(b"this is not a photo")
    (catalog.root / "products/lishui/p2/photo.jpg").write_bytes(b"")
    result = run_here(catalog.root, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "products/lishui/p1/photo.jpg: 'photo.jpg' cannot be used as an image" in result.stderr
    assert "products/lishui/p2/photo.jpg: 'photo.jpg' cannot be used as an image" in result.stderr


def test_photo_problems_come_in_the_same_run_as_content_errors(catalog: Catalog) -> None:
    """All problems in one run, across stages: a damaged photo is reported beside a content error in another
    file (and in the same file), not only once the content is fixed. A photo named outside its folder is
    never opened: its own error is the one to fix."""
    p1 = catalog.root / P
    p1.write_text(p1.read_text("utf-8").replace("category: tea", "category: 茶叶"), "utf-8")
    cut = (catalog.root / "products/lishui/p1/photo.jpg").read_bytes()
    (catalog.root / "products/lishui/p1/photo.jpg").write_bytes(cut[: len(cut) // 2])
    (catalog.root / "products/lishui/p2/photo.jpg").write_bytes(b"this is not a photo")
    result = run_here(catalog.root, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith(f"{P}:") and "茶叶" in line for line in lines)
    assert any(line.startswith("products/lishui/p1/photo.jpg: ") and "cut short or damaged" in line for line in lines)
    assert "products/lishui/p2/photo.jpg: 'photo.jpg' cannot be used as an image" in result.stderr
    assert lines[-1] == "3 errors"


def test_check_opens_nothing_through_a_cache_folder_linked_out_of_the_catalog(catalog: Catalog, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """`.sitegen-cache` committed as a link to elsewhere is an error, and `sitegen check`, which goes on to check
    the photos in the same run, reads nothing there (nor a photo named outside its folder)."""
    from sitegen.cli import main

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "meta").mkdir(parents=True)
    (elsewhere / "sources.json").write_text("{}")
    (catalog.root / ".sitegen-cache").symlink_to(elsewhere, target_is_directory=True)
    secret = tmp_path / "secret.jpg"
    secret.write_bytes((catalog.root / "products/lishui/p1/photo.jpg").read_bytes())
    p2 = catalog.root / "products/lishui/p2/index.md"
    p2.write_text(p2.read_text("utf-8").replace("file: photo.jpg", f"file: {secret}"), "utf-8")
    opened: list[str] = []
    real_open = os.open

    def spy(path: Any, *args: Any, **kwargs: Any) -> int:
        opened.append(os.fspath(path) if not isinstance(path, int) else "")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    real_builtin = open

    def spy_builtin(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(os.fspath(path) if not isinstance(path, int) else "")
        return real_builtin(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy_builtin)
    status = main(["check", "--root", str(catalog.root)])
    monkeypatch.undo()
    assert status == 1
    outside = (str(elsewhere.resolve()), str(secret.resolve()))
    assert opened and not [p for p in opened if p and os.path.realpath(p).startswith(outside)]


def test_every_problem_code_is_documented_for_translators() -> None:
    """Tools translate messages from code + params: each code must be in the table of docs/content.md."""
    from sitegen.messages.english import PROBLEMS

    table = (Path(__file__).parent.parent / "docs" / "content.md").read_text("utf-8")
    assert [code for code in PROBLEMS if f"`{code}`" not in table] == []

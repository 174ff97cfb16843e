"""Odd and hostile input gives a `path:line: message` and exit 1, never a traceback or a hang.

Each row is a front matter a county editor (or a careless copy-paste, or a hostile pull request)
might write, with the code and line `sitegen check` must report for it.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.catalog import Catalog, in_english, photo, run_here

P = "products/lishui/p1/index.md"
HEAD = "---\ntitle: x\ncategory: tea\nimages: [{file: photo.jpg, alt: 一杯茶}]\n"  # valid lines 2-4
BOMB = "".join(f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefg", "bcdefgh", strict=True))

# (front matter file, code, line, params that must be in the problem)
CASES = [
    ("", "no-front-matter", 1, {}),
    ("---", "unclosed-front-matter", 1, {}),
    ("---\n---\n", "missing-field", 1, {"field": "title"}),
    ("---\n- a\n- b\n---\n", "not-a-mapping", 2, {}),
    ("---\n42\n---\n", "not-a-mapping", 2, {}),
    ("---\ntitle: &a [*a]\n---\n", "yaml-too-complex", 2, {}),
    ("---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BOMB + "---\n", "yaml-too-complex", 6, {}),
    ("---\ntitle: " + "[" * 500 + "]" * 500 + "\n---\n", "yaml-too-complex", 2, {}),
    ("---\ntitle: x\n\x00: y\n---\n", "control-character", 3, {"char": "U+0000"}),
    ("---\ntitle：遂昌菊米\ncategory: tea\n---\n", "fullwidth-colon", 2, {"field": "title"}),
    (HEAD + "origin:浙江丽水\n---\n", "colon-no-space", 5, {"field": "origin", "value": "浙江丽水"}),
    ("---\ntitle:遂昌菊米\ncategory: tea\n---\n", "colon-no-space", 2, {"field": "title", "value": "遂昌菊米"}),
    ("—-\ntitle: 菊米\n—-\n", "fence-dashes", 1, {"value": "—-"}),
    ("－－－\ntitle: 菊米\n－－－\n", "fence-dashes", 1, {"value": "－－－"}),
    ("---\ntitle: 菊米\ncategory: tea\n——\n正文\n", "fence-dashes", 4, {"value": "——"}),
    ("---\ntitle: x\n\tcategory: tea\n---\n", "yaml-syntax", 3, {}),  # the line with the tab
    (HEAD + "price: {amount: ¥38}\n---\n", "wrong-type", 5,
     {"field": "price.amount", "got": "'¥38'", "expected": "only the number, without ¥ or 元, such as 68 or 12.5"}),
    (HEAD + "price: 38元\n---\n", "wrong-type", 5, {"field": "price", "got": "'38元'"}),
    (HEAD + "price: {amount: 38, currency: 人民币}\n---\n", "wrong-type", 5,
     {"field": "price.currency", "got": "'人民币'"}),
    (HEAD + "price: {amount: 三十八}\n---\n", "wrong-type", 5, {"field": "price.amount", "got": "'三十八'"}),
    (HEAD + "price:\n  unit: 250g\n  amount: -5\n---\n", "negative-amount", 7, {"field": "price.amount"}),
    (HEAD + "shop_links:\n  - platform: 淘宝\n    url: https://a.cn\n  - platform: 京东\n    url: ftp://b.cn\n---\n",
     "bad-url", 9, {"value": "ftp://b.cn"}),
    (HEAD + "variants:\n  - name: 礼盒\n    unit: 盒\n    price: 三十\n---\n", "wrong-type", 8, {"got": "'三十'"}),
    (HEAD + "price: {amount: .nan}\n---\n", "wrong-type", 5, {"field": "price.amount"}),
    (HEAD + "price: 1e400\n---\n", "wrong-type", 5, {"field": "price"}),
    (HEAD + "price: {amount: '1e400'}\n---\n", "wrong-type", 5, {"field": "price.amount", "got": "'1e400'"}),
    (HEAD + "price: {amount: 1" + "0" * 400 + "}\n---\n", "wrong-type", 5, {"field": "price.amount"}),
    (HEAD + "variants: [{name: 礼盒, price: .inf}]\n---\n", "wrong-type", 5, {"field": "variants.price"}),
    (HEAD + "price: {currency: CNY}\n---\n", "missing-field", 5, {"field": "price.amount", "key": "amount"}),
    (HEAD + "season: [2024-09-01]\n---\n", "bad-month", 5, {"value": "2024-09-01"}),
    (HEAD + "season: [true]\n---\n", "bad-month", 5, {"value": "true"}),
    (HEAD + "season: [0]\n---\n", "bad-month", 5, {"value": 0}),
    (HEAD + "summary: !!binary aGVsbG8=\n---\n", "wrong-type", 5, {"field": "summary", "got": "binary data"}),
    (HEAD + "tags: [[1]]\n---\n", "wrong-type", 5, {"field": "tags"}),
    (HEAD + "? [a, b]\n: c\n---\n", "unknown-key", 5, {"field": "[a, b]"}),
    (HEAD + "shop_links: [{url: 'https://a.cn'}]\n---\n", "missing-field", 5, {"field": "shop_links.platform"}),
    (HEAD + "contact: {phone: '1'}\n---\n", "unknown-key", 5, {"field": "contact"}),
]


@pytest.mark.parametrize(("text", "code", "line", "params"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_odd_front_matter_is_reported_not_crashed_on(catalog: Catalog, text: str, code: str, line: int,
                                                     params: dict) -> None:
    catalog.write(P, text)
    result = run_here(catalog.root, "check", "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    problems = [json.loads(x) for x in result.stdout.splitlines()]  # every line is JSON, params included
    found = [p for p in problems if p["code"] == code and p["path"] == P]
    assert found, problems
    assert found[0]["line"] == line
    assert params.items() <= in_english(found[0]["params"]).items()
    text_run = run_here(catalog.root, "check")
    assert f"{P}:{line}: " in text_run.stderr and "Traceback" not in text_run.stderr


def test_an_unreadable_file_gets_one_problem_not_a_list_of_missing_fields(catalog: Catalog) -> None:
    catalog.write(P, "---\ntitle: x\nsummary:\u3000好喝\ncategory: tea\n---\n")
    result = run_here(catalog.root, "check", "--format", "json")
    codes = [json.loads(x)["code"] for x in result.stdout.splitlines() if P in x]
    assert codes == ["fullwidth-space"]


def test_a_chinese_colon_does_not_hide_the_files_other_problems(catalog: Catalog) -> None:
    """The fields are read as if '：' were ': ', so one run reports everything, not one problem per run."""
    catalog.write(P, HEAD + "origin：丽水\nseason: [13]\n---\n")
    catalog.write("products/lishui/p2/index.md", "---\ntitle：菊米\ncategory: 茶\n---\n")
    result = run_here(catalog.root, "check", "--format", "json")
    problems = [json.loads(x) for x in result.stdout.splitlines()]
    found = {(p["path"], p["code"], p["line"]) for p in problems}
    assert {(P, "fullwidth-colon", 5), (P, "bad-month", 6), ("products/lishui/p2/index.md", "fullwidth-colon", 2),
            ("products/lishui/p2/index.md", "unknown-category", 3)} <= found, found
    second = [(p["code"], p["params"].get("field")) for p in problems if p["path"] == "products/lishui/p2/index.md"]
    assert ("missing-field", "images") in second and ("missing-field", "title") not in second, second
    assert result.returncode == 1


# mistakes that come together: each gets its own message at its own line, and no field is called missing
TOGETHER = [
    ("summary：适合凉拌: 中低温烹饪", [("fullwidth-colon", 5), ("yaml-syntax", 5)],
     "a value containing ': ' must be in quotes"),
    ("summary：好喝\n\tstorage: 冷藏", [("fullwidth-colon", 5), ("yaml-syntax", 6)], "indent with spaces"),
    ("origin:浙江\nsummary: 一: 二", [("colon-no-space", 5), ("yaml-syntax", 6)], "must be in quotes"),
    ("summary: 一: 二\n\tstorage: 冷藏", [("yaml-syntax", 5)], "must be in quotes"),  # not moved to the tab
]


@pytest.mark.parametrize(("lines", "expected", "advice"), TOGETHER,
                         ids=["colon+colon", "colon+tab", "nospace+colon", "quotes-then-tab"])
def test_mistakes_that_come_together_each_get_their_real_message(catalog: Catalog, lines: str,
                                                                 expected: list[tuple[str, int]], advice: str) -> None:
    catalog.write(P, HEAD + lines + "\n---\n")
    result = run_here(catalog.root, "check", "--format", "json")
    problems = [json.loads(x) for x in result.stdout.splitlines() if P in x]
    assert [(p["code"], p["line"]) for p in problems] == expected
    advices = [in_english(p["params"].get("advice", "")) for p in problems]
    assert advice in advices[-1] and "YAML" not in advices[0]
    assert result.returncode == 1


@pytest.mark.parametrize("text", ["tags: [新茶,\nb:c]", 'summary: "第一行\nnote:第二行"', "summary: x # note:y",
                                  "traceability_url: https://a.example.cn/x", "summary: '12:30'"])
def test_a_colon_with_no_space_inside_a_value_is_text_not_a_field(catalog: Catalog, text: str) -> None:
    catalog.write(P, HEAD + text + "\n---\n")
    result = run_here(catalog.root, "check")
    assert result.returncode == 0 and "no space after the colon" not in result.stderr, result.stderr


def test_a_field_with_no_space_after_its_colon_is_read_and_the_rest_still_checked(catalog: Catalog) -> None:
    catalog.write(P, HEAD + "origin:浙江丽水\nseason: [13]\ntraceability_url: https://a.example.cn/x\n---\n")
    result = run_here(catalog.root, "check")
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        f"{P}:5: 'origin:浙江丽水' has no space after the colon, so it is not read as the field 'origin'; "
        "write 'origin: 浙江丽水'",
        f"{P}:6: " + result.stderr.splitlines()[1].split(": ", 1)[1]]
    assert "bad-month" in run_here(catalog.root, "check", "--format", "json").stdout


def test_chinese_colon_inside_a_value_is_fine(catalog: Catalog) -> None:
    catalog.write(P, HEAD + "summary: 产地：丽水\n---\n")
    assert run_here(catalog.root, "check").returncode == 0


@pytest.mark.parametrize("summary", ["|\n  Note：采摘于清明前\n  第二行", ">\n  Tip：冷藏", "'第一行\n  Tip：冷藏'"])
def test_chinese_colon_after_an_english_word_inside_text_is_fine(catalog: Catalog, summary: str) -> None:
    """Inside a | or > block, or quotes, every line is text; only a plain line like 'summary：…' is a mistake."""
    catalog.write(P, HEAD + f"summary: {summary}\ntags: [a]\n---\n")
    result = run_here(catalog.root, "check")
    assert result.returncode == 0, result.stderr
    catalog.write(P, HEAD + "summary: 好喝\n  Tip：冷藏\n---\n")  # plain: YAML would join it to the line above
    result = run_here(catalog.root, "check")
    assert result.returncode == 1 and f"{P}:6: 'Tip：' is written with the Chinese colon" in result.stderr


def test_binary_junk_and_gbk_files_are_reported(catalog: Catalog) -> None:
    (catalog.root / P).write_bytes(bytes(range(256)) * 4)
    gbk = "products/lishui/p2/index.md"
    (catalog.root / gbk).write_bytes(HEAD.encode() + "summary: 好喝\n---\n".encode("gbk"))
    result = run_here(catalog.root, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{P}:2: this file is not saved as UTF-8" in result.stderr  # byte 128 is after the one newline
    assert f"{gbk}:5: this file is not saved as UTF-8" in result.stderr


def test_yaml_error_says_what_to_write(catalog: Catalog) -> None:
    catalog.write(P, "---\ntitle: 菊米: 特级\ncategory: tea\n---\n")
    result = run_here(catalog.root, "check")
    assert f"{P}:2: this line cannot be read: a value containing ': ' must be in quotes, e.g. " \
           'title: "菊米: 特级"' in result.stderr
    assert "(in the YAML reader's words: mapping values are not allowed" in result.stderr
    catalog.write(P, "---\n\ttitle: 菊米\n---\n")
    assert f"{P}:2: " in (tab := run_here(catalog.root, "check").stderr) and "indent with spaces" in tab


PHONE_MISTAKES = [  # (front matter lines after title, line reported, words of the advice)
    ("category:\u3000tea\n", 3, "a full-width space (　) where YAML needs an ordinary one"),
    ("price:\n\u3000\u3000amount: 58\n", 4, "a full-width space (　)"),
    ("summary:\n好喝的茶\n", 4, "this line has no 'field:' in front; if it continues the value on the line above"),
    ("summary: *特级*菊米\n", 3, 'a value starting with * or & must be in quotes, e.g. title: "*特级*菊米"'),
    ("summary: !好茶\n", 3, "a value starting with ! must be in quotes"),
    ("summary: [特级] 菊米\n", 3, 'if it is text, put all of it in quotes, e.g. title: "[特级] 菊米"'),
    ('summary: "遂昌"菊米"特级"\n', 3, "must end with the same mark; to show quote marks inside, wrap the whole"),
    ("season: [10, 11】\n", 3, "use the English [ ] and , in a list, e.g. season: [10, 11], not 【 】 or ，"),
]


@pytest.mark.parametrize(("lines", "line", "advice"), PHONE_MISTAKES)
def test_a_phone_keyboard_mistake_gets_advice_about_that_mistake(catalog: Catalog, lines: str, line: int,
                                                                 advice: str) -> None:
    catalog.write(P, "---\ntitle: 菊米\n" + lines + "---\n")
    result = run_here(catalog.root, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    said = [x for x in result.stderr.splitlines() if x.startswith(P)]
    assert len(said) == 1 and said[0].startswith(f"{P}:{line}: ") and advice in said[0], result.stderr


def test_full_width_spaces_inside_text_are_the_editors_own(catalog: Catalog) -> None:
    """Chinese paragraphs start with two full-width spaces; inside a value they are text, not a mistake."""
    catalog.write(P, HEAD + "summary: |\n  \u3000\u3000第一段。\n  第二段。\norigin: 浙江\u3000丽水\n---\n")
    assert run_here(catalog.root, "check").returncode == 0


@pytest.mark.parametrize("where", ["subfolder", "file-in-subfolder"])
def test_symlink_in_a_subfolder_pointing_outside_is_refused(catalog: Catalog, tmp_path, where: str) -> None:
    outside = tmp_path / "outside"
    photo(outside / "x.jpg")
    folder = catalog.root / "products/lishui/p1"
    if where == "subfolder":
        os.symlink(outside, folder / "pics")
    else:
        (folder / "pics").mkdir()
        os.symlink(outside / "x.jpg", folder / "pics/x.jpg")
    catalog.write(P, HEAD.replace("photo.jpg", "pics/x.jpg") + "---\n")
    result = run_here(catalog.root, "check", "--format", "json")
    problems = [json.loads(x) for x in result.stdout.splitlines()]
    assert result.returncode == 1
    link = "products/lishui/p1/pics" + ("" if where == "subfolder" else "/x.jpg")
    found = {(p["code"], p["path"], p["line"]) for p in problems}
    assert found == {("path-escapes", P, 4), ("link-outside", link, None)}  # named at its line, and as a link


def test_content_folder_or_index_linked_from_outside_is_refused(catalog: Catalog, tmp_path) -> None:
    outside = tmp_path / "elsewhere"
    photo(outside / "photo.jpg")
    (outside / "index.md").write_text(HEAD + "---\n", encoding="utf-8")
    os.symlink(outside, catalog.root / "products/lishui/p3")
    (catalog.root / "products/lishui/p4").mkdir()
    os.symlink(outside / "index.md", catalog.root / "products/lishui/p4/index.md")
    result = run_here(catalog.root, "check", "--format", "json")
    found = {(p["code"], p["path"], p["severity"]) for p in map(json.loads, result.stdout.splitlines())}
    assert result.returncode == 1
    assert ("link-outside", "products/lishui/p3", "error") in found
    assert ("link-outside", "products/lishui/p4/index.md", "error") in found


def test_a_folder_linked_inside_the_catalog_is_fine(catalog: Catalog) -> None:
    os.symlink("p2", catalog.root / "products/lishui/p3")
    result = run_here(catalog.root, "check")
    assert result.returncode == 0 and "3 products" in result.stdout

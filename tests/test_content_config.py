"""sitegen.toml: every key type-checked, duplicate taxonomy ids however written, and fixes in TOML syntax."""

from __future__ import annotations

import json

import pytest

from tests.catalog import Catalog, in_english, run_here

TOP = 'title = "目录"\nbase_url = "https://a.cn/"\n[certifications.gi]\nzh = "地理标志"\n'  # lines 1-4

# (sitegen.toml, code, line, params that must be in the problem)
CASES = [
    (TOP + '[categories.tea]\nzh = "茶"\n[ categories . "tea" ]\nzh = "茶"\n', "duplicate-id", 7,
     {"kind": "category", "value": "tea"}),
    (TOP + '[certifications . gi]\nzh = "x"\n', "duplicate-id", 5, {"kind": "certification", "value": "gi"}),
    (TOP + '[categories]\ntea = {zh = "茶"}\ntea = {zh = "茶"}\n', "duplicate-id", 7, {"value": "tea"}),
    (TOP + '[categories]\ntea.zh = "茶"\ntea.en = "Tea"\n[categories.tea]\nen = "x"\n', "duplicate-id", 8,
     {"value": "tea"}),
    (TOP + '[categories.tea]\nzh = 5\n', "wrong-type", 6, {"field": "categories.tea.zh", "got": "a whole number"}),
    (TOP + '[categories.tea]\nzh = "茶"\nen = ["Tea"]\n', "wrong-type", 7, {"field": "categories.tea.en"}),
    (TOP + '[categories.tea]\nzh = "茶"\nurl = "ftp://x.cn"\n', "bad-url", 7, {"field": "categories.tea.url"}),
    (TOP + '[categories.tea]\nen = "Tea"\n', "missing-setting", 5, {"field": "categories.tea.zh"}),
    (TOP + '[categories.tea]\nzh = "茶"\nzn = "x"\n', "unknown-key", 7, {"field": "categories.tea.zn"}),
    (TOP + '[categories.tea]\nzh = "茶"\n[contact]\nphone = 5781234\n', "wrong-type", 8,
     {"field": "contact.phone"}),
    (TOP.replace("https://a.cn/", "https://a.github.io/catalog/") + '[categories.tea]\nzh = "茶"\n', "bad-setting",
     2, {"field": "base_url"}),  # links start at "/": a sub-folder site would be broken
    (TOP.replace("https://a.cn/", "https://u:p@a.cn/") + '[categories.tea]\nzh = "茶"\n', "bad-setting", 2,
     {"field": "base_url"}),
    (TOP.replace("https://a.cn/", "https://a.cn:99999/") + '[categories.tea]\nzh = "茶"\n', "bad-setting", 2,
     {"field": "base_url"}),
    ('theme = "../x"\n' + TOP + '[categories.tea]\nzh = "茶"\n', "bad-setting", 1, {"field": "theme"}),
    (TOP + '[categories.tea]\nzh = "茶"\n[images]\ncache_dir = "/tmp/x"\n', "bad-setting", 8,
     {"field": "images.cache_dir"}),
    (TOP + '[certifications.organic]\nzh = "有机"\nnumber_format = "x"\n', "bad-setting", 7,
     {"field": "certifications.organic.number_format"}),
    ('base_url = "https://a.cn/"\n[categories.tea]\nzh = "茶"\n', "missing-setting", 1,
     {"field": "title", "example": 'title = "丽水山耕农产品"'}),
    ('base_url = "https://a.cn/"\ntitle = " "\n[categories.tea]\nzh = "茶"\n', "empty-value", 2, {"field": "title"}),
    (TOP + '[categories.tea]\nzh = "茶"\n\n[category.nuts]\nzh = "坚果"\n', "unknown-key", 8,
     {"field": "category", "hint": "; did you mean 'categories'?"}),  # the table exists only as a header
    ('theme = "red"\n' + TOP + '[categories.tea]\nzh = "茶"\n', "unknown-theme", 1, {"value": "red"}),
]


@pytest.mark.parametrize(("toml", "code", "line", "params"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_bad_setting_is_reported_at_its_line(catalog: Catalog, toml: str, code: str, line: int,
                                            params: dict) -> None:
    catalog.write("sitegen.toml", toml)
    result = run_here(catalog.root, "check", "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    problems = [json.loads(x) for x in result.stdout.splitlines()]
    found = [p for p in problems if p["code"] == code and p["path"] == "sitegen.toml"]
    assert found, problems
    assert found[0]["line"] == line and params.items() <= in_english(found[0]["params"]).items()


def test_every_duplicate_id_is_reported_in_one_run(catalog: Catalog) -> None:
    catalog.write("sitegen.toml", TOP + '[categories.tea]\nzh = "茶"\n[categories.tea]\nzh = "茶"\n'
                  '[certifications.gi]\nzh = "x"\n')
    result = run_here(catalog.root, "check")
    assert "sitegen.toml:7: category id 'tea' is defined twice" in result.stderr
    assert "sitegen.toml:9: certification id 'gi' is defined twice" in result.stderr


@pytest.mark.parametrize("toml", [
    TOP + '[categories.tea]\nzh = "茶"\n[categories.tea.extra]\n',  # a sub-table is not a second 'tea'
    TOP + '[categories]\ntea.zh = "茶"\ntea.en = "Tea"\nrice = "大米"\n',
])
def test_legal_ways_of_writing_ids_are_not_duplicates(catalog: Catalog, toml: str) -> None:
    catalog.write("sitegen.toml", toml)
    result = run_here(catalog.root, "check", "--format", "json")
    assert "Traceback" not in result.stderr and result.returncode in (0, 1), result.stderr
    codes = {json.loads(x)["code"] for x in result.stdout.splitlines()}  # a crash prints no JSON: it fails here
    assert codes <= {"unknown-key"}, codes  # '[categories.tea.extra]' is an unknown field, not a second 'tea'
    assert result.returncode == (1 if codes else 0)


def test_missing_setting_says_how_to_write_it_in_toml(catalog: Catalog) -> None:
    catalog.write("sitegen.toml", 'title = "目录"\n[categories.tea]\nzh = "茶"\n')
    result = run_here(catalog.root, "check")
    assert "sitegen.toml:1: sitegen.toml has no 'base_url'; add a line base_url = \"https://" in result.stderr


@pytest.mark.parametrize("url", ["https://a.cn", "https://a.cn/", "http://shop.a.cn:8080/", "https://a.cn//"])
def test_a_site_root_is_a_good_base_url(catalog: Catalog, url: str) -> None:
    catalog.write("sitegen.toml", TOP.replace("https://a.cn/", url) + '[categories.tea]\nzh = "茶"\n')
    result = run_here(catalog.root, "check", "--format", "json")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stdout + result.stderr


def test_a_mistake_in_sitegen_toml_does_not_hide_the_content_problems(catalog: Catalog) -> None:
    catalog.write("sitegen.toml", 'titel = "目录"\n' + TOP + '[categories.tea]\nzh = "茶"\n')
    product = catalog.root / "products/lishui/p1/index.md"
    product.write_text(product.read_text("utf-8").replace("category: tea", "category: teaa"), encoding="utf-8")
    for command in ("check", "build"):
        result = run_here(catalog.root, command)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "sitegen.toml:1: unknown field 'titel'; did you mean 'title'?" in result.stderr
        assert "products/lishui/p1/index.md:3: " in result.stderr and "teaa" in result.stderr
    assert not catalog.output.exists()
    published = run_here(catalog.root, "publish", "--target", f"file://{catalog.root / 'bucket'}")
    assert published.returncode == 1 and "'titel'" in published.stderr and not (catalog.root / "bucket").exists()

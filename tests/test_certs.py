"""Certificates shoppers can check: numbers in their certification's public format, and a 查验 link only beside a
number, to the registry's https page."""

from __future__ import annotations

import json

import pytest

from tests.catalog import CONFIG, Catalog, run_here

P = "products/lishui/p1/index.md"
TERMS = """
[certifications.green-food]
zh = "绿色食品"
url = "https://www.greenfood.org.cn/"
number_format = "green-food"

[certifications.organic]
zh = "有机产品"
url = "https://cx.cnca.cn/"
number_format = "organic"

[certifications.local]
zh = "县级认证"
url = "http://example.com/old-registry"
"""


def _product(certs: str) -> str:
    return ("---\ntitle: 遂昌菊米\ncategory: tea\nimages:\n  - {file: photo.jpg, alt: 一杯茶}\n"
            f"certifications:\n{certs}---\n\n香气清雅。\n")


@pytest.fixture
def certified(catalog: Catalog) -> Catalog:
    catalog.write("sitegen.toml", CONFIG + TERMS)
    return catalog


@pytest.mark.parametrize(("cert", "number", "ok"), [
    ("green-food", "GF330102240567", True),
    ("green-food", "LB-18-0803140120A", True),  # the older numbers
    ("green-food", "GF33010224056", False),  # 11 digits
    ("green-food", "gf330102240567", False),
    ("green-food", "GF 330102240567", False),
    ("green-food", "LB-", False),
    ("organic", "12345678901234567", True),
    ("organic", "1234567890123456", False),
    ("organic", "OC-00-0000-0001", False),
    ("local", "任意编号 42", True),  # no public format: any number
])
def test_a_number_must_have_its_certification_s_public_format(certified: Catalog, cert: str, number: str,
                                                                ok: bool) -> None:
    certified.write(P, _product(f"  - {{id: {cert}, number: \"{number}\"}}\n"))
    result = run_here(certified.root, "check", "--format", "json")
    problems = [json.loads(line) for line in result.stdout.splitlines()]
    if ok:
        assert (result.returncode, problems) == (0, [])
    else:
        assert result.returncode == 1
        assert [(p["code"], p["line"], p["params"]["value"]) for p in problems] == [("bad-cert-number", 7, number)]


def test_the_message_says_the_format_in_both_languages(certified: Catalog) -> None:
    certified.write(P, _product("  - {id: green-food, number: \"12345\"}\n"))
    english = run_here(certified.root, "check", "--lang", "en").stderr
    assert f"{P}:7: '12345' is not a 绿色食品 certificate number, which is GF followed by 12 digits" in english
    chinese = run_here(certified.root, "check", "--lang", "zh-CN").stderr
    assert f"{P}:7: \"12345\" 不是绿色食品的证书编号，绿色食品的编号是GF 加 12 位数字" in chinese


def test_an_unknown_number_format_is_a_setting_problem(certified: Catalog) -> None:
    certified.write("sitegen.toml", CONFIG + TERMS.replace('number_format = "organic"', 'number_format = "orgnic"'))
    result = run_here(certified.root, "check", "--lang", "en")
    assert result.returncode == 1
    assert "sitegen.toml:26: 'certifications.organic.number_format' 'orgnic' is not a known format of certificate " \
           "numbers; use one of: green-food, organic" in result.stderr


def test_verify_links_only_beside_a_number_and_only_to_https(certified: Catalog) -> None:
    certified.write(P, _product("  - {id: green-food, number: \"GF330102240567\"}\n  - organic\n"
                                "  - {id: local, number: \"42\"}\n"))
    assert run_here(certified.root, "build").returncode == 0
    page = (certified.output / "products/lishui/p1/index.html").read_text("utf-8")
    assert page.count("查验") == 1
    assert '<a href="https://www.greenfood.org.cn/" rel="noopener">查验</a>' in page
    assert "cx.cnca.cn" not in page and "old-registry" not in page

"""Every message in Chinese and English: the catalogs are complete and current, translations keep their
parameters, the language is chosen as documented, and a Chinese run over bad catalogs prints no English."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.messages import ENGLISH, Msg, choose, fields_of, msg, render, supported, text_of
from sitegen.messages import catalog as po
from sitegen.messages.english import MAY_OMIT
from tests import test_check, test_content_config, test_content_robustness
from tests.catalog import Catalog, run_here

SOURCE = Path(__file__).parent.parent / "sitegen"
ZH = "zh-CN"


# ------------------------------------------------------------------------------------------- the catalogs


def test_the_committed_po_is_current_and_the_mo_is_compiled_from_it() -> None:
    """`python -m sitegen.messages.catalog` has been run: every English text is in the .po under its code, and
    the .mo that sitegen reads is exactly the .po compiled."""
    path = po.po_path("zh_CN")
    assert po.po_bytes(po.merged("zh_CN")) == path.read_bytes()
    assert po.mo_bytes(po.read("zh_CN")) == path.with_suffix(".mo").read_bytes()


def test_every_code_has_a_reviewed_chinese_text_and_an_english_one() -> None:
    catalog = po.read("zh_CN")
    texts = {m.context: m for m in catalog if m.id}
    assert sorted(texts) == sorted(ENGLISH)
    untranslated = [code for code, m in texts.items() if not m.string or m.fuzzy]
    assert untranslated == []
    same = [code for code, m in texts.items() if m.string == m.id and code != "overview"]
    assert same == []  # a copy of the English is not a translation
    assert [code for code, text in ENGLISH.items() if not text.strip()] == []


def test_no_translation_drops_or_adds_a_parameter() -> None:
    for code, english in ENGLISH.items():
        chinese = text_of(code, ZH)
        assert po.same_fields(code, chinese, english), code
        assert fields_of(chinese) == fields_of(english) or code in MAY_OMIT, code
        if code.startswith("argparse-"):  # %-formatted by argparse
            assert sorted(re.findall(r"%\(?\w*\)?[sr]", chinese)) == sorted(re.findall(r"%\(?\w*\)?[sr]", english))
        else:
            render(code, {name: "x" for name in fields_of(english)}, ZH)  # formats: no stray brace


def test_every_code_the_code_uses_is_in_the_catalog() -> None:
    """Codes are looked up at the last moment: one missing from the table would show as the bare code."""
    used = set()
    for path in SOURCE.rglob("*.py"):
        if "messages" in path.parts:
            continue
        text = path.read_text("utf-8")
        used |= set(re.findall(r"\b(?:msg|Problem|UsageError|PublishError|UnsafeOutput|ThemeError|WorkerDied|"
                                r"problem|add|_create|finished)\(\s*\"([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\"", text))
        used |= set(re.findall(r"\"((?:worker-died|expect|type|hint|advice)-[a-z0-9-]+)\"", text))
        used |= {f"help-{code}" for code in re.findall(r"\bh\(\"([a-z0-9-]+)\"", text)}
    assert sorted(used - ENGLISH.keys()) == []
    assert len(used) > 200


# ------------------------------------------------------------------------------------------ the language


@pytest.mark.parametrize(("flag", "env", "catalog_language", "chosen"), [
    (None, {}, None, "en"),
    (None, {}, "zh-CN", "zh-CN"),  # a zh-CN catalog on a machine with no locale set
    (None, {"LANG": "C.UTF-8"}, "zh-CN", "zh-CN"),  # C and POSIX say nothing
    (None, {"LC_ALL": "POSIX", "LANG": "en_US.UTF-8"}, "zh-CN", "en"),
    (None, {"LANG": "en_US.UTF-8"}, "zh-CN", "en"),
    (None, {"LANG": "fr_FR.UTF-8"}, "zh-CN", "zh-CN"),  # a language sitegen does not speak is passed over
    (None, {"LANG": "zh_CN.UTF-8"}, "en", "zh-CN"),
    (None, {"LC_MESSAGES": "zh_TW.UTF-8", "LANG": "en_US"}, None, "zh-CN"),
    (None, {"LC_ALL": "en_GB", "LC_MESSAGES": "zh_CN"}, None, "en"),
    (None, {"SITEGEN_LANG": "zh", "LC_ALL": "en_US.UTF-8"}, "en", "zh-CN"),
    ("en", {"SITEGEN_LANG": "zh-CN", "LANG": "zh_CN.UTF-8"}, "zh-CN", "en"),
    ("zh_CN", {}, "en", "zh-CN"),
])
def test_the_language_is_the_flag_then_sitegen_lang_then_the_locale_then_the_catalog(
        flag: str | None, env: dict[str, str], catalog_language: str | None, chosen: str) -> None:
    assert choose(flag, env, catalog_language) == chosen


def test_language_names_sitegen_understands() -> None:
    assert [supported(v) for v in ("zh-CN", "zh_CN.UTF-8", "zh", "ZH_cn@x", "en", "en_US.UTF-8", "C", "POSIX",
                                   "", None, "de_DE", "eng")] == \
        ["zh-CN", "zh-CN", "zh-CN", "zh-CN", "en", "en", None, None, None, None, None, None]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SITEGEN_LANG", "LANG", "LANGUAGE") and
           not k.startswith("LC_")}
    return {**env, **extra}


def test_a_chinese_catalog_on_a_machine_with_no_locale_is_answered_in_chinese(catalog: Catalog) -> None:
    catalog.write(test_check.P, test_check._product(titel="titel: 遂昌菊米"))
    result = subprocess.run([sys.executable, "-m", "sitegen", "check", "--root", str(catalog.root)],
                            capture_output=True, text=True, env=_env(), timeout=120)
    assert result.returncode == 1
    assert result.stderr == f"{test_check.P}:2: 没有 \"titel\" 这个字段；您是不是想写 \"title\"？\n1 个错误\n"
    english = subprocess.run([sys.executable, "-m", "sitegen", "check", "--root", str(catalog.root)],
                             capture_output=True, text=True, env=_env(LANG="en_US.UTF-8"), timeout=120)
    assert english.stderr == f"{test_check.P}:2: unknown field 'titel'; did you mean 'title'?\n1 error\n"


def test_json_keeps_the_code_and_params_and_adds_the_text_in_the_chosen_language(catalog: Catalog) -> None:
    catalog.write(test_check.P, test_check._product(category="category: 茶叶"))
    for lang, words in (("zh-CN", "分类 \"茶叶\" 不存在"), ("en", "category '茶叶' is not defined")):
        result = run_here(catalog.root, "check", "--format", "json", "--lang", lang)
        (problem,) = [json.loads(line) for line in result.stdout.splitlines()]
        assert problem["code"] == "unknown-category" and problem["line"] == 2
        assert problem["params"]["value"] == "茶叶" and problem["params"]["hint"] == {"code": "hint-term",
                                                                                    "params": {"word": "tea"}}
        assert problem["params"]["names"][0] == {"code": "term-name", "params": {"id": "rice", "zh": "大米"}}
        assert words in problem["message"]


@pytest.mark.parametrize("command", ["", "build", "check", "serve", "new", "new product", "publish"])
def test_help_in_both_languages(tmp_path: Path, command: str) -> None:
    words = command.split()
    chinese = run_here(tmp_path, *words, "--help", "--lang", "zh-CN")
    english = run_here(tmp_path, *words, "--help", "--lang", "en")
    assert chinese.returncode == english.returncode == 0
    assert chinese.stdout.startswith("用法：sitegen") and english.stdout.startswith("usage: sitegen")
    assert "显示本帮助并退出" in chinese.stdout and "show this help and exit" in english.stdout
    help_lines = [line for line in chinese.stdout.splitlines() if re.match(r"\s+-", line) and "  " in line.strip()]
    assert help_lines and not [line for line in help_lines if _english_words(line.split("  ", 1)[-1])]


def test_argparse_s_own_complaints_are_in_the_chosen_language(tmp_path: Path) -> None:
    result = run_here(tmp_path, "build", "--jobs", "x", "--lang", "zh-CN")
    assert result.returncode == 2
    assert "sitegen build：出错了：参数 --jobs：'x' 不是有效的值（应为 int）" in result.stderr
    english = run_here(tmp_path, "build", "--jobs", "x", "--lang", "en")
    assert "sitegen build: error: argument --jobs: invalid int value: 'x'" in english.stderr


def test_usage_errors_summaries_and_a_mistyped_command_in_chinese(catalog: Catalog) -> None:
    result = run_here(catalog.root, "check", "--lang", "zh-CN")
    summary = r"已检查 1 个品牌和 \d 个产品，用时 \d+\.\d 秒：没有错误，0 条提醒\n"
    assert result.returncode == 0 and re.fullmatch(summary, result.stdout), result.stdout
    missing = run_here(catalog.root / "nowhere", "check", "--lang", "zh-CN")
    assert missing.returncode == 2 and "不是文件夹" in missing.stderr, missing.stderr
    typo = subprocess.run([sys.executable, "-m", "sitegen", "bulid"], capture_output=True, text=True,
                          cwd=catalog.root, env=_env(), timeout=60)
    assert (typo.returncode, typo.stderr) == (2, "sitegen：没有 \"bulid\" 这个命令；您是不是想写 \"build\"？\n")


# ------------------------------------------------------------------- no English in a Chinese run

# Words that only an English sentence has (examples to type, ids and values are taken out first)
_ENGLISH = re.compile(r"\b(?:the|is|are|must|this|that|with|should|cannot|does|write|not|was|were|there|here|"
                      r"which|your|you|has|have|it|of|unknown|error|errors|warning)\b", re.I)


def _english_words(text: str) -> list[str]:
    return _ENGLISH.findall(re.sub(r"\S*/\S*", "", text))  # a path or a web address is not a sentence


def _values(params: object) -> list[str]:
    if isinstance(params, dict):
        if params.keys() == {"code", "params"}:
            return _values(params["params"])
        return [v for value in params.values() for v in _values(value)]
    if isinstance(params, list):
        return [v for value in params for v in _values(value)]
    return [str(params)] if params is not None else []


def _chinese_run_shows_no_english(catalog: Catalog) -> None:
    result = run_here(catalog.root, "check", "--format", "json", "--lang", "zh-CN")
    problems = [json.loads(line) for line in result.stdout.splitlines()]
    assert problems
    for problem in problems:
        text = problem["message"]
        for value in sorted(_values(problem["params"]), key=len, reverse=True):
            text = text.replace(value, "")  # the editor's own words, ids and the YAML reader's words
        assert _english_words(text) == [], (problem["code"], problem["message"])
    summary = run_here(catalog.root, "check", "--lang", "zh-CN").stderr.splitlines()[-1]
    assert re.fullmatch(r"\d+ 个错误", summary), summary


@pytest.mark.parametrize("case", test_check.CASES, ids=[c[1] for c in test_check.CASES])
def test_a_chinese_run_over_bad_products_prints_no_english(catalog: Catalog, case: tuple) -> None:
    catalog.write(test_check.P, case[0])
    _chinese_run_shows_no_english(catalog)


@pytest.mark.parametrize("case", test_content_robustness.CASES, ids=[c[1] for c in test_content_robustness.CASES])
def test_a_chinese_run_over_odd_front_matter_prints_no_english(catalog: Catalog, case: tuple) -> None:
    catalog.write(test_content_robustness.P, case[0])
    _chinese_run_shows_no_english(catalog)


@pytest.mark.parametrize("case", test_content_config.CASES, ids=[c[1] for c in test_content_config.CASES])
def test_a_chinese_run_over_bad_settings_prints_no_english(catalog: Catalog, case: tuple) -> None:
    catalog.write("sitegen.toml", case[0])
    _chinese_run_shows_no_english(catalog)


def test_a_nested_message_is_shown_in_the_language_of_the_sentence_around_it() -> None:
    wrong = msg("wrong-type", field="price", expected=msg("expect-number"), got=msg("type-bool"))
    assert wrong.text("en") == "'price' must be a number such as 68 or 12.5, not true or false"
    assert "true 或 false" in wrong.text(ZH) and "68" in wrong.text(ZH) and not _english_words(wrong.text(ZH))
    assert render("publish-requests", {"count": 1}) == "1 request"
    assert render("publish-requests", {"count": 12_000}) == "12,000 requests"
    assert msg("hint-allowed-fields", choices=["a", "b"]).text(ZH).count("、") == 1
    assert Msg("no-such-code").text(ZH) == "no-such-code"


def test_the_sandbox_s_limits_are_said_in_the_editor_s_language() -> None:
    from sitegen.render.sandbox import MAX_RENDER_MEMORY
    from sitegen.render.theme import SANDBOX

    assert ENGLISH.keys() >= SANDBOX
    assert f"({MAX_RENDER_MEMORY >> 20:,} MB)" in ENGLISH["sandbox-page-memory"]

"""Every sentence sitegen shows is a code and parameters until the moment it is shown.

The English text of each code lives in `english.py`, the source of the gettext catalogs;
the Chinese text in `locale/zh_CN/LC_MESSAGES/sitegen.po`, compiled to the `.mo` beside it
(`python -m sitegen.messages.catalog` updates both). A text is looked up by its code as the
gettext context, so a code keeps its translation while its English wording is reviewed, and
the JSON output, the tests and the translators all key on the code. Only the CLI (and the
preview's overlay) turn a message into text, in the language `choose()` picked.
"""

from __future__ import annotations

import gettext
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sitegen.messages.english import ENGLISH

LANGUAGES = ("zh-CN", "en")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
_GETTEXT_NAMES = {"zh-CN": "zh_CN"}
_LIST_SEPARATOR = {"zh-CN": "、", "en": ", "}


@dataclass(frozen=True, slots=True)
class Msg:
    """One thing to say: a stable code and its parameters. A parameter may itself be a Msg
    (a hint, a type's name), which is shown in the same language as the sentence around it."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT) -> str:
        return render(self.code, self.params, lang)

    def __str__(self) -> str:  # English, for a log or an exception that leaves through an unexpected door
        return self.text(DEFAULT)


def msg(code: str, **params: Any) -> Msg:
    return Msg(code, params)


def render(code: str, params: Mapping[str, Any], lang: str = DEFAULT) -> str:
    """The text of `code` in `lang` (English where the catalog has no text for it yet)."""
    template = text_of(code, lang)
    try:
        return _Formatter(lang).vformat(template, (), params)
    except (KeyError, IndexError, ValueError):  # a bug in a catalog entry: still say something
        return f"{template} {dict(params)}"


def text_of(code: str, lang: str) -> str:
    english = ENGLISH.get(code, code)
    translations = _translations(lang)
    return translations.pgettext(code, english) if translations else english


def plain(value: Any) -> Any:
    """A parameter as JSON can carry it: a nested message keeps its code and parameters, a YAML date
    or !!binary value becomes its text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Msg):
        return {"code": value.code, "params": {k: plain(v) for k, v in value.params.items()}}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


@cache
def _translations(lang: str) -> gettext.GNUTranslations | None:
    name = _GETTEXT_NAMES.get(lang)
    if name is None:
        return None
    try:
        with open(LOCALE_DIR / name / "LC_MESSAGES" / "sitegen.mo", "rb") as mo:
            return gettext.GNUTranslations(mo)
    except OSError:  # an installation without the compiled catalog: English rather than a traceback
        return None


class _Formatter(string.Formatter):
    """str.format with a language: lists joined as the language joins them, nested messages in the same
    language, big numbers grouped, and `{n:@brand|brands}` for an English count with its noun."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("@"):
            one, _, many = format_spec[1:].partition("|")
            return f"{value:,} {one if value == 1 else many}"
        return str(super().format_field(self.show(value), format_spec))

    def show(self, value: Any) -> Any:
        if isinstance(value, Msg):
            return value.text(self.lang)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
            return f"{value:,}"  # 2,000,000 bytes: read by people
        if isinstance(value, list | tuple):
            if not value:
                return text_of("none-defined", self.lang)
            return _LIST_SEPARATOR.get(self.lang, ", ").join(str(self.show(v)) for v in value)
        return value


def fields_of(template: str) -> set[str]:
    """The parameter names a template uses: a translation must use the same ones."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template)
            if name is not None}


def supported(value: str | None) -> str | None:
    """The language of a --lang value, a locale name (zh_CN.UTF-8, en_US) or a catalog's language (zh-CN),
    if sitegen speaks it; None for C, POSIX, an empty value or a language it does not speak."""
    if not value:
        return None
    base = value.split(".")[0].split("@")[0].replace("_", "-").lower()
    if base.startswith("zh"):
        return "zh-CN"
    if base == "en" or base.startswith("en-"):
        return "en"
    return None


def choose(flag: str | None, environ: Mapping[str, str], catalog_language: str | None) -> str:
    """The language to speak: --lang, then SITEGEN_LANG, then the locale (LC_ALL, LC_MESSAGES, LANG; C and POSIX
    say nothing), then the catalog's own language, then English. A value sitegen does not speak is passed over,
    so a zh-CN catalog on a machine with no locale set (or a French one) is answered in Chinese."""
    for value in (flag, environ.get("SITEGEN_LANG"), environ.get("LC_ALL"), environ.get("LC_MESSAGES"),
                  environ.get("LANG"), catalog_language):
        lang = supported(value)
        if lang:
            return lang
    return DEFAULT

"""sitegen.toml → a frozen, typed SiteConfig.

Every key is checked here, unknown ones included, and every problem comes back at once
with its line. The `[images]` and `[publish]` tables belong to the stages that use them;
this module only hands them their table and collects what they report.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sitegen import qr
from sitegen.errors import Problem, cannot_read, did_you_mean
from sitegen.images.settings import ImageSettings, parse_image_settings
from sitegen.messages import Msg, msg
from sitegen.publish.settings import PublishSettings, parse_publish_settings
from sitegen.settings_table import type_word
from sitegen.tomllines import definitions, key_lines, line_of, long_number_line, toml_error, too_deep
from sitegen.untrusted import (
    MAX_CONFIG_BYTES,
    MAX_DEPTH,
    NOT_A_WEB_ADDRESS,
    control_char,
    is_inside,
    link_problem,
    url_problem,
)

CONFIG_FILE = "sitegen.toml"
DEFAULT_LANGUAGE = "zh-CN"
CATEGORY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
THEME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # a folder name: no '..', no '/', nothing outside themes/


@dataclass(frozen=True, slots=True)
class Term:
    """A category or certification: its id and display names."""

    id: str
    zh: str
    en: str
    description: str = ""
    url: str = ""  # where shoppers can verify a certificate (e.g. the registry's lookup page)
    number_format: str = ""  # a public format the certificate numbers must have (CERT_FORMATS), or any

    def name(self, language: str) -> str:
        return self.en if language.startswith("en") and self.en else self.zh


@dataclass(frozen=True, slots=True)
class Contact:
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    root: Path = field(repr=False)  # where the build machine keeps the catalog: not for a template to print
    title: str
    base_url: str
    language: str = DEFAULT_LANGUAGE
    description: str = ""
    languages: tuple[str, ...] = ()  # the catalog's own language first, then "en" for an English catalog at /en/
    title_en: str = ""
    description_en: str = ""
    theme: str = "default"
    icp_record: str = ""
    police_record: str = ""
    contact: Contact = field(default_factory=Contact)
    categories: Mapping[str, Term] = field(default_factory=dict)
    certifications: Mapping[str, Term] = field(default_factory=dict)
    images: ImageSettings = field(default_factory=ImageSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)

    def all_languages(self) -> tuple[str, ...]:
        """Every language the catalog is built in, its own first."""
        return self.languages or (self.language,)

    def url(self, path: str) -> str:
        """Absolute URL for a site path such as '/brands/x/'."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


_TOP_KEYS = {
    "title", "base_url", "language", "description", "theme", "icp_record", "police_record",
    "languages", "title_en", "description_en", "contact", "categories", "certifications", "images", "publish",
}
_TERM_KEYS = {"zh", "en", "description", "url", "number_format"}
# The public formats of certificate numbers: 绿色食品 GF + 12 digits (older certificates: LB-…), 有机码 17 digits
CERT_FORMATS = {"green-food": re.compile(r"GF\d{12}|LB(?:-[0-9A-Z]+){2,}"), "organic": re.compile(r"\d{17}")}
_CONTACT_KEYS = {"phone", "email", "address"}


def load_config(root: Path) -> tuple[SiteConfig | None, list[Problem]]:
    """Read and check `root/sitegen.toml`.

    Returns (None, problems) only when the file cannot be read as TOML at all. Otherwise the
    config comes back even beside errors, with each bad value replaced by its default: a build or
    a publish refuses to go on, but `check` still reads every content file with it, so an editor
    sees a typo in sitegen.toml and the problems in the products in one run.
    """
    path = root / CONFIG_FILE
    if os.path.islink(path) and (code := link_problem(str(path), os.path.realpath(root))):
        return None, [Problem(code, CONFIG_FILE, None, {"value": CONFIG_FILE})]
    if not path.is_file():
        return None, [Problem("missing-config", CONFIG_FILE)]
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        return None, [cannot_read(CONFIG_FILE, exc)]
    if len(raw) > MAX_CONFIG_BYTES:
        line = raw.count(b"\n", 0, MAX_CONFIG_BYTES) + 1
        return None, [Problem("file-too-large", CONFIG_FILE, line, {"limit": MAX_CONFIG_BYTES})]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem("not-utf8", CONFIG_FILE, 1, {"offset": exc.start})]
    duplicates = [
        Problem("duplicate-id", CONFIG_FILE, line, {"kind": msg(f"kind-{kind}"), "value": term_id})
        for kind, term_id, line in _duplicate_ids(text)
    ]
    if duplicates:  # tomllib would stop at the first with a message that names no id
        return None, duplicates
    data, problem = _parse(text)
    if data is None or problem is not None:
        return None, [problem] if problem else []
    lines = key_lines(text)
    return _from_data(root, data, lambda p: line_of(lines, p), [])


def _parse(text: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """tomllib's reading of `text`, or the problem at its line. Lists nested thousands deep (tomllib's
    recursion) and numbers of thousands of digits (Python's int limit) are problems too, not crashes."""
    digits = sys.get_int_max_str_digits() or 4300

    def problem(line: int | None, words: str | Msg, advice: Msg) -> Problem:
        return Problem("toml-syntax", CONFIG_FILE, line, {"problem": words, "advice": advice})

    if (deep := too_deep(text, MAX_DEPTH)) is not None:
        return None, problem(deep, msg("toml-too-deep", depth=MAX_DEPTH), msg("advice-toml-plainly"))
    number = msg("advice-toml-number")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, words, advice = toml_error(str(exc), text)
        return None, problem(line, words, advice)
    except (ValueError, RecursionError):
        return None, problem(long_number_line(text, digits), msg("toml-long-number", digits=digits), number)
    # TOML's integers are 64-bit, but tomllib reads 0xfff… of any length, which Python cannot print
    huge = next((key for key, value in _values(data) if isinstance(value, int) and not -(2**63) <= value < 2**63),
                None)
    if huge is not None:
        return None, problem(line_of(key_lines(text), huge), msg("toml-huge-number"), number)
    return data, None


def _from_data(
    root: Path, data: dict[str, Any], line: Callable[[tuple[str, ...]], int | None], problems: list[Problem]
) -> tuple[SiteConfig | None, list[Problem]]:
    def add(code: str, key: tuple[str, ...], **params: Any) -> None:
        problems.append(Problem(code, CONFIG_FILE, line(key), params))

    for key in data.keys() - _TOP_KEYS:
        add("unknown-key", (key,), field=key, hint=did_you_mean(key, _TOP_KEYS))
    _control_characters(data, add)
    strings: dict[str, str] = {}
    for key in ("title", "base_url", "language", "description", "theme", "icp_record", "police_record", "title_en",
                "description_en"):
        value = data.get(key, "")
        if not isinstance(value, str):
            add("wrong-type", (key,), field=key, expected=msg("expect-toml-text"), got=type_word(value))
            value = ""
        strings[key] = value.strip()
    for key, example in (("title", 'title = "丽水山耕农产品"'), ("base_url", 'base_url = "https://www.example.cn/"')):
        if strings[key] or any(p.params.get("field") == key for p in problems):  # set, or already wrong-type
            continue
        if key in data:  # title = "": there, but empty
            add("empty-value", (key,), field=key)
        else:
            problems.append(Problem("missing-setting", CONFIG_FILE, 1, {"field": key, "example": example}))
    why = url_problem(strings["base_url"]) if strings["base_url"] else None
    if why == NOT_A_WEB_ADDRESS:
        add("bad-url", ("base_url",), field="base_url", value=strings["base_url"])
    elif why:
        add("bad-setting", ("base_url",), field="base_url", problem=msg(why))
    elif re.match(r"^https?://[^/\s]+/.*[^/\s]", strings["base_url"]) or re.search(r"[?#]", strings["base_url"]):
        # the site's links start at "/": a catalog in a sub-folder of a domain would have broken links
        add("bad-setting", ("base_url",), field="base_url", problem=msg("setting-base-url-root",
                                                                        value=strings["base_url"]))
    elif len(address := qr.address(strings["base_url"])) > qr.MAX_SITE_ADDRESS:  # every product's QR code holds it
        add("bad-setting", ("base_url",), field="base_url", problem=msg("setting-base-url-long",
                                                                        limit=qr.MAX_SITE_ADDRESS, length=len(address)))
    language = strings["language"] or "zh-CN"
    if not LANGUAGE.match(language):
        add("bad-language", ("language",), value=language)
    languages = _languages(data, language, add)
    theme = strings["theme"] or "default"
    if not THEME.match(theme):
        add("bad-setting", ("theme",), field="theme", problem=msg("setting-theme", value=theme))
        theme = "default"

    contact = _contact(data.get("contact", {}), ("contact",), add)
    categories = _terms(data, "categories", add, slug_ids=True)
    certifications = _terms(data, "certifications", add, slug_ids=False)
    images, image_problems = parse_image_settings(data.get("images", {}), line)
    publish, publish_problems = parse_publish_settings(data.get("publish", {}), line)
    problems += [Problem(p.code, CONFIG_FILE, p.line, p.params) for p in image_problems + publish_problems]
    if not is_inside(images.cache_dir):  # the build writes there, and reads back what it finds
        add("bad-setting", ("images", "cache_dir"), field="images.cache_dir",
            problem=msg("setting-cache-dir-inside", value=images.cache_dir))
        images = replace(images, cache_dir=ImageSettings().cache_dir)
    if "en" in languages[1:]:  # the English catalog shows the Chinese name of each of these meanwhile
        gaps: list[tuple[tuple[str, ...], str]] = [(("title_en",), "title_en")] if not strings["title_en"] else []
        gaps += [((kind, term.id), f"[{kind}.{term.id}] en") for kind, terms in (
            ("categories", categories), ("certifications", certifications)) for term in terms.values() if not term.en]
        problems += [Problem("english-missing", CONFIG_FILE, line(key) or 1, {"fields": [name], "example": 'en = "…"'
                             if name.endswith(" en") else 'title_en = "…"'}, severity="warning") for key, name in gaps]
    base_url = strings["base_url"].rstrip("/") + "/"
    return (
        SiteConfig(
            root=root,
            title=strings["title"],
            base_url=base_url,
            language=language,
            description=strings["description"],
            languages=languages,
            title_en=strings["title_en"],
            description_en=strings["description_en"],
            theme=theme,
            icp_record=strings["icp_record"],
            police_record=strings["police_record"],
            contact=contact,
            categories=categories,
            certifications=certifications,
            images=images,
            publish=publish,
        ),
        problems,
    )


AddProblem = Callable[..., None]
TRANSLATED = ("en",)  # languages a catalog can add to its own: the *_en fields and the theme's English words


def _languages(data: dict[str, Any], language: str, add: AddProblem) -> tuple[str, ...]:
    """`languages = ["zh-CN", "en"]`: the catalog's own language, then the ones it is translated into."""
    value = data.get("languages")
    if value is None:
        return ()
    example = f'languages = ["{language}", "en"]'
    if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
        add("bad-setting", ("languages",), field="languages", problem=msg("setting-languages", example=example))
        return ()
    if value[0] != language or len(set(value)) != len(value) or not set(value[1:]) <= set(TRANSLATED):
        add("bad-setting", ("languages",), field="languages", problem=msg("setting-languages", example=example))
        return ()
    return tuple(value)


def _contact(value: Any, key: tuple[str, ...], add: AddProblem) -> Contact:
    if isinstance(value, str):
        return Contact(address=value)
    if not isinstance(value, dict):
        add("wrong-type", key, field="contact", expected=msg("expect-contact-table"),
            got=type_word(value))
        return Contact()
    for extra in value.keys() - _CONTACT_KEYS:
        add("unknown-key", (*key, extra), field=f"contact.{extra}", hint=did_you_mean(extra, _CONTACT_KEYS))
    return Contact(**{k: _text(value, k, (*key, k), add) for k in _CONTACT_KEYS})


def _text(table: dict[str, Any], name: str, key: tuple[str, ...], add: AddProblem) -> str:
    """A text value of a table; a number or list where text belongs is reported, not turned into text."""
    value = table.get(name, "")
    if not isinstance(value, str):
        add("wrong-type", key, field=".".join(key), expected=msg("expect-toml-text"), got=type_word(value))
        return ""
    return value.strip()


def _terms(data: dict[str, Any], kind: str, add: AddProblem, slug_ids: bool) -> dict[str, Term]:
    table = data.get(kind, {})
    if not isinstance(table, dict):
        add("wrong-type", (kind,), field=kind, expected=msg("expect-term-tables", kind=kind),
            got=type_word(table))
        return {}
    terms: dict[str, Term] = {}
    for term_id, spec in table.items():
        key = (kind, term_id)
        if slug_ids and not CATEGORY_ID.match(term_id):
            add("bad-id", key, value=term_id, suggestion=_slug_suggestion(term_id))
            continue
        if isinstance(spec, str):
            spec = {"zh": spec}
        if not isinstance(spec, dict):
            add("wrong-type", key, field=f"{kind}.{term_id}", expected=msg("expect-term-table"),
                got=type_word(spec))
            continue
        for extra in spec.keys() - _TERM_KEYS:
            add("unknown-key", (*key, extra), field=f"{kind}.{term_id}.{extra}",
                hint=did_you_mean(extra, _TERM_KEYS))
        texts = {name: _text(spec, name, (*key, name), add) for name in sorted(_TERM_KEYS)}
        if "zh" not in spec:
            add("missing-setting", key, field=f"{kind}.{term_id}.zh",
                example=msg("example-under-this-line", example='zh = "中文名称"'))
        elif not texts["zh"] and isinstance(spec["zh"], str):
            add("empty-value", (*key, "zh"), field=f"{kind}.{term_id}.zh")
        if texts["url"] and url_problem(texts["url"]) is not None:
            add("bad-url", (*key, "url"), field=f"{kind}.{term_id}.url", value=texts["url"])
        number_format = texts["number_format"]
        if number_format and number_format not in CERT_FORMATS:
            add("bad-setting", (*key, "number_format"), field=f"{kind}.{term_id}.number_format",
                problem=msg("setting-number-format", value=number_format, valid=sorted(CERT_FORMATS)))
            number_format = ""
        terms[term_id] = Term(id=term_id, zh=texts["zh"] or term_id, en=texts["en"],
                              description=texts["description"], url=texts["url"], number_format=number_format)
    return terms


def _values(data: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every value of the file and every key (as text), each with its key path, at any depth."""
    todo: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while todo:
        key, value = todo.pop()
        if isinstance(value, dict):
            for name, item in value.items():
                yield (*key, name), name
                todo.append(((*key, name), item))
        elif isinstance(value, list):
            todo += [(key, item) for item in value]
        else:
            yield key, value


def _control_characters(data: dict[str, Any], add: AddProblem) -> None:
    """What reaches a page must hold no control character: every text and key of the file, at any depth."""
    for key, value in _values(data):
        if isinstance(value, str) and (found := control_char(value)):
            add("control-character", key, char=found[1])


def _slug_suggestion(value: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return slug or "my-id"


_KIND_NAMES = {"categories": "category", "certifications": "certification"}


def _duplicate_ids(text: str) -> list[tuple[str, str, int]]:
    """TOML forbids a table twice, but tomllib stops at the first with a message that names no id.

    An id is defined by its header `[categories.tea]`, or from another table by `tea = {…}` or
    dotted keys `tea.zh = …` (several dotted lines in one table define it once). Every definition
    after the first is reported, so all duplicates come out in one run.
    """
    seen: set[tuple[str, str, tuple[str, ...] | int]] = set()
    defined: dict[tuple[str, str], int] = {}
    found = []
    table: tuple[str, ...] = ()
    for path, number, header in definitions(text):
        if header:
            table = path
        if len(path) < 2 or path[0] not in _KIND_NAMES or (len(path) > 2 if header else table[:2] == path[:2]):
            continue  # not about one id, or a sub-table or key inside an id's own table
        where: tuple[str, ...] | int = table if len(path) > 2 else number  # dotted keys: once per table
        if (path[0], path[1], where) in seen:
            continue
        seen.add((path[0], path[1], where))
        if (path[0], path[1]) in defined:
            found.append((_KIND_NAMES[path[0]], path[1], number))
        defined.setdefault((path[0], path[1]), number)
    return found

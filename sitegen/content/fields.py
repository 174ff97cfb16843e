"""Typed reading of front matter fields, one small method per kind of value.

Each method returns a usable value even when the input is wrong (and records a problem
with the key's line), so one pass over a file reports everything wrong with it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from sitegen.content.frontmatter import FrontMatter, field_name
from sitegen.content.models import CertRef, ImageRef, Price, ProductVariant, ShopLink
from sitegen.errors import Problem, did_you_mean, type_word
from sitegen.messages import Msg, msg
from sitegen.untrusted import url_problem

_MONEY = re.compile(r"[¥￥元$]|rmb|cny", re.I)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# ![alt](target "title") and <img src=target> in the Markdown text. Each alternative matches wherever it starts
# and takes what it can (the target is optional), so that a scan never starts again from each of thousands of
# '![' or '<img' on a line with no ']' or '>': that was minutes for a hostile line, in check.
_PICTURE = re.compile(r"""!\[[^\]\n]{0,2000}(?:\]\(\s*<?([^)\s>]{1,2000}))?|<im(?:g|age)\b([^>]{0,2000})""", re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]{1,2000})""", re.I)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


class FieldReader:
    """Reads fields of one file's front matter, collecting problems as it goes."""

    def __init__(self, fm: FrontMatter, rel: str):
        self.fm = fm
        self.rel = rel
        self.problems: list[Problem] = list(fm.problems)

    def problem(self, code: str, *path: str | int, **params: Any) -> None:
        self.problems.append(Problem(code, self.rel, self.fm.line(*path), params))

    def check_keys(self, allowed: set[str] | frozenset[str], values: dict[str, Any], *path: str | int) -> None:
        for key in values:
            if key not in allowed:
                name = ".".join(str(p) for p in (*path, key))
                self.problem("unknown-key", *path, key, field=name, hint=did_you_mean(key, allowed))

    def missing(self, *path: str | int) -> None:
        """A required field is absent: point at its parent's line (or the front matter start)."""
        key = next((p for p in reversed(path) if isinstance(p, str)), "?")
        self.problem("missing-field", *path, field=_name(path), key=key)

    def _wrong(self, path: tuple[str | int, ...], expected: Msg, value: Any) -> None:
        self.problem("wrong-type", *path, field=_name(path), expected=expected, got=type_word(value))

    def get(self, *path: str | int) -> Any:
        value: Any = self.fm.values
        for part in path:
            if isinstance(value, dict) and isinstance(part, str):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value

    def text(self, *path: str | int, required: bool = False, value: Any = None) -> str:
        value = self.get(*path) if value is None else value
        if value is None:
            if required:
                self.missing(*path)
            return ""
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, bool):  # YAML reads yes, no, on, off, true, false as a switch
            self._wrong(path, msg("expect-text-not-switch", field=_name(path)), value)
            return ""
        if not isinstance(value, str | int | float):  # lists, groups, !!binary …
            self._wrong(path, msg("expect-text"), value)
            return ""
        text = str(value).strip()
        if required and not text:
            self.problem("empty-value", *path, field=_name(path))
        return text

    def number(self, *path: str | int, value: Any = None) -> float | None:
        value = original = self.get(*path) if value is None else value
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            if isinstance(value, str):
                try:
                    value = float(value.replace(",", "").strip())
                except ValueError:
                    expected = msg("expect-number")
                    if _MONEY.search(value):  # '¥38', '38元': the currency is its own field
                        expected = msg("expect-number-no-currency")
                    self.problem("wrong-type", *path, field=_name(path), expected=expected,
                                 got=f"'{_as_written(value)}'")
                    return None
            else:
                self._wrong(path, msg("expect-number"), value)
                return None
        try:
            number = float(value)
        except OverflowError:  # an integer with hundreds of digits
            number = math.inf
        if not math.isfinite(number):  # .nan, .inf, 1e400: would print as 'nan' or 'inf' on the page
            self.problem("wrong-type", *path, field=_name(path), expected=msg("expect-number"),
                         got=f"'{_as_written(original)}'")
            return None
        if number < 0:
            self.problem("negative-amount", *path, field=_name(path), value=value)
        return number

    def boolean(self, *path: str, default: bool) -> bool:
        value = self.get(*path)
        if value is None:
            return default
        if not isinstance(value, bool):
            self._wrong(path, msg("expect-bool"), value)
            return default
        return value

    def url(self, *path: str | int, value: Any = None, required: bool = False) -> str:
        text = self.text(*path, value=value, required=required)
        if text and url_problem(text) is not None:
            self.problem("bad-url", *path, field=_name(path), value=text)
            return ""
        return text

    def date(self, *path: str) -> str:
        value = self.get(*path)
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.isoformat()[:10]
        if isinstance(value, int) and 1900 <= value <= 2200:  # a year alone, e.g. established: 2014
            return str(value)
        text = str(value).strip()
        if _DATE.match(text):
            try:
                return dt.date.fromisoformat(text).isoformat()
            except ValueError:
                self.problem("no-such-date", *path, field=_name(path), value=text)  # 2024-02-30
                return ""
        if m := re.fullmatch(r"(\d{4})\s*年?", text):  # established: 2014年
            return m.group(1)
        self.problem("bad-date", *path, field=_name(path), value=text)
        return ""

    def items(self, *path: str) -> list[Any]:
        """A list field; a single value is accepted as a list of one."""
        value = self.get(*path)
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            self._wrong(path, msg("expect-list"), value)
            return []
        return [value]

    def strings(self, *path: str) -> tuple[str, ...]:
        return tuple(t for i, v in enumerate(self.items(*path)) if (t := self.text(*path, i, value=v)))

    def months(self, *path: str) -> tuple[int, ...]:
        months: list[int] = []
        for i, value in enumerate(self.items(*path)):
            if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 2:  # ["9", "10"]
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
                small = isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**6
                shown = value if small else _as_written(value)
                self.problem("bad-month", *path, i, field=_name(path), value=shown)
            else:
                months.append(value)
        return tuple(sorted(set(months)))

    def image(self, *path: str | int, value: Any = None) -> ImageRef | None:
        value = self.get(*path) if value is None else value
        if value is None:
            if path in self.fm.lines:  # written, with nothing after it: 'logo:' or 'logo: ~'
                self.problem("empty-file", *path, field=_name(path))
            return None
        if isinstance(value, dict):
            self.check_keys({"file", "alt"}, value, *path)
            if "file" not in value:
                self.missing(*path, "file")
                return None
            file = self.file_name(path, value["file"], (*path, "file"))
            alt = self.text(*path, "alt", value=value.get("alt"))
        else:
            file, alt = self.file_name(path, value), ""
        # 'photos\cover.jpg' as Windows writes it: one spelling for checking, processing and linking
        return ImageRef(file.replace("\\", "/"), alt, self.fm.line(*path)) if file else None

    def file_name(self, path: tuple[str | int, ...], value: Any, at: tuple[str | int, ...] | None = None) -> str:
        """The file name of the image at `path` (written at `at`, for {file: …}); an empty one ('', ~) is
        reported as such, not passed over."""
        at = at or path
        if value is None or (isinstance(value, str) and not value.strip()):
            self.problem("empty-file", *at, field=_name(path))
            return ""
        return self.text(*at, value=value)

    def images(self, *path: str, required: bool) -> tuple[ImageRef, ...]:
        entries = self.items(*path)
        if not entries and required:
            self.missing(*path)
        return tuple(ref for i, v in enumerate(entries) if (ref := self.image(*path, i, value=v)))

    def body_pictures(self, listed: set[str], listed_in: str | Msg) -> None:
        """Pictures in the text show only as the published copy of a listed photo (the renderer drops the
        rest): say so here, with the line, instead of a page that silently lacks the picture."""
        body = self.fm.body
        if "![" not in body and "<im" not in body.lower():  # most texts: one scan, not one per line
            return
        fenced = False
        for n, line in enumerate(body.split("\n")):
            if _FENCE.match(line):
                fenced = not fenced
            if fenced or ("![" not in line and "<im" not in line.lower()):
                continue
            for m in _PICTURE.finditer(line):
                src = _SRC.search(m.group(2)) if m.group(2) else None
                target = (m.group(1) or (src.group(1) if src else "")).strip()
                if not target:
                    continue
                params = {"value": target, "listed_in": listed_in}
                if re.match(r"(?i)^([a-z][a-z0-9+.-]*:|//)", target):
                    self.problems.append(Problem("outside-picture", self.rel, self.fm.body_line + n, params,
                                                 "warning"))
                elif target.removeprefix("./") not in listed:
                    self.problems.append(Problem("unlisted-picture", self.rel, self.fm.body_line + n, params,
                                                 "warning"))  # the page is whole without it: don't block it

    def certifications(self, *path: str) -> tuple[CertRef, ...]:
        refs: list[CertRef] = []
        for i, value in enumerate(self.items(*path)):
            if isinstance(value, dict):
                self.check_keys({"id", "number"}, value, *path, i)
                cert_id = self.text(*path, i, "id", value=value.get("id"), required=True)
                number = self.text(*path, i, "number", value=value.get("number"))
            else:
                cert_id, number = self.text(*path, i, value=value), ""
            if cert_id:
                refs.append(CertRef(cert_id, number, self.fm.line(*path, i)))
        return tuple(refs)

    def price(self, *path: str) -> Price | None:
        value = self.get(*path)
        if value is None:
            return None
        if isinstance(value, str):  # 'price: 38元', 'price: "68"': read as the amount, named as written
            amount = self.number(*path, value=value)
            return Price(amount, "CNY", "") if amount is not None else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = {"amount": value}
        if not isinstance(value, dict):
            self._wrong(path, msg("expect-price"), value)
            return None
        self.check_keys({"amount", "currency", "unit"}, value, *path)
        amount = self.number(*path, "amount", value=value.get("amount"))
        if amount is None:
            if value.get("amount") is None:
                self.missing(*path, "amount")
            return None
        currency = self.text(*path, "currency", value=value.get("currency")) or "CNY"
        if not re.fullmatch(r"[A-Za-z]{3}", currency):  # shops and search engines read the ISO code
            self.problem("wrong-type", *path, "currency", field=_name((*path, "currency")),
                         expected=msg("expect-currency"),
                         got=f"'{currency}'")
            currency = "CNY"
        return Price(amount, currency.upper(), self.text(*path, "unit", value=value.get("unit")))

    def variants(self, *path: str) -> tuple[ProductVariant, ...]:
        out: list[ProductVariant] = []
        for i, value in enumerate(self.items(*path)):
            if not isinstance(value, dict):
                self._wrong((*path, i), msg("expect-variant"), value)
                continue
            self.check_keys({"name", "price", "unit"}, value, *path, i)
            name = self.text(*path, i, "name", value=value.get("name"), required=True)
            price = self.number(*path, i, "price", value=value.get("price"))
            out.append(ProductVariant(name, price, self.text(*path, i, "unit", value=value.get("unit"))))
        return tuple(out)

    def shop_links(self, *path: str) -> tuple[ShopLink, ...]:
        out: list[ShopLink] = []
        for i, value in enumerate(self.items(*path)):
            if not isinstance(value, dict):
                self._wrong((*path, i), msg("expect-shop-link"), value)
                continue
            self.check_keys({"platform", "url"}, value, *path, i)
            platform = self.text(*path, i, "platform", value=value.get("platform"), required=True)
            link = value.get("url")
            if isinstance(link, str) and _MINI_PROGRAM.fullmatch(link.strip()):
                url = link.strip()  # opens the shop's WeChat mini-program, with no server of ours in between
            else:
                url = self.url(*path, i, "url", value=link, required=True)
            if platform and url:
                out.append(ShopLink(platform, url))
        return tuple(out)


# A WeChat mini-program's URL Scheme (weixin://dl/business/?appid=…&path=…): nothing but the app id and path
_MINI_PROGRAM = re.compile(r"weixin://dl/business/\?[A-Za-z0-9_.~%&=/-]+")


def _as_written(value: Any) -> str:
    """A value as an editor would recognise it in YAML (true, not True; empty, not None)."""
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return "binary data"
    text = str(value)
    return text if len(text) <= 24 else text[:20] + "…"


_name = field_name

"""Brand and Product records ↔ plain JSON values, for the state store.

The cache folder is restored from CI caches and can even be committed, so what it holds is
untrusted: a record comes back only if every field has exactly its declared type, every text
is within the limits a content file may have and free of control characters, and its ids and
paths are those of the folder it is cached for. Anything else is a cache miss (the file is
read again), never an error. Nothing here can run code: JSON in, dataclasses out.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from typing import Any

from sitegen.content.models import Brand, ImageRef, Product
from sitegen.errors import Problem
from sitegen.messages import Msg, plain
from sitegen.untrusted import CONTROL, is_inside

__all__ = ["Invalid", "clean_json", "decode_entry", "decode_problem", "encode_entry", "encode_problem"]

# A cached text is never longer than a content file may make it (the reader's limits are lower).
_MAX_TEXT = 2_000_000


class Invalid(ValueError):
    """A cached value that is not what this version of sitegen writes: treat it as a miss."""


Decoder = Callable[[Any], Any]


def _text(value: Any) -> str:
    if type(value) is not str or len(value) > _MAX_TEXT:
        raise Invalid("text")
    if CONTROL.search(value.replace("\r", "") if "\r" in value else value):  # what the reader refuses
        raise Invalid("control character")
    return value


def _clean_text(value: Any) -> str:
    """A text of a JSON document `clean_json` passed: no control character can be in it."""
    if type(value) is not str or len(value) > _MAX_TEXT:
        raise Invalid("text")
    return value


# JSON escapes that could stand for a character CONTROL refuses (and \b, \f); some match harmless text too
# (an escaped backslash before 'b'): those documents are only checked the slow way, text by text.
_ESCAPES = re.compile(r"\\(?:u(?:00[01]|007[fF]|00[89]|202[89]|[dD][89a-fA-F])|[bf])")


def clean_json(text: str) -> bool:
    """Whether no text in this JSON document can hold a control character, raw or escaped: then one search
    of the document replaces a check of each of its (500,000 at 20,000 products) texts."""
    return CONTROL.search(text) is None and _ESCAPES.search(text) is None


def _int(value: Any) -> int:
    if type(value) is not int or not -(2**63) <= value < 2**63:
        raise Invalid("int")
    return value


def _float(value: Any) -> float:
    if type(value) is int:
        value = float(_int(value))
    if type(value) is not float or value != value or value in (float("inf"), float("-inf")):
        raise Invalid("float")
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise Invalid("bool")
    return value


def _decoder(hint: Any, text: Decoder) -> Decoder:
    """A checking decoder for one annotated type (the few kinds records use); `text` checks a str."""
    origin = typing.get_origin(hint)
    if hint is str:
        return text
    if hint is int:
        return _int
    if hint is float:
        return _float
    if hint is bool:
        return _bool
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"unsupported union {hint}")
        inner = _decoder(args[0], text)
        return lambda v: None if v is None else inner(v)
    if origin is tuple:
        item, dots = typing.get_args(hint)
        if dots is not Ellipsis:
            raise TypeError(f"unsupported tuple {hint}")
        each = _decoder(item, text)

        def many(value: Any) -> tuple[Any, ...]:
            if type(value) is not list:
                raise Invalid("list")
            return tuple([each(v) for v in value])

        return many
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _record_decoder(hint, text)
    raise TypeError(f"unsupported field type {hint}")


def _record_decoder(cls: type, text: Decoder) -> Decoder:
    hints = typing.get_type_hints(cls)
    fields = [(f.name, _decoder(hints[f.name], text)) for f in dataclasses.fields(cls) if f.init]
    names = {name for name, _ in fields}

    def decode(value: Any) -> Any:
        if type(value) is not dict or not value.keys() <= names:
            raise Invalid(cls.__name__)
        try:
            return cls(**{name: fn(value[name]) for name, fn in fields if name in value})
        except TypeError as exc:  # a required field left out
            raise Invalid(str(exc)) from None

    return decode


def _encode(value: Any) -> Any:
    names = _NAMES.get(type(value))
    if names is None and dataclasses.is_dataclass(value):
        names = _NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value) if f.init)
    if names is not None:
        return {name: _encode(getattr(value, name)) for name in names}
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


_NAMES: dict[type, tuple[str, ...]] = {}  # the fields a record type is written with, found once per type


# (checking every text, for a document clean_json passed)
_DECODE = {kind: (_record_decoder(cls, _text), _record_decoder(cls, _clean_text))
           for kind, cls in (("brand", Brand), ("product", Product))}
_SEVERITIES = ("error", "warning")


def _json_value(value: Any, text: Decoder, depth: int = 0) -> Any:
    """A problem's parameter: plain JSON of bounded depth, texts checked like any other."""
    kind = type(value)
    if kind is str:
        return text(value)
    if value is None or kind in (bool, int, float):
        return value
    if depth < 4 and kind is list:
        return [_json_value(v, text, depth + 1) for v in value]
    if depth < 4 and kind is dict:
        params = {text(k): text(v) if type(v) is str else _json_value(v, text, depth + 1) for k, v in value.items()}
        if params.keys() == {"code", "params"} and type(params["code"]) is str and type(params["params"]) is dict:
            return Msg(params["code"], params["params"])  # a nested message, as `plain` wrote it
        return params
    raise Invalid("parameter")


def decode_problem(value: Any, rel: str | None = None, clean: bool = False) -> Problem:
    """A problem as `encode_problem` wrote it; `rel`: the file it must be about; `clean`: it comes from a
    document `clean_json` passed."""
    if type(value) is not list or len(value) != 5:
        raise Invalid("problem")
    code, path, line, params, severity = value
    if (rel is not None and path != rel) or severity not in _SEVERITIES or type(params) is not dict:
        raise Invalid("problem")
    text = _clean_text if clean else _text
    return Problem(text(code), text(path), None if line is None else _int(line),
                   {text(k): text(v) if type(v) is str else _json_value(v, text, 1) for k, v in params.items()},
                   severity)


def encode_problem(p: Problem) -> list[Any]:
    return [p.code, p.path, p.line, {k: plain(v) for k, v in p.params.items()}, p.severity]


def encode_entry(record: Brand | Product | None, problems: list[Problem]) -> dict[str, Any]:
    kind = "brand" if isinstance(record, Brand) else "product" if isinstance(record, Product) else None
    return {
        "kind": kind,
        "record": None if record is None else _encode(record),
        "problems": [encode_problem(p) for p in problems],
    }


def decode_entry(data: Any, rel: str, ids: tuple[str, ...], clean: bool = False
                 ) -> tuple[Brand | Product | None, list[Problem]]:
    """The cached result of reading `rel` (the index.md of the folder with `ids`), checked; Invalid if not.
    `clean`: `data` comes from a document `clean_json` passed."""
    if type(data) is not dict or data.keys() != {"kind", "record", "problems"}:
        raise Invalid("entry")
    if type(data["problems"]) is not list:
        raise Invalid("problems")
    problems = [decode_problem(p, rel, clean) for p in data["problems"]]
    kind, raw = data["kind"], data["record"]
    if raw is None:
        if kind is not None:
            raise Invalid("entry")
        return None, problems
    expected = "brand" if len(ids) == 1 else "product"
    if kind != expected:
        raise Invalid("kind")
    record = _DECODE[kind][clean](raw)
    if not all(is_inside(ref.file) for ref in _images(record)):
        raise Invalid("a photo outside its folder")
    if record.rel != rel or (record.id if kind == "brand" else (record.brand_id, record.id)) != (
            ids[0] if kind == "brand" else ids):
        raise Invalid("not this folder's record")
    return record, problems



def _images(record: Brand | Product) -> list[ImageRef]:
    if isinstance(record, Product):
        return list(record.images)
    return [ref for ref in (record.logo, record.banner) if ref is not None]

"""Checking one settings table of sitegen.toml against its expected keys and types.

Shared by the stages that own a table (`[images]`, `[publish]`) so that each reports
unknown keys and wrong types with the same codes and lines as the rest of the config.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sitegen import errors
from sitegen.errors import Problem, did_you_mean
from sitegen.messages import Msg, msg

LineOf = Callable[[tuple[str, ...]], int | None]

_TYPE_WORDS = {str: "expect-toml-text", int: "expect-toml-int", bool: "expect-toml-bool", list: "expect-toml-list",
               float: "expect-toml-float", dict: "expect-toml-table"}


def type_word(value: Any) -> Msg:
    """What an editor wrote in sitegen.toml, in words."""
    return errors.type_word(value, group="type-table")


def expected_types(types: tuple[type, ...]) -> Msg:
    words = [msg(_TYPE_WORDS.get(t, "type-value")) for t in types]
    return words[0] if len(words) == 1 else msg("expect-either", first=words[0], second=words[1])


def check_table(
    name: str, table: Any, spec: Mapping[str, type | tuple[type, ...]], line: LineOf
) -> tuple[dict[str, Any], list[Problem]]:
    """Keep the well-typed known keys of `table`; report the rest. Path is filled in by config."""
    problems: list[Problem] = []
    if not isinstance(table, dict):
        problems.append(Problem("wrong-type", "", line((name,)), {"field": name, "expected": msg("expect-toml-table"),
                                                                   "got": type_word(table)}))
        return {}, problems
    kept: dict[str, Any] = {}
    for key, value in table.items():
        if key not in spec:
            problems.append(Problem("unknown-key", "", line((name, key)),
                                    {"field": f"{name}.{key}", "hint": did_you_mean(key, spec)}))
            continue
        expected = spec[key]
        types = expected if isinstance(expected, tuple) else (expected,)
        # TOML's true is a Python int too; only accept it where a bool is wanted
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            problems.append(Problem("wrong-type", "", line((name, key)), {
                "field": f"{name}.{key}", "expected": expected_types(types),
                "got": type_word(value)}))
            continue
        kept[key] = value
    return kept, problems

"""The `[images]` table of sitegen.toml."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sitegen.errors import Problem
from sitegen.settings_table import LineOf, check_table


@dataclass(frozen=True, slots=True)
class ImageSettings:
    widths: tuple[int, ...] = (480, 960, 1600)
    quality: int = 80
    formats: tuple[str, ...] = ("webp", "jpeg")
    max_megapixels: int = 100
    cache_dir: str = ".sitegen-cache"


_SPEC = {"widths": list, "quality": int, "formats": list, "max_megapixels": int, "cache_dir": str}


def parse_image_settings(table: Any, line: LineOf) -> tuple[ImageSettings, list[Problem]]:
    kept, problems = check_table("images", table, _SPEC, line)
    for key in ("widths", "formats"):
        if key in kept:
            kept[key] = tuple(kept[key])
    return ImageSettings(**kept), problems

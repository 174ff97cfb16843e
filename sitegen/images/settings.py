"""The `[images]` table of sitegen.toml.

Every value that changes the bytes of a published image is part of `fingerprint()`, so a
change of settings gives new file names instead of stale, forever-cached ones.
"""

from __future__ import annotations

import contextlib
import functools
import json
from dataclasses import dataclass, replace
from io import BytesIO
from typing import Any

from sitegen.errors import Problem
from sitegen.messages import Msg, msg
from sitegen.settings_table import LineOf, check_table

FORMATS = ("avif", "webp", "jpeg")  # in the order browsers should prefer them
LOGO_WIDTHS = (128, 256)


@dataclass(frozen=True, slots=True)
class ImageSettings:
    widths: tuple[int, ...] = (480, 960, 1600)
    quality: int = 80
    formats: tuple[str, ...] = ("webp", "jpeg")
    max_megapixels: int = 100
    cache_dir: str = ".sitegen-cache"
    # libwebp effort (0 fast … 6 slow). Measured on the 4000×3000 benchmark photos at q80
    # (bench/README-images.md): method 0 encodes 2.9× faster than 4 for ~5% more bytes at
    # equal PSNR. Phones on 4G fetch the small widths, so they get the thorough method;
    # the wide variants (desktops, broadband) get the fast one.
    webp_method: int = 4
    webp_method_large: int = 0
    large_width: int = 1200  # variants wider than this use webp_method_large
    avif_speed: int = 8  # libavif speed 0 slow … 10 fast; AVIF is opt-in and slow to encode

    def for_logos(self) -> ImageSettings:
        """A logo is drawn 3–5rem wide (48–80 CSS px): LOGO_WIDTHS fill that on 1×–3× screens, where the
        photo widths would send a 400-px logo to a 48-px box."""
        return replace(self, widths=LOGO_WIDTHS)

    def fingerprint(self) -> str:
        """The settings that shape output bytes (not max_megapixels or cache_dir)."""
        return json.dumps([sorted(set(self.widths)), self.quality, [f for f in FORMATS if f in self.formats],
                           self.webp_method, self.webp_method_large, self.large_width, self.avif_speed])


_SPEC = {"widths": list, "quality": int, "formats": list, "max_megapixels": int, "cache_dir": str,
         "webp_method": int, "webp_method_large": int, "large_width": int, "avif_speed": int}
_RANGES = {"quality": (1, 100), "max_megapixels": (1, 10_000), "webp_method": (0, 6),
           "webp_method_large": (0, 6), "large_width": (1, 100_000), "avif_speed": (0, 10)}


def parse_image_settings(table: Any, line: LineOf) -> tuple[ImageSettings, list[Problem]]:
    kept, problems = check_table("images", table, _SPEC, line)

    def bad(key: str, problem: Msg) -> None:
        problems.append(Problem("bad-setting", "", line(("images", key)), {"field": f"images.{key}",
                                                                           "problem": problem}))
        kept.pop(key, None)

    for key, (low, high) in _RANGES.items():
        if key in kept and not low <= kept[key] <= high:
            bad(key, msg("setting-range", low=low, high=high, value=kept[key]))
    if "widths" in kept:
        widths = kept["widths"]
        if not widths or not all(isinstance(w, int) and not isinstance(w, bool) and 0 < w <= 10_000
                                 for w in widths):
            bad("widths", msg("setting-widths"))
        else:
            kept["widths"] = tuple(sorted(set(widths)))
    if "formats" in kept:
        formats = kept["formats"]
        unknown = [f for f in formats if f not in FORMATS]
        if not formats or unknown:
            bad("formats", msg("setting-formats-unknown", formats=list(FORMATS), value=unknown[0]) if unknown
                else msg("setting-formats", formats=list(FORMATS)))
        elif "avif" in formats and not can_write_avif():
            bad("formats", msg("setting-no-avif"))
        else:
            kept["formats"] = tuple(f for f in FORMATS if f in formats)
    if "cache_dir" in kept and not _inside(kept["cache_dir"]):
        bad("cache_dir", msg("setting-cache-dir"))
    return ImageSettings(**kept), problems


def _inside(folder: str) -> bool:
    """A relative folder below the catalog's: not absolute (nor a Windows drive), no '..', not the catalog."""
    parts = folder.replace("\\", "/").split("/")
    return (not folder.startswith(("/", "\\")) and ":" not in folder and ".." not in parts
            and any(p.strip() not in ("", ".") for p in parts))


@functools.cache
def can_write_avif() -> bool:
    """Whether AVIF can be encoded here: found once by encoding a tiny picture, so that a missing
    codec is a setting error before the build, not a crash in the middle of it."""
    from PIL import Image

    Image.init()
    if "AVIF" not in Image.SAVE:
        with contextlib.suppress(ImportError):
            import pillow_avif  # type: ignore[import-not-found]  # noqa: F401  registers AVIF with Pillow
    try:
        Image.new("RGB", (8, 8)).save(BytesIO(), "AVIF")
    except Exception:  # KeyError without the plugin; OSError/ValueError without an encoder codec
        return False
    return True

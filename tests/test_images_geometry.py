"""The pure size rules, as tables: no Pillow, no files."""

from __future__ import annotations

import pytest

from sitegen.images import geometry
from sitegen.images.settings import ImageSettings, parse_image_settings

W = (480, 960, 1600)


@pytest.mark.parametrize(("source", "widths", "expected"), [
    (4000, W, (480, 960, 1600)),
    (1600, W, (480, 960, 1600)),
    (1000, W, (480, 960, 1000)),
    (300, W, (300,)),  # a 300-px photo yields one 300-px variant
    (480, W, (480,)),
    (700, (960, 480), (480, 700)),
])
def test_variant_widths_never_upscale(source: int, widths: tuple[int, ...], expected: tuple[int, ...]) -> None:
    assert geometry.variant_widths(source, widths) == expected


@pytest.mark.parametrize(("source", "widths", "expected"), [
    (4000, W, 960), (700, W, 700), (4000, (480, 960), 480), (4000, (320, 640, 960, 1280), 640), (4000, (800,), 800),
])
def test_fallback_is_the_middle_width(source: int, widths: tuple[int, ...], expected: int) -> None:
    assert geometry.fallback_width(source, widths) == expected


@pytest.mark.parametrize(("size", "box", "out"), [
    ((1600, 1200), (0, 180, 1600, 1020), (1200, 630)),  # landscape 4:3: cut top and bottom
    ((1600, 2133), (0, 646, 1600, 1486), (1200, 630)),  # portrait
    ((3000, 1000), (547, 0, 2452, 1000), (1200, 630)),  # panorama: cut the sides
    ((300, 200), (0, 21, 300, 179), (300, 158)),  # smaller than 1200×630: no upscaling
    ((1080, 2340), (0, 886, 1080, 1453), (1080, 567)),  # a phone screenshot (2.2:1) is still cut in the middle
    ((750, 2250), (0, 0, 750, 394), (750, 394)),  # a long image (长图, 3:1 and more): its top, the product
    ((750, 17000), (0, 0, 750, 394), (750, 394)),
])
def test_og_cover_box(size: tuple[int, int], box: geometry.Box, out: tuple[int, int]) -> None:
    assert geometry.cover_box(*size) == (box, out)


@pytest.mark.parametrize(("size", "longest", "expected"), [
    ((750, 17000), 16383, (723, 16383)),
    ((17000, 600), 16383, (16383, 578)),
    ((16383, 16383), 16383, (16383, 16383)),
    ((1, 100_000), 16383, (1, 16383)),  # never below one pixel
    ((960, 720), 16383, (960, 720)),
])
def test_fit_to_a_formats_longest_side(size: tuple[int, int], longest: int, expected: tuple[int, int]) -> None:
    assert geometry.fit(size, longest) == expected


def test_fitted_variants_keep_one_file_per_width() -> None:
    planned = ((1600, 40000), (960, 24000), (480, 12000))
    assert geometry.fitted(planned, 16383) == {(655, 16383): (1600, 40000), (480, 12000): (480, 12000)}
    assert geometry.fitted(((960, 720), (480, 360)), 16383) == {(960, 720): (960, 720), (480, 360): (480, 360)}


@pytest.mark.parametrize(("stored", "orientation", "widths", "decode"), [
    ((4000, 3000), 1, ((1600, 1200), (960, 720), (480, 360)), (1600, 1200)),
    ((4000, 3000), 6, ((1600, 2133), (960, 1280), (480, 640)), (2133, 1600)),  # decoded in stored axes
    ((800, 600), 8, ((600, 800), (480, 640)), (800, 600)),
])
def test_plan(stored: tuple[int, int], orientation: int, widths: tuple[tuple[int, int], ...],
              decode: tuple[int, int]) -> None:
    plan = geometry.plan(stored, orientation, W)
    assert (plan.widths, plan.decode_size) == (widths, decode)


@pytest.mark.parametrize(("stored", "orientation", "widths", "base", "og_size"), [
    ((4000, 3000), 1, W, (1600, 1200), (1200, 630)),  # the widest variant is enough
    ((2400, 800), 1, W, (1890, 630), (1200, 630)),  # a 3:1 banner: decoded wider than 1600 for og:image
    ((4000, 3000), 1, (480, 960), (1200, 900), (1200, 630)),  # small widths still give a full og:image
    ((800, 2400), 6, W, (1890, 630), (1200, 630)),  # stored portrait, displayed as a banner
    ((1500, 500), 1, W, (1500, 500), (952, 500)),  # too small for 1200×630: never upscaled
    ((300, 200), 1, W, (300, 200), (300, 158)),
])
def test_og_image_is_full_size_whenever_the_source_allows(
        stored: tuple[int, int], orientation: int, widths: tuple[int, ...], base: tuple[int, int],
        og_size: tuple[int, int]) -> None:
    plan = geometry.plan(stored, orientation, widths)
    assert (plan.base, plan.og_size) == (base, og_size)
    left, top, right, bottom = plan.og_box
    assert 0 <= left < right <= base[0] and 0 <= top < bottom <= base[1]
    assert plan.decode_size == ((base[1], base[0]) if orientation in geometry.ROTATED else base)


@pytest.mark.parametrize(("stored", "needed", "scale"), [
    ((4000, 3000), (1600, 1200), 2),  # JPEG decodes at 1/2: 2000×1500 still covers 1600
    ((4000, 3000), (2133, 1600), 1),  # an Orientation=6 photo needs its full height
    ((4000, 3000), (480, 360), 8),
    ((1200, 900), (1200, 900), 1),
])
def test_draft_scale(stored: tuple[int, int], needed: tuple[int, int], scale: int) -> None:
    assert geometry.draft_scale(stored, needed) == scale


def _line(path: tuple[str, ...]) -> int:
    return 7


@pytest.mark.parametrize(("table", "field", "words"), [
    ({"widths": [480, 0]}, "images.widths", "whole numbers from 1 to 10000"),
    ({"widths": []}, "images.widths", "list of widths"),
    ({"widths": [480, "960"]}, "images.widths", "list of widths"),
    ({"formats": ["webp", "gif"]}, "images.formats", "'gif' is not one of them"),
    ({"quality": 0}, "images.quality", "from 1 to 100, not 0"),
    ({"webp_method": 7}, "images.webp_method", "from 0 to 6"),
    ({"max_megapixels": 0}, "images.max_megapixels", "from 1 to"),
    ({"cache_dir": " "}, "images.cache_dir", "a folder inside the catalog"),
    ({"cache_dir": "/etc"}, "images.cache_dir", "a folder inside the catalog"),
    ({"cache_dir": "../../tmp/shared-cache"}, "images.cache_dir", "without '..'"),
    ({"cache_dir": "cache/../../x"}, "images.cache_dir", "without '..'"),
    ({"cache_dir": "."}, "images.cache_dir", "a folder inside the catalog"),
    ({"cache_dir": "C:\\cache"}, "images.cache_dir", "a folder inside the catalog"),
])
def test_bad_image_settings(table: dict, field: str, words: str) -> None:
    settings, problems = parse_image_settings(table, _line)
    assert [(p.code, p.line, p.params["field"]) for p in problems] == [("bad-setting", 7, field)]
    assert words in problems[0].message
    assert settings == ImageSettings()  # the bad value is dropped, the default stays


def test_good_image_settings_are_normalised() -> None:
    settings, problems = parse_image_settings({"widths": [1600, 480, 960, 480], "formats": ["jpeg", "avif"]},
                                              _line)
    assert problems == [] and settings.widths == (480, 960, 1600) and settings.formats == ("avif", "jpeg")
    assert settings.fingerprint() != ImageSettings().fingerprint()
    assert ImageSettings(cache_dir="x", max_megapixels=5).fingerprint() == ImageSettings().fingerprint()
    assert parse_image_settings({"cache_dir": "build/.cache"}, _line) == (ImageSettings(cache_dir="build/.cache"), [])

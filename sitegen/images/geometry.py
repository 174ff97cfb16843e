"""Which sizes and crops an image gets: pure arithmetic, no Pillow, no files.

Kept apart from the Pillow I/O (as Lektor's imagetools does) so that the rules — never
upscale, how far the JPEG decoder may shrink, where the og:image crop falls — are tested
with plain numbers in a table.
"""

from __future__ import annotations

from dataclasses import dataclass

OG_SIZE = (1200, 630)  # what Facebook, WeChat and others show for og:image
# The longest side each output format holds. WebP stores 14 bits per side. AVIF is held to the same: AV1's
# levels stop at 16,384 and libavif (in browsers too) refuses to decode sides over 32,768 by default.
# libjpeg stops at 65,500; PNG is kept there too.
MAX_SIDE = {"webp": 16383, "avif": 16383, "jpeg": 65500, "png": 65500}
ROTATED = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height
LONG = 3  # a picture at least this many times taller than wide is a "long image" (长图): shared from its top

Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Plan:
    """Every size made from one source, in display (upright) pixels."""

    widths: tuple[tuple[int, int], ...]  # responsive variants, widest first
    fallback: tuple[int, int]  # the <img src> (JPEG or PNG)
    base: tuple[int, int]  # what is decoded, upright: the widest variant, or wider when og:image needs it
    og_box: Box  # crop of `base` that becomes og:image
    og_size: tuple[int, int]
    decode_size: tuple[int, int]  # `base` in stored axes: the smallest decode that loses no detail


def scaled(width: int, height: int, target_width: int) -> tuple[int, int]:
    """Size at `target_width`, keeping the aspect ratio (at least 1 px high)."""
    return target_width, max(1, round(height * target_width / width))


def upright(width: int, height: int, orientation: int) -> tuple[int, int]:
    """Displayed size of a stored image with this EXIF orientation."""
    return (height, width) if orientation in ROTATED else (width, height)


def variant_widths(source_width: int, widths: tuple[int, ...]) -> tuple[int, ...]:
    """The configured widths, clamped to the source: a 300-px photo yields one 300-px variant."""
    return tuple(sorted({min(w, source_width) for w in widths}))


def fallback_width(source_width: int, widths: tuple[int, ...]) -> int:
    """The middle configured width (960 of 480/960/1600; the lower middle of an even count),
    never wider than the source."""
    ordered = sorted(set(widths))
    return min(ordered[(len(ordered) - 1) // 2], source_width)


def fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """`size` scaled down, keeping its aspect ratio, until neither side is over `longest` (a format's limit)."""
    w, h = size
    if w <= longest and h <= longest:
        return size
    if w >= h:
        return longest, max(1, round(h * longest / w))
    return max(1, round(w * longest / h)), longest


def fitted(sizes: tuple[tuple[int, int], ...], longest: int) -> dict[tuple[int, int], tuple[int, int]]:
    """The responsive variants (widest first) as a format with this side limit holds them: {size to encode:
    the planned size it is made from}. A variant too long is scaled down to fit; two that then have the
    same width are one file (a srcset lists each width once)."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    widths: set[int] = set()
    for size in sizes:
        small = fit(size, longest)
        if small[0] not in widths:
            widths.add(small[0])
            out[small] = size
    return out


def cover_box(width: int, height: int, target: tuple[int, int] = OG_SIZE) -> tuple[Box, tuple[int, int]]:
    """Crop of `width`×`height` with the target's aspect ratio, and its output size.

    Centred, except that a long image (LONG times taller than wide: a product-detail 长图 of an online
    shop) is cut from its top, where it shows the product; its middle is some paragraph of the details.
    The output is the target size, or the crop itself when the source is smaller (no upscaling).
    """
    tw, th = target
    if width * th > height * tw:  # wider than the target: cut the sides
        cw, ch = max(1, round(height * tw / th)), height
    else:  # taller: cut top and bottom
        cw, ch = width, max(1, round(width * th / tw))
    left, top = (width - cw) // 2, (height - ch) // 2 if height < LONG * width else 0
    out = (tw, th) if cw >= tw else (cw, ch)
    return (left, top, left + cw, top + ch), out


def og_width(width: int, height: int, target: tuple[int, int] = OG_SIZE) -> int:
    """The narrowest scaling of a `width`×`height` source whose centred crop still fills `target`.

    A wide banner (3:1) keeps only its height in the crop, so it needs more than the target's
    width: cut from a 1600-px variant it would give 1015×533, not 1200×630. Never above `width`.
    """
    tw, th = target
    if width * th > height * tw:  # wider than the target: the crop is as high as the picture
        return min(width, -(-th * width // height))
    return min(width, tw)


def plan(stored: tuple[int, int], orientation: int, widths: tuple[int, ...],
         og: tuple[int, int] = OG_SIZE) -> Plan:
    """Sizes for one source of `stored` pixels (as in the file) and EXIF `orientation`."""
    w, h = upright(*stored, orientation)
    sizes = tuple(scaled(w, h, tw) for tw in reversed(variant_widths(w, widths)))
    base = max(sizes[0], scaled(w, h, og_width(w, h, og)))
    box, og_size = cover_box(*base, og)
    decode = (base[1], base[0]) if orientation in ROTATED else base
    return Plan(widths=sizes, fallback=scaled(w, h, fallback_width(w, widths)), base=base, og_box=box,
                og_size=og_size, decode_size=decode)


def draft_scale(stored: tuple[int, int], needed: tuple[int, int]) -> int:
    """The JPEG DCT scale (1, 2, 4 or 8) Pillow's `draft` picks: the largest that keeps `needed`."""
    ratio = min(stored[0] // max(1, needed[0]), stored[1] // max(1, needed[1]))
    return next(s for s in (8, 4, 2, 1) if ratio >= s)

"""One source photo → every published file, run inside a pool worker (or in-process).

A job reads the file once (hashing the same bytes it decodes), decodes it once, shrinks it
step by step from the widest variant down, encodes everything in memory, and only then
writes: files first, the meta record last. A bad photo therefore leaves nothing behind, and
a worker holds one photo at a time, which bounds memory per core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from PIL import Image

from sitegen.errors import os_reason
from sitegen.images import geometry
from sitegen.images.cache import (
    Layout,
    file_name,
    image_key,
    placeholder_css,
    read_meta,
    source_digest,
    write_atomic,
    write_meta,
)
from sitegen.images.decode import (
    BadImage,
    eight_bit,
    load,
    open_image,
    orientation,
    pixel_cap,
    to_srgb,
    transpose,
)
from sitegen.images.geometry import MAX_SIDE
from sitegen.images.settings import ImageSettings
from sitegen.messages import Msg, msg

REDUCING_GAP = 3.0  # reduce() by whole factors first while ≥3× larger: same quality, less work


@dataclass(frozen=True, slots=True)
class Job:
    source: Path
    settings: ImageSettings
    cache_root: Path


@dataclass(slots=True)
class Outcome:
    """What the parent needs back: small, picklable, no pixels."""

    source: Path
    digest: str | None = None
    key: str | None = None
    record: dict[str, Any] | None = None
    decoded: bool = False
    bad: Msg | None = None  # plain-words reason when the photo cannot be used
    cache_error: str | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (code, problem)


def run(job: Job) -> Outcome:
    """Make (or find already made) every file for one source."""
    out = Outcome(job.source)
    try:
        data = job.source.read_bytes()
    except OSError as exc:
        out.bad = msg("image-unreadable", problem=os_reason(exc))
        return out
    out.digest = source_digest(data)
    out.key = image_key(out.digest, job.settings.fingerprint())
    layout = Layout(job.cache_root)
    out.record = read_meta(layout, out.key)  # made by another build, or a copy of this photo
    if out.record is not None:
        return out
    try:
        files, record, warning = render(data, out.key, job.settings)
    except BadImage as exc:
        out.bad = exc.reason
        return out
    finally:
        out.decoded = True
    if warning:
        out.warnings.append(("image-profile", warning))
    try:
        for name, blob in files.items():
            write_atomic(layout.img / name, blob)
        write_meta(layout, out.key, record)
    except OSError as exc:
        out.cache_error = f"{exc.strerror or exc}"
        return out
    out.record = record
    return out


def render(data: bytes, key: str, settings: ImageSettings) -> tuple[dict[str, bytes], dict[str, Any], str | None]:
    """Encode every variant of one source into memory: {file name: bytes}, its record, a warning."""
    with pixel_cap(settings.max_megapixels * 1_000_000):
        im = open_image(BytesIO(data), settings.max_megapixels * 1_000_000)
        orient = orientation(im)
        plan = geometry.plan(im.size, orient, settings.widths)
        im = load(im, plan.decode_size)
    try:
        im = eight_bit(im)  # resize needs plain 8-bit modes; the colour profile rides along in info
    except ValueError as exc:  # e.g. a LAB TIFF
        raise BadImage(msg("image-mode", mode=im.mode, problem=str(exc))) from None
    top = im
    if im.size != plan.decode_size:
        top = im.resize(plan.decode_size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
    del im  # the full decode is the big one; drop it before encoding
    top, warning = to_srgb(top)  # after the downscale: a P3 transform on 28-64% of the pixels
    if top.mode == "RGBA" and top.getchannel("A").getextrema()[0] == 255:
        top = top.convert("RGB")  # an alpha channel with nothing transparent: JPEG can carry it
    transparent = top.mode == "RGBA"
    base = transpose(top, orient)  # the widest variant, or wider for a banner's og:image crop
    scaled: dict[tuple[int, int], Image.Image] = {}
    previous = base
    for size in plan.widths:  # each from the previous one: cheaper, and as sharp (measured)
        if previous.size != size:
            previous = previous.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
        scaled[size] = previous

    def at(size: tuple[int, int], planned: tuple[int, int]) -> Image.Image:
        """The planned variant, or smaller where a format cannot hold it (a 750×17000 photo in WebP)."""
        if size not in scaled:
            scaled[size] = scaled[planned].resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
        return scaled[size]

    files: dict[str, bytes] = {}
    variants: list[list[Any]] = []

    def add(fmt: str, img: Image.Image, stem: str | None = None) -> list[Any]:
        name = file_name(key, stem or img.width, fmt)
        if name not in files:
            files[name] = encode(img, fmt, settings)
        return [name, img.width, img.height, fmt]

    for fmt in ("avif", "webp"):
        if fmt in settings.formats:
            variants += [add(fmt, at(size, planned))
                         for size, planned in geometry.fitted(plan.widths, MAX_SIDE[fmt]).items()]
    if "jpeg" in settings.formats:
        fmt = "png" if transparent else "jpeg"
        fallback = add(fmt, at(geometry.fit(plan.fallback, MAX_SIDE[fmt]), plan.fallback))
    else:
        fallback = next(v for v in variants if v[1] == geometry.fit(plan.fallback, MAX_SIDE[v[3]])[0])
    og_img = base.crop(plan.og_box)
    if og_img.size != plan.og_size:
        og_img = og_img.resize(plan.og_size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
    og = add("jpeg", flatten(og_img), "og")
    colour, placeholder = placeholders(scaled[plan.widths[-1]], transparent)
    record = {"width": fallback[1], "height": fallback[2], "sources": variants,
              "fallback": fallback, "og": og, "colour": colour, "placeholder": placeholder}
    return files, record, warning


def encode(img: Image.Image, fmt: str, settings: ImageSettings) -> bytes:
    """Encode with no metadata at all: no EXIF/GPS, XMP, ICC or comments reach the output."""
    img.info = {}
    buf = BytesIO()
    q = settings.quality
    if fmt == "webp":
        method = settings.webp_method_large if img.width > settings.large_width else settings.webp_method
        img.save(buf, "WEBP", quality=q, method=method)
    elif fmt == "avif":
        img.save(buf, "AVIF", quality=q, speed=settings.avif_speed)
    elif fmt == "jpeg":
        flatten(img).save(buf, "JPEG", quality=q, optimize=True)  # progressive: -7% bytes, 3x slower
    else:
        img.save(buf, "PNG", optimize=False)
    return buf.getvalue()


def flatten(img: Image.Image) -> Image.Image:
    """Transparent pixels on white, for formats and sites (og:image) without alpha."""
    if img.mode != "RGBA":
        return img
    white = Image.new("RGB", img.size, (255, 255, 255))
    white.paste(img, mask=img.getchannel("A"))
    return white


def placeholders(small: Image.Image, transparent: bool) -> tuple[str, str]:
    """The mean colour, and a CSS background for the wait: a blurred thumbnail under 300 bytes.

    A cut-out keeps no placeholder: the thumbnail would stay visible behind its transparency.
    """
    pixel = flatten(small).convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert isinstance(pixel, tuple)
    colour = "#{:02x}{:02x}{:02x}".format(*pixel)
    if transparent:
        return colour, ""
    for side in (16, 12, 8):
        thumb = small.copy()
        thumb.thumbnail((side, side), Image.Resampling.BOX)
        buf = BytesIO()
        thumb.info = {}
        thumb.save(buf, "WEBP", quality=30, method=6)
        css = placeholder_css(colour, buf.getvalue())
        if css is not None:
            return colour, css
    return colour, colour


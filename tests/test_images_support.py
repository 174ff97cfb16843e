"""Helpers shared by the image tests (no tests here): tiny generated photos and one call.

Named test_images_* only so that it sits with the tests it serves.
"""

from __future__ import annotations

import io
import itertools
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from sitegen.errors import Problem
from sitegen.images.model import ImageRequest, ProcessedImage
from sitegen.images.pipeline import process_images
from sitegen.images.settings import ImageSettings

# Corners of a test card: any rotation or mirror moves a known colour to another corner.
CORNERS = {"tl": (220, 30, 30), "tr": (30, 200, 40), "bl": (30, 40, 220), "br": (240, 220, 30)}


def card(size: tuple[int, int]) -> Image.Image:
    """An upright picture with a distinct colour in each quadrant."""
    w, h = size
    im = Image.new("RGB", size)
    for name, box in (("tl", (0, 0, w // 2, h // 2)), ("tr", (w // 2, 0, w, h // 2)),
                      ("bl", (0, h // 2, w // 2, h)), ("br", (w // 2, h // 2, w, h))):
        im.paste(CORNERS[name], box)
    return im


def corner_colours(im: Image.Image) -> dict[str, tuple[int, ...]]:
    rgb = im.convert("RGB")
    w, h = rgb.size
    points = {"tl": (w // 4, h // 4), "tr": (3 * w // 4, h // 4), "bl": (w // 4, 3 * h // 4),
              "br": (3 * w // 4, 3 * h // 4)}
    return {name: rgb.getpixel(p) for name, p in points.items()}  # type: ignore[misc]


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 30) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=False))


def save(im: Image.Image, path: Path, fmt: str, **options: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, fmt, **options)
    return path


def run(sources: list[Path], root: Path, settings: ImageSettings | None = None, jobs: int = 1,
        cache: Path | None = None) -> tuple[dict[str, ProcessedImage], list[Problem]]:
    """process_images over files under `root`, with the cache in root/.cache unless given."""
    requests = [ImageRequest(p, p.relative_to(root).as_posix()) for p in sources]
    return process_images(requests, settings or ImageSettings(), cache or root / ".cache", jobs)


def open_output(image: ProcessedImage, url: str) -> Image.Image:
    """The published file behind `url`, opened from the cache where the build links it from."""
    files = {"/" + rel: path for rel, path in image.files}
    im = Image.open(files[url])
    im.load()
    return im


def png_declaring(width: int, height: int) -> bytes:
    """A valid little PNG whose header claims `width`×`height`: a decompression bomb's calling card."""
    buf = io.BytesIO()
    Image.new("L", (8, 8)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    ihdr = bytearray(data[12:29])  # b"IHDR" + 13 bytes of fields
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def rgb_profile(red: tuple[float, float, float], green: tuple[float, float, float],
                blue: tuple[float, float, float], description: str = "test RGB") -> bytes:
    """A minimal ICC v2 matrix/TRC RGB profile (gamma 2.2) with the given D50 primaries.

    Lets a test tag a photo with a non-sRGB space (as Display P3 or Adobe RGB photos are)
    without shipping profile files.
    """
    def xyz(v: tuple[float, float, float]) -> bytes:
        return b"XYZ \0\0\0\0" + b"".join(_s15(c) for c in v)

    text = description.encode() + b"\0"
    desc = (b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 8 + b"\0\0\0" + b"\0" * 67)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0"
    tags = [(b"desc", desc), (b"wtpt", xyz((0.9642, 1.0, 0.8249))), (b"rXYZ", xyz(red)), (b"gXYZ", xyz(green)),
            (b"bXYZ", xyz(blue)), (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    return _icc(b"mntrRGB XYZ ", tags)


def _icc(classes: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    """An ICC v2 file: the 128-byte header (device class, colour space and PCS in `classes`), the
    tag table, and the tags, each padded to 4 bytes."""
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for sig, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    header = (struct.pack(">I", offset + len(body)) + b"lcms" + bytes([2, 0x10, 0, 0]) + classes + b"\0" * 12
              + b"acsp" + b"\0" * 28 + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + b"\0" * 48)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def _srgb_to_lab(r: float, g: float, b: float) -> tuple[float, float, float]:
    lin = [((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92 for c in (r, g, b)]
    xyz = [sum(p[i] * c for p, c in zip((SRGB_RED, SRGB_GREEN, SRGB_BLUE), lin, strict=True)) for i in range(3)]
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (xyz[0] / 0.9642, xyz[1], xyz[2] / 0.8249)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def cmyk_profile(rgb_of: Callable[[int, int, int, int], tuple[float, float, float]]) -> bytes:
    """A minimal ICC v2 CMYK printer profile (PCS Lab, A2B0 a 2-point lut8 grid): ink corners
    (c, m, y, k each 0 or 1) → the sRGB colour (0..1) `rgb_of` says they print as.

    With an unusual ink model, a test tells the profile's colours from Pillow's naive CMYK→RGB.
    """
    grid = b""
    for corner in itertools.product((0, 1), repeat=4):
        lab = _srgb_to_lab(*rgb_of(*corner))
        grid += bytes(max(0, min(255, round(v))) for v in (lab[0] * 2.55, lab[1] + 128, lab[2] + 128))
    ramp = bytes(range(256))
    lut = (b"mft1\0\0\0\0" + bytes([4, 3, 2, 0]) + b"".join(_s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
           + ramp * 4 + grid + ramp * 3)
    text = b"test CMYK\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 78
    tags = [(b"desc", desc), (b"wtpt", b"XYZ \0\0\0\0" + _s15(0.9642) + _s15(1.0) + _s15(0.8249)), (b"A2B0", lut)]
    return _icc(b"prtrCMYKLab ", tags)


SRGB_RED, SRGB_GREEN, SRGB_BLUE = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)

"""`sitegen check` for images: every photo the build could not use, found before the build.

Headers and file ends find most bad photos without decoding. A photo the build will decode (one not
already in the image cache) is decoded here too, at 1/8 scale for JPEG: a file damaged in its middle
fails check as it would fail the build. A trailer some phones append after the end marker is fine.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from sitegen.errors import Problem, os_reason
from sitegen.images.decode import BadImage, load, open_image, pixel_cap
from sitegen.images.model import ImageRequest
from sitegen.images.settings import ImageSettings
from sitegen.messages import Msg, msg

_TAIL = 64 * 1024


def check_images(requests: Iterable[ImageRequest], settings: ImageSettings,
                 cached: set[Path] | frozenset[Path] = frozenset()) -> list[Problem]:
    """A problem for each photo the build could not use. `cached`: photos the build takes from the image
    cache without decoding (only their headers are read here)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for request in requests:
        if request.rel in seen:
            continue
        seen.add(request.rel)
        reason = check_one(request.source, settings.max_megapixels * 1_000_000, request.source not in cached)
        if reason:
            problems.append(Problem("bad-image", request.rel, None, {"value": request.source.name,
                                                                     "problem": reason}))
    return problems


def check_one(source: Path, max_pixels: int, decode: bool = False) -> Msg | None:
    """The plain-words reason `source` cannot be used, or None when it looks fine. `decode`: read its pixels
    too (at 1/8 scale where the format allows), as a build that makes its variants would."""
    try:
        with open(source, "rb") as fp, pixel_cap(max_pixels):
            im = open_image(fp, max_pixels)
            if decode or _looks_cut_short(fp, im):
                im.draft(im.mode, (max(1, im.width // 8), max(1, im.height // 8)))
                load(im, im.size)
    except BadImage as exc:
        return exc.reason
    except OSError as exc:
        return msg("image-unreadable", problem=os_reason(exc))
    return None


def _looks_cut_short(fp: BinaryIO, im: Image.Image) -> bool:
    """Does the end of the file lack the marker its format closes with, or fall short of the length
    its header states?"""
    fmt = im.format or ""
    size = fp.seek(0, 2)
    fp.seek(max(0, size - _TAIL))
    tail = fp.read()
    fp.seek(0)
    if fmt in ("JPEG", "MPO"):
        return b"\xff\xd9" not in tail
    if fmt == "PNG":
        return b"IEND" not in tail[-64:]
    if fmt == "GIF":
        return not tail.endswith(b";")
    if fmt == "WEBP":
        head = fp.read(8)
        fp.seek(0)
        return len(head) < 8 or struct.unpack("<I", head[4:8])[0] + 8 > size
    if fmt == "TIFF":  # the first picture's strips (or tiles) must lie inside the file
        tags = getattr(im, "tag_v2", {})
        offsets, counts = tags.get(273) or tags.get(324) or (), tags.get(279) or tags.get(325) or ()
        return any(o + c > size for o, c in zip(offsets, counts, strict=False))
    if fmt in ("HEIF", "AVIF"):
        return _boxes_overrun(fp, size)
    return False


def _boxes_overrun(fp: BinaryIO, size: int) -> bool:
    """HEIC/AVIF are a chain of boxes (ftyp, meta, mdat …), each stating its length: a cut file's
    last box claims more bytes than are left."""
    pos = 0
    try:
        while pos + 8 <= size:
            fp.seek(pos)
            head = fp.read(16)
            length = struct.unpack(">I", head[:4])[0]
            if length == 1 and len(head) == 16:  # 64-bit length follows the type
                length = struct.unpack(">Q", head[8:16])[0]
            elif length == 0:  # runs to the end of the file
                return False
            if length < 8:
                return True
            pos += length
        return pos != size  # a part box, or a box running past the end (a decode then settles it)
    finally:
        fp.seek(0)



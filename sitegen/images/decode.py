"""Reading editors' files with Pillow: what is wrong with a file, and pixels in sRGB.

Everything that parses untrusted bytes lives here, and turns every way a file can be bad
into `BadImage` with a plain-words reason for a county editor (never a traceback).
"""

from __future__ import annotations

import contextlib
import functools
import io
import warnings
from collections.abc import Iterator
from typing import IO

from PIL import Image, ImageCms, UnidentifiedImageError

from sitegen.messages import Msg, msg

# What editors drop beside a product. MPO is how Pillow names many camera JPEGs.
SUPPORTED = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "TIFF": "TIFF",
             "HEIF": "HEIC", "AVIF": "AVIF"}
_NAMES = "JPEG, PNG, WebP, GIF, TIFF or HEIC"
_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
              4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
              6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class BadImage(Exception):
    """A file that cannot become an image; `reason` is for the editor."""

    def __init__(self, reason: Msg) -> None:
        super().__init__(reason)
        self.reason = reason


@functools.cache
def register_plugins() -> None:
    """HEIC/HEIF (iPhone photos) through pillow-heif; once per process."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


@contextlib.contextmanager
def pixel_cap(max_pixels: int) -> Iterator[None]:
    """Let Pillow open anything up to twice our cap, so that our own check gives the message."""
    old = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = old


def describe_non_image(head: bytes) -> Msg:
    """Why the bytes are not a picture we take, in words an editor understands."""
    if not head:
        return msg("image-empty")
    kind = _looks_like(head)
    if kind:
        return msg("image-damaged-rest", kind=kind)
    if head[4:8] == b"ftyp":
        return msg("image-video")
    if head.startswith(b"%PDF"):
        return msg("image-pdf", formats=_NAMES)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and "\x00" not in text:
        return msg("image-text", formats=_NAMES)
    return msg("image-unknown-format", formats=_NAMES)


def _looks_like(head: bytes) -> str | None:
    """The format a file's first bytes announce, for files Pillow then refused."""
    signatures = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG", b"GIF8": "GIF", b"II*\0": "TIFF",
                  b"MM\0*": "TIFF"}
    for magic, kind in signatures.items():
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return "HEIC"
    return None


def open_image(fp: IO[bytes], max_pixels: int) -> Image.Image:
    """Open and check the header only (format, size): no pixels are decoded here."""
    register_plugins()
    head = fp.read(512)
    fp.seek(0)
    if not head:
        raise BadImage(describe_non_image(head))
    cap, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # our own check below words it better
    try:
        im = Image.open(fp)
    except UnidentifiedImageError:
        raise BadImage(describe_non_image(head)) from None
    except Exception as exc:  # a decoder's header parser rejects bad bytes in many ways
        raise BadImage(msg("image-damaged", problem=_reason(exc))) from None
    finally:
        Image.MAX_IMAGE_PIXELS = cap
    if im.format not in SUPPORTED:
        raise BadImage(msg("image-format-unsupported", format=im.format))
    width, height = im.size
    if width * height > max_pixels:
        raise BadImage(msg("image-too-many-pixels", width=width, height=height,
                           megapixels=f"{width * height / 1e6:.0f}", limit=max_pixels // 1_000_000))
    if width < 1 or height < 1:
        raise BadImage(msg("image-zero-size"))
    return im


def orientation(im: Image.Image) -> int:
    """EXIF orientation 1-8 (1 when absent or nonsense). pillow-heif has applied HEIC's already."""
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:  # unreadable EXIF is no reason to refuse the photo; it is dropped anyway
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def load(im: Image.Image, decode_size: tuple[int, int]) -> Image.Image:
    """Decode the pixels once, shrunk in the JPEG DCT domain as far as `decode_size` allows."""
    if im.format in ("JPEG", "MPO"):
        im.draft(im.mode, decode_size)
    try:
        im.load()
    except Exception as exc:
        raise BadImage(msg("image-cut-short", problem=_reason(exc))) from None
    return im


def transpose(im: Image.Image, orient: int) -> Image.Image:
    """Make the picture upright, as the camera meant it."""
    method = _TRANSPOSE.get(orient)
    return im.transpose(method) if method is not None else im


def to_srgb(im: Image.Image) -> tuple[Image.Image, str | None]:
    """8-bit RGB or RGBA in sRGB, with no metadata left; also a warning for a broken profile.

    Browsers assume sRGB, and we strip every profile (with the rest of the metadata), so Display P3,
    Adobe RGB and CMYK pixels are converted here rather than shown washed out or garish.
    """
    icc = im.info.get("icc_profile")
    im = eight_bit(im)
    warning = None
    if icc:
        try:
            im = _convert_profile(im, bytes(icc))
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
            warning = _reason(exc)
    if im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGBA" if im.mode == "LA" else "RGB")
    im.info = {}
    return im, warning


def eight_bit(im: Image.Image) -> Image.Image:
    """Bring any mode to L, LA, RGB, RGBA or CMYK with 8 bits per channel (info, and so the ICC
    profile, is kept for to_srgb)."""
    mode = im.mode
    if mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return im
    if mode in ("P", "PA"):
        return im.convert("RGBA" if mode == "PA" or "transparency" in im.info else "RGB")
    if mode.startswith("I;16") or mode == "I":  # 16-bit grey: scale, since convert("L") clips at 255
        wide = im.convert("I") if mode != "I" else im
        top = wide.getextrema()[1]
        scale = 1 / 257 if isinstance(top, int) and top > 255 else 1
        return wide.point(lambda v: v * scale).convert("L")
    if mode == "La":
        return im.convert("LA")
    if mode == "RGBa":
        return im.convert("RGBA")
    return im.convert("RGB")  # 1, F, YCbCr, HSV; LAB raises ValueError → caller reports it


def _convert_profile(im: Image.Image, icc: bytes) -> Image.Image:
    colour_mode = {"RGBA": "RGB", "LA": "L"}.get(im.mode, im.mode)
    transform = _transform(icc, colour_mode)
    if transform is None:
        return im
    if colour_mode != im.mode:  # LittleCMS converts colour; alpha is carried across unchanged
        alpha = im.getchannel("A")
        colour = ImageCms.applyTransform(im.convert(colour_mode), transform)
        assert colour is not None
        colour.putalpha(alpha)
        return colour
    out = ImageCms.applyTransform(im, transform)
    assert out is not None
    return out


@functools.lru_cache(maxsize=16)
def _transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """Source profile → sRGB, cached: a phone's photos all share one profile (e.g. Display P3)."""
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    if ImageCms.getProfileDescription(source).strip().startswith("sRGB") and mode != "CMYK":
        return None
    return ImageCms.buildTransform(source, _SRGB, mode, "RGB",
                                   renderingIntent=ImageCms.Intent.PERCEPTUAL)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:160]

"""Every kind of bad image: a Problem naming the file and what is wrong, nothing half-written.

Each case goes through both the build's stage (process_images, which decodes) and
`sitegen check`'s (check_images, which reads headers only).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from sitegen.images.cache import leftover_temps
from sitegen.images.model import ImageRequest
from sitegen.images.pipeline import check_images, last_run
from sitegen.images.settings import ImageSettings
from tests.test_images_support import card, png_declaring, run, save


def _jpeg() -> bytes:
    buf = io.BytesIO()
    card((1200, 900)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _bmp() -> bytes:
    buf = io.BytesIO()
    card((64, 48)).save(buf, "BMP")
    return buf.getvalue()


def _png_cut() -> bytes:
    buf = io.BytesIO()
    card((600, 400)).save(buf, "PNG")
    return buf.getvalue()[: len(buf.getvalue()) * 2 // 3]


def _cut(fmt: str) -> Callable[[], bytes]:
    """The first half of a good file: a copy interrupted half-way (the header is whole)."""
    def make() -> bytes:
        import pillow_heif

        pillow_heif.register_heif_opener()
        buf = io.BytesIO()
        card((600, 400)).save(buf, fmt)
        return buf.getvalue()[: len(buf.getvalue()) // 2]
    return make


BAD: list[tuple[str, str, Callable[[], bytes], str]] = [
    # (case, file name, bytes, words the message must contain)
    ("truncated jpeg", "cut.jpg", lambda: _jpeg()[: len(_jpeg()) // 2], "cut short or damaged"),
    ("truncated png", "cut.png", _png_cut, "cut short or damaged"),
    ("truncated tiff", "cut.tif", _cut("TIFF"), "cut short or damaged"),  # no end marker: offsets tell
    ("truncated heic", "cut.heic", _cut("HEIF"), "cut short or damaged"),  # box lengths tell
    ("truncated webp", "cut.webp", _cut("WEBP"), "damaged"),
    ("truncated gif", "cut.gif", _cut("GIF"), "cut short or damaged"),
    ("zero bytes", "empty.jpg", lambda: b"", "empty (0 bytes)"),
    ("unsupported format", "old.jpg", _bmp, "BMP pictures are not supported"),
    ("text named .jpg", "notes.jpg", lambda: "产品介绍：遂昌菊米\n".encode(), "contains text, not a picture"),
    ("random bytes", "blob.png", lambda: bytes(range(256)) * 8, "not a picture in a format"),
    ("pdf named .png", "flyer.png", lambda: b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "PDF document"),
    ("decompression bomb", "bomb.png", lambda: png_declaring(40_000, 40_000), "1600 megapixels"),
    ("corrupt header", "bad.jpg", lambda: b"\xff\xd8\xff\xe0" + b"\0" * 40, "starts like a JPEG file"),
    ("video named .jpg", "clip.jpg", lambda: b"\0\0\0\x20ftypisom\0\0\2\0" + b"\0" * 64, "it is a video"),
]


@pytest.mark.parametrize(("case", "name", "make", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_image_is_a_problem_and_leaves_nothing(tmp_path: Path, case: str, name: str,
                                                   make: Callable[[], bytes], words: str) -> None:
    good = save(card((800, 600)), tmp_path / "p" / "good.jpg", "JPEG")
    bad = tmp_path / "p" / name
    bad.write_bytes(make())
    done, problems = run([good, bad], tmp_path, jobs=2)
    assert list(done) == ["p/good.jpg"]
    assert [(p.code, p.path, p.severity) for p in problems] == [("bad-image", f"p/{name}", "error")]
    message = problems[0].message
    assert message.startswith(f"'{name}' cannot be used as an image: ") and words in message, message
    # only the good photo's files are in the cache, all whole
    cache = tmp_path / ".cache"
    assert {p.name for p in (cache / "img").iterdir()} == {p.name for _, p in done["p/good.jpg"].files}
    assert len(list((cache / "meta").iterdir())) == 1 and list(leftover_temps(cache)) == []

    checked = check_images([ImageRequest(good, "p/good.jpg"), ImageRequest(bad, f"p/{name}")],
                           ImageSettings())
    assert [(p.code, p.path) for p in checked] == [("bad-image", f"p/{name}")]
    assert words in checked[0].message, checked[0].message


def test_pixel_cap_is_configurable(tmp_path: Path) -> None:
    src = save(card((2000, 1000)), tmp_path / "big.jpg", "JPEG")
    tight = ImageSettings(max_megapixels=1)
    done, problems = run([src], tmp_path, tight)
    assert done == {} and "2000 × 1000 pixels (2 megapixels), more than the limit of 1" in problems[0].message
    assert check_images([ImageRequest(src, "big.jpg")], tight)[0].code == "bad-image"
    assert run([src], tmp_path)[1] == []


def test_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    gone = tmp_path / "gone.jpg"
    done, problems = run([gone], tmp_path)
    assert done == {} and "cannot be read" in problems[0].message
    assert "cannot be read" in check_images([ImageRequest(gone, "gone.jpg")], ImageSettings())[0].message


def test_bad_image_is_retried_once_fixed(tmp_path: Path) -> None:
    src = tmp_path / "p.jpg"
    src.write_bytes(b"")
    assert run([src], tmp_path)[1]
    save(card((640, 480)), src, "JPEG")
    done, problems = run([src], tmp_path)
    assert problems == [] and "p.jpg" in done and last_run().decoded == 1


def test_check_accepts_good_files_of_every_format(tmp_path: Path) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    photo = card((640, 480))
    files = [save(photo, tmp_path / "a.jpg", "JPEG"), save(photo, tmp_path / "b.png", "PNG"),
             save(photo, tmp_path / "c.webp", "WEBP"), save(photo.convert("P"), tmp_path / "d.gif", "GIF"),
             save(photo, tmp_path / "e.tif", "TIFF"), save(photo, tmp_path / "f.heic", "HEIF")]
    trailer = tmp_path / "g.jpg"  # some phones append data after the JPEG end marker
    trailer.write_bytes(files[0].read_bytes() + b"\0" * 70_000)
    requests = [ImageRequest(p, p.name) for p in [*files, trailer]]
    assert check_images(requests, ImageSettings()) == []
    assert run([*files, trailer], tmp_path)[1] == []
    assert Image.open(trailer).format == "JPEG"


def test_unwritable_cache_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    src = save(card((640, 480)), tmp_path / "p.jpg", "JPEG")
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("not a folder")
    done, problems = run([src], tmp_path, cache=blocker)
    assert done == {}
    assert [(p.code, p.path) for p in problems] == [("image-cache", str(blocker))]
    assert "cannot be written" in problems[0].message

"""Photos a catalog's editors may really have, at the edges of what image formats and machines allow: longer
than WebP's 16,383-pixel side (a product-detail 长图 of an online shop, a banner), a decompression bomb of any
shape, a photo the build may not read. Each builds, or is one `path: message` line in check and build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from tests.catalog import make_catalog, run, run_here

# ------------------------------------------------------------------ photos beyond WebP's 16,383-pixel side


def _long_photo(path: Path, size: tuple[int, int]) -> None:
    """A uniform picture with a red first 600 pixels along its long side: the top of a product-detail image
    (长图), the left end of a banner."""
    im = Image.new("RGB", size, (40, 60, 200))
    im.paste((220, 30, 30), (0, 0, size[0], 600) if size[1] > size[0] else (0, 0, 600, size[1]))
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, "JPEG", quality=85)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def _tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize("formats", [None, '["avif", "webp", "jpeg"]', '["webp"]'])
def test_photos_longer_than_webp_allows_build_and_their_pictures_tell_the_truth(
        tmp_path: Path, formats: str | None) -> None:
    from sitegen.images.geometry import MAX_SIDE

    cat = make_catalog(tmp_path / "site", products=2)
    _long_photo(cat.root / "products/lishui/p1/photo.jpg", (750, 17000))  # a product-detail 长图
    _long_photo(cat.root / "products/lishui/p2/photo.jpg", (17000, 600))  # a banner
    if formats:
        cat.write("sitegen.toml", (cat.root / "sitegen.toml").read_text("utf-8") + f"\n[images]\nformats = {formats}\n")
    checked = run_here(cat.root, "check")
    assert checked.returncode == 0, checked.stderr
    built = run_here(cat.root, "build")
    assert built.returncode == 0, built.stderr
    for product, (width, height) in (("p1", (750, 17000)), ("p2", (17000, 600))):
        tags = _tags((cat.output / f"products/lishui/{product}/index.html").read_text("utf-8"))
        start = [t for t, _ in tags].index("picture")  # the product's own photo: <picture>, <source>s, <img>
        picture = tags[start:next(i for i in range(start, len(tags)) if tags[i][0] == "img") + 1]
        img = picture[-1][1]
        shown = (int(img["width"]), int(img["height"]))
        with Image.open(cat.output / img["src"].lstrip("/")) as im:
            assert im.size == shown and max(im.size) <= MAX_SIDE[im.format.lower()]
        assert abs(shown[0] / shown[1] - width / height) < 0.01 * width / height
        candidates = [(src, attrs.get("type", "")) for tag, attrs in picture if tag in ("source", "img")
                      for src in [attrs.get("srcset", "")] if src]
        assert candidates
        for srcset, _type in candidates:
            for entry in srcset.split(", "):
                url, w = entry.split()
                with Image.open(cat.output / url.lstrip("/")) as im:
                    assert im.width == int(w.rstrip("w")), url  # the srcset's width is the file's
                    assert max(im.size) <= MAX_SIDE[im.format.lower()], (url, im.size)
                    assert abs(im.width / im.height - width / height) < 0.01 * width / height + 1 / im.height
        assert img["style"].startswith("background:#")
        og = next(attrs["content"] for tag, attrs in tags if tag == "meta" and attrs.get("property") == "og:image")
        with Image.open(cat.output / og.removeprefix("https://shop.example.com/")) as im:
            assert im.format == "JPEG" and im.width <= 1200 and im.height <= 630
            assert abs(im.width / im.height - 1200 / 630) < 0.02
            if product == "p1":  # a long image shares its top, where such pictures show the product
                assert im.convert("RGB").resize((1, 1)).getpixel((0, 0))[0] > 180


def test_the_placeholder_of_an_extreme_shape_is_still_a_tiny_picture(tmp_path: Path) -> None:
    import base64
    import io
    import re

    from sitegen.images.model import ImageRequest
    from sitegen.images.pipeline import process_images
    from sitegen.images.settings import ImageSettings

    sources = []
    for name, size in (("tall.jpg", (750, 17000)), ("wide.jpg", (17000, 600)), ("thread.png", (1, 3000))):
        path = tmp_path / name
        _long_photo(path, size) if name.endswith(".jpg") else Image.new("RGB", size, (9, 9, 9)).save(path)
        sources.append(ImageRequest(path, name))
    done, problems = process_images(sources, ImageSettings(), tmp_path / ".cache", 1)
    assert problems == [] and len(done) == 3
    for image in done.values():
        found = re.fullmatch(r"(#[0-9a-f]{6}) url\(data:image/webp;base64,([^)]+)\) 50%/cover no-repeat",
                             image.placeholder)
        assert found and found.group(1) == image.colour, image.placeholder
        with Image.open(io.BytesIO(base64.b64decode(found.group(2)))) as thumb:
            assert thumb.format == "WEBP" and max(thumb.size) <= 16


def test_the_megapixel_limit_still_refuses_a_bomb_of_any_shape(tmp_path: Path) -> None:
    from tests.test_images_support import png_declaring

    cat = make_catalog(tmp_path / "site", products=1)
    (cat.root / "products/lishui/p1/photo.jpg").write_bytes(png_declaring(1000, 200_000))  # 200 MP, 1:200
    for command in ("check", "build"):
        result = run(cat.root, command)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "products/lishui/p1/photo.jpg: " in result.stderr and "200 megapixels" in result.stderr


# ---------------------------------------------------------------------------------------- unreadable photos

NOBODY = 65534


def _unprivileged() -> dict | None:
    """How to run sitegen so that file modes bind it: as itself when not root; as root, as user nobody, or
    (when nobody cannot run this interpreter, e.g. one under /root) as root without the capabilities that
    override file modes (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH: dropped from the bounding set before exec).
    None when neither is possible here."""
    if os.geteuid() != 0:
        return {}
    probe = [sys.executable, "-c", "import sitegen"]
    try:
        if subprocess.run(probe, user=NOBODY, group=NOBODY, extra_groups=[], capture_output=True,
                          timeout=60).returncode == 0:
            return {"user": NOBODY, "group": NOBODY, "extra_groups": []}
    except PermissionError:
        pass
    return {"preexec_fn": _drop_file_mode_override}


def _drop_file_mode_override() -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder any user may enter (pytest's own tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="sitegen-unreadable-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_an_unreadable_photo_is_one_line_in_check_and_build(shared_tmp: Path) -> None:
    how = _unprivileged()
    cat = make_catalog(shared_tmp / "site", products=3)
    small = cat.root / "products/lishui/p1/photo.jpg"  # hashed in the build's own process
    big = cat.root / "products/lishui/p2/photo.jpg"  # over 512 KB: read by an image worker
    Image.frombytes("RGB", (1200, 900), os.urandom(1200 * 900 * 3)).save(big, "JPEG", quality=95)
    assert big.stat().st_size > 512 * 1024
    if how and "user" in how:
        for path in [cat.root, *cat.root.rglob("*")]:
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    for path in (small, big):
        path.chmod(0)
    try:
        blocked = subprocess.run([sys.executable, "-c", f"open({str(big)!r}, 'rb')"], capture_output=True,
                                 timeout=60, **(how or {}))
    except OSError:
        blocked = None
    if how is None or blocked is None or blocked.returncode == 0:
        pytest.skip("no way here to run sitegen as a user whom file modes bind")
    for command in ("check", "build"):
        result = subprocess.run([sys.executable, "-m", "sitegen", command, "--root", str(cat.root)],
                                capture_output=True, text=True, timeout=120, **how)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        lines = result.stderr.strip().splitlines()
        for rel in ("products/lishui/p1/photo.jpg", "products/lishui/p2/photo.jpg"):
            assert (f"{rel}: 'photo.jpg' cannot be used as an image: the file cannot be read (permission denied)"
                    in lines), result.stderr
        assert len(lines) == 3 and lines[-1].startswith("2 errors"), result.stderr
    assert not cat.output.exists()

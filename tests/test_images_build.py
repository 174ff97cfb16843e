"""`sitegen build` end to end: the HTML's srcset files exist with the widths it states."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from tests.catalog import make_catalog, photo, run
from tests.test_images_support import png_declaring


def _srcsets(html: str) -> list[tuple[str, int]]:
    entries = []
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        for entry in srcset.split(", "):
            url, width = entry.split()
            entries.append((url, int(width.rstrip("w"))))
    return entries


def test_built_pages_point_at_real_variants(tmp_path: Path) -> None:
    cat = make_catalog(tmp_path / "site", products=1)
    photo(cat.root / "products" / "lishui" / "p1" / "photo.jpg", size=(2000, 1500))
    result = run(cat.root, "build", "-q")
    assert result.returncode == 0, result.stderr
    pages = [p for p in cat.output.rglob("*.html") if "<picture>" in p.read_text(encoding="utf-8")]
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        entries = _srcsets(html)
        assert entries and {w for _, w in entries} <= {480, 960, 1600}
        for url, width in entries:
            with Image.open(cat.output / url.lstrip("/")) as im:
                assert im.width == width and im.format == "WEBP"
        for src, width, height in re.findall(r'<img src="([^"]+)" width="(\d+)" height="(\d+)"', html):
            with Image.open(cat.output / src.lstrip("/")) as im:
                assert im.size == (int(width), int(height)) and im.format == "JPEG"
    published = sorted(p.name for p in (cat.output / "img").iterdir())
    assert all(name.startswith("photo-") for name in published)  # readable stem, then the hash
    assert sorted(name.removeprefix("photo-") for name in published) == \
        sorted(p.name for p in (cat.root / ".sitegen-cache" / "img").iterdir())

    mtimes = {p: p.stat().st_mtime_ns for p in (cat.root / ".sitegen-cache" / "img").iterdir()}
    again = run(cat.root, "build", "-q")
    assert again.returncode == 0, again.stderr
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes  # the rebuild touched no image


def test_bad_photo_fails_the_build_with_its_path(tmp_path: Path) -> None:
    cat = make_catalog(tmp_path / "site", products=1)
    (cat.root / "products" / "lishui" / "p1" / "photo.jpg").write_bytes(png_declaring(50_000, 50_000))
    result = run(cat.root, "build")
    assert result.returncode == 1
    assert "products/lishui/p1/photo.jpg" in result.stderr and "megapixels" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (cat.output / "img").exists()


def test_identical_photos_in_many_folders_are_processed_once(tmp_path) -> None:
    from tests.catalog import make_catalog, run

    catalog = make_catalog(tmp_path / "site", products=6)  # every product has the same photo bytes
    result = run(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    metas = list((catalog.root / ".sitegen-cache" / "meta").glob("*.json"))
    assert len(metas) == 1
    pages = [(catalog.output / f"products/lishui/p{i}/index.html").read_text("utf-8") for i in range(1, 7)]
    srcs = {__import__("re").search(r'<img src="([^"]+)"', html).group(1) for html in pages}
    assert len(srcs) == 1 and (catalog.output / next(iter(srcs)).lstrip("/")).is_file()

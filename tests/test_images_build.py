"""`sitegen build` end to end: the HTML's srcset files exist with the widths it states."""

from __future__ import annotations

import json
import re
from pathlib import Path

from PIL import Image

from tests.catalog import make_catalog, photo, run_here
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
    result = run_here(cat.root, "build", "-q")
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
            if src.endswith("/qr.svg"):
                continue  # the product's QR code, not a photo (tests/test_qr.py)
            with Image.open(cat.output / src.lstrip("/")) as im:
                assert im.size == (int(width), int(height)) and im.format == "JPEG"
    published = sorted(p.name for p in (cat.output / "img").iterdir())
    assert all(name.startswith("photo-") for name in published)  # readable stem, then the hash
    assert sorted(name.removeprefix("photo-") for name in published) == \
        sorted(p.name for p in (cat.root / ".sitegen-cache" / "img").iterdir())

    mtimes = {p: p.stat().st_mtime_ns for p in (cat.root / ".sitegen-cache" / "img").iterdir()}
    again = run_here(cat.root, "build", "-q")
    assert again.returncode == 0, again.stderr
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes  # the rebuild touched no image


def test_bad_photo_fails_the_build_with_its_path(tmp_path: Path) -> None:
    cat = make_catalog(tmp_path / "site", products=1)
    (cat.root / "products" / "lishui" / "p1" / "photo.jpg").write_bytes(png_declaring(50_000, 50_000))
    result = run_here(cat.root, "build")
    assert result.returncode == 1
    assert "products/lishui/p1/photo.jpg" in result.stderr and "megapixels" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (cat.output / "img").exists()


def test_identical_photos_in_many_folders_are_processed_once(tmp_path) -> None:
    from tests.catalog import make_catalog, run_here

    catalog = make_catalog(tmp_path / "site", products=6)  # every product has the same photo bytes
    result = run_here(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    metas = list((catalog.root / ".sitegen-cache" / "meta").glob("*.json"))
    assert len(metas) == 1
    pages = [(catalog.output / f"products/lishui/p{i}/index.html").read_text("utf-8") for i in range(1, 7)]
    srcs = {__import__("re").search(r'<img src="([^"]+)"', html).group(1) for html in pages}
    assert len(srcs) == 1 and (catalog.output / next(iter(srcs)).lstrip("/")).is_file()


_WITHOUT_AVIF = """
import sys
from PIL import Image
Image.init()
Image.SAVE.pop("AVIF", None)  # as on a Pillow built without libavif
sys.modules["pillow_avif"] = None  # and without pillow-avif-plugin
from sitegen.cli import main
sys.exit(main())
"""


def test_avif_without_a_codec_is_a_setting_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    cat = make_catalog(tmp_path / "site", products=1)
    cat.write("sitegen.toml", (cat.root / "sitegen.toml").read_text("utf-8")
              + '\n[images]\nformats = ["avif", "webp", "jpeg"]\n')
    line = (cat.root / "sitegen.toml").read_text("utf-8").splitlines().index('formats = ["avif", "webp", "jpeg"]') + 1
    for command in ("check", "build"):
        result = subprocess.run([sys.executable, "-c", _WITHOUT_AVIF, command, "--root", str(cat.root)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1, result.stderr
        assert f"sitegen.toml:{line}: 'images.formats' includes \"avif\"" in result.stderr, result.stderr
        assert "pillow-avif-plugin" in result.stderr and "Traceback" not in result.stderr
    assert not cat.output.exists() and not (cat.root / ".sitegen-cache" / "img").exists()
    assert run_here(cat.root, "build", "-q").returncode == 0  # with the codec (this Pillow has it) all is well
    assert any(p.suffix == ".avif" for p in (cat.output / "img").iterdir())


_KILL_ONE_WORKER = """
import multiprocessing, os, signal, sys
from sitegen.images import pipeline, worker

real_run = worker.run

def run_or_die(job):  # a pool worker killed mid-photo, as the kernel's OOM killer does
    if job.source.name == "die.jpg":
        os.kill(os.getpid(), signal.SIGKILL)
    return real_run(job)

worker.run = run_or_die
pipeline._context = lambda: multiprocessing.get_context("fork")  # so the workers see the patch
from sitegen.cli import main
sys.exit(main())
"""


def test_killed_image_worker_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    import subprocess
    import sys

    from sitegen.images.cache import leftover_temps

    cat = make_catalog(tmp_path / "site", products=4)
    for i in range(1, 5):  # distinct photos, so that each needs a worker
        photo(cat.root / "products" / "lishui" / f"p{i}" / "photo.jpg", size=(900, 600), color=(40 * i, 90, 30))
    photo(cat.root / "products" / "lishui" / "p3" / "die.jpg", size=(900, 600))
    index = cat.root / "products" / "lishui" / "p3" / "index.md"
    entry = "  - {file: photo.jpg, alt: 一杯茶}"
    index.write_text(index.read_text("utf-8").replace(entry, f"{entry}\n  - {{file: die.jpg, alt: x}}"), "utf-8")
    result = subprocess.run([sys.executable, "-c", _KILL_ONE_WORKER, "build", "--jobs", "2", "--root", str(cat.root)],
                            capture_output=True, text=True, timeout=120)  # a hang fails here
    assert result.returncode == 1, result.stderr
    assert "stopped abruptly (it was killed, perhaps for lack of memory) while making the photos" in result.stderr
    assert "photos finished so far are kept in the cache" in result.stderr and "--jobs 1" in result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert not cat.output.exists()
    cache = cat.root / ".sitegen-cache"
    assert list(leftover_temps(cache)) == []
    for meta in (cache / "meta").glob("*.json"):  # whatever finished is whole
        assert all((cache / "img" / entry[0]).is_file() for entry in json.loads(meta.read_text())["sources"])
    again = run_here(cat.root, "build", "-q")  # without the killer, the next build finishes the job
    assert again.returncode == 0, again.stderr
    assert any(p.name.startswith("die-") for p in (cat.output / "img").iterdir())


def test_a_photo_path_written_with_windows_backslashes_is_checked_built_and_shown(tmp_path: Path) -> None:
    cat = make_catalog(tmp_path / "site", products=1)
    folder = cat.root / "products" / "lishui" / "p1"
    photo(folder / "photos" / "cover.jpg", size=(800, 600))
    index = folder / "index.md"
    text = index.read_text("utf-8").replace("{file: photo.jpg,", r"{file: 'photos\cover.jpg',")
    index.write_text(text, "utf-8")
    assert run_here(cat.root, "check").returncode == 0
    result = run_here(cat.root, "build")
    assert result.returncode == 0, result.stderr
    page = (cat.output / "products/lishui/p1/index.html").read_text("utf-8")
    shown = re.findall(r'src="/(img/cover-[^"]+)"', page)
    assert shown and all((cat.output / rel).is_file() for rel in shown)
    index.write_text(text.replace(r"photos\cover.jpg", r"..\p1\..\..\x.jpg"), "utf-8")
    result = run_here(cat.root, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "products/lishui/p1/index.md:5: " in result.stderr and "outside" in result.stderr, result.stderr


def test_logos_get_small_widths_and_photos_keep_theirs(tmp_path: Path) -> None:
    """A logo is drawn a few rem wide: a 600-px logo must not be sent whole to a 48-px box. The same file used
    as a banner too keeps the photo widths (one published image per file)."""
    from sitegen.images.settings import LOGO_WIDTHS

    cat = make_catalog(tmp_path / "site", products=1)
    photo(cat.root / "brands" / "lishui" / "logo.jpg", size=(600, 600), color=(200, 40, 40))
    brand = cat.root / "brands" / "lishui" / "index.md"
    brand.write_text(brand.read_text("utf-8").replace("summary:", "logo: logo.jpg\nsummary:"), "utf-8")
    photo(cat.root / "products" / "lishui" / "p1" / "photo.jpg", size=(2000, 1500))
    assert run_here(cat.root, "build").returncode == 0
    home = (cat.output / "index.html").read_text("utf-8")
    logo = re.search(r'srcset="([^"]*/logo-[^"]*)"', home)
    assert logo and sorted(int(w) for w in re.findall(r" (\d+)w", logo.group(1))) == sorted(LOGO_WIDTHS)
    assert all((cat.output / u.lstrip("/")).is_file() for u in re.findall(r"(/img/\S+) \d+w", logo.group(1)))
    product = (cat.output / "products/lishui/p1/index.html").read_text("utf-8")
    assert {int(w) for w in re.findall(r"/img/photo-\S+ (\d+)w", product)} == {480, 960, 1600}
    brand.write_text(brand.read_text("utf-8").replace("logo: logo.jpg", "logo: logo.jpg\nbanner: logo.jpg"),
                     "utf-8")
    assert run_here(cat.root, "build").returncode == 0
    page = (cat.output / "brands/lishui/index.html").read_text("utf-8")
    assert {int(w) for w in re.findall(r"/img/logo-\S+ (\d+)w", page)} == {480, 600}  # clamped to the source

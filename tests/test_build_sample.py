"""The sample catalog in brands/ and products/: big enough to show what sitegen does, clean, and its photos
all used and small (they were drawn once by scripts/make_sample_photos.py, which no test runs). Built from a copy,
so the repository is not written to."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.catalog import run_here

REPO = Path(__file__).resolve().parent.parent
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


def _front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8").split("---")[1])


def _named_pictures() -> set[str]:
    """Every photo the sample's index.md files name (images, logo, banner), as repository paths."""
    named = set()
    for index in [*(REPO / "brands").glob("*/index.md"), *(REPO / "products").glob("*/*/index.md")]:
        fields = _front_matter(index)
        refs = [*(fields.get("images") or []), fields.get("logo"), fields.get("banner")]
        for ref in refs:
            name = ref.get("file") if isinstance(ref, dict) else ref
            if name:
                named.add((index.parent / name).relative_to(REPO).as_posix())
    return named


def test_sample_catalog_is_big_enough_and_spread_out() -> None:
    brands = {p.parent.name: _front_matter(p) for p in (REPO / "brands").glob("*/index.md")}
    products = [_front_matter(p) for p in (REPO / "products").glob("*/*/index.md")]
    assert len(brands) >= 3 and len({b["province"] for b in brands.values()}) >= 3
    assert len(products) >= 15 and len({p["category"] for p in products}) >= 5
    assert all(p.get("images") and p.get("price") and p.get("season") for p in products)
    assert sum(1 for p in products if p.get("certifications")) >= len(products) // 2


def test_sample_photos_are_each_used_and_small() -> None:
    photos = {p.relative_to(REPO).as_posix(): p.stat().st_size for folder in ("brands", "products")
              for p in (REPO / folder).rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES}
    assert len(photos) >= 20 and set(photos) == _named_pictures()
    assert {rel: size for rel, size in photos.items() if size >= 200 * 1024} == {}


def test_sample_catalog_checks_clean_and_builds(tmp_path: Path) -> None:
    site = tmp_path / "sample"
    site.mkdir()
    shutil.copy(REPO / "sitegen.toml", site)
    for folder in ("brands", "products"):
        shutil.copytree(REPO / folder, site / folder)
    check = run_here(site, "check")
    assert check.returncode == 0 and check.stderr == "", check.stderr
    assert "no errors, 0 warnings" in check.stdout
    result = run_here(site, "build")
    assert result.returncode == 0, result.stderr
    home = (site / "output/index.html").read_text("utf-8")
    for section in ("<h2>品牌</h2>", "<h2>新品上架</h2>", "<h2>分类</h2>"):
        assert section in home
    assert (site / "output/products/lishui-shangeng/suichang-jumi/index.html").is_file()

"""`sitegen publish --target file:///folder`: the same plan and index, written to a folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.publish.errors import PublishError
from tests.s3_fixtures import publish, site_config, write_site

INDEX = ".sitegen-index.json"
SITE = {
    "index.html": "<h1>首页</h1>",
    "assets/style.aaaa.css": "body{}",
    "img/a.1111.webp": b"RIFF\x00\x01",
    "products/tea/longjing/index.html": "<h1>龙井</h1>",
    "sitemap.xml": "<urlset/>",
}


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def encoded(files: dict[str, bytes | str]) -> dict[str, bytes]:
    return {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}


@pytest.fixture
def local(tmp_path: Path):
    out, dest = tmp_path / "output", tmp_path / "preview"
    write_site(out, SITE)
    return out, dest, site_config(tmp_path), f"--target={dest.as_uri()}"


def test_first_publish_writes_the_tree_and_the_index(local, capsys) -> None:
    out, dest, config, target = local
    status, ui = publish(config, out, target)
    assert status == 0
    written = tree(dest)
    index = json.loads(written.pop(INDEX))
    assert written == encoded(SITE)
    assert sorted(index["objects"]) == sorted(SITE)
    assert ui.lines[-1].startswith(f"published to {dest.as_uri()}: 5 uploaded") and "no network" in ui.lines[-1]
    assert (dest / "index.html").stat().st_mode & 0o777 == 0o644


def test_no_change_writes_nothing(local) -> None:
    out, dest, config, target = local
    publish(config, out, target)
    stamps = {p: p.stat().st_mtime_ns for p in dest.rglob("*")}
    _, ui = publish(config, out, target)
    assert {p: p.stat().st_mtime_ns for p in dest.rglob("*")} == stamps
    assert "0 uploaded" in ui.lines[-1] and "5 unchanged" in ui.lines[-1]


def test_changes_and_deletions_follow_the_build(local) -> None:
    out, dest, config, target = local
    publish(config, out, target)
    files = dict(SITE)
    del files["products/tea/longjing/index.html"]
    files["index.html"] = "<h1>新首页</h1>"
    write_site(out, files)
    _, ui = publish(config, out, target)
    written = tree(dest)
    written.pop(INDEX)
    assert written == encoded(files)
    assert not (dest / "products").exists()  # emptied folders go too
    assert "1 uploaded" in ui.lines[-1] and "1 deleted" in ui.lines[-1]


def test_a_file_changed_in_the_folder_is_rewritten(local) -> None:
    out, dest, config, target = local
    publish(config, out, target)
    (dest / "index.html").write_text("edited by hand, a different size")
    publish(config, out, target)
    assert (dest / "index.html").read_bytes() == SITE["index.html"].encode()


def test_dry_run_writes_nothing(local) -> None:
    out, dest, config, target = local
    status, ui = publish(config, out, target, "--dry-run")
    assert status == 0 and not dest.exists()
    assert "plan: upload 5 files" in ui.lines[0] and "  new (5):" in ui.text


def test_refuses_a_folder_it_did_not_write(local) -> None:
    out, dest, config, target = local
    dest.mkdir()
    (dest / "thesis.docx").write_text("years of work")
    with pytest.raises(PublishError) as err:
        publish(config, out, target)
    assert err.value.code == "unsafe-folder"
    assert (dest / "thesis.docx").read_text() == "years of work"


@pytest.mark.parametrize("where", ["output", "output/preview", "."])
def test_refuses_a_folder_overlapping_the_build(local, tmp_path: Path, where: str) -> None:
    out, _dest, config, _target = local
    with pytest.raises(PublishError) as err:
        publish(config, out, f"--target={(tmp_path / where).resolve().as_uri()}")
    assert err.value.code == "target-overlaps"


def test_gzip_does_not_apply_to_a_folder(local) -> None:
    out, dest, config, target = local
    publish(config, out, target, "--gzip")
    assert (dest / "index.html").read_bytes() == SITE["index.html"].encode()


def test_a_site_built_with_drafts_is_not_published_unless_allowed(tmp_path: Path) -> None:
    """`build --drafts` marks its manifest when a draft is in the site; publish refuses it, says why and what
    to type, and publishes nothing; `--allow-drafts` publishes it; a build without --drafts publishes."""
    from tests.catalog import make_catalog, run, run_here

    catalog = make_catalog(tmp_path / "site", products=2)
    dest = tmp_path / "public"
    target = f"--target={dest.as_uri()}"
    assert run_here(catalog.root, "build", "--drafts").returncode == 0
    manifest = json.loads((catalog.output / ".sitegen-manifest.json").read_text("utf-8"))
    assert "drafts" not in manifest  # --drafts, but no product is a draft: nothing to refuse
    path = catalog.root / "products/lishui/p2/index.md"
    path.write_text(path.read_text("utf-8").replace("season:", "draft: true\nseason:"), "utf-8")
    assert run_here(catalog.root, "build", "--drafts").returncode == 0
    assert json.loads((catalog.output / ".sitegen-manifest.json").read_text("utf-8"))["drafts"] is True
    refused = run(catalog.root, "publish", target)
    assert refused.returncode == 1 and not dest.exists()
    assert refused.stderr.strip() == (
        f"sitegen: {catalog.output} was built with --drafts and holds products marked draft: true, which are not "
        "ready for shoppers; run 'sitegen build' without --drafts, or publish anyway with --allow-drafts")
    allowed = run(catalog.root, "publish", target, "--allow-drafts")
    assert allowed.returncode == 0 and (dest / "products/lishui/p2/index.html").is_file()
    assert run_here(catalog.root, "build").returncode == 0  # the draft leaves the site, and the mark with it
    assert "drafts" not in json.loads((catalog.output / ".sitegen-manifest.json").read_text("utf-8"))
    published = run(catalog.root, "publish", target)
    assert published.returncode == 0 and not (dest / "products/lishui/p2/index.html").exists()

"""`sitegen publish` through the CLI: exit statuses and one-line errors (the store itself is tested elsewhere)."""

from __future__ import annotations

import json

from tests.catalog import Catalog, run


def test_publish_to_a_folder_after_a_build(catalog: Catalog, tmp_path) -> None:
    assert run(catalog.root, "build").returncode == 0
    target = tmp_path / "published"
    result = run(catalog.root, "publish", "--target", f"file://{target}")
    assert result.returncode == 0, result.stderr
    assert (target / "products/lishui/p1/index.html").read_bytes() == (
        catalog.output / "products/lishui/p1/index.html").read_bytes()
    again = run(catalog.root, "publish", "--target", f"file://{target}", "--json")
    report = json.loads(again.stdout)
    assert again.returncode == 0 and report["status"] == "ok" and report["result"]["uploaded"] == 0


def test_publish_without_a_build_is_refused_in_one_line(catalog: Catalog, tmp_path) -> None:
    result = run(catalog.root, "publish", "--target", f"file://{tmp_path / 'site'}")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sitegen: ") and "sitegen build" in lines[0]
    assert "Traceback" not in result.stderr


def test_publish_with_a_bad_flag_value_is_a_usage_error(catalog: Catalog) -> None:
    assert run(catalog.root, "build").returncode == 0
    result = run(catalog.root, "publish", "--target", "ftp://nowhere")
    assert result.returncode == 2 and result.stderr.startswith("sitegen: ")

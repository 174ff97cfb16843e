"""`sitegen publish` through the CLI: exit statuses and one-line errors (the store itself is tested elsewhere)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

from PIL import Image

from tests.catalog import Catalog, run, run_here


def test_publish_to_a_folder_after_a_build(catalog: Catalog, tmp_path) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    target = tmp_path / "published"
    result = run(catalog.root, "publish", "--target", f"file://{target}")
    assert result.returncode == 0, result.stderr
    assert (target / "products/lishui/p1/index.html").read_bytes() == (
        catalog.output / "products/lishui/p1/index.html").read_bytes()
    assert "\r[" not in result.stderr  # no progress bar in a log
    assert result.stdout.startswith(f"published to file://{target}: ")  # the summary line, always
    again = run(catalog.root, "publish", "--target", f"file://{target}", "--json")
    report = json.loads(again.stdout)
    assert again.returncode == 0 and report["status"] == "ok" and report["result"]["uploaded"] == 0


def test_progress_bar_on_a_terminal_even_for_a_small_site(catalog: Catalog, tmp_path) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    files = len(json.loads((catalog.output / ".sitegen-manifest.json").read_text())["files"])
    assert files < 200  # below the page bar's threshold: publish draws its own
    leader, follower = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "sitegen", "publish", "--root", str(catalog.root),
                              "--target", f"file://{tmp_path / 'preview'}"],
                             stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    text = seen.decode()
    assert child.wait(timeout=60) == 0, text
    assert f"\r[..............................] 0/{files} files, 0 B / " in text
    assert f"\r[##############################] {files}/{files} files, " in text
    assert "published to file://" in text.split(f"{files}/{files} files")[-1]


def test_every_file_a_build_writes_has_a_known_content_type(catalog: Catalog) -> None:
    """AVIF variants, a PNG logo and the theme's static files (icon, font, manifest, SVG) included."""
    from sitegen.publish.headers import FALLBACK_TYPE, HeaderRules

    config = catalog.root / "sitegen.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[images]\nformats = ["avif", "webp", "jpeg"]\n',
                      encoding="utf-8")
    logo = catalog.root / "brands/lishui/logo.png"
    Image.new("RGBA", (64, 64), (0, 0, 0, 0)).save(logo)
    brand = catalog.root / "brands/lishui/index.md"
    brand.write_text(brand.read_text(encoding="utf-8").replace("summary:", "logo: logo.png\nsummary:", 1),
                     encoding="utf-8")
    static = catalog.root / "themes/default/static"
    for name, data in {"favicon.ico": b"\0\0\1\0", "fonts/a.woff2": b"wOF2", "site.webmanifest": "{}",
                       "logo.svg": "<svg/>", "app.js": "", "data.json": "{}"}.items():
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        (static / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    built = run_here(catalog.root, "build")
    assert built.returncode == 0, built.stderr
    paths = json.loads((catalog.output / ".sitegen-manifest.json").read_text())["files"]
    suffixes = {p.rsplit(".", 1)[-1] for p in paths}
    assert {"html", "xml", "txt", "css", "avif", "webp", "jpg", "png", "ico", "woff2", "webmanifest", "svg", "js",
            "json"} <= suffixes
    types = {p: HeaderRules().headers_for(p).content_type for p in paths}
    assert [p for p, t in types.items() if t == FALLBACK_TYPE] == []
    assert all(t.endswith("; charset=utf-8") for p, t in types.items()
               if p.endswith((".html", ".xml", ".txt", ".css", ".js", ".json", ".svg", ".webmanifest")))


def test_publish_without_a_build_is_refused_in_one_line(catalog: Catalog, tmp_path) -> None:
    result = run(catalog.root, "publish", "--target", f"file://{tmp_path / 'site'}")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sitegen: ") and "sitegen build" in lines[0]
    assert "Traceback" not in result.stderr


def test_publish_with_a_bad_flag_value_is_a_usage_error(catalog: Catalog) -> None:
    assert run_here(catalog.root, "build").returncode == 0
    result = run(catalog.root, "publish", "--target", "ftp://nowhere")
    assert result.returncode == 2 and result.stderr.startswith("sitegen: ")


def test_settings_boto3_cannot_use_are_one_line_usage_errors(catalog: Catalog) -> None:
    """Each of these used to end in a botocore traceback; none may echo a password in an address.
    They are checked before anything else, so no build is needed."""
    cases = [
        (["--endpoint-url", "oss-cn-hangzhou.aliyuncs.com"], "--endpoint-url must be an address such as"),
        (["--endpoint-url", "http://127.0.0.1:99999"], "--endpoint-url must be an address such as"),
        (["--endpoint-url", "https://AKIDEXAMPLE:s3cr3t-in-url@cos.ap-guangzhou.myqcloud.com"],
         "without a user name or password"),
        (["--bucket", "my catalog"], "--bucket must be a bucket name"),
        (["--region", "cn hangzhou"], "--region must be a region id"),
        (["--signature-version", "v2"], '--signature-version must be "s3v4" (the default) or "s3"'),
    ]
    for flags, needle in cases:
        result = run(catalog.root, "publish", "--bucket", "tea", *flags)
        assert result.returncode == 2, (flags, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("sitegen: ") and needle in lines[0], (flags, result.stderr)
        assert "s3cr3t-in-url" not in result.stderr + result.stdout


def test_the_same_settings_in_sitegen_toml_are_reported_with_their_line(catalog: Catalog) -> None:
    config = catalog.root / "sitegen.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[publish]\nbucket = "tea"\n'
                      'endpoint_url = "oss-cn-hangzhou.aliyuncs.com"\nsignature_version = "v2"\n'
                      'read_timeout = 0\nattempts = "3"\n', encoding="utf-8")
    lines = config.read_text(encoding="utf-8").splitlines()
    result = run(catalog.root, "publish")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for key in ("endpoint_url", "signature_version", "read_timeout", "attempts"):
        line = next(i for i, text in enumerate(lines, 1) if text.startswith(key))
        assert f"sitegen.toml:{line}: 'publish.{key}' must be" in result.stderr, result.stderr

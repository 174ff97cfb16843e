"""Publishing to a real S3 endpoint (moto's server on loopback, behind a recording proxy)."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen.publish.errors import PublishError
from sitegen.publish.headers import IMMUTABLE, SHORT
from tests.s3_fixtures import (
    ACCESS_KEY,
    SECRET_KEY,
    S3Proxy,
    bucket_objects,
    publish,
    s3_client,
    site_config,
    write_site,
)

pytest_plugins = ["tests.s3_fixtures"]  # moto_url, aws_env, bucket, proxy

INDEX = ".sitegen-index.json"


def v1_site() -> dict[str, bytes | str]:
    return {
        "index.html": '<link href="/assets/style.aaaa.css"><a href="/products/tea/longjing/">龙井</a>',
        "404.html": "<h1>找不到</h1>",
        "products/tea/longjing/index.html": '<img src="/img/longjing-480.1111.webp">',
        "products/tea/longjing/photo-1.jpg": b"\xff\xd8\xff" + b"jpeg" * 50,
        "brands/tea/index.html": "<h1>茶</h1>",
        "assets/style.aaaa.css": "body { color: green }" * 20,
        "img/longjing-480.1111.webp": b"RIFF" + b"\x00" * 300,
        "sitemap.xml": "<urlset><url><loc>https://tea.example.cn/</loc></url></urlset>",
        "robots.txt": "Sitemap: https://tea.example.cn/sitemap.xml\n",
    }


@pytest.fixture
def site(tmp_path: Path, bucket: str, proxy: S3Proxy):
    """A built site, a config pointing at the proxy, and a way to publish with flags."""
    out = tmp_path / "output"
    write_site(out, v1_site())
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path")
    return out, config


def test_first_publish_puts_every_file_with_its_body_and_headers(site, moto_url: str, bucket: str,
                                                                 proxy: S3Proxy) -> None:
    out, config = site
    status, ui = publish(config, out)
    assert status == 0
    stored = bucket_objects(moto_url, bucket)
    assert set(stored) == set(v1_site()) | {INDEX}
    for path, content in v1_site().items():
        data = content.encode() if isinstance(content, str) else content
        got = stored[path]
        assert got["body"] == data, path
        assert got["encoding"] is None
        assert got["meta"]["content-sha256"] == hashlib.sha256(data).hexdigest()
        assert re.fullmatch(r"[0-9a-f]{64}", got["meta"]["sha256"])
        assert got["cache"] == (IMMUTABLE if path.startswith(("assets/", "img/")) else SHORT), path
    assert stored["index.html"]["type"] == "text/html; charset=utf-8"
    assert stored["sitemap.xml"]["type"] == "application/xml; charset=utf-8"
    assert stored["img/longjing-480.1111.webp"]["type"] == "image/webp"
    assert stored["products/tea/longjing/photo-1.jpg"]["type"] == "image/jpeg"
    assert stored["robots.txt"]["type"] == "text/plain; charset=utf-8"
    assert stored["assets/style.aaaa.css"]["type"] == "text/css; charset=utf-8"
    # the order a shopper can live with: assets, other files, pages, sitemap, and the index last
    puts = proxy.puts()
    rank = {"assets": 0, "img": 0, "other": 1, "html": 2, "sitemap.xml": 3, INDEX: 4}

    def rank_of(key: str) -> int:
        top = key.split("/")[0]
        return rank.get(top, rank.get(key, 2 if key.endswith(".html") else 1))

    assert [rank_of(k) for k in puts] == sorted(rank_of(k) for k in puts)
    assert puts[-1] == INDEX and len(puts) == len(v1_site()) + 1
    assert "9 uploaded" in ui.lines[-1] and "0 deleted" in ui.lines[-1]


def test_no_change_publish_makes_no_writes_and_two_requests(site, proxy: S3Proxy, capsys) -> None:
    out, config = site
    publish(config, out)
    proxy.log.clear()
    capsys.readouterr()
    status, _ = publish(config, out, "--json")
    assert status == 0
    assert [(s.method, s.key) for s in proxy.log] == [("GET", ""), ("GET", INDEX)]  # one listing, the index
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "ok"
    assert result["plan"]["counts"]["upload"] == 0 and result["plan"]["counts"]["unchanged"] == 9
    assert result["result"]["requests"] == {"GetObject": 1, "ListObjectsV2": 1}
    assert result["result"]["index_written"] is False


def test_one_changed_file_uploads_only_that_file(site, proxy: S3Proxy, moto_url: str, bucket: str,
                                                 capsys) -> None:
    out, config = site
    publish(config, out)
    files = v1_site()
    files["products/tea/longjing/index.html"] = "<h1>龙井 2025</h1>"
    write_site(out, files)
    proxy.log.clear()
    capsys.readouterr()
    publish(config, out, "--json")
    assert proxy.puts() == ["products/tea/longjing/index.html", INDEX]
    plan = json.loads(capsys.readouterr().out)["plan"]
    assert plan["uploads"] == [{"path": "products/tea/longjing/index.html", "reason": "changed",
                                "phase": "html", "size": len("<h1>龙井 2025</h1>".encode())}]
    body = bucket_objects(moto_url, bucket)["products/tea/longjing/index.html"]["body"]
    assert body.decode() == "<h1>龙井 2025</h1>"


def test_removed_files_are_deleted_after_every_upload(site, proxy: S3Proxy, moto_url: str, bucket: str) -> None:
    out, config = site
    publish(config, out)
    files = v1_site()
    del files["brands/tea/index.html"], files["img/longjing-480.1111.webp"]
    files["img/longjing-480.2222.webp"] = b"RIFF" + b"\x01" * 300
    files["products/tea/longjing/index.html"] = '<img src="/img/longjing-480.2222.webp">'
    write_site(out, files)
    proxy.log.clear()
    publish(config, out)
    writes = [(s.method, s.key, s.query) for s in proxy.writes()]
    assert writes == [("PUT", "img/longjing-480.2222.webp", ""), ("PUT", "products/tea/longjing/index.html", ""),
                      ("POST", "", "delete"), ("PUT", INDEX, "")]
    batch = next(s for s in proxy.log if s.method == "POST")
    assert batch.status == 200 and batch.headers["content-md5"]  # the proxy checked it matches the body
    assert not [h for h in batch.headers if h.lower().startswith(("x-amz-checksum", "x-amz-sdk-checksum"))]
    assert set(bucket_objects(moto_url, bucket)) == set(files) | {INDEX}


def test_batch_delete_refused_falls_back_to_single_deletes(site, proxy: S3Proxy, moto_url: str,
                                                           bucket: str) -> None:
    out, config = site
    publish(config, out)
    write_site(out, {"index.html": "<h1>only this</h1>"})
    proxy.refuse_batch_delete = True
    proxy.log.clear()
    publish(config, out)
    assert [s.status for s in proxy.log if s.method == "POST"] == [501]
    assert sorted(s.key for s in proxy.log if s.method == "DELETE") == sorted(set(v1_site()) - {"index.html"})
    assert set(bucket_objects(moto_url, bucket)) == {"index.html", INDEX}


def test_too_many_deletes_is_refused_before_anything_changes(site, proxy: S3Proxy, moto_url: str,
                                                             bucket: str) -> None:
    out, config = site
    publish(config, out)
    before = bucket_objects(moto_url, bucket)
    write_site(out, {"index.html": "<h1>new home</h1>", "assets/new.bbbb.css": "x"})
    proxy.log.clear()
    with pytest.raises(PublishError) as err:
        publish(config, out, "--max-deletes", "3")
    assert err.value.code == "too-many-deletes" and err.value.exit_status == 1
    assert "8 files" in err.value.message and "--force" in err.value.message
    assert proxy.writes() == []
    assert bucket_objects(moto_url, bucket) == before
    status, _ = publish(config, out, "--max-deletes", "3", "--force")
    assert status == 0
    assert set(bucket_objects(moto_url, bucket)) == {"index.html", "assets/new.bbbb.css", INDEX}


def test_no_delete_keeps_remote_files(site, proxy: S3Proxy, moto_url: str, bucket: str) -> None:
    out, config = site
    publish(config, out)
    write_site(out, {"index.html": "<h1>new home</h1>"})
    publish(config, out, "--no-delete", "--max-deletes", "0")
    assert set(bucket_objects(moto_url, bucket)) == set(v1_site()) | {INDEX}


def test_prefix_isolation(tmp_path: Path, proxy: S3Proxy, moto_url: str, bucket: str) -> None:
    client = s3_client(moto_url)
    outside = ["index.html", "catalog-2023/index.html", "catalog2/index.html", "catalogue", "other/catalog/index.html"]
    for key in outside:
        client.put_object(Bucket=bucket, Key=key, Body=b"not ours")
    client.put_object(Bucket=bucket, Key="catalog/stale.html", Body=b"left from an old site")
    out = tmp_path / "output"
    write_site(out, v1_site())
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path",
                         prefix="/catalog")
    status, ui = publish(config, out)
    assert status == 0 and ", 1 deleted, " in ui.text, ui.text  # only catalog/stale.html is ours to delete
    listings = [s.query for s in proxy.log if "list-type=2" in s.query]
    assert listings and all("prefix=catalog%2F" in q for q in listings)  # it lists only the site's own keys
    stored = bucket_objects(moto_url, bucket)
    assert {k: stored[k]["body"] for k in outside} == dict.fromkeys(outside, b"not ours")
    assert set(stored) - set(outside) == {f"catalog/{p}" for p in v1_site()} | {f"catalog/{INDEX}"}
    assert all(s.key.startswith("catalog/") for s in proxy.writes() if s.method == "PUT")
    # --prefix on the command line wins over the setting
    publish(config, out, "--prefix", "preview/tea")
    assert f"preview/tea/{INDEX}" in bucket_objects(moto_url, bucket)


def test_dry_run_changes_nothing_and_says_why(site, proxy: S3Proxy, moto_url: str, bucket: str, capsys) -> None:
    out, config = site
    publish(config, out)
    before = bucket_objects(moto_url, bucket)
    files = v1_site()
    files["index.html"] = "<h1>changed</h1>"
    files["new/index.html"] = "<h1>new</h1>"
    del files["brands/tea/index.html"]
    write_site(out, files)
    header_rules = site_config(config.root, bucket=bucket, endpoint_url=proxy.url, addressing_style="path",
                               headers=(("robots.txt", "no-cache"),))
    proxy.log.clear()
    status, ui = publish(header_rules, out, "--dry-run")
    assert status == 0
    assert proxy.writes() == []
    assert bucket_objects(moto_url, bucket) == before
    text = ui.text
    assert "plan: upload 3 files" in text and "1 new, 1 changed, 1 headers changed); delete 1; 6 unchanged" in text
    assert "  new (1):\n    new/index.html" in text
    assert "  changed (1):\n    index.html" in text
    assert "  headers changed (1):\n    robots.txt" in text
    assert "  delete (1):\n    brands/tea/index.html" in text
    assert ui.lines[-1].startswith("dry run for s3://") and "nothing was changed" in ui.lines[-1]
    capsys.readouterr()
    publish(header_rules, out, "--dry-run", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "dry-run" and report["dry_run"] is True
    assert {u["path"]: u["reason"] for u in report["plan"]["uploads"]} == {
        "index.html": "changed", "new/index.html": "new", "robots.txt": "headers changed"}
    assert proxy.writes() == []


def test_dry_run_reports_a_refusal(site, proxy: S3Proxy, capsys) -> None:
    out, config = site
    publish(config, out)
    write_site(out, {"index.html": "x"})
    status, _ = publish(config, out, "--dry-run", "--json", "--max-deletes", "1")
    assert status == 1
    report = json.loads(capsys.readouterr().out)
    assert report["refusal"]["code"] == "too-many-deletes"


def test_header_rule_change_alone_is_reapplied(site, proxy: S3Proxy, moto_url: str, bucket: str) -> None:
    out, config = site
    publish(config, out)
    stricter = site_config(config.root, bucket=bucket, endpoint_url=proxy.url, addressing_style="path",
                           headers=(("*.html", "no-cache"),))
    proxy.log.clear()
    publish(stricter, out)
    html = sorted(p for p in v1_site() if p.endswith(".html"))
    assert sorted(proxy.puts()[:-1]) == html and proxy.puts()[-1] == INDEX
    stored = bucket_objects(moto_url, bucket)
    assert {p: stored[p]["cache"] for p in html} == dict.fromkeys(html, "no-cache")
    assert stored["robots.txt"]["cache"] == SHORT
    proxy.log.clear()
    publish(stricter, out)
    assert proxy.writes() == []


def test_gzip_stores_compressed_text_and_switching_reuploads(site, proxy: S3Proxy, moto_url: str,
                                                             bucket: str) -> None:
    out, config = site
    publish(config, out, "--gzip")
    stored = bucket_objects(moto_url, bucket)
    for path, content in v1_site().items():
        data = content.encode() if isinstance(content, str) else content
        got = stored[path]
        if path.endswith((".html", ".css", ".xml", ".txt")):
            assert got["encoding"] == "gzip", path
            assert gzip.decompress(got["body"]) == data
        else:
            assert got["encoding"] is None and got["body"] == data, path
    proxy.log.clear()
    publish(config, out, "--gzip")
    assert proxy.writes() == []
    publish(config, out, "--no-gzip")
    assert len(proxy.puts()) == 7 + 1  # the seven text files, then the index
    assert bucket_objects(moto_url, bucket)["index.html"]["encoding"] is None


def test_objects_replaced_behind_our_back_are_noticed(site, proxy: S3Proxy, moto_url: str, bucket: str) -> None:
    """The index is trusted only where the listing agrees: another tool's upload is HEADed and redone."""
    out, config = site
    publish(config, out)
    s3_client(moto_url).put_object(Bucket=bucket, Key="index.html", Body=b"defaced by hand")
    proxy.log.clear()
    publish(config, out)
    assert [s.key for s in proxy.log if s.method == "HEAD"] == ["index.html"]
    # the same bytes as before the defacing: same ETag, so the index needs no rewrite
    assert proxy.puts() == ["index.html"]
    assert bucket_objects(moto_url, bucket)["index.html"]["body"] == v1_site()["index.html"].encode()


def test_endpoint_lost_mid_publish_then_rerun_finishes_without_reuploading(
        tmp_path: Path, moto_url: str, bucket: str, proxy: S3Proxy) -> None:
    out = tmp_path / "output"
    v1 = {f"products/p{i}/index.html": f'<img src="/img/p{i}.v1.webp">' for i in range(6)}
    v1 |= {f"img/p{i}.v1.webp": b"RIFF1" * (i + 1) for i in range(6)}
    write_site(out, v1)
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path", workers=2)
    publish(config, out)
    v2 = {f"products/p{i}/index.html": f'<img src="/img/p{i}.v2.webp">' for i in range(6)}
    v2 |= {f"img/p{i}.v2.webp": b"RIFF2" * (i + 1) for i in range(6)}
    write_site(out, v2)
    proxy.log.clear()
    proxy.kill_after_puts = 4
    with pytest.raises(PublishError) as err:
        publish(config, out)
    assert err.value.code == "unreachable-midway" and err.value.exit_status == 1
    assert "4 of 12 uploads had arrived" in err.value.message and "run 'sitegen publish' again" in err.value.message
    assert SECRET_KEY not in str(err.value) and ACCESS_KEY not in str(err.value)
    arrived = [s.key for s in proxy.log if s.method == "PUT"]
    assert len(arrived) == 4 and all(k.startswith("img/") for k in arrived)
    # the bucket still serves v1 whole: every page as before, every image it references still there
    stored = bucket_objects(moto_url, bucket)
    assert {k: v["body"].decode() for k, v in stored.items() if k.endswith(".html")} == {
        k: v for k, v in v1.items() if k.endswith(".html")}
    assert all(k in stored for k in v1)
    # the endpoint is back (straight to moto now): the re-run uploads only what had not arrived
    rerun = S3Proxy(moto_url)
    url = rerun.start()
    try:
        again = site_config(tmp_path, bucket=bucket, endpoint_url=url, addressing_style="path", workers=2)
        assert publish(again, out)[0] == 0
        assert sorted(s.key for s in rerun.log if s.method == "HEAD") == sorted(arrived)
        reput = rerun.puts()
        assert not set(reput) & set(arrived)
        assert sorted(reput[:-1]) == sorted(set(v2) - set(arrived)) and reput[-1] == INDEX
    finally:
        rerun.stop()
    stored = bucket_objects(moto_url, bucket)
    assert set(stored) == set(v2) | {INDEX}


def test_missing_bucket_is_one_clear_error(tmp_path: Path, proxy: S3Proxy, aws_env: None) -> None:
    out = tmp_path / "output"
    write_site(out, {"index.html": "x"})
    config = site_config(tmp_path, bucket="no-such-bucket-here", endpoint_url=proxy.url, addressing_style="path")
    with pytest.raises(PublishError) as err:
        publish(config, out)
    assert err.value.code == "missing-bucket" and "no-such-bucket-here" in err.value.message


def test_unreachable_endpoint_before_anything_started(tmp_path: Path, aws_env: None) -> None:
    out = tmp_path / "output"
    write_site(out, {"index.html": "x"})
    import socket

    with socket.socket() as held:  # bound, never listening: connections are refused, and no one else gets it
        held.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{held.getsockname()[1]}"
        config = site_config(tmp_path, bucket="b", endpoint_url=url, addressing_style="path")
        with pytest.raises(PublishError) as err:
            publish(config, out)
    assert err.value.code == "unreachable" and url in err.value.message


@pytest.mark.parametrize(("env", "code"), [
    ({}, "no-credentials"),
    ({"AWS_ACCESS_KEY_ID": ACCESS_KEY}, "no-credentials"),  # half a pair is no credentials either
    ({"AWS_SECRET_ACCESS_KEY": SECRET_KEY}, "no-credentials"),
    ({"AWS_PROFILE": "county-ci"}, "bad-profile"),
])
def test_missing_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_env: None, proxy: S3Proxy,
                             env: dict[str, str], code: str) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "output"
    write_site(out, {"index.html": "x"})
    config = site_config(tmp_path, bucket="b", endpoint_url=proxy.url, addressing_style="path")
    with pytest.raises(PublishError) as err:
        publish(config, out)
    message = str(err.value)
    assert err.value.code == code
    assert "\n" not in message
    assert ACCESS_KEY not in message and SECRET_KEY not in message
    if code == "no-credentials":
        for place in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "~/.aws/credentials", "role"):
            assert place in message
    assert proxy.log == []


@pytest.mark.parametrize(("prepare", "code"), [
    (lambda out: None, "no-output"),
    (lambda out: out.mkdir(), "empty-output"),
    (lambda out: (out.mkdir(), (out / "index.html").write_text("half a build")), "no-manifest"),
    (lambda out: (write_site(out, {"index.html": "x", "a.css": "y"}), (out / "a.css").unlink()),
     "manifest-mismatch"),
])
def test_refuses_to_publish_a_missing_or_failed_build(tmp_path: Path, proxy: S3Proxy, aws_env: None,
                                                      prepare, code: str) -> None:
    out = tmp_path / "output"
    prepare(out)
    config = site_config(tmp_path, bucket="b", endpoint_url=proxy.url, addressing_style="path")
    with pytest.raises(PublishError) as err:
        publish(config, out)
    assert err.value.code == code and err.value.exit_status == 1
    assert "sitegen build" in err.value.message
    assert proxy.log == []


def test_file_edited_after_the_build_is_not_uploaded(site, proxy: S3Proxy) -> None:
    out, config = site
    (out / "index.html").write_text("x" * len(v1_site()["index.html"].encode()))  # same size, new bytes
    with pytest.raises(PublishError) as err:
        publish(config, out)
    assert err.value.code == "manifest-mismatch" and "index.html" in err.value.message
    assert "index.html" not in proxy.puts()


def test_json_error_report(tmp_path: Path, aws_env: None, capsys) -> None:
    config = site_config(tmp_path, bucket="b")
    with pytest.raises(PublishError):
        publish(config, tmp_path / "nothing", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "error" and report["error"]["code"] == "no-output"


def test_default_domain_warning_is_shown(tmp_path: Path, bucket: str, proxy: S3Proxy) -> None:
    out = tmp_path / "output"
    write_site(out, {"index.html": "x"})
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path")
    config = dataclasses.replace(config, base_url="https://tea.oss-cn-hangzhou.aliyuncs.com/")
    _, ui = publish(config, out)
    assert ui.lines[0].startswith("warning: tea.oss-cn-hangzhou.aliyuncs.com is a OSS default domain")


def test_non_ascii_and_space_names_round_trip(tmp_path: Path, moto_url: str, bucket: str, proxy: S3Proxy) -> None:
    out = tmp_path / "output"
    files = {"index.html": "x", "products/tea/龙井 茶/照片 1.jpg": b"\xff\xd8photo", "a+b/c%20d.txt": "plus"}
    write_site(out, files)
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path", prefix="县/")
    publish(config, out)
    stored = bucket_objects(moto_url, bucket)
    assert {k: v["body"] for k, v in stored.items() if k != f"县/{INDEX}"} == {
        f"县/{k}": (v.encode() if isinstance(v, str) else v) for k, v in files.items()}
    proxy.log.clear()
    publish(config, out)
    assert proxy.writes() == []
    write_site(out, {"index.html": "x"})
    publish(config, out)
    assert set(bucket_objects(moto_url, bucket)) == {"县/index.html", f"县/{INDEX}"}


_CHILD = """
import sys
from pathlib import Path
from sitegen.publish.errors import PublishError
from tests.s3_fixtures import publish, site_config
root, bucket, url = sys.argv[1:4]
try:
    publish(site_config(Path(root), bucket=bucket, endpoint_url=url, addressing_style="path", workers=1),
            Path(root) / "output")
except PublishError as exc:
    print(exc.code, exc)
    sys.exit(exc.exit_status)
"""


def test_ctrl_c_stops_cleanly_and_leaves_the_old_site(tmp_path: Path, moto_url: str, bucket: str,
                                                      proxy: S3Proxy) -> None:
    out = tmp_path / "output"
    v1 = {"index.html": '<img src="/img/a.1.webp">', "img/a.1.webp": b"RIFF1", "old.html": "old"}
    write_site(out, v1)
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path")
    publish(config, out)
    write_site(out, {"index.html": '<img src="/img/a.2.webp">'} | {f"img/a.{i}.webp": b"RIFF2" for i in range(2, 9)})
    proxy.log.clear()
    proxy.put_delay = 0.3
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(tmp_path), bucket, proxy.url],
                             cwd=Path(__file__).parent.parent, stdout=subprocess.PIPE, text=True,
                             env=os.environ | {"PYTHONPATH": str(Path(__file__).parent.parent)})
    deadline = time.monotonic() + 30
    while not any(s.method == "PUT" for s in proxy.log) and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send_signal(signal.SIGINT)
    stdout, _ = child.communicate(timeout=30)
    assert child.returncode == 130, stdout
    assert stdout.startswith("interrupted publish interrupted") and "run 'sitegen publish' again" in stdout
    assert [s.method for s in proxy.writes()] == ["PUT"] * len(proxy.writes())  # no deletes, no index
    assert all(s.key.startswith("img/") for s in proxy.writes())
    assert f"({len(proxy.writes())} of 8 uploads had arrived)" in stdout  # in-flight uploads were let finish
    stored = bucket_objects(moto_url, bucket)
    assert stored["index.html"]["body"] == v1["index.html"].encode() and "old.html" in stored


@pytest.mark.parametrize(("signature", "scheme"), [("", "AWS4-HMAC-SHA256 "), ("s3v4", "AWS4-HMAC-SHA256 "),
                                                   ("s3", "AWS ")])
def test_signature_version_and_no_crc_checksums(site, proxy: S3Proxy, signature: str, scheme: str) -> None:
    """OSS wants SigV2 ('s3'); several services reject the CRC checksum headers boto3 ≥ 1.36 adds by default."""
    out, config = site
    files = v1_site()
    del files["robots.txt"]
    publish(config, out, *(["--signature-version", signature] if signature else []))
    write_site(out, files)
    proxy.log.clear()
    publish(config, out, *(["--signature-version", signature] if signature else []))
    assert proxy.log and all(s.headers["authorization"].startswith(scheme) for s in proxy.log)
    puts = [s for s in proxy.log if s.method == "PUT"]
    assert puts and all(not any(h.startswith(("x-amz-checksum-", "x-amz-sdk-checksum")) for h in s.headers)
                        for s in puts)
    assert all(s.headers.get("content-md5") for s in puts)  # the body is verified by the service instead


def test_sigv2_signature_with_slashes_reaches_s3(moto_url: str, bucket: str) -> None:
    """A SigV2 signature with four slashes once made moto look for a service named after its pieces (a 500)."""
    import http.client
    from urllib.parse import urlsplit
    url = urlsplit(moto_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", f"/{bucket}?list-type=2", headers={"Authorization": "AWS AKIAX:ab/cd/ef/gh/ij+klmnopqrstuvwx="})
    response = conn.getresponse()
    assert response.status == 200 and b"<ListBucketResult" in response.read()


@pytest.mark.parametrize(("status", "code", "expect"), [(403, "AccessDenied", "access-denied"),
                                                        (500, "InternalError", "service-error")])
def test_a_service_message_that_echoes_the_credentials_never_shows_them(site, proxy: S3Proxy, capsys,
                                                                       status: int, code: str, expect: str) -> None:
    """Some services quote the request's key, even a secret, in their error text: it must not reach a CI log."""
    out, config = site
    proxy.put_error = (status, code, f"Request by {ACCESS_KEY} signed with {SECRET_KEY} refused")
    capsys.readouterr()
    with pytest.raises(PublishError) as err:
        publish(config, out, "--json")
    printed = capsys.readouterr()
    message = str(err.value)
    assert err.value.code == expect and "Request by *** signed with *** refused" in message, message
    assert json.loads(printed.out)["error"]["code"] == expect
    for shown in (message, printed.out, printed.err, repr(err.value.params)):
        assert ACCESS_KEY not in shown and SECRET_KEY not in shown

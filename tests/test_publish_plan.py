"""The pure parts of publish as tables: settings, headers, target resolution, the plan, the index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.publish.errors import PublishError
from sitegen.publish.headers import IMMUTABLE, SHORT, HeaderRules, glob_matches, object_digest
from sitegen.publish.manifest import read_manifest
from sitegen.publish.plan import LocalObject, RemoteObject, check_deletes, make_plan, phase_of
from sitegen.publish.remote_index import Stored, dump_index, next_index, parse_index, reconcile
from sitegen.publish.settings import PublishSettings, parse_publish_settings
from sitegen.publish.target import LocalTarget, S3Target, normalize_prefix, resolve_target, target_warnings
from tests.s3_fixtures import write_site

# ------------------------------------------------------------------------------------------- settings


def no_line(_key: tuple[str, ...]) -> int:
    return 7


def test_settings_keep_workers_and_read_headers_in_order() -> None:
    settings, problems = parse_publish_settings(
        {"bucket": "b", "workers": 4, "gzip": True, "addressing_style": "path",
         "headers": {"downloads/**": "public, max-age=60", "*.pdf": "no-store"}}, no_line)
    assert problems == []
    assert settings == PublishSettings(bucket="b", workers=4, gzip=True, addressing_style="path",
                                       headers=(("downloads/**", "public, max-age=60"), ("*.pdf", "no-store")))


@pytest.mark.parametrize(("table", "code", "field"), [
    ({"addressing_style": "vhost"}, "wrong-type", "publish.addressing_style"),
    ({"workers": 0}, "wrong-type", "publish.workers"),
    ({"workers": 500}, "wrong-type", "publish.workers"),
    ({"workers": "8"}, "wrong-type", "publish.workers"),
    ({"gzip": "yes"}, "wrong-type", "publish.gzip"),
    ({"headers": {"*.html": 300}}, "wrong-type", "publish.headers.*.html"),
    ({"headers": {"*.html": "  "}}, "empty-value", "publish.headers.*.html"),
    ({"headers": "public"}, "wrong-type", "publish.headers"),
    ({"secret_key": "x"}, "unknown-key", "publish.secret_key"),
    ({"endpoint_url": "oss-cn-hangzhou.aliyuncs.com"}, "wrong-type", "publish.endpoint_url"),
    ({"endpoint_url": "https://host:0"}, "wrong-type", "publish.endpoint_url"),
    ({"bucket": "tea catalog"}, "wrong-type", "publish.bucket"),
    ({"region": "cn_hangzhou"}, "wrong-type", "publish.region"),
    ({"signature_version": "s3v2"}, "wrong-type", "publish.signature_version"),
    ({"connect_timeout": 0}, "wrong-type", "publish.connect_timeout"),
    ({"connect_timeout": "10"}, "wrong-type", "publish.connect_timeout"),
    ({"read_timeout": 3600}, "wrong-type", "publish.read_timeout"),
    ({"read_timeout": float("nan")}, "wrong-type", "publish.read_timeout"),
    ({"read_timeout": True}, "wrong-type", "publish.read_timeout"),
    ({"attempts": 0}, "wrong-type", "publish.attempts"),
    ({"attempts": 2.5}, "wrong-type", "publish.attempts"),
    ({"timeout": 10}, "unknown-key", "publish.timeout"),
])
def test_settings_problems_name_the_field_and_line(table: dict, code: str, field: str) -> None:
    _settings, problems = parse_publish_settings(table, no_line)
    assert [(p.code, p.params["field"], p.line) for p in problems] == [(code, field, 7)]


# -------------------------------------------------------------------------------------------- headers


@pytest.mark.parametrize(("path", "content_type", "cache"), [
    ("index.html", "text/html; charset=utf-8", SHORT),
    ("products/tea/longjing/index.html", "text/html; charset=utf-8", SHORT),
    ("404.html", "text/html; charset=utf-8", SHORT),
    ("sitemap.xml", "application/xml; charset=utf-8", SHORT),
    ("robots.txt", "text/plain; charset=utf-8", SHORT),
    ("assets/style.3f2a9c1e0b.css", "text/css; charset=utf-8", IMMUTABLE),
    ("assets/app.3f2a9c1e0b.js", "text/javascript; charset=utf-8", IMMUTABLE),
    ("assets/logo.3f2a9c1e0b.svg", "image/svg+xml; charset=utf-8", IMMUTABLE),
    ("assets/site.3f2a9c1e0b.webmanifest", "application/manifest+json; charset=utf-8", IMMUTABLE),
    ("img/longjing-480.ab12cd34.webp", "image/webp", IMMUTABLE),
    ("img/longjing-480.ab12cd34.avif", "image/avif", IMMUTABLE),
    ("img/longjing-480.ab12cd34.JPG", "image/jpeg", IMMUTABLE),
    ("products/tea/longjing/photo-1.jpg", "image/jpeg", SHORT),  # not fingerprinted: must refresh
    ("favicon.ico", "image/x-icon", SHORT),
    ("data/prices.bin", "application/octet-stream", SHORT),
])
def test_default_headers(path: str, content_type: str, cache: str) -> None:
    headers = HeaderRules().headers_for(path)
    assert (headers.content_type, headers.cache_control, headers.content_encoding) == (content_type, cache, "")


def test_user_rules_come_first_and_gzip_only_text() -> None:
    rules = HeaderRules((("*.html", "no-cache"), ("assets/fonts/**", "public, max-age=60")), gzip=True)
    assert rules.headers_for("a/b/index.html").cache_control == "no-cache"
    assert rules.headers_for("assets/fonts/x.woff2").cache_control == "public, max-age=60"
    assert rules.headers_for("assets/style.1.css").cache_control == IMMUTABLE
    assert rules.headers_for("a/b/index.html").content_encoding == "gzip"
    assert rules.headers_for("sitemap.xml").content_encoding == "gzip"
    assert rules.headers_for("img/a.1.webp").content_encoding == ""
    assert rules.headers_for("assets/fonts/x.woff2").content_encoding == ""


@pytest.mark.parametrize(("glob", "path", "matches"), [
    ("*.html", "index.html", True),
    ("*.html", "products/a/index.html", True),  # no slash: the file name, in any folder
    ("assets/**", "assets/a/b.css", True),
    ("assets/**", "img/assets/b.css", False),
    ("assets/*", "assets/a/b.css", False),
    ("/assets/*.css", "assets/b.css", True),
    ("**/photo-*.jpg", "products/a/b/photo-1.jpg", True),
    ("**/photo-*.jpg", "photo-1.jpg", True),
    ("products/*/index.html", "products/a/index.html", True),
    ("products/*/index.html", "products/a/b/index.html", False),
    ("img/?.webp", "img/a.webp", True),
    ("img/?.webp", "img/ab.webp", False),
])
def test_glob(glob: str, path: str, matches: bool) -> None:
    assert glob_matches(glob, path) is matches


def test_digest_changes_with_any_header_but_not_otherwise() -> None:
    base = HeaderRules().headers_for("index.html")
    digest = object_digest("a" * 64, base)
    assert digest == object_digest("a" * 64, HeaderRules().headers_for("other/index.html"))
    assert digest != object_digest("b" * 64, base)
    assert digest != object_digest("a" * 64, HeaderRules(gzip=True).headers_for("index.html"))
    assert digest != object_digest("a" * 64, HeaderRules((("*.html", "no-cache"),)).headers_for("index.html"))


# --------------------------------------------------------------------------------------------- target


def test_prefix_normalization() -> None:
    assert normalize_prefix("") == ""
    assert normalize_prefix("/") == ""
    assert normalize_prefix("catalog") == "catalog/"
    assert normalize_prefix("/tea//2024/") == "tea/2024/"
    with pytest.raises(PublishError) as err:
        normalize_prefix("a/../b")
    assert err.value.code == "bad-option"


def test_an_address_with_a_password_is_refused_without_repeating_it() -> None:
    _settings, problems = parse_publish_settings({"endpoint_url": "https://AKID:s3cr3t@oss-cn-hangzhou.aliyuncs.com"},
                                                 no_line)
    assert [p.params["field"] for p in problems] == ["publish.endpoint_url"]
    assert "s3cr3t" not in problems[0].message and "user name or password" in problems[0].message


@pytest.mark.parametrize(("endpoint", "style", "expected"), [
    ("https://oss-cn-hangzhou.aliyuncs.com", "", "virtual"),  # botocore would go path-style, which OSS refuses
    ("https://cos.ap-guangzhou.myqcloud.com", "", "virtual"),
    ("https://cos.ap-guangzhou.myqcloud.com", "path", "path"),  # asked for: kept, with a warning
    ("http://127.0.0.1:9000", "", ""),  # MinIO and AWS: botocore's choice
    ("", "", ""),
])
def test_oss_and_cos_default_to_virtual_addressing(endpoint: str, style: str, expected: str) -> None:
    target = resolve_target(PublishSettings(bucket="b", endpoint_url=endpoint, addressing_style=style), {})
    assert isinstance(target, S3Target) and target.addressing_style == expected


def test_flags_override_settings_and_targets_parse() -> None:
    settings = PublishSettings(bucket="from-toml", prefix="p", region="cn-hangzhou", workers=4)
    target = resolve_target(settings, {"bucket": "from-flag", "prefix": None, "workers": 16})
    assert target == S3Target(bucket="from-flag", prefix="p/", region="cn-hangzhou", workers=16)
    assert resolve_target(settings, {}, "s3://other/site/") == S3Target("other", "site/", region="cn-hangzhou",
                                                                        workers=4)
    assert resolve_target(settings, {}, "file:///tmp/preview%20site") == LocalTarget(Path("/tmp/preview site"), 4)
    timed = PublishSettings(bucket="b", connect_timeout=5, read_timeout=60.5, attempts=2)
    assert parse_publish_settings({"bucket": "b", "connect_timeout": 5, "read_timeout": 60.5, "attempts": 2},
                                  no_line) == (timed, [])
    assert resolve_target(timed, {"read_timeout": 1.5, "attempts": None}) == S3Target(
        "b", connect_timeout=5, read_timeout=1.5, attempts=2)


@pytest.mark.parametrize(("settings", "overrides", "target", "code", "status"), [
    (PublishSettings(), {}, None, "no-bucket", 2),
    (PublishSettings(bucket="b"), {"workers": 0}, None, "bad-option", 2),
    (PublishSettings(bucket="b"), {"connect_timeout": 0.0}, None, "bad-option", 2),
    (PublishSettings(bucket="b"), {"read_timeout": float("inf")}, None, "bad-option", 2),
    (PublishSettings(bucket="b"), {"attempts": 11}, None, "bad-option", 2),
    (PublishSettings(bucket="b"), {}, "ftp://host/x", "bad-target", 2),
    (PublishSettings(bucket="b"), {}, "file://otherhost/x", "bad-target", 2),
    (PublishSettings(bucket="b"), {"endpoint_url": "not a url"}, None, "bad-option", 2),
    (PublishSettings(bucket="b"), {"region": "cn hangzhou"}, None, "bad-option", 2),
    (PublishSettings(bucket="b"), {"signature_version": "s5"}, None, "bad-option", 2),
    (PublishSettings(bucket="b"), {"addressing_style": "vhost"}, None, "bad-option", 2),
    (PublishSettings(), {}, "s3://my bucket/site", "bad-option", 2),
])
def test_target_errors(settings: PublishSettings, overrides: dict, target: str | None, code: str,
                       status: int) -> None:
    with pytest.raises(PublishError) as err:
        resolve_target(settings, overrides, target)
    assert (err.value.code, err.value.exit_status) == (code, status)


@pytest.mark.parametrize(("target", "base_url", "needle"), [
    (S3Target("b", endpoint_url="https://oss-cn-hangzhou.aliyuncs.com"),
     "https://b.oss-cn-hangzhou.aliyuncs.com/", "OSS default domain"),
    (S3Target("b-125", endpoint_url="https://cos.ap-guangzhou.myqcloud.com"),
     "https://b-125.cos-website.ap-guangzhou.myqcloud.com", "COS default domain"),
    (S3Target("b", endpoint_url="https://cos.ap-guangzhou.myqcloud.com", addressing_style="path"),
     "https://tea.example.cn/", "path-style"),
    (S3Target("b", endpoint_url="https://oss-cn-hangzhou.aliyuncs.com", addressing_style="path"),
     "https://tea.example.cn/", "path-style"),
])
def test_warnings_for_default_domains(target: S3Target, base_url: str, needle: str) -> None:
    warnings = target_warnings(target, base_url)
    assert len(warnings) == 1 and needle in warnings[0].text()


def test_no_warning_for_a_custom_domain_or_minio() -> None:
    assert target_warnings(S3Target("b", endpoint_url="https://oss-cn-hangzhou.aliyuncs.com",
                                    addressing_style="virtual"), "https://tea.example.cn/") == []
    assert target_warnings(S3Target("b", endpoint_url="http://127.0.0.1:9000", addressing_style="path"),
                           "https://tea.example.cn/") == []


# ----------------------------------------------------------------------------------------------- plan


def obj(path: str, content: str = "x", rules: HeaderRules | None = None) -> LocalObject:
    headers = (rules or HeaderRules()).headers_for(path)
    sha = content * 64 if len(content) == 1 else content
    return LocalObject(path, 10, sha, headers, object_digest(sha, headers))


def remote_of(local: LocalObject, **changes: str) -> RemoteObject:
    fields = {"digest": local.digest, "sha256": local.sha256} | changes
    return RemoteObject(local.path, local.size, "etag", fields["digest"], fields["sha256"])


def test_plan_reasons_and_unchanged() -> None:
    same, changed, new = obj("a/index.html"), obj("b/index.html", "y"), obj("c/index.html")
    header_only = obj("d/index.html", rules=HeaderRules((("*.html", "no-cache"),)))
    unknown = obj("e/index.html")
    remote = {
        "a/index.html": remote_of(same),
        "b/index.html": remote_of(changed, digest="0" * 64, sha256="1" * 64),
        "d/index.html": remote_of(header_only, digest="0" * 64),
        "e/index.html": RemoteObject("e/index.html", 10),  # uploaded by another tool: no hash
        "old/index.html": RemoteObject("old/index.html", 3),
    }
    plan = make_plan([same, changed, new, header_only, unknown], remote)
    assert [(u.path, u.reason) for u in plan.uploads] == [
        ("b/index.html", "changed"), ("c/index.html", "new"), ("d/index.html", "headers changed"),
        ("e/index.html", "changed")]
    assert plan.unchanged == ("a/index.html",)
    assert plan.deletes == ("old/index.html",)
    assert plan.counts() == {"upload": 4, "new": 1, "changed": 2, "headers changed": 1, "delete": 1,
                             "unchanged": 1}
    assert make_plan([same], remote, delete=False).deletes == ()


def test_upload_order_assets_other_html_feeds() -> None:
    paths = ["sitemap.xml", "index.html", "robots.txt", "img/a.1.webp", "products/b/p/index.html",
             "assets/style.1.css", "products/b/p/photo-1.jpg", "feed.json", "404.html", "atom.xml"]
    plan = make_plan([obj(p) for p in paths], {})
    assert [u.path for u in plan.uploads] == [
        "assets/style.1.css", "img/a.1.webp",
        "products/b/p/photo-1.jpg", "robots.txt",
        "404.html", "index.html", "products/b/p/index.html",
        "atom.xml", "feed.json", "sitemap.xml"]
    assert [phase for phase, _ in plan.phases()] == ["assets", "other", "html", "feeds"]
    assert phase_of("assets/x.xml") == "assets"


def test_dry_run_lines_show_the_first_paths_of_each_kind_and_how_many_more() -> None:
    from sitegen.publish.report import plan_lines

    plan = make_plan([obj(f"p{i}.html") for i in range(5)], {f"old-{i}.html": RemoteObject(f"old-{i}.html", 1)
                                                            for i in range(3)})
    assert [line if isinstance(line, str) else line.text() for line in plan_lines(plan, limit=2)] == [
        "plan: upload 5 files (50 B: 5 new); delete 3; 0 unchanged",
        "  new (5):", "    p0.html", "    p1.html", "    … and 3 more",
        "  delete (3):", "    old-0.html", "    old-1.html", "    … and 1 more"]


def test_delete_limit() -> None:
    plan = make_plan([obj("index.html")], {f"old-{i}.html": RemoteObject(f"old-{i}.html", 1) for i in range(5)})
    check_deletes(plan, 5, force=False)
    check_deletes(plan, 0, force=True)
    with pytest.raises(PublishError) as err:
        check_deletes(plan, 4, force=False)
    assert err.value.code == "too-many-deletes"
    assert "5 files" in err.value.message and "old-0.html" in err.value.message


# ---------------------------------------------------------------------------------------------- index


def test_index_is_trusted_only_where_the_listing_agrees() -> None:
    a, b, c = (obj(p) for p in ("a.html", "b.html", "c.html"))
    index = {o.path: RemoteObject(o.path, 10, '"e1"', o.digest, o.sha256) for o in (a, b, c)}
    listing = {
        "a.html": RemoteObject("a.html", 10, "e1"),  # agrees (quotes and case do not matter)
        "b.html": RemoteObject("b.html", 11, "e1"),  # size differs: replaced since
        "c.html": RemoteObject("c.html", 10, "e2"),  # ETag differs: replaced since
        "d.html": RemoteObject("d.html", 10, "e1"),  # not in the index: an interrupted publish
        "gone.html": RemoteObject("gone.html", 1, "e3"),  # not built any more: no need to ask
    }
    known, missing = reconcile(listing, index, ["a.html", "b.html", "c.html", "d.html", "new.html"])
    assert known["a.html"].digest == a.digest
    assert missing == ["b.html", "c.html", "d.html"]
    assert all(not known[p].digest for p in missing)


def test_index_round_trip_and_next_index() -> None:
    a, b = obj("a.html"), obj("b.html", "y")
    remote = {"a.html": RemoteObject("a.html", 10, "e1", a.digest, a.sha256)}
    entries = next_index([a, b], remote, {"b.html": Stored(12, '"E2"')})
    data = dump_index(entries)
    assert dump_index(reversed(entries)) == data  # deterministic: an unchanged site skips writing it
    parsed = parse_index(data)
    assert parsed["b.html"] == RemoteObject("b.html", 12, "e2", b.digest, b.sha256)
    assert parsed["a.html"].etag == "e1"
    assert parse_index(b"not json") == {} and parse_index(b'{"version": 99}') == {} and parse_index(None) == {}


# ------------------------------------------------------------------------------------------- manifest


def test_manifest_is_read_and_sorted(tmp_path: Path) -> None:
    write_site(tmp_path / "out", {"z.html": "z", "a/b.css": "b"})
    manifest = read_manifest(tmp_path / "out")
    assert [f.path for f in manifest.files] == ["a/b.css", "z.html"]
    assert manifest.generator == "sitegen 0.1.0"


@pytest.mark.parametrize(("manifest", "problem"), [
    ("{", "Expecting"),
    ('{"version": 2, "files": {}}', "version 2"),
    ('{"version": 1, "files": {"../x": {"sha256": "' + "0" * 64 + '", "size": 1}}}', "bad path"),
    ('{"version": 1, "files": {"/x": {"sha256": "' + "0" * 64 + '", "size": 1}}}', "bad path"),
    ('{"version": 1, "files": {"x": {"sha256": "nothex", "size": 1}}}', "bad sha256"),
    ('{"version": 1, "files": {"x": {"sha256": "' + "0" * 64 + '", "size": -1}}}', "bad size"),
    ('{"version": 1, "drafts": "no", "files": {}}', "'drafts' is not true or false"),  # a string is not False
])
def test_bad_manifest(tmp_path: Path, manifest: str, problem: str) -> None:
    (tmp_path / "x").write_text("x")
    (tmp_path / ".sitegen-manifest.json").write_text(manifest)
    with pytest.raises(PublishError) as err:
        read_manifest(tmp_path)
    assert err.value.code == "bad-manifest" and problem in err.value.message


def test_manifest_must_match_the_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(out, {"a.html": "aaa", "b.html": "bbb"})
    (out / "a.html").write_text("changed after the build")
    (out / "b.html").unlink()
    with pytest.raises(PublishError) as err:
        read_manifest(out)
    assert err.value.code == "manifest-mismatch"
    assert "2 differ" in err.value.message and "a.html" in err.value.message
    assert json.loads((out / ".sitegen-manifest.json").read_text())["version"] == 1

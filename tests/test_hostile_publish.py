"""The publish side of the trust boundary: an endpoint that stops answering cannot make publish hang, and
whatever a target holds (links in a folder, keys in a bucket that no build writes) cannot make publish write,
read or delete outside it. Against real endpoints on loopback: a socket that never answers, moto behind the
recording proxy of tests/s3_fixtures.py, and real folders."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.publish.errors import PublishError
from tests.catalog import make_catalog
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
FAST = {"connect_timeout": 1, "read_timeout": 1, "attempts": 2}  # small timeouts, so that hangs are quick


def worst_case(settings: dict) -> float:
    from sitegen.publish.s3 import worst_case_seconds

    return worst_case_seconds(settings["connect_timeout"], settings["read_timeout"], settings["attempts"])


# ----------------------------------------------------------------------- an endpoint that never answers


class Silent:
    """A TCP server on loopback that accepts every connection, reads nothing and never answers."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed: the test is over
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent() -> Iterator[Silent]:
    server = Silent()
    try:
        yield server
    finally:
        server.close()


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return env | {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                  "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_CONFIG_FILE": str(tmp_path / "none"),
                  "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.mark.parametrize("scheme", ["http", "https"])  # https: the TLS handshake is what never finishes
def test_an_endpoint_that_never_answers_stops_publish_in_bounded_time_with_one_line(
        tmp_path: Path, silent: Silent, scheme: str) -> None:
    cat = make_catalog(tmp_path / "site", products=1)
    write_site(cat.output, {"index.html": "<h1>首页</h1>", "img/a.1.webp": b"RIFF" * 10})
    url = f"{scheme}://127.0.0.1:{silent.port}"
    cat.write("sitegen.toml", (cat.root / "sitegen.toml").read_text("utf-8") + (
        f'\n[publish]\nbucket = "tea"\nendpoint_url = "{url}"\naddressing_style = "path"\n'
        f'connect_timeout = {FAST["connect_timeout"]}\nread_timeout = {FAST["read_timeout"]}\n'
        f'attempts = {FAST["attempts"]}\n'))
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "sitegen", "publish", "--root", str(cat.root)],
                            capture_output=True, text=True, timeout=120, env=_env(tmp_path))
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"sitegen: the storage endpoint {url} did not answer within 1 s"), lines[0]
    assert "read_timeout" in lines[0] and "sitegen publish" in lines[0]
    assert len(silent.accepted) == FAST["attempts"]  # each attempt waited, then gave up; no more
    assert elapsed < worst_case(FAST) + 10  # 10 s for the interpreter and boto3 to start on a busy machine


def _refs(html: bytes) -> list[str]:
    return re.findall(r'(?:href|src)="/([^"]+)"', html.decode())


V1: dict[str, bytes | str] = {
    "index.html": '<link href="/assets/style.v1.css"><img src="/img/a.v1.webp">',
    "products/a/index.html": '<img src="/img/a.v1.webp">',
    "about/index.html": "<p>关于我们</p>",
    "assets/style.v1.css": "body{color:green}",
    "img/a.v1.webp": b"RIFF-a-v1",
    "sitemap.xml": "<urlset/>",
}
V2: dict[str, bytes | str] = {
    "index.html": '<link href="/assets/style.v2.css"><img src="/img/b.v2.webp">',
    "products/b/index.html": '<img src="/img/b.v2.webp">',
    "about/index.html": "<p>关于我们</p>",
    **{f"assets/part{i}.v2.css": f"p{i}{{}}" for i in range(6)},
    "assets/style.v2.css": "body{color:blue}",
    "img/b.v2.webp": b"RIFF-b-v2",
    "sitemap.xml": "<urlset><url/></urlset>",
}

Hang = Callable[[str, str, str], bool]
REQUEST_PATHS: dict[str, dict] = {  # what the endpoint stops answering, and the proxy settings that do it
    "the listing": {"hang": lambda m, k, q: m == "GET" and "list-type=2" in q},
    "the index download": {"hang": lambda m, k, q: m == "GET" and k == INDEX},
    "a HEAD": {"hang": lambda m, k, q: m == "HEAD"},
    "the uploads": {"hang": lambda m, k, q: m == "PUT" and k != INDEX},
    "one page's upload": {"hang": lambda m, k, q: m == "PUT" and k == "products/b/index.html"},
    "the batch delete": {"hang": lambda m, k, q: m == "POST"},
    "single deletes": {"hang": lambda m, k, q: m == "DELETE", "refuse_batch_delete": True},
    "the index upload": {"hang": lambda m, k, q: m == "PUT" and k == INDEX},
    "everything, after three uploads": {"hang_after_puts": 3},
}


@pytest.mark.parametrize("misbehave", list(REQUEST_PATHS.values()), ids=list(REQUEST_PATHS))
def test_no_request_waits_forever_and_the_bucket_stays_consistent(
        tmp_path: Path, bucket: str, proxy: S3Proxy, moto_url: str, misbehave: dict) -> None:
    out = tmp_path / "output"
    write_site(out, V1)
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path", workers=3, **FAST)
    assert publish(config, out)[0] == 0
    s3_client(moto_url).put_object(Bucket=bucket, Key="about/index.html", Body=b"<p>edited by hand</p>")  # a HEAD
    write_site(out, V2)
    for name, value in misbehave.items():
        setattr(proxy, name, value)
    started = time.monotonic()
    with pytest.raises(PublishError) as err:
        publish(config, out)
    elapsed = time.monotonic() - started
    assert err.value.code in ("timed-out", "timed-out-midway") and err.value.exit_status == 1, err.value.message
    assert f"{proxy.url} did not answer within 1 s" in err.value.message and "\n" not in err.value.message
    assert elapsed < worst_case(FAST), elapsed  # only the requests in flight were waited for, once each
    attempts: dict[tuple[str, str], int] = {}
    for seen in proxy.hung:
        attempts[seen.method, seen.key] = attempts.get((seen.method, seen.key), 0) + 1
    assert attempts and max(attempts.values()) == FAST["attempts"] >= min(attempts.values()), attempts
    stored = {k: v["body"] for k, v in bucket_objects(moto_url, bucket).items()}
    for key, body in stored.items():  # every page in the bucket has everything it references
        if key.endswith(".html"):
            assert all(ref in stored for ref in _refs(body)), (key, sorted(stored))
    if set(V1) - set(V2) - set(stored):  # something was deleted: only after every upload arrived
        assert all(stored.get(k) == (v.encode() if isinstance(v, str) else v) for k, v in V2.items())
    # the endpoint answers again: the same command finishes the job
    proxy.hang, proxy.hang_after_puts = None, None
    assert publish(config, out)[0] == 0
    assert set(bucket_objects(moto_url, bucket)) == set(V2) | {INDEX}


def test_the_documented_defaults_give_up_on_a_silent_endpoint_within_two_minutes(aws_env: None) -> None:
    from sitegen.publish.s3 import make_client, worst_case_seconds
    from sitegen.publish.settings import (
        DEFAULT_ATTEMPTS,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_READ_TIMEOUT,
        PublishSettings,
    )
    from sitegen.publish.target import resolve_target

    worst = worst_case_seconds(DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_ATTEMPTS)
    assert worst < 120
    target = resolve_target(PublishSettings(bucket="tea"), {})
    client, _ = make_client(target)
    config = client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT)
    assert config.retries == {"mode": "standard", "total_max_attempts": DEFAULT_ATTEMPTS}
    guide = (Path(__file__).parent.parent / "docs" / "hosting.md").read_text("utf-8")
    for name, value in (("connect_timeout", DEFAULT_CONNECT_TIMEOUT), ("read_timeout", DEFAULT_READ_TIMEOUT),
                        ("attempts", DEFAULT_ATTEMPTS)):
        assert re.search(rf"^{name} = {value}\b", guide, flags=re.M), name
    assert f"{worst:.0f} s" in guide  # the guide states the worst case these defaults give


def test_botocore_never_waits_between_attempts_longer_than_the_bound_assumes() -> None:
    """worst_case_seconds assumes standard mode's backoff: jitter × min(2^(n-1), 20) s, plus at most 5 s for a
    service's x-amz-retry-after. Checked against botocore's own code, at full jitter, for a throttling answer
    that asks for a day."""
    from types import SimpleNamespace

    from botocore.retries.standard import ExponentialBackoff

    from sitegen.publish.s3 import retry_delay_bound

    class Throttled:
        def is_throttling_error_from_context(self, context: object) -> bool:
            return True

    backoff = ExponentialBackoff(random=lambda: 1.0, throttling_detector=Throttled())
    for attempt in range(1, 11):
        context = SimpleNamespace(attempt_number=attempt,
                                  http_response=SimpleNamespace(headers={"x-amz-retry-after": "86400000"}))
        assert backoff.delay_amount(context) <= retry_delay_bound(attempt)


# ------------------------------------------------------------------- a bucket holding keys no build writes

PLANTED = ["catalog/../escape.html", "catalog/x/../../outside.html", "catalog/./dot.html", "catalog//double.html",
           "catalog/ctrl\x01.html", "catalog/back\\slash.html", "catalog/..", "catalog/sub/../../../../etc"]
OUTSIDE = ["escape.html", "outside.html", "index.html", "catalog2/index.html", "etc"]


def test_keys_that_are_not_plain_paths_are_left_alone_and_no_delete_leaves_the_prefix(
        tmp_path: Path, bucket: str, proxy: S3Proxy, moto_url: str) -> None:
    """Deleted one by one, catalog/x/../../outside.html is DELETE /bucket/catalog/x/../../outside.html, which
    a proxy or service that resolves '..' (nginx in front of MinIO does) reads as the key outside.html."""
    client = s3_client(moto_url)
    for key in [*PLANTED, *OUTSIDE, "catalog/stale.html"]:
        client.put_object(Bucket=bucket, Key=key, Body=b"planted")
    out = tmp_path / "output"
    write_site(out, V1)
    proxy.normalize_paths = True
    proxy.refuse_batch_delete = True  # one DELETE per key: the key travels in the URL
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path", prefix="catalog")
    before = sorted(p.name for p in tmp_path.iterdir())
    status, ui = publish(config, out, "--dry-run")
    assert status == 0 and "    stale.html" in ui.text, ui.text
    assert not any(word in ui.text for word in ("escape", "outside", "dot.html", "double", "\x01", "slash", "etc"))
    assert publish(config, out)[0] == 0
    stored = bucket_objects(moto_url, bucket)
    assert {k: stored[k]["body"] for k in [*PLANTED, *OUTSIDE]} == dict.fromkeys([*PLANTED, *OUTSIDE], b"planted")
    assert "catalog/stale.html" not in stored
    deletes = [s.key for s in proxy.log if s.method in ("DELETE", "POST")]
    assert deletes == ["", "catalog/stale.html"]  # the refused batch, then the one stale page
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no key became a file anywhere


def test_a_listing_that_strays_outside_the_prefix_changes_nothing_outside_it(
        tmp_path: Path, bucket: str, proxy: S3Proxy, moto_url: str) -> None:
    """A service that ignores the listing's prefix: keys outside it are neither deleted nor taken for the site's
    (catalog2/index.html cut at len('catalog/') would read as index.html, already published)."""
    client = s3_client(moto_url)
    for key in OUTSIDE:
        client.put_object(Bucket=bucket, Key=key, Body=b"planted")
    out = tmp_path / "output"
    write_site(out, V1)
    proxy.ignore_list_prefix = True
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path", prefix="catalog")
    assert publish(config, out, "--max-deletes", "0")[0] == 0
    stored = bucket_objects(moto_url, bucket)
    assert {k: stored[k]["body"] for k in OUTSIDE} == dict.fromkeys(OUTSIDE, b"planted")
    assert {k for k in stored if k.startswith("catalog/")} == {f"catalog/{p}" for p in [*V1, INDEX]}
    assert [s.key for s in proxy.log if s.method in ("DELETE", "POST")] == []


# ------------------------------------------------------------------------- a file:// target holding links


def _files(folder: Path) -> dict[str, bytes]:
    """Regular files only, without following any link (what the folder itself holds)."""
    out = {}
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(dirpath, name)
            if path.is_file() and not path.is_symlink():
                out[path.relative_to(folder).as_posix()] = path.read_bytes()
    return out


def _encoded(files: dict[str, bytes | str]) -> dict[str, bytes]:
    return {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}


@pytest.fixture
def preview(tmp_path: Path):
    """V1 published to a folder; a victim folder and file outside it; V2 built, to publish next."""
    out, dest = tmp_path / "output", tmp_path / "preview"
    write_site(out, V1)
    config = site_config(tmp_path)
    assert publish(config, out, f"--target={dest.as_uri()}")[0] == 0
    victims = tmp_path / "victims"
    (victims / "etc").mkdir(parents=True)
    (victims / "etc" / "style.v2.css").write_bytes(b"victim's own file")
    (victims / "etc" / "style.v1.css").write_bytes(b"victim's file with a published name")
    (victims / "passwd").write_bytes(b"victim's passwd")
    write_site(out, V2)
    return out, dest, config, victims


def _publish_to(preview_fixture, *flags: str):
    out, dest, config, _ = preview_fixture
    return publish(config, out, f"--target={dest.as_uri()}", *flags)


LINKS: dict[str, Callable[[Path, Path], None]] = {  # (preview folder, victims) → a link planted in the folder
    "a folder the build writes into": lambda d, v: _relink(d / "assets", v / "etc"),
    "a folder the build deletes from": lambda d, v: _relink(d / "products/a", v / "etc"),
    "a page the build rewrites": lambda d, v: _relink(d / "index.html", v / "passwd"),
    "a page the build keeps": lambda d, v: _relink(d / "about/index.html", v / "passwd"),
    "a page the build deletes": lambda d, v: _relink(d / "products/a/index.html", v / "passwd"),
    "the index": lambda d, v: _relink(d / INDEX, v / "passwd"),
    "a dangling folder link": lambda d, v: _relink(d / "img", v / "nothing-here"),
    "a link to the target's parent": lambda d, v: _relink(d / "assets", d.parent),
}


def _relink(path: Path, target: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        import shutil

        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


@pytest.mark.parametrize("plant", list(LINKS.values()), ids=list(LINKS))
def test_publish_to_a_folder_never_writes_reads_or_deletes_through_a_link(
        preview, tmp_path: Path, plant: Callable[[Path, Path], None]) -> None:
    _out, dest, _config, victims = preview
    plant(dest, victims)
    before = _files(victims)
    outside = sorted(p.name for p in tmp_path.iterdir())
    status, _ui = _publish_to(preview)
    assert status == 0
    assert _files(victims) == before  # nothing written, replaced or deleted there
    assert sorted(p.name for p in tmp_path.iterdir()) == outside
    published = _files(dest)
    assert {k: v for k, v in published.items() if k != INDEX} == _encoded(V2)  # the built site, as files
    assert not any(b"victim" in v for v in published.values())
    for path in V2:  # every built file is a regular file in a real folder of the target
        parts = Path(path).parts
        for depth in range(1, len(parts) + 1):
            assert not (dest.joinpath(*parts[:depth])).is_symlink(), path
    assert _publish_to(preview)[1].text.count("0 uploaded") == 1  # and the next run has nothing to do


@pytest.mark.parametrize("where", ["index.html", INDEX])
def test_a_fifo_in_the_target_does_not_hang_publish(preview, where: str) -> None:
    _out, dest, _config, _victims = preview
    (dest / where).unlink()
    os.mkfifo(dest / where)
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(_publish_to(preview)[0]), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert done == [0], "publish hung on a FIFO"
    assert _files(dest)["index.html"] == _encoded(V2)["index.html"]


def test_the_target_index_cannot_point_publish_outside(preview, tmp_path: Path) -> None:
    """The folder's index names paths; none of them is written, read or deleted outside the folder."""
    import json

    _out, dest, _config, victims = preview
    index = json.loads((dest / INDEX).read_bytes())
    for path in ("../victims/passwd", "/etc/passwd", "a/../../victims/etc/style.v1.css", "..", ""):
        index["objects"][path] = {"digest": "0" * 64, "sha256": "0" * 64, "size": 1, "etag": "1"}
    (dest / INDEX).write_text(json.dumps(index))
    before = _files(victims)
    assert _publish_to(preview)[0] == 0
    assert _files(victims) == before
    assert {k: v for k, v in _files(dest).items() if k != INDEX} == _encoded(V2)
    assert set(json.loads((dest / INDEX).read_bytes())["objects"]) == set(V2)  # what was published, nothing else


def test_uploads_racing_to_replace_the_same_link_all_land_in_the_new_folder(tmp_path: Path) -> None:
    """Parallel uploads into a folder that is a link: each finds the link, one replaces it with a folder
    while another is about to unlink it (and meets the folder). Every upload lands, none through the link."""
    import hashlib

    from sitegen.publish.local import LocalStore
    from sitegen.publish.plan import LocalObject

    dest, out, victims = tmp_path / "preview", tmp_path / "output", tmp_path / "victims"
    for folder in (dest, out, victims):
        folder.mkdir()
    (out / "part.css").write_bytes(b"p{}")
    store, sha = LocalStore(dest, out), hashlib.sha256(b"p{}").hexdigest()
    threads = 8
    for _ in range(150):
        _relink(dest / "assets", victims)
        start, failures = threading.Barrier(threads), list[Exception]()

        def upload(i: int, start: threading.Barrier = start, failures: list[Exception] = failures) -> None:
            start.wait()
            try:
                store.put(LocalObject(f"assets/part{i}.css", 3, sha, None, sha), out / "part.css")  # type: ignore[arg-type]
            except Exception as exc:  # the failure is the finding
                failures.append(exc)

        workers = [threading.Thread(target=upload, args=(i,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert failures == []
        assert sorted(p.name for p in (dest / "assets").iterdir()) == [f"part{i}.css" for i in range(threads)]
        assert not (dest / "assets").is_symlink() and list(victims.iterdir()) == []

"""How publish talks to the service: settings and flags on the wire, parallelism, phases, retries,
credentials. Against moto's server on loopback behind the recording proxy, as in test_publish_s3."""

from __future__ import annotations

import hashlib
import itertools
import json
import time
import urllib.request
from pathlib import Path

import boto3
import pytest

from sitegen.publish.command import objects_for
from sitegen.publish.errors import PublishError
from sitegen.publish.plan import PHASES, phase_of
from sitegen.publish.s3 import S3Store
from sitegen.publish.sync import execute
from sitegen.publish.target import S3Target
from tests.s3_fixtures import S3Proxy, bucket_objects, publish, s3_client, site_config, write_site

pytest_plugins = ["tests.s3_fixtures"]  # moto_url, aws_env, bucket, proxy

INDEX = ".sitegen-index.json"
SITE: dict[str, bytes | str] = {
    **{f"img/p{i}.{i}{i}.webp": b"RIFF" + bytes([i]) * 200 for i in range(5)},
    "assets/style.ab12.css": "body{}",
    **{f"products/tea/p{i}/photo-1.jpg": b"\xff\xd8" + bytes([i]) * 100 for i in range(4)},
    "robots.txt": "Sitemap: /sitemap.xml\n",
    **{f"products/tea/p{i}/index.html": f"<h1>{i}</h1>" for i in range(4)},
    "index.html": "<h1>首页</h1>",
    "sitemap.xml": "<urlset/>",
}


def auth_of(proxy: S3Proxy) -> set[str]:
    return {s.headers["authorization"] for s in proxy.log}


def test_every_setting_reaches_the_wire(tmp_path: Path, bucket: str, proxy: S3Proxy, moto_url: str) -> None:
    out = tmp_path / "output"
    write_site(out, SITE)
    proxy.put_delay = 0.25  # long enough for every worker's PUT to be open at once on a busy machine
    config = site_config(tmp_path, bucket=bucket, prefix="tea", endpoint_url=proxy.url, region="cn-hangzhou",
                         addressing_style="path", signature_version="s3v4", workers=2, gzip=True,
                         headers=(("*.html", "no-cache"),))
    assert publish(config, out)[0] == 0
    assert proxy.log and all("/cn-hangzhou/s3/aws4_request" in a for a in auth_of(proxy))
    assert all(s.key.startswith("tea/") for s in proxy.writes())
    assert proxy.most_at_once() == 2
    stored = bucket_objects(moto_url, bucket)
    assert stored["tea/index.html"]["encoding"] == "gzip" and stored["tea/index.html"]["cache"] == "no-cache"
    assert stored["tea/img/p0.00.webp"]["encoding"] is None


def test_flags_override_every_setting(tmp_path: Path, bucket: str, proxy: S3Proxy, moto_url: str) -> None:
    out = tmp_path / "output"
    write_site(out, SITE)
    proxy.put_delay = 0.25  # long enough for every worker's PUT to be open at once on a busy machine
    dead = "http://127.0.0.1:9"  # nothing listens there: only the flag's endpoint can work
    config = site_config(tmp_path, bucket="not-this-bucket", prefix="toml", endpoint_url=dead, region="us-west-1",
                         addressing_style="virtual", signature_version="s3", workers=1, gzip=True)
    status, _ = publish(config, out, "--bucket", bucket, "--prefix", "flag", "--endpoint-url", proxy.url,
                        "--region", "eu-central-1", "--addressing-style", "path", "--signature-version", "s3v4",
                        "--workers", "3", "--no-gzip")
    assert status == 0
    assert all("/eu-central-1/s3/aws4_request" in a for a in auth_of(proxy))  # s3v4, in the flag's region
    assert all(s.key.startswith("flag/") for s in proxy.writes())
    assert proxy.most_at_once() == 3
    stored = bucket_objects(moto_url, bucket)
    assert set(stored) == {f"flag/{p}" for p in SITE} | {f"flag/{INDEX}"}
    assert stored["flag/index.html"]["encoding"] is None


def test_profile_credentials_from_the_shared_file(tmp_path: Path, bucket: str, proxy: S3Proxy,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """No keys in the environment: boto3 reads the named profile, and --profile overrides the setting."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    credentials = tmp_path / "no-aws-credentials"  # the file aws_env points boto3 at
    credentials.write_text("[county-ci]\naws_access_key_id = AKIAPROFILECOUNTY001\n"
                           "aws_secret_access_key = profile/secret/one/0123456789abcdefghijk\n"
                           "[preview]\naws_access_key_id = AKIAPROFILEPREVIEW02\n"
                           "aws_secret_access_key = profile/secret/two/0123456789abcdefghijk\n")
    out = tmp_path / "output"
    write_site(out, {"index.html": "x"})
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path",
                         profile="county-ci")
    assert publish(config, out)[0] == 0
    assert proxy.log and all("Credential=AKIAPROFILECOUNTY001/" in a for a in auth_of(proxy))
    proxy.log.clear()
    assert publish(config, out, "--profile", "preview", "--dry-run")[0] == 0
    assert proxy.log and all("Credential=AKIAPROFILEPREVIEW02/" in a for a in auth_of(proxy))


def test_phases_never_overlap_and_deletes_come_after_every_upload(tmp_path: Path, bucket: str,
                                                                   proxy: S3Proxy) -> None:
    out = tmp_path / "output"
    write_site(out, SITE | {"old/index.html": "old", "old/photo.jpg": b"old"})
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path", workers=4)
    publish(config, out)
    write_site(out, {k: (v + "!" if isinstance(v, str) else v + b"!") for k, v in SITE.items()})
    proxy.log.clear()
    proxy.put_delay = 0.25  # long enough for every worker's PUT to be open at once on a busy machine
    assert publish(config, out)[0] == 0
    puts = [s for s in proxy.log if s.method == "PUT" and s.key != INDEX]
    assert len(puts) == len(SITE)
    by_phase = {phase: [s for s in puts if phase_of(s.key) == phase] for phase in PHASES}
    assert all(by_phase.values())
    for before, after in itertools.pairwise(PHASES):
        assert max(s.ended for s in by_phase[before]) <= min(s.started for s in by_phase[after]), (before, after)
    assert proxy.most_at_once() == 4  # the five images go up four at a time
    delete = next(s for s in proxy.log if s.method == "POST")
    index = next(s for s in proxy.log if s.method == "PUT" and s.key == INDEX)
    assert max(s.ended for s in puts) <= delete.started and delete.ended <= index.started


def test_progress_reports_each_file_as_it_arrives(tmp_path: Path, bucket: str, proxy: S3Proxy) -> None:
    """Not once per phase: a bar that sits still while 500 photos go up looks like a hang."""
    out = tmp_path / "output"
    images = {f"img/p{i}.{i}.webp": b"RIFF" * (i + 1) for i in range(8)}
    write_site(out, images)
    proxy.put_delay = 0.1
    calls: list[tuple[float, int, int, int, int]] = []
    store = S3Store(S3Target(bucket, endpoint_url=proxy.url, addressing_style="path", workers=2))
    execute(store, objects_for(site_config(tmp_path), out), out, workers=2, delete=True, max_deletes=0,
            force=False, progress=lambda *a: calls.append((time.monotonic(), *a)))
    sizes = sorted(len(v) for v in images.values())
    total = sum(sizes)
    assert [c[1:3] for c in calls] == [(i, 8) for i in range(9)]
    assert calls[0][3:] == (0, total) and calls[-1][3:] == (total, total)
    assert all(a[3] < b[3] for a, b in itertools.pairwise(calls))
    last_put_started = max(s.started for s in proxy.log if s.method == "PUT" and s.key != INDEX)
    assert calls[1][0] < last_put_started  # the first file was reported while others were still going up


def test_standard_retry_mode_retries_three_times_then_stops(site_v1, proxy: S3Proxy, moto_url: str,
                                                            bucket: str) -> None:
    """boto3's standard mode: 3 attempts (legacy mode would make 5, and succeed on the 4th here)."""
    out, config = site_v1
    write_site(out, SITE | {"index.html": "<h1>新首页</h1>"})
    proxy.busy_puts["index.html"] = 3
    proxy.log.clear()
    with pytest.raises(PublishError) as err:
        publish(config, out)
    assert err.value.code == "service-error" and "SlowDown" in err.value.message and err.value.exit_status == 1
    assert [s.status for s in proxy.log if s.method == "PUT" and s.key == "index.html"] == [503, 503, 503]
    assert bucket_objects(moto_url, bucket)["index.html"]["body"] == "<h1>首页</h1>".encode()
    proxy.busy_puts["index.html"] = 2
    proxy.log.clear()
    assert publish(config, out)[0] == 0
    assert [s.status for s in proxy.log if s.method == "PUT" and s.key == "index.html"] == [503, 503, 200]
    assert bucket_objects(moto_url, bucket)["index.html"]["body"] == "<h1>新首页</h1>".encode()


@pytest.fixture
def site_v1(tmp_path: Path, bucket: str, proxy: S3Proxy):
    out = tmp_path / "output"
    write_site(out, SITE)
    config = site_config(tmp_path, bucket=bucket, endpoint_url=proxy.url, addressing_style="path")
    publish(config, out)
    return out, config


@pytest.fixture
def moto_checks_signatures(moto_url: str, aws_env: None):
    """A user with its own key pair in moto's IAM, and moto checking every request's signature.

    The server is shared by the session, so checking is switched off again whatever happens."""
    iam = boto3.client("iam", endpoint_url=moto_url, region_name="us-east-1")
    name = f"ci-{time.monotonic_ns()}"
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="s3", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName=name)["AccessKey"]

    def check_after(requests: bytes) -> None:
        urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset-auth", data=requests,
                                                      headers={"Content-Type": "text/plain"}))

    check_after(b"0")
    try:
        yield key["AccessKeyId"], key["SecretAccessKey"]
    finally:
        check_after(b"inf")


def test_a_wrong_secret_key_is_one_line_that_never_shows_it(site_v1, moto_checks_signatures, capsys,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out, config = site_v1
    access, secret = moto_checks_signatures
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", access)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    assert publish(config, out, "--dry-run")[0] == 0  # moto accepts the right secret ...
    wrong = secret[:-8] + "WRONGKEY"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", wrong)
    capsys.readouterr()
    with pytest.raises(PublishError) as err:
        publish(config, out, "--json")  # ... and checks the signature of the wrong one
    message = str(err.value)
    assert err.value.code == "access-denied" and "SignatureDoesNotMatch" in message and "\n" not in message
    printed = capsys.readouterr()
    assert json.loads(printed.out)["error"]["code"] == "access-denied"
    for shown in (message, printed.out, printed.err, repr(err.value.params)):
        assert wrong not in shown and secret not in shown


def test_large_file_goes_up_in_parts_with_its_headers_and_no_crc(tmp_path: Path, moto_url: str, bucket: str,
                                                                   proxy: S3Proxy) -> None:
    from sitegen.publish.headers import SHORT, object_digest
    from sitegen.publish.s3 import MIB

    big = bytes(range(256)) * (11 * MIB // 256) + b"tail"
    out = tmp_path / "output"
    write_site(out, {"video/tour.mp4": big})
    local = objects_for(site_config(tmp_path), out)
    store = S3Store(S3Target(bucket, endpoint_url=proxy.url, addressing_style="path"),
                    multipart_threshold=5 * MIB, part_size=5 * MIB)
    execute(store, local, out, workers=2, delete=True, max_deletes=0, force=False, progress=lambda *a: None)
    got = bucket_objects(moto_url, bucket)["video/tour.mp4"]
    sha = hashlib.sha256(big).hexdigest()
    assert got["body"] == big and (got["type"], got["cache"]) == ("video/mp4", SHORT)
    assert got["meta"] == {"content-sha256": sha, "sha256": object_digest(sha, local[0].headers)}
    parts = [s for s in proxy.log if s.method == "PUT" and s.key == "video/tour.mp4"]
    assert len(parts) == 3 and all("partNumber=" in s.query for s in parts)
    assert all(s.headers.get("content-md5") for s in parts)
    sent = [h for s in proxy.log if s.key == "video/tour.mp4" for h in s.headers]
    assert not [h for h in sent if h.startswith(("x-amz-checksum-", "x-amz-sdk-checksum"))]
    assert s3_client(moto_url).list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    proxy.log.clear()
    again = S3Store(S3Target(bucket, endpoint_url=proxy.url, addressing_style="path"),
                    multipart_threshold=5 * MIB, part_size=5 * MIB)
    execute(again, local, out, workers=2, delete=True, max_deletes=0, force=False, progress=lambda *a: None)
    assert proxy.writes() == []  # the multipart ETag went into the index and still matches

"""Real S3 endpoints for the publish tests: moto's server on loopback, and a recording proxy in front.

Nothing in boto3 or botocore is patched. The proxy is a small HTTP server that forwards each
request to moto and records it, so tests count PUTs and check their order from the outside;
it can also behave like the services we publish to (refuse a DeleteObjects without a correct
Content-MD5 as OSS, COS and MinIO do, refuse batch deletes altogether) or die mid-publish.

conftest.py is shared with the rest of the suite, so these fixtures live here and each
publish test module loads them with `pytest_plugins = ["tests.s3_fixtures"]` (the module holds
no asserts, hence PYTEST_DONT_REWRITE: it is imported for its helpers before pytest loads it).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import posixpath
import shutil
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
import pytest
from botocore.config import Config
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from sitegen.config import SiteConfig
from sitegen.publish.command import add_arguments, run
from sitegen.publish.settings import PublishSettings

ACCESS_KEY = "AKIATESTSITEGEN0KEY1"
SECRET_KEY = "tEsT/sEcReT+sitegen+0123456789abcdefghij"
MANIFEST = ".sitegen-manifest.json"


class _SigV2IsS3(DomainDispatcherApplication):
    """moto's dispatcher, told that a SigV2 request is for S3 (the only service that still takes SigV2).

    moto reads the service from the Authorization header as if it were SigV4; a SigV2 signature
    ("AWS key:base64") that happens to hold four slashes parses as a SigV4 scope naming a service that
    does not exist, and that request fails with a 500 (about one request in 1,400).
    """

    def infer_service_region_host(self, environ: dict, path: str) -> str | None:
        if environ.get("HTTP_AUTHORIZATION", "").startswith("AWS "):
            return "s3.us-east-1.amazonaws.com"
        return super().infer_service_region_host(environ, path)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto's S3 on a free loopback port for the whole session; buckets are per test."""
    server = make_server("127.0.0.1", 0, _SigV2IsS3(create_backend_app), threaded=True,
                         request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials in the environment, and no way for boto3 to find any others."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def s3_client(url: str) -> Any:
    """A test's own client, straight to moto, for creating buckets and checking what they hold."""
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY,
                        config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                                      response_checksum_validation="when_required"))


@pytest.fixture
def bucket(moto_url: str, aws_env: None) -> str:
    name = f"site-{uuid.uuid4().hex[:12]}"
    s3_client(moto_url).create_bucket(Bucket=name)
    return name


# ---------------------------------------------------------------------------------------- the proxy


@dataclass(frozen=True)
class Seen:
    method: str
    key: str  # object key without the bucket ("" for bucket-level requests)
    query: str
    headers: dict[str, str]
    status: int
    started: float = 0.0  # time.monotonic() when the request arrived and when it was answered
    ended: float = 0.0


@dataclass
class S3Proxy:
    """Forwards to moto, records every request, and misbehaves on demand."""

    upstream: str
    kill_after_puts: int | None = None  # forward this many PUTs, then die like a lost endpoint
    refuse_batch_delete: bool = False  # answer DeleteObjects with 501, as some services do
    require_delete_md5: bool = True  # answer DeleteObjects without a correct Content-MD5 with 400
    put_delay: float = 0.0  # seconds each PUT waits before it is forwarded (a slow link)
    busy_puts: dict[str, int] = field(default_factory=dict)  # key -> how many PUTs of it get 503 SlowDown
    put_error: tuple[int, str, str] | None = None  # (status, code, message) every PUT is answered with
    # requests that get no answer at all (read, then held open until the proxy stops), as from an endpoint
    # that accepts connections and never answers: hang(method, key, query) says which
    hang: Any = None
    hang_after_puts: int | None = None  # answer this many PUTs, then hang every request, whatever it is
    hung: list[Seen] = field(default_factory=list)  # the requests that got no answer, when they arrived
    normalize_paths: bool = False  # resolve '.' and '..' in URL paths before forwarding, as nginx and others do
    ignore_list_prefix: bool = False  # answer ListObjectsV2 with the whole bucket, as a broken service might
    log: list[Seen] = field(default_factory=list)
    dead: bool = False
    _puts: int = 0
    _held_after: int = 0  # PUTs answered, for hang_after_puts
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)

    def start(self) -> str:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                proxy._handle(self)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._stopping.set()  # lets go of the requests held without an answer
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _die(self) -> None:
        self.dead = True
        threading.Thread(target=self.stop, daemon=True).start()

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        started = time.monotonic()
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        parts = urlsplit(h.path)
        key = unquote(parts.path).lstrip("/").partition("/")[2]
        with self._lock:
            if self.dead:
                h.close_connection = True
                return
            if h.command == "PUT" and self.kill_after_puts is not None:
                if self._puts >= self.kill_after_puts:
                    self._die()
                    h.close_connection = True  # no answer at all: the client sees the connection drop
                    return
                self._puts += 1
        with self._lock:
            held = (self.hang is not None and self.hang(h.command, key, parts.query)) or (
                self.hang_after_puts is not None and self._held_after >= self.hang_after_puts)
            if h.command == "PUT" and not held:
                self._held_after += 1
            if held:
                self.hung.append(Seen(h.command, key, parts.query, {}, 0, started))
        if held:
            self._stopping.wait()
            h.close_connection = True
            return
        if h.command == "PUT" and self.put_delay:
            time.sleep(self.put_delay)
        status, headers, payload = self._answer(h, parts.query, body)
        self.log.append(Seen(h.command, key, parts.query, {k.lower(): v for k, v in h.headers.items()}, status,
                             started, time.monotonic()))
        h.send_response(status)
        for name, value in headers:
            if name.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length", "date",
                                    "server"):
                h.send_header(name, value)
        length = dict((k.lower(), v) for k, v in headers).get("content-length", str(len(payload)))
        h.send_header("Content-Length", length if h.command == "HEAD" else str(len(payload)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(payload)

    def _answer(self, h: BaseHTTPRequestHandler, query: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        key = unquote(urlsplit(h.path).path).lstrip("/").partition("/")[2]
        with self._lock:
            busy = h.command == "PUT" and self.busy_puts.get(key, 0) > 0
            if busy:
                self.busy_puts[key] -= 1
        if busy:
            return _error(503, "SlowDown", "Please reduce your request rate.")
        if h.command == "PUT" and self.put_error is not None:
            return _error(*self.put_error)
        if h.command == "POST" and any(q.partition("=")[0] == "delete" for q in query.split("&")):
            if self.refuse_batch_delete:
                return _error(501, "NotImplemented", "A header you provided implies functionality that is not "
                              "implemented")
            md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
            if self.require_delete_md5 and h.headers.get("Content-MD5") != md5:
                return _error(400, "InvalidRequest", "Missing required header for this request: Content-MD5")
        upstream = urlsplit(self.upstream)
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
        path = h.path
        if self.normalize_paths:
            parts = urlsplit(path)
            path = posixpath.normpath(parts.path) + (f"?{parts.query}" if parts.query else "")
        if self.ignore_list_prefix and "list-type=2" in query:
            path = urlsplit(path).path + "?" + "&".join(q for q in query.split("&") if not q.startswith("prefix="))
        try:
            headers = {k: v for k, v in h.headers.items() if k.lower() not in ("connection", "keep-alive", "expect")}
            conn.request(h.command, path, body=body if body or h.command in ("PUT", "POST") else None,
                         headers=headers)
            answer = conn.getresponse()
            payload = answer.read()
            return answer.status, answer.getheaders(), payload
        finally:
            conn.close()

    # what tests ask
    def writes(self) -> list[Seen]:
        return [s for s in self.log if s.method in ("PUT", "POST", "DELETE")]

    def puts(self) -> list[str]:
        return [s.key for s in self.log if s.method == "PUT"]

    def most_at_once(self, method: str = "PUT") -> int:
        """The most requests of `method` that were open at the same moment."""
        edges = sorted([(s.started, 1) for s in self.log if s.method == method]
                       + [(s.ended, -1) for s in self.log if s.method == method])
        most = now = 0
        for _, step in edges:
            now += step
            most = max(most, now)
        return most


def _error(status: int, code: str, message: str) -> tuple[int, list[tuple[str, str]], bytes]:
    xml = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return status, [("Content-Type", "application/xml")], xml.encode()


@pytest.fixture
def proxy(moto_url: str) -> Iterator[S3Proxy]:
    p = S3Proxy(moto_url)
    p.url = p.start()  # type: ignore[attr-defined]
    try:
        yield p
    finally:
        p.stop()


# ---------------------------------------------------------------------------------- sites and runs


def write_site(output: Path, files: Mapping[str, bytes | str]) -> None:
    """What a successful `sitegen build` leaves: exactly `files`, then the manifest, written last."""
    if output.exists():
        shutil.rmtree(output)
    entries = {}
    for rel, content in sorted(files.items()):
        data = content.encode() if isinstance(content, str) else content
        path = output / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        entries[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    manifest = {"version": 1, "generator": "sitegen 0.1.0", "files": entries}
    (output / MANIFEST).write_text(json.dumps(manifest, indent=0))


def site_config(root: Path, **publish: Any) -> SiteConfig:
    return SiteConfig(root=root, title="县域品牌", base_url="https://tea.example.cn/",
                      publish=PublishSettings(**publish))


@dataclass
class Recorder:
    """A Reporter that keeps what publish said."""

    lines: list[str] = field(default_factory=list)
    bars: list[tuple[int, int, str]] = field(default_factory=list)

    def info(self, msg: object) -> None:
        self.lines.append(str(msg))  # a message in English

    def progress(self, done: int, total: int, label: str) -> None:
        self.bars.append((done, total, label))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def publish(config: SiteConfig, output: Path, *argv: str) -> tuple[int, Recorder]:
    """`sitegen publish ARGV` as the main CLI would run it (flags parsed by publish's own parser)."""
    parser = argparse.ArgumentParser(prog="sitegen publish")
    add_arguments(parser)
    recorder = Recorder()
    status = run(parser.parse_args(list(argv)), config, output, recorder)
    return status, recorder


def bucket_objects(url: str, bucket: str) -> dict[str, dict[str, Any]]:
    """Every object in the bucket with its body and headers, read straight from moto."""
    client = s3_client(url)
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            got = client.get_object(Bucket=bucket, Key=item["Key"])
            out[item["Key"]] = {"body": got["Body"].read(), "type": got.get("ContentType"),
                                "cache": got.get("CacheControl"), "encoding": got.get("ContentEncoding"),
                                "meta": got.get("Metadata", {}), "etag": got.get("ETag")}
    return out

"""The bucket as a publish store: boto3 configured for S3-compatible services.

OSS, COS and MinIO differ from AWS in ways boto3's defaults trip over: boto3 ≥ 1.36 sends
CRC checksums they reject (so checksums are `when_required`), newer botocore sends
DeleteObjects without the Content-MD5 they require (added here in a `before-sign` hook),
and some refuse batch deletes altogether (we fall back to one DELETE per key). Every
botocore error becomes a PublishError here, with credential values redacted.
"""

from __future__ import annotations

import base64
import builtins
import contextlib
import gzip
import hashlib
import re
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO, Literal

import boto3
import botocore.exceptions as bx
from botocore.config import Config

from sitegen.errors import os_reason
from sitegen.publish.errors import PublishError, redact
from sitegen.publish.manifest import read_built
from sitegen.publish.plan import LocalObject, RemoteObject, plain_path
from sitegen.publish.remote_index import INDEX_NAME, Stored, normalize_etag
from sitegen.publish.target import S3Target

MIB = 1024 * 1024
MULTIPART_THRESHOLD = 64 * MIB
PART_SIZE = 16 * MIB  # S3's minimum part is 5 MiB
DELETE_BATCH = 1000  # DeleteObjects' limit
# Answers meaning "this service does not do batch deletes (this way)": retry one key at a time.
_BATCH_REFUSED = {"NotImplemented", "MethodNotAllowed", "InvalidRequest", "MissingContentMD5", "InvalidDigest",
                  "BadDigest", "MalformedXML", "XNotImplemented", "InvalidArgument"}
_DENIED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden", "403",
           "AllAccessDisabled", "InvalidToken", "ExpiredToken"}
META_DIGEST = "sha256"  # x-amz-meta-sha256: bytes + headers
META_SHA256 = "content-sha256"  # x-amz-meta-content-sha256: bytes only


def add_content_md5(request: Any, **_: Any) -> None:
    """OSS, COS and MinIO reject DeleteObjects without Content-MD5, which botocore ≥ 1.36 omits.

    botocore sends a CRC32 checksum instead (the operation requires one, whatever
    `when_required` says); with Content-MD5 in place that header is dropped, so the request is
    the one every S3-compatible service has accepted for years, not one some of them refuse.
    """
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    if isinstance(body, bytes):
        if "Content-MD5" not in request.headers:
            request.headers["Content-MD5"] = _md5(body)
        for name in [h for h in request.headers if h.lower().startswith(("x-amz-checksum-", "x-amz-sdk-checksum"))]:
            del request.headers[name]


def _md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


# botocore's standard retry mode waits jitter × min(2^(n-1), 20) s before retry n (1 s base for throttling
# answers, 50 ms otherwise), raised to a service's x-amz-retry-after by at most 5 s more.
_BACKOFF_CAP = 20
_RETRY_AFTER_EXTRA = 5


def retry_delay_bound(retry: int) -> float:
    """The longest botocore waits before retry number `retry` (1 = the second attempt)."""
    return float(min(2 ** (retry - 1), _BACKOFF_CAP) + _RETRY_AFTER_EXTRA)


def worst_case_seconds(connect_timeout: float, read_timeout: float, attempts: int) -> float:
    """How long one request can wait on an endpoint that accepts connections and never answers, every try
    included. Publish stops at the first request that fails so and sends nothing after it (S3Store), so this
    also bounds a whole publish from the moment its endpoint stops answering."""
    return attempts * (connect_timeout + read_timeout) + sum(retry_delay_bound(n) for n in range(1, attempts))


def make_client(target: S3Target) -> tuple[Any, tuple[str, ...]]:
    """An S3 client and the credential values to keep out of messages."""
    try:
        session = boto3.session.Session(profile_name=target.profile or None, region_name=target.region or None)
        credentials = session.get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials else None
    except bx.ProfileNotFound:
        raise PublishError("bad-profile", profile=target.profile) from None
    except (bx.PartialCredentialsError, bx.CredentialRetrievalError, bx.NoCredentialsError):
        frozen = None
    if frozen is None or not frozen.access_key or not frozen.secret_key:
        raise PublishError("no-credentials", profile=f" '{target.profile}'" if target.profile else "")
    config = Config(
        signature_version=target.signature_version or None,
        s3={"addressing_style": target.addressing_style or "auto"},  # type: ignore[arg-type]  # a checked str
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"mode": "standard", "total_max_attempts": target.attempts},
        max_pool_connections=target.workers + 2,
        connect_timeout=target.connect_timeout,
        read_timeout=target.read_timeout,
    )
    secrets = tuple(v for v in (frozen.access_key, frozen.secret_key, frozen.token) if v)
    try:
        client = session.client("s3", endpoint_url=target.endpoint_url or None, config=config)
    except (ValueError, bx.BotoCoreError) as exc:  # settings boto3 cannot use, found before any request
        raise PublishError("bad-client", detail=redact(str(exc), secrets)) from None
    client.meta.events.register("before-sign.s3.DeleteObjects", add_content_md5)
    return client, secrets


class S3Store:
    """Objects under `target.prefix` in `target.bucket`."""

    def __init__(self, target: S3Target, multipart_threshold: int = MULTIPART_THRESHOLD,
                 part_size: int = PART_SIZE) -> None:
        self.target = target
        self.client, self._secrets = make_client(target)
        self.multipart_threshold = multipart_threshold
        self.part_size = max(part_size, 5 * MIB)
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._index_listed = False
        self._batch_ok = True
        # set when the endpoint went away (no answer, or no connection, after every attempt): from then on no
        # request is sent, so a publish waits only for the requests already in flight, not for each queued one
        self.gone: PublishError | None = None
        self.client.meta.events.register("before-send.s3", self._count)

    def _count(self, event_name: str = "", **_: Any) -> None:
        with self._lock:
            self._counts[event_name.rsplit(".", 1)[-1]] += 1

    def request_counts(self) -> dict[str, int]:
        """HTTP requests sent so far by operation, retries included."""
        with self._lock:
            return dict(sorted(self._counts.items()))

    def describe(self) -> str:
        return self.target.describe()

    def _key(self, path: str) -> str:
        return self.target.prefix + path

    def list(self) -> dict[str, RemoteObject]:
        prefix = self.target.prefix
        out: dict[str, RemoteObject] = {}
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.target.bucket, Prefix=prefix)
        with self._errors("ListObjectsV2", prefix):
            for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"]
                    if not key.startswith(prefix):  # a service that strays outside the prefix asked for
                        continue
                    path = key[len(prefix):]
                    if path == INDEX_NAME:
                        self._index_listed = True
                    elif plain_path(path):  # not "folder/" markers of web consoles, nor '../x', 'a//b' …
                        out[path] = RemoteObject(path, int(item["Size"]), normalize_etag(item.get("ETag")))
        return out

    def read_index(self) -> bytes | None:
        if not self._index_listed:  # saves a 404 on a first publish
            return None
        try:
            with self._errors("GetObject", INDEX_NAME):
                answer = self.client.get_object(Bucket=self.target.bucket, Key=self._key(INDEX_NAME))
                body: bytes = answer["Body"].read()
                return body
        except PublishError as exc:
            if exc.params.get("code") in ("NoSuchKey", "404"):
                return None
            raise

    def head(self, path: str) -> RemoteObject | None:
        try:
            with self._errors("HeadObject", path):
                answer = self.client.head_object(Bucket=self.target.bucket, Key=self._key(path))
        except PublishError as exc:
            if exc.params.get("code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        meta = answer.get("Metadata", {})
        return RemoteObject(path, int(answer["ContentLength"]), normalize_etag(answer.get("ETag")),
                            meta.get(META_DIGEST, ""), meta.get(META_SHA256, ""))

    def put(self, obj: LocalObject, source: Path) -> Stored:
        args: dict[str, Any] = {
            "Bucket": self.target.bucket, "Key": self._key(obj.path), "ContentType": obj.headers.content_type,
            "CacheControl": obj.headers.cache_control, "Metadata": {META_DIGEST: obj.digest, META_SHA256: obj.sha256}}
        if obj.headers.content_encoding:
            args["ContentEncoding"] = obj.headers.content_encoding
        if obj.size > self.multipart_threshold and not obj.headers.content_encoding:
            return self._put_multipart(obj, source, args)
        data = read_built(source, obj.path, obj.sha256)
        body = gzip.compress(data, compresslevel=9, mtime=0) if obj.headers.content_encoding == "gzip" else data
        with self._errors("PutObject", obj.path):
            answer = self.client.put_object(Body=body, ContentMD5=_md5(body), **args)
        return Stored(len(body), normalize_etag(answer.get("ETag")))

    def _put_multipart(self, obj: LocalObject, source: Path, args: dict[str, Any]) -> Stored:
        """Large files (videos, PDFs) in parts, hashing as they are read; aborted on any failure."""
        with self._errors("CreateMultipartUpload", obj.path):
            upload_id = self.client.create_multipart_upload(**args)["UploadId"]
        ids = {"Bucket": args["Bucket"], "Key": args["Key"], "UploadId": upload_id}
        try:
            parts = []
            sha = hashlib.sha256()
            with _open(source) as stream:
                for number, chunk in enumerate(_chunks(stream, self.part_size), start=1):
                    sha.update(chunk)
                    with self._errors("UploadPart", obj.path):
                        answer = self.client.upload_part(Body=chunk, PartNumber=number, ContentMD5=_md5(chunk), **ids)
                    parts.append({"PartNumber": number, "ETag": answer["ETag"]})
            if sha.hexdigest() != obj.sha256:
                raise _changed(obj)
            with self._errors("CompleteMultipartUpload", obj.path):
                answer = self.client.complete_multipart_upload(MultipartUpload={"Parts": parts}, **ids)
        except BaseException:
            # the upload is already failing; should the abort fail too (or the endpoint be gone, when it is
            # not even tried), a lifecycle rule removes the parts
            if self.gone is None:
                with contextlib.suppress(bx.BotoCoreError, bx.ClientError):
                    self.client.abort_multipart_upload(**ids)
            raise
        return Stored(obj.size, normalize_etag(answer.get("ETag")))

    def delete(self, paths: Sequence[str]) -> None:
        for start in range(0, len(paths), DELETE_BATCH):
            batch = list(paths[start:start + DELETE_BATCH])
            if self._batch_ok:
                try:
                    self._delete_batch(batch)
                    continue
                except PublishError as exc:
                    if exc.params.get("code") not in _BATCH_REFUSED:
                        raise
                    self._batch_ok = False  # this service refuses batches: one at a time from now on
            with ThreadPoolExecutor(max_workers=self.target.workers) as pool:
                list(pool.map(self._delete_one, batch))

    def _delete_batch(self, batch: builtins.list[str]) -> None:
        with self._errors("DeleteObjects", batch[0]):
            answer = self.client.delete_objects(Bucket=self.target.bucket, Delete={
                "Objects": [{"Key": self._key(p)} for p in batch], "Quiet": True})
        errors = answer.get("Errors", [])
        if errors:
            first = errors[0]
            raise PublishError("service-error", code=first.get("Code", "?"), operation="DeleteObjects",
                               detail=redact(first.get("Message", ""), self._secrets), key=first.get("Key", ""))

    def _delete_one(self, path: str) -> None:
        with self._errors("DeleteObject", path):
            self.client.delete_object(Bucket=self.target.bucket, Key=self._key(path))

    def write_index(self, data: bytes) -> None:
        with self._errors("PutObject", INDEX_NAME):
            self.client.put_object(Bucket=self.target.bucket, Key=self._key(INDEX_NAME), Body=data,
                                   ContentMD5=_md5(data), ContentType="application/json; charset=utf-8",
                                   CacheControl="no-cache")

    def _errors(self, operation: str, path: str) -> _Translate:
        return _Translate(self, operation, path)


class _Translate:
    """Turns botocore's exceptions into PublishErrors that name the operation, never a secret."""

    def __init__(self, store: S3Store, operation: str, path: str) -> None:
        self.store, self.operation, self.path = store, operation, path

    def __enter__(self) -> None:
        gone = self.store.gone
        if gone is not None:  # another request found the endpoint gone: do not wait for it again
            raise PublishError(gone.code, **gone.params)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _tb: Any) -> Literal[False]:
        if exc is None or isinstance(exc, PublishError) or not isinstance(exc, Exception):
            return False
        target = self.store.target
        secrets = self.store._secrets
        endpoint = target.endpoint_url or "AWS S3"
        if isinstance(exc, bx.ClientError):
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "?"))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
            detail = redact(str(error.get("Message", "") or f"HTTP {status}"), secrets)
            if code == "NoSuchBucket":
                raise PublishError("missing-bucket", bucket=target.bucket, endpoint=endpoint, code=code) from None
            if code in _DENIED:
                raise PublishError("access-denied", code=code, detail=detail, operation=self.operation,
                                   bucket=target.bucket) from None
            raise PublishError("service-error", code=code, detail=detail, operation=self.operation,
                               key=target.prefix + self.path) from None
        if isinstance(exc, bx.ReadTimeoutError | bx.ConnectTimeoutError):
            self.store.gone = PublishError("timed-out", endpoint=endpoint, seconds=self._waited(exc),
                                           attempts=target.attempts, operation=self.operation)
            raise self.store.gone from None
        if isinstance(exc, bx.ConnectionError | bx.HTTPClientError):
            self.store.gone = PublishError("unreachable", endpoint=endpoint, detail=redact(str(exc), secrets))
            raise self.store.gone from None
        if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError | bx.CredentialRetrievalError):
            raise PublishError("no-credentials", profile=f" '{target.profile}'" if target.profile else "") from None
        if isinstance(exc, bx.BotoCoreError):  # anything else boto3 refused to send: one line, not a traceback
            raise PublishError("request-failed", operation=self.operation, key=target.prefix + self.path,
                               detail=redact(str(exc), secrets)) from None
        return False


    def _waited(self, exc: BaseException) -> str:
        """The timeout that ran out, as urllib3 states it ('(read timeout=20)'; a TLS handshake that never
        finishes runs out of the connect timeout, reported as a read)."""
        target = self.store.target
        stated = re.search(r"timeout=([0-9.]+)\)", str(getattr(exc, "kwargs", {}).get("error", "")))
        seconds = float(stated.group(1)) if stated else (
            target.connect_timeout if isinstance(exc, bx.ConnectTimeoutError) else target.read_timeout)
        return f"{seconds:g}"


def _open(source: Path) -> BinaryIO:
    try:
        return source.open("rb")
    except OSError as exc:
        raise PublishError("read-failed", path=str(source), detail=os_reason(exc)) from None


def _chunks(stream: BinaryIO, size: int) -> Iterator[bytes]:
    while chunk := stream.read(size):
        yield chunk


def _changed(obj: LocalObject) -> PublishError:
    """output/ was edited after the build: the stored hash would lie, so stop."""
    return PublishError("manifest-mismatch", count=1, examples=obj.path)

"""The `[publish]` table of sitegen.toml. Credentials never live here: boto3's chain finds them.

```toml
[publish]
bucket = "tea-catalog"
endpoint_url = "https://oss-cn-hangzhou.aliyuncs.com"
signature_version = "s3"
gzip = true

[publish.headers]            # glob = Cache-Control; first match wins, before the defaults
"downloads/**" = "public, max-age=3600"
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sitegen.errors import Problem
from sitegen.messages import Msg, msg
from sitegen.settings_table import LineOf, check_table

ADDRESSING_STYLES = ("virtual", "path")
SIGNATURE_VERSIONS = ("s3v4", "s3")
MAX_WORKERS = 64
# Every request's limits. An endpoint that accepts connections and never answers gives up after at most
# attempts × (connect + read) s plus the backoff between attempts: 103 s with these (s3.worst_case_seconds).
# connect_timeout also bounds each 128 KiB sent of a request body (urllib3 sends under it): 10 s still
# lets a 105 kbit/s uplink through. read_timeout is the wait for an answer once a request is sent.
DEFAULT_CONNECT_TIMEOUT = 10
DEFAULT_READ_TIMEOUT = 20
DEFAULT_ATTEMPTS = 3
# (lowest, highest, what to write) of each number in [publish]; also the bounds of its command-line flag
LIMITS: dict[str, tuple[float, float, Msg]] = {
    "workers": (1, MAX_WORKERS, msg("expect-whole-range", low=1, high=MAX_WORKERS)),
    "connect_timeout": (1, 300, msg("expect-seconds-range", low=1, high=300)),
    "read_timeout": (1, 600, msg("expect-seconds-range", low=1, high=600)),
    "attempts": (1, 10, msg("expect-whole-range", low=1, high=10)),
}
# What botocore itself accepts: anything else fails deep inside boto3 with a traceback.
_BUCKET = re.compile(r"[a-zA-Z0-9._-]{1,255}")
_REGION = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")
CHECKED = ("bucket", "endpoint_url", "region", "addressing_style", "signature_version")


@dataclass(frozen=True, slots=True)
class PublishSettings:
    bucket: str = ""
    prefix: str = ""
    endpoint_url: str = ""
    region: str = ""
    addressing_style: str = ""  # "" lets botocore choose (virtual for AWS)
    signature_version: str = ""  # "" lets botocore choose (s3v4); OSS's S3 API wants "s3"
    profile: str = ""
    workers: int = 8
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT  # seconds
    read_timeout: float = DEFAULT_READ_TIMEOUT
    attempts: int = DEFAULT_ATTEMPTS  # tries of each request (botocore's standard retry mode), the first included
    # (glob, Cache-Control) in the order written; checked before the built-in defaults
    headers: tuple[tuple[str, str], ...] = ()
    gzip: bool = False


_SPEC: dict[str, type | tuple[type, ...]] = {
    "bucket": str, "prefix": str, "endpoint_url": str, "region": str, "addressing_style": str,
    "signature_version": str, "profile": str, "workers": int, "headers": dict, "gzip": bool,
    "connect_timeout": (int, float), "read_timeout": (int, float), "attempts": int}


def parse_publish_settings(table: Any, line: LineOf) -> tuple[PublishSettings, list[Problem]]:
    """Check `[publish]`; every problem comes back with its line, like the rest of the config."""
    kept, problems = check_table("publish", table, _SPEC, line)

    def wrong(key: tuple[str, ...], expected: Msg, got: Any) -> None:
        problems.append(Problem("wrong-type", "", line(key), {
            "field": ".".join(key), "expected": expected, "got": repr(got)}))

    for name in CHECKED:
        expected = expected_for(name, kept.get(name, ""))
        if expected:
            wrong(("publish", name), expected, shown(kept.pop(name)))
    for name in LIMITS:
        if name in kept and out_of_range(name, kept[name]):
            wrong(("publish", name), LIMITS[name][2], kept.pop(name))
    rules: list[tuple[str, str]] = []
    for glob, value in kept.pop("headers", {}).items():
        key = ("publish", "headers", glob)
        if not isinstance(value, str):
            wrong(key, msg("expect-cache-control"), value)
        elif not value.strip() or not glob.strip():
            problems.append(Problem("empty-value", "", line(key), {"field": ".".join(key)}))
        elif "\n" in value or "\r" in value:
            wrong(key, msg("expect-one-line"), value)
        else:
            rules.append((glob.strip(), value.strip()))
    kept["headers"] = tuple(rules)
    return PublishSettings(**kept), problems


def out_of_range(name: str, value: object) -> bool:
    """Whether a number of [publish] (or its flag) is outside LIMITS (or not a number at all)."""
    low, high, words = LIMITS[name]
    whole = words.code == "expect-whole-range"
    if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
        return True
    return not low <= value <= high


def expected_for(name: str, value: str) -> Msg | None:
    """What a [publish] value (or its flag) should look like, when `value` cannot work; None when it can.

    Checked before boto3 sees the value, so that a typo is one line naming the setting instead of
    a botocore traceback halfway through a publish."""
    if not value:
        return None
    if name == "bucket" and not _BUCKET.fullmatch(value):
        return msg("expect-bucket")
    if name == "region" and not _REGION.fullmatch(value):
        return msg("expect-region")
    if name == "addressing_style" and value not in ADDRESSING_STYLES:
        return msg("expect-addressing-style")
    if name == "signature_version" and value not in SIGNATURE_VERSIONS:
        return msg("expect-signature-version")
    if name == "endpoint_url":
        return _endpoint_problem(value)
    return None


def _endpoint_problem(url: str) -> Msg | None:
    expected = msg("expect-endpoint")
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a port that is not a number from 1 to 65535
        return expected
    if parts.username is not None or parts.password is not None:
        return msg("expect-endpoint-no-user")
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok or any(c.isspace() for c in url):
        return expected
    return None


def shown(value: Any) -> Any:
    """A value safe to repeat in a message: an address loses any user:password part."""
    if isinstance(value, str) and "@" in value and "://" in value:
        scheme, _, rest = value.partition("://")
        return f"{scheme}://***@{rest.rpartition('@')[2]}"
    return value

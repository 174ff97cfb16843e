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

from dataclasses import dataclass
from typing import Any

from sitegen.errors import Problem
from sitegen.settings_table import LineOf, check_table

ADDRESSING_STYLES = ("virtual", "path")
MAX_WORKERS = 64


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
    # (glob, Cache-Control) in the order written; checked before the built-in defaults
    headers: tuple[tuple[str, str], ...] = ()
    gzip: bool = False


_SPEC = {"bucket": str, "prefix": str, "endpoint_url": str, "region": str, "addressing_style": str,
         "signature_version": str, "profile": str, "workers": int, "headers": dict, "gzip": bool}


def parse_publish_settings(table: Any, line: LineOf) -> tuple[PublishSettings, list[Problem]]:
    """Check `[publish]`; every problem comes back with its line, like the rest of the config."""
    kept, problems = check_table("publish", table, _SPEC, line)

    def wrong(key: tuple[str, ...], expected: str, got: Any) -> None:
        problems.append(Problem("wrong-type", "", line(key), {
            "field": ".".join(key), "expected": expected, "got": repr(got)}))

    style = kept.get("addressing_style", "")
    if style and style not in ADDRESSING_STYLES:
        wrong(("publish", "addressing_style"), "'virtual' or 'path'", style)
        kept.pop("addressing_style")
    workers = kept.get("workers", 8)
    if not 1 <= workers <= MAX_WORKERS:
        wrong(("publish", "workers"), f"a whole number from 1 to {MAX_WORKERS}", workers)
        kept.pop("workers")
    rules: list[tuple[str, str]] = []
    for glob, value in kept.pop("headers", {}).items():
        key = ("publish", "headers", glob)
        if not isinstance(value, str):
            wrong(key, "a Cache-Control value in quotes, e.g. \"public, max-age=300\"", value)
        elif not value.strip() or not glob.strip():
            problems.append(Problem("empty-value", "", line(key), {"field": ".".join(key)}))
        elif "\n" in value or "\r" in value:
            wrong(key, "a single-line header value", value)
        else:
            rules.append((glob.strip(), value.strip()))
    kept["headers"] = tuple(rules)
    return PublishSettings(**kept), problems

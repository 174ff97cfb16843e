"""Where to publish: the `[publish]` settings with the command line's overrides, checked.

Also the warnings a county team needs before its first publish: OSS and COS serve HTML from
their default domains as a download, and newer COS buckets (and all of OSS) refuse
path-style requests. Pure functions over settings, so each case is a table row in tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sitegen.messages import Msg, msg
from sitegen.publish.errors import PublishError
from sitegen.publish.settings import (
    CHECKED,
    DEFAULT_ATTEMPTS,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    LIMITS,
    PublishSettings,
    expected_for,
    out_of_range,
    shown,
)

_OSS = ".aliyuncs.com"
_COS = ".myqcloud.com"


@dataclass(frozen=True, slots=True)
class S3Target:
    bucket: str
    prefix: str = ""  # "" or ends with "/"
    endpoint_url: str = ""
    region: str = ""
    addressing_style: str = ""
    signature_version: str = ""
    profile: str = ""
    workers: int = 8
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    attempts: int = DEFAULT_ATTEMPTS

    def describe(self) -> str:
        where = f"s3://{self.bucket}/{self.prefix}"
        return f"{where} at {self.endpoint_url}" if self.endpoint_url else where


@dataclass(frozen=True, slots=True)
class LocalTarget:
    folder: Path
    workers: int = 8

    def describe(self) -> str:
        return self.folder.as_uri()


Target = S3Target | LocalTarget
_FIELDS = ("bucket", "prefix", "endpoint_url", "region", "addressing_style", "signature_version", "profile",
           "workers", "connect_timeout", "read_timeout", "attempts")


def normalize_prefix(prefix: str) -> str:
    """'catalog', '/catalog/' and 'catalog//' all mean the folder 'catalog/'; '' is the bucket root.

    The trailing slash is what keeps prefix 'tea' from also matching the keys of 'tea-2023/'."""
    parts = [p for p in prefix.replace("\\", "/").split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise PublishError("bad-option", option="--prefix", expected=msg("expect-prefix"),
                           value=prefix)
    return "/".join(parts) + "/" if parts else ""


def resolve_target(settings: PublishSettings, overrides: Mapping[str, Any], target: str | None = None) -> Target:
    """Settings overridden by every flag that was given (None means not given)."""
    values = {name: getattr(settings, name) for name in _FIELDS}
    values.update({k: v for k, v in overrides.items() if k in _FIELDS and v is not None})
    for name, (_low, _high, words) in LIMITS.items():
        if out_of_range(name, values[name]):
            raise PublishError("bad-option", option="--" + name.replace("_", "-"), expected=words, value=values[name])
    workers = values["workers"]
    if target:
        parts = urlsplit(target)
        if parts.scheme == "file" and parts.netloc in ("", "localhost") and parts.path:
            return LocalTarget(Path(unquote(parts.path)), workers)
        if parts.scheme == "s3" and parts.netloc:
            values["bucket"] = parts.netloc
            values["prefix"] = unquote(parts.path)
        else:
            raise PublishError("bad-target", value=target)
    if not values["bucket"]:
        raise PublishError("no-bucket")
    for name in CHECKED:
        expected = expected_for(name, values[name])
        if expected:
            raise PublishError("bad-option", option="--" + name.replace("_", "-"), expected=expected,
                               value=shown(values[name]))
    if not values["addressing_style"] and _host(values["endpoint_url"]).endswith((_OSS, _COS)):
        # botocore would address a custom endpoint path-style, which OSS and new COS buckets refuse
        values["addressing_style"] = "virtual"
    resolved = S3Target(**values)
    return replace(resolved, prefix=normalize_prefix(resolved.prefix))


def _host(url: str) -> str:
    if "://" not in url:
        url = "https://" + url
    return (urlsplit(url).hostname or "").lower()


def target_warnings(target: Target, base_url: str) -> list[Msg]:
    """Things that will not fail the publish but will break the site for shoppers."""
    if isinstance(target, LocalTarget):
        return []
    warnings = []
    site = _host(base_url)
    endpoint = _host(target.endpoint_url)
    for host in {site, _host(target.bucket)} - {""}:
        if host.endswith((_OSS, _COS)):
            cloud = "OSS" if host.endswith(_OSS) else "COS"
            warnings.append(msg("publish-default-domain", host=host, cloud=cloud))
    if target.addressing_style == "path" and endpoint.endswith((_OSS, _COS)):
        cloud = "OSS" if endpoint.endswith(_OSS) else "COS"
        warnings.append(msg("publish-path-style", cloud=cloud))
    return warnings

"""The `[publish]` table of sitegen.toml. Credentials never live here: boto3's chain finds them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sitegen.errors import Problem
from sitegen.settings_table import LineOf, check_table


@dataclass(frozen=True, slots=True)
class PublishSettings:
    bucket: str = ""
    prefix: str = ""
    endpoint_url: str = ""
    region: str = ""
    addressing_style: str = ""
    signature_version: str = ""
    profile: str = ""
    workers: int = 8


_SPEC = {"bucket": str, "prefix": str, "endpoint_url": str, "region": str, "addressing_style": str,
         "signature_version": str, "profile": str, "workers": int, "headers": dict, "gzip": bool}


def parse_publish_settings(table: Any, line: LineOf) -> tuple[PublishSettings, list[Problem]]:
    kept, problems = check_table("publish", table, _SPEC, line)
    kept.pop("headers", None)
    kept.pop("gzip", None)
    return PublishSettings(**kept), problems

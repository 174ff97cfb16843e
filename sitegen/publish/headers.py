"""Content-Type, Cache-Control and Content-Encoding for every file the build writes.

The table is our own rather than `mimetypes`, whose answers depend on the machine's
/etc/mime.types: a CI runner and a laptop must publish identical headers, or every run
would look like a header change. The headers are hashed together with the bytes
(`object_digest`), so changing a rule alone re-uploads exactly the files it affects.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"

# Fingerprinted assets and processed images carry a content hash in their names, so they never change
# under the same URL; everything else (pages, sitemap, unfingerprinted photos) must refresh soon.
DEFAULT_RULES: tuple[tuple[str, str], ...] = (("assets/**", IMMUTABLE), ("img/**", IMMUTABLE), ("**", SHORT))

_UTF8 = "; charset=utf-8"
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html" + _UTF8,
    ".htm": "text/html" + _UTF8,
    ".css": "text/css" + _UTF8,
    ".js": "text/javascript" + _UTF8,
    ".mjs": "text/javascript" + _UTF8,
    ".json": "application/json" + _UTF8,
    ".map": "application/json" + _UTF8,
    ".webmanifest": "application/manifest+json" + _UTF8,
    ".xml": "application/xml" + _UTF8,
    ".rss": "application/rss+xml" + _UTF8,
    ".atom": "application/atom+xml" + _UTF8,
    ".txt": "text/plain" + _UTF8,
    ".md": "text/markdown" + _UTF8,
    ".csv": "text/csv" + _UTF8,
    ".svg": "image/svg+xml" + _UTF8,
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".heic": "image/heic",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
FALLBACK_TYPE = "application/octet-stream"
# Text worth pre-compressing: images, fonts and archives are compressed already.
_COMPRESSIBLE = ("text/", "application/json", "application/manifest+json", "application/xml",
                 "application/rss+xml", "application/atom+xml", "image/svg+xml", "image/x-icon")


@dataclass(frozen=True, slots=True)
class ObjectHeaders:
    """The HTTP headers an object is stored with."""

    content_type: str
    cache_control: str
    content_encoding: str = ""  # "gzip" when the stored body is pre-compressed

    def as_json(self) -> dict[str, str]:
        out = {"Content-Type": self.content_type, "Cache-Control": self.cache_control}
        if self.content_encoding:
            out["Content-Encoding"] = self.content_encoding
        return out


@dataclass(frozen=True, slots=True)
class HeaderRules:
    """User rules (glob, Cache-Control) checked in order before the defaults; optional gzip of text."""

    rules: tuple[tuple[str, str], ...] = ()
    gzip: bool = False

    def headers_for(self, path: str) -> ObjectHeaders:
        ctype = content_type(path)
        encoding = "gzip" if self.gzip and compressible(ctype) else ""
        return ObjectHeaders(ctype, cache_control(path, self.rules + DEFAULT_RULES), encoding)


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(path).suffix.lower(), FALLBACK_TYPE)


def compressible(ctype: str) -> bool:
    return ctype.startswith(_COMPRESSIBLE)


def cache_control(path: str, rules: Sequence[tuple[str, str]]) -> str:
    """The value of the first rule whose glob matches `path`."""
    for glob, value in rules:
        if glob_matches(glob, path):
            return value
    return SHORT


def glob_matches(glob: str, path: str) -> bool:
    """gitignore-like: `*` stays within a folder, `**` crosses folders, a glob without `/` matches the
    file name in any folder (`*.html`), a glob with `/` matches from the site root (`assets/**`)."""
    glob = glob.lstrip("/")
    target = path if "/" in glob or glob.startswith("**") else path.rsplit("/", 1)[-1]
    return _compile(glob).fullmatch(target) is not None


@lru_cache(maxsize=256)
def _compile(glob: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out))


def object_digest(content_sha256: str, headers: ObjectHeaders) -> str:
    """The hash stored as `x-amz-meta-sha256`: the bytes (via their manifest hash) plus every header."""
    text = "\n".join(("sitegen-object-1", content_sha256, headers.content_type, headers.cache_control,
                      headers.content_encoding))
    return hashlib.sha256(text.encode()).hexdigest()

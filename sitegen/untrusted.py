"""The edge of the trust boundary: every file in a catalog repo is untrusted input.

A catalog is edited by many hands, and a pull request can hold anything: a 50 MB index.md,
YAML that expands to millions of values, escape sequences that rewrite an editor's
terminal, links to files outside the catalog. This module is the one place for the limits
that keep the work bounded (docs/content.md, "Limits", lists them; each is checked before
the work it bounds), for what counts as a control character, for how text from a catalog
is shown on a terminal, and for what a web address and a path inside the catalog may be.
"""

from __future__ import annotations

import os
import posixpath
import re
from urllib.parse import urlsplit

# Sizes. Real files are far smaller: a product's text is a few thousand characters, its front
# matter a few hundred values, sitegen.toml a few kilobytes.
MAX_FILE_BYTES = 2_000_000  # an index.md is read no further than this
MAX_BODY_BYTES = 1_000_000  # its Markdown text (Markdown takes seconds per megabyte)
MAX_FRONT_MATTER_BYTES = 256_000  # its YAML, before the YAML reader sees it
MAX_VALUE_CHARS = 10_000  # one value of the front matter: a title, a summary, an origin …
MAX_VALUES = 20_000  # values a front matter may expand to through '&' anchors and '*' references
MAX_DEPTH = 30  # lists and groups inside each other, in front matter and in sitegen.toml
MAX_CONFIG_BYTES = 1_000_000  # sitegen.toml
# Shapes of Markdown whose reading grows much faster than the text (see content/body.py): with these, any text
# under MAX_BODY_BYTES renders in seconds.
MAX_BLOCK_LINES = 500  # lines of one paragraph, list or table, with no empty line in it
MAX_BLOCK_CHARS = 20_000  # characters of one
MAX_LINKS = 1_000  # '[' in a text: each one costs a scan of its paragraph

# Invisible characters that garble a page or a terminal: C0 controls but tab and newline, DEL, C1, the
# Unicode line and paragraph separators (which also break JSON lines and JavaScript strings), and lone
# surrogates (not text at all: writing them as UTF-8 fails).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")

# What must not reach a terminal raw: the above, tab and newline too (a problem is one line), and the
# bidirectional overrides that make a terminal show text in another order than it is.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def control_char(text: str) -> tuple[int, str] | None:
    """(offset, 'U+001B') of the first control character in `text`, or None."""
    found = CONTROL.search(text)
    return (found.start(), f"U+{ord(found.group()):04X}") if found else None


def visible(text: str) -> str:
    """`text` with every control character written out ('\\x1b', '\\u2028'), so that a value from a
    catalog, or a file name, is shown on a terminal as what it is instead of acting on the terminal.
    A byte that is not UTF-8 in a file name (Python's surrogate escape) is shown as that byte."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def json_safe(line: str) -> str:
    """A JSON text (from json.dumps(..., ensure_ascii=False)) that no reader splits into two lines:
    JSON leaves U+2028, U+2029, C1 and lone surrogates raw, which str.splitlines(), JavaScript and UTF-8
    encoders trip over; written as \\u escapes they are the same JSON value."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


NOT_A_WEB_ADDRESS = "not a web address"


def url_problem(url: str) -> str | None:
    """What is wrong with `url` as a link on a page: None when nothing is, NOT_A_WEB_ADDRESS when it is not
    an http(s) address of a web site at all, else the message code of the reason."""
    if not re.match(r"(?i)https?://", url) or any(c.isspace() for c in url) or CONTROL.search(url):
        return NOT_A_WEB_ADDRESS
    port_words = "setting-url-port"
    try:
        parts = urlsplit(url)
        port = parts.port  # reading it checks it: ':99999' and ':abc' raise ValueError
    except ValueError as exc:
        return "setting-url-brackets" if "IPv6" in str(exc) else port_words
    if not parts.hostname:
        return NOT_A_WEB_ADDRESS
    if port == 0:
        return port_words
    if "@" in parts.netloc:
        return "setting-url-password"
    return None


def is_inside(name: str) -> bool:
    """A relative path that stays inside its folder once normalised ('a/../b.jpg' is fine, '../b',
    '/etc/x' and 'C:/x' are not)."""
    name = name.replace("\\", "/")
    if not name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return False
    normal = posixpath.normpath(name)
    return normal != ".." and not normal.startswith("../") and normal != "."


def link_problem(path: str, real_root: str) -> str | None:
    """Whether the symbolic link at `path` may be followed: None when it leads to something inside the
    catalog (whose real path is `real_root`), else the problem code. 'bad-link' when it leads nowhere (to
    itself, round a loop, to a missing file) or to a folder it is in (a walk would never end);
    'link-outside' when it leaves the catalog; 'link-hidden' when it leads into a hidden file or folder of
    the catalog: in CI the catalog folder is the repository's checkout, whose `.git/config` holds the
    job's token (actions/checkout puts it there), and `.git/`, `.github/` and the cache are not catalog."""
    target = os.path.realpath(path)
    if not os.path.exists(target):
        return "bad-link"
    home = os.path.realpath(os.path.dirname(path))
    if os.path.isdir(target) and (home == target or home.startswith(target.rstrip(os.sep) + os.sep)):
        return "bad-link"
    base = real_root.rstrip(os.sep) + os.sep
    if not target.startswith(base):
        return "link-outside"
    if any(part.startswith(".") for part in target[len(base):].split(os.sep)):
        return "link-hidden"
    return None

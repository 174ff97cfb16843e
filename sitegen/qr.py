"""A product's QR code: the text it holds, whether that text can be printed small, and the code as a small SVG.

Pure (no file I/O): `engine/qrcodes.py` keeps the codes made here between passes and in the cache folder.

The code is printed 2.5 cm wide on a box or a market-stall sign and read by a phone, so:

- Error correction M (15 % of the code may be scuffed, creased or dirty and it still reads): the usual level for
  print. A higher level costs modules: at H a 58-character page address needs version 6 (41 modules) instead of
  4 (33), so each module would print 0.51 mm instead of 0.61 mm at 2.5 cm, which costs a phone more than the extra
  correction gains. segno's "boost" still raises the level to Q or H whenever the same version has room for it:
  more correction at no cost in size (or time, measured).
- One fixed data mask (2: every third column), not segno's search over the eight: the search is 80 % of the time
  to make a code, and a scanner reads any mask. Mask 2 had the lowest mean penalty score of the eight (ISO/IEC
  18004 7.8.3) over 800 page and traceability addresses, 44 points above the best mask per code, against 74–166
  for the others.
- A text that needs more than version 10 (57 modules, 213 bytes) would print with modules under 0.4 mm, which
  phones read badly: a traceability address that long is not put in the code (`fits_label`; a warning says so),
  the code holds the product page's address instead, which links to the traceability record.
- Byte mode, and only ASCII: a web address with Chinese in it is written the way a browser sends it (the host in
  punycode, the rest %-escaped), which every scanner reads the same way (`address`).
- A quiet zone of 4 modules on every side, as the standard asks: the SVG is printed as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

WRITER = "1"  # raised whenever `svg` writes other bytes for the same matrix: the cached codes are made again
FILE = "qr.svg"  # beside the product's page: products/<brand>/<id>/qr.svg
ERROR = "m"
MASK = 2
BORDER = 4
MAX_VERSION = 10
LABEL_BYTES = 213  # what version 10 holds at level M in byte mode (ISO/IEC 18004 table 7)
MAX_BYTES = 2331  # what version 40, the largest, holds: no text may be longer
MAX_SITE_ADDRESS = 200  # base_url (as ASCII) at most: with two 255-byte folder names a page address still fits
PRINTED = "25mm"  # the SVG's own size, for an editor who opens or places the file as it is


def address(url: str) -> str:
    """`url` as a browser sends it, all ASCII: the host in punycode, anything else that is not ASCII %-escaped
    as UTF-8 (what is escaped already stays as it is). A host punycode cannot hold (a label over 63 characters)
    is %-escaped too: the code still holds the address, byte for byte."""
    if url.isascii():
        return url
    parts = urlsplit(url)
    host, colon, port = parts.netloc.rpartition(":")  # no user:password@ (untrusted.url_problem refuses it)
    if not colon or not port.isdigit():
        host, colon, port = parts.netloc, "", ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = _escape(host)
    return urlunsplit((parts.scheme, host + colon + port, _escape(parts.path), _escape(parts.query),
                       _escape(parts.fragment)))


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def _escape(text: str) -> str:
    return _NOT_ASCII.sub(lambda m: quote(m.group(), safe=""), text)


def fits_label(url: str) -> bool:
    """Whether the code of `url` still reads when printed 2.5 cm wide (version 10 at most)."""
    return len(address(url)) <= LABEL_BYTES


def code_text(page_url: str, traceability_url: str) -> str:
    """What a product's code holds: its traceability record's address when it has one that fits a label, else
    the address of its page (absolute: a phone scans it away from the site)."""
    if traceability_url and fits_label(traceability_url):
        return address(traceability_url)
    return address(page_url)


def make(text: str) -> Any:
    """segno's QR code of `text` (ASCII, at most MAX_BYTES): its `matrix` is a tuple of rows of 0 and 1."""
    import segno  # 15 ms to import: only when a code is made

    if not text.isascii() or len(text) > MAX_BYTES:
        raise ValueError("a QR code holds an ASCII address of at most 2,331 characters")
    return segno.make_qr(text.encode("ascii"), error=ERROR, mask=MASK, boost_error=True)


def svg(matrix: Sequence[bytes]) -> bytes:
    """The code as one <path>: a 1-unit stroke along each run of dark modules, row by row, each move relative
    to the end of the last run ('M4 4.5h7m2 0h1…m-33 1h1'): 2 KB for a page address, written in a third of
    the time segno's own SVG writer takes. White behind it: a label may be printed on coloured paper."""
    size = len(matrix) + 2 * BORDER
    out = []
    x = y = -1  # the end of the last run: none yet
    for row_number, row in enumerate(matrix):
        runs = [run.span() for run in _DARK.finditer(row)]
        if not runs:
            continue
        start, end = runs[0]
        here = row_number + BORDER
        out.append(f"M{start + BORDER} {here}.5h{end - start}" if x < 0 else
                   f"m{start + BORDER - x} {here - y}h{end - start}")
        for start, after in runs[1:]:
            out.append(_GAP[start - end])
            out.append(str(after - start))
            end = after
        x, y = end + BORDER, here
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{PRINTED}" height="{PRINTED}" '
            f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
            f'<path fill="#fff" d="M0 0h{size}v{size}H0z"/>'
            f'<path stroke="#000" d="{"".join(out)}"/></svg>\n').encode("ascii")


_GAP = [f"m{n} 0h" for n in range(200)]  # the move from one run to the next in the same row: no number formatting
_DARK = re.compile(b"\x01+")

# Exactly what `svg` writes, and nothing else: a cached file is published as it is, so it is checked against this
# before it is used (the cache folder may come from anyone: nothing in it may carry a script or a link).
_SVG = re.compile(rb'<svg xmlns="http://www\.w3\.org/2000/svg" width="25mm" height="25mm" viewBox="0 0 (\d{2,3}) '
                  rb'\1" shape-rendering="crispEdges"><path fill="#fff" d="M0 0h\1v\1H0z"/>'
                  rb'<path stroke="#000" d="(?:M\d{1,3} \d{1,3}\.5h\d{1,3}(?:m-?\d{1,3} \d{1,3}h\d{1,3})*)?"/></svg>\n')


def is_code_svg(data: bytes) -> bool:
    """Whether `data` has exactly the shape `svg` writes (a quiet zone, one path of dark runs, nothing else)."""
    return len(data) < 64 * 1024 and _SVG.fullmatch(data) is not None


def code_svg(text: str) -> bytes:
    """The QR code of `text` as `svg` writes it."""
    return svg(make(text).matrix)

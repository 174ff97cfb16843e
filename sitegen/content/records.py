"""One content file → one Brand or Product record, plus the problems found in it.

Which fields there are, and how each is read, comes from the one table of fields (`schema.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sitegen import qr
from sitegen.config import Contact
from sitegen.content.fields import FieldReader
from sitegen.content.frontmatter import decode, split
from sitegen.content.models import Brand, Product
from sitegen.content.schema import BRAND, PRODUCT, Field, names
from sitegen.errors import Problem, cannot_read
from sitegen.messages import msg
from sitegen.untrusted import MAX_FILE_BYTES

BRAND_FIELDS = names(BRAND)
PRODUCT_FIELDS = names(PRODUCT)

# how each kind of field in the schema is read
READERS: dict[str, Callable[[FieldReader, Field], Any]] = {
    "text": lambda r, f: r.text(f.name, required=f.required),
    "url": lambda r, f: r.url(f.name, required=f.required),
    "date": lambda r, f: r.date(f.name),
    "boolean": lambda r, f: r.boolean(f.name, default=f.default),
    "image": lambda r, f: r.image(f.name),
    "images": lambda r, f: r.images(f.name, required=f.required),
    "months": lambda r, f: r.months(f.name),
    "strings": lambda r, f: r.strings(f.name),
    "price": lambda r, f: r.price(f.name),
    "variants": lambda r, f: r.variants(f.name),
    "certifications": lambda r, f: r.certifications(f.name),
    "shop_links": lambda r, f: r.shop_links(f.name),
    "gtin": lambda r, f: _gtin(r, f.name),
    "contact": lambda r, f: _contact(r, f.name),
}


def _read(reader: FieldReader, schema: tuple[Field, ...]) -> dict[str, Any]:
    return {f.name: READERS[f.kind](reader, f) for f in schema}


def _gtin(reader: FieldReader, name: str) -> str:
    gtin = reader.text(name)
    if gtin and not (gtin.isdigit() and len(gtin) in (8, 12, 13, 14)):
        reader.problem("wrong-type", name, field=name,
                       expected=msg("expect-gtin"),
                       got=f"'{gtin}'")
    return gtin


def _contact(reader: FieldReader, name: str) -> Contact:
    values = reader.get(name)
    if isinstance(values, dict):
        reader.check_keys({"phone", "email", "address"}, values, name)
        return Contact(*(reader.text(name, k) for k in ("phone", "email", "address")))
    if values is not None:
        reader.problem("wrong-type", name, field=name, expected=msg("expect-contact"), got=msg("type-single-value"))
    return Contact()


# The file's fields cannot be read at all: reporting each as missing would only bury the real problem.
# (A Chinese colon after a field name is not among them: the fields are read as if it were ': '.)
_UNREADABLE = frozenset({"no-front-matter", "unclosed-front-matter", "yaml-syntax", "yaml-too-complex",
                         "fullwidth-space", "fence-dashes", "not-a-mapping", "front-matter-too-long", "yaml-tag"})


def read_index(path: Path, rel: str) -> tuple[bytes | None, list[Problem]]:
    """An index.md's bytes, read no further than MAX_FILE_BYTES: a 50 MB file costs what a small one does.
    None, with the problem, for a file too large or that cannot be read."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [cannot_read(rel, exc)]
    if len(raw) > MAX_FILE_BYTES:
        line = raw.count(b"\n", 0, MAX_FILE_BYTES) + 1
        return None, [Problem("file-too-large", rel, line, {"limit": MAX_FILE_BYTES})]
    return raw, []


def _open(raw: bytes, rel: str) -> tuple[FieldReader | None, list[Problem]]:
    text, problems = decode(raw, rel)
    if text is None:
        return None, problems
    reader = FieldReader(split(text, rel), rel)
    if any(p.code in _UNREADABLE for p in reader.problems):
        return None, reader.problems
    return reader, []


def read_brand(brand_id: str, raw: bytes, rel: str) -> tuple[Brand | None, list[Problem]]:
    reader, problems = _open(raw, rel)
    if reader is None:
        return None, problems
    reader.check_keys(BRAND_FIELDS, reader.fm.values)
    brand = Brand(id=brand_id, rel=rel, body=reader.fm.body, digest=hashlib.blake2b(raw, digest_size=12).hexdigest(),
                  line=reader.fm.start_line, **_read(reader, BRAND))
    reader.body_pictures({ref.file for ref in (brand.logo, brand.banner) if ref}, msg("listed-in-brand"))
    return brand, reader.problems


def read_product(brand_id: str, product_id: str, raw: bytes, rel: str) -> tuple[Product | None, list[Problem]]:
    reader, problems = _open(raw, rel)
    if reader is None:
        return None, problems
    reader.check_keys(PRODUCT_FIELDS, reader.fm.values)
    product = Product(id=product_id, brand_id=brand_id, rel=rel, body=reader.fm.body,
                      digest=hashlib.blake2b(raw, digest_size=12).hexdigest(), line=reader.fm.start_line,
                      category_line=reader.fm.line("category"), **_read(reader, PRODUCT))
    reader.body_pictures({ref.file for ref in product.images}, "images:")
    if product.traceability_url and not qr.fits_label(product.traceability_url):
        reader.problems.append(Problem("qr-too-long", rel, reader.fm.line("traceability_url"), {
            "field": "traceability_url", "length": len(qr.address(product.traceability_url)),
            "limit": qr.LABEL_BYTES}, "warning"))  # the code holds the page's address: the page is whole
    return product, reader.problems

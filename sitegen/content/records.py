"""One content file → one Brand or Product record, plus the problems found in it.

The field lists here are the contract county teams write against (see docs/content.md).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sitegen.config import Contact
from sitegen.content.fields import FieldReader
from sitegen.content.frontmatter import decode, split
from sitegen.content.models import Brand, Product
from sitegen.errors import Problem, cannot_read
from sitegen.untrusted import MAX_FILE_BYTES

BRAND_FIELDS = frozenset({
    "name", "name_en", "province", "county", "summary", "summary_en", "logo", "banner", "website",
    "established", "certifications", "contact",
})
PRODUCT_FIELDS = frozenset({
    "title", "title_en", "category", "images", "summary", "summary_en", "price", "variants", "season",
    "origin", "producer", "certifications", "shop_links", "traceability_url", "available", "draft", "date",
    "tags", "gtin", "weight", "shelf_life", "storage",
})


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
    values = reader.fm.values
    reader.check_keys(BRAND_FIELDS, values)
    contact_values = reader.get("contact")
    contact = Contact()
    if isinstance(contact_values, dict):
        reader.check_keys({"phone", "email", "address"}, contact_values, "contact")
        contact = Contact(*(reader.text("contact", k) for k in ("phone", "email", "address")))
    elif contact_values is not None:
        reader.problem("wrong-type", "contact", field="contact", expected="phone, email and address lines",
                       got="a single value")
    brand = Brand(
        id=brand_id,
        rel=rel,
        name=reader.text("name", required=True),
        body=reader.fm.body,
        digest=hashlib.blake2b(raw, digest_size=12).hexdigest(),
        line=reader.fm.start_line,
        name_en=reader.text("name_en"),
        province=reader.text("province"),
        county=reader.text("county"),
        summary=reader.text("summary"),
        summary_en=reader.text("summary_en"),
        logo=reader.image("logo"),
        banner=reader.image("banner"),
        website=reader.url("website"),
        established=reader.date("established"),
        certifications=reader.certifications("certifications"),
        contact=contact,
    )
    reader.body_pictures({ref.file for ref in (brand.logo, brand.banner) if ref}, "logo: or banner:")
    return brand, reader.problems


def read_product(brand_id: str, product_id: str, raw: bytes, rel: str) -> tuple[Product | None, list[Problem]]:
    reader, problems = _open(raw, rel)
    if reader is None:
        return None, problems
    reader.check_keys(PRODUCT_FIELDS, reader.fm.values)
    gtin = reader.text("gtin")
    product = Product(
        id=product_id,
        brand_id=brand_id,
        rel=rel,
        title=reader.text("title", required=True),
        category=reader.text("category", required=True),
        images=reader.images("images", required=True),
        body=reader.fm.body,
        digest=hashlib.blake2b(raw, digest_size=12).hexdigest(),
        line=reader.fm.start_line,
        category_line=reader.fm.line("category"),
        title_en=reader.text("title_en"),
        summary=reader.text("summary"),
        summary_en=reader.text("summary_en"),
        price=reader.price("price"),
        variants=reader.variants("variants"),
        season=reader.months("season"),
        origin=reader.text("origin"),
        producer=reader.text("producer"),
        certifications=reader.certifications("certifications"),
        shop_links=reader.shop_links("shop_links"),
        traceability_url=reader.url("traceability_url"),
        available=reader.boolean("available", default=True),
        draft=reader.boolean("draft", default=False),
        date=reader.date("date"),
        tags=reader.strings("tags"),
        gtin=gtin,
        weight=reader.text("weight"),
        shelf_life=reader.text("shelf_life"),
        storage=reader.text("storage"),
    )
    if gtin and not (gtin.isdigit() and len(gtin) in (8, 12, 13, 14)):
        reader.problem("wrong-type", "gtin", field="gtin",
                       expected='8, 12, 13 or 14 digits in straight quotes, e.g. gtin: "6901234567892"',
                       got=f"'{gtin}'")
    reader.body_pictures({ref.file for ref in product.images}, "images:")
    return product, reader.problems

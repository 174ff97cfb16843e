"""The one table of fields: everything that lists brand and product fields is made from it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from sitegen.content import schema
from sitegen.content.models import Brand, Product
from sitegen.content.records import BRAND_FIELDS, PRODUCT_FIELDS
from sitegen.render.i18n import texts
from sitegen.scaffold import BRAND_TEMPLATE, PRODUCT_TEMPLATE

# what a record holds besides the fields an editor writes: where it came from
_NOT_WRITTEN = {"id", "brand_id", "rel", "body", "digest", "line", "category_line"}


def test_the_committed_field_reference_is_made_from_the_table() -> None:
    committed = (Path(__file__).parent.parent / "docs" / "fields.md").read_text("utf-8")
    assert committed == schema.reference(), "run: .venv/bin/python -m sitegen.content.schema > docs/fields.md"


def test_the_records_hold_exactly_the_fields_of_the_table() -> None:
    for model, table, read in ((Brand, schema.BRAND, BRAND_FIELDS), (Product, schema.PRODUCT, PRODUCT_FIELDS)):
        written = {f.name for f in dataclasses.fields(model)} - _NOT_WRITTEN
        assert written == schema.names(table) == read


def test_every_field_has_both_labels_help_and_an_example() -> None:
    for field in (*schema.BRAND, *schema.PRODUCT):
        assert re.search(r"[\u4e00-\u9fff]", field.zh) and re.fullmatch(r"[A-Z][A-Za-z .]+", field.en), field
        assert field.help_zh and field.help_en and field.example, field
        assert field.kind in {"text", "url", "date", "boolean", "image", "images", "months", "strings", "price",
                              "variants", "certifications", "shop_links", "gtin", "contact"}, field


def test_new_files_and_the_themes_labels_come_from_the_table() -> None:
    for table, text in ((schema.BRAND, BRAND_TEMPLATE), (schema.PRODUCT, PRODUCT_TEMPLATE)):
        for field in table:
            line = next(line for line in text.splitlines() if re.match(rf"^(# )?{field.name}:", line))
            assert line.rpartition("# ")[2].startswith(field.help_zh.split("，")[0].split("；")[0]), line
            assert line.startswith("# ") != (field.required or field.name == "draft"), line
    zh, en = texts("zh-CN"), texts("en")
    for field in schema.PRODUCT:
        assert (getattr(zh, field.name), getattr(en, field.name)) == (field.zh, field.en)


def test_a_field_brands_and_products_share_has_one_label() -> None:
    """The theme shows `t.<field>`: a name in both tables must mean the same on a page."""
    brand = {f.name: (f.zh, f.en) for f in schema.BRAND}
    shared = [f for f in schema.PRODUCT if f.name in brand]
    assert shared and all(brand[f.name] == (f.zh, f.en) for f in shared)

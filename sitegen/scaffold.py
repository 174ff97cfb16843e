"""`sitegen new`: a brand or product folder whose index.md explains every field.

Editors learn the format from the file in front of them, so every field is listed with
a comment (from the one table of fields, `content/schema.py`); optional ones start commented
out. Nothing is ever overwritten.
"""

from __future__ import annotations

import json
from pathlib import Path

from sitegen.content.discover import ID
from sitegen.content.schema import BRAND, PRODUCT, template
from sitegen.errors import UsageError
from sitegen.slug import slugify

# every field, from the one table of fields; the text below the front matter says what to write there
BRAND_TEMPLATE = template(BRAND) + "\n在这里写品牌故事：产地、历史、标准、带动了多少农户……\n"
PRODUCT_TEMPLATE = template(PRODUCT, written=frozenset({"draft"})) + \
    "\n在这里写产品介绍：口感、种植方式、采摘时间、食用建议……\n"


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _create(folder: Path, text: str, hint: str) -> Path:
    """Write folder/index.md; a folder that already holds photos but no index.md is fine."""
    path = folder / "index.md"
    exists = f"{path} already exists; nothing was changed ({hint})"
    if path.exists() or path.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(exists)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:  # 'x': fail rather than overwrite, even in a race
            handle.write(text)
    except FileExistsError:
        raise UsageError(exists) from None
    return path


def new_brand(root: Path, brand_id: str, name: str) -> Path:
    if not name.strip():
        raise UsageError(f'the brand name is empty; write it in quotes, e.g. sitegen new brand {brand_id} '
                         '--name "丽水山耕"')
    if not ID.match(brand_id):
        raise UsageError(f"'{brand_id}' is not a valid id; use lowercase a-z, digits and hyphens, "
                         f"e.g. '{slugify(brand_id, 'my-brand')}'")
    certs = _site_ids(root)[1]
    return _create(root / "brands" / brand_id, BRAND_TEMPLATE.format(
        name=_yaml_str(name), cert=certs[0] if certs else "gi", certifications=_choices(certs, "certifications")),
        "edit that file, or choose another id")


def _site_ids(root: Path) -> tuple[list[str], list[str]]:
    """The category and certification ids sitegen.toml defines, so the examples in a new file are ones
    that pass `check` (none when the file cannot be read: `check` says why)."""
    from sitegen.config import load_config

    config, _ = load_config(root)
    return (list(config.categories), list(config.certifications)) if config else ([], [])


def _choices(ids: list[str], kind: str) -> str:
    return ", ".join(ids) or f"（先在 sitegen.toml 里定义 [{kind}.…]）"


def new_product(root: Path, brand_id: str, title: str, product_id: str | None = None) -> Path:
    import datetime as dt

    if not (root / "brands" / brand_id / "index.md").is_file():
        raise UsageError(f"there is no brand '{brand_id}' (brands/{brand_id}/index.md); create it first with "
                         f"'sitegen new brand {brand_id} --name …'")
    if not title.strip():
        raise UsageError('the title is empty; write the product\'s name in quotes, e.g. '
                         f'sitegen new product {brand_id} "遂昌菊米"')
    product_id = product_id or slugify(title, "")
    if not product_id:
        raise UsageError(f"no id can be made from the title '{title}'; give one with --id, in lowercase a-z, "
                         "digits and hyphens, e.g. --id my-product")
    if not ID.match(product_id):
        raise UsageError(f"'{product_id}' is not a valid id; use lowercase a-z, digits and hyphens")
    categories, certs = _site_ids(root)
    text = PRODUCT_TEMPLATE.format(
        title=_yaml_str(title), category=categories[0] if categories else "tea",
        categories=_choices(categories, "categories"), cert=certs[0] if certs else "gi",
        certifications=_choices(certs, "certifications"), today=dt.date.today().isoformat(),
    )
    return _create(root / "products" / brand_id / product_id, text, "edit that file, or choose another id with --id")

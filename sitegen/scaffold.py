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


def _create(folder: Path, text: str, exists: str) -> Path:
    """Write folder/index.md; a folder that already holds photos but no index.md is fine."""
    path = folder / "index.md"
    if path.exists() or path.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(exists, path=str(path))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:  # 'x': fail rather than overwrite, even in a race
            handle.write(text)
    except FileExistsError:
        raise UsageError(exists, path=str(path)) from None
    return path


def new_brand(root: Path, brand_id: str, name: str) -> Path:
    if not name.strip():
        raise UsageError("empty-brand-name", id=brand_id)
    if not ID.match(brand_id):
        raise UsageError("bad-new-id", id=brand_id, suggestion=slugify(brand_id, "my-brand"))
    certs = _site_ids(root)[1]
    return _create(root / "brands" / brand_id, BRAND_TEMPLATE.format(
        name=_yaml_str(name), cert=certs[0] if certs else "gi", certifications=_choices(certs, "certifications")),
        "exists")


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
        raise UsageError("no-brand", id=brand_id)
    if not title.strip():
        raise UsageError("empty-title", id=brand_id)
    product_id = product_id or slugify(title, "")
    if not product_id:
        raise UsageError("no-id-from-title", title=title)
    if not ID.match(product_id):
        raise UsageError("bad-new-id", id=product_id, suggestion=slugify(product_id, "my-product"))
    categories, certs = _site_ids(root)
    text = PRODUCT_TEMPLATE.format(
        title=_yaml_str(title), category=categories[0] if categories else "tea",
        categories=_choices(categories, "categories"), cert=certs[0] if certs else "gi",
        certifications=_choices(certs, "certifications"), today=dt.date.today().isoformat(),
    )
    return _create(root / "products" / brand_id / product_id, text, "exists-product")

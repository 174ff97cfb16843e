"""`sitegen new`: a brand or product folder whose index.md explains every field.

Editors learn the format from the file in front of them, so every field is listed with
a comment; optional ones start commented out. Nothing is ever overwritten.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from sitegen.content.discover import ID
from sitegen.errors import UsageError
from sitegen.slug import slugify

BRAND_TEMPLATE = """\
---
name: {name}                  # 品牌名称（必填）
# name_en: ""                 # 英文名称
# province: ""                # 省份，如 浙江省
# county: ""                  # 县（市、区），如 丽水市
# summary: ""                 # 一句话介绍，显示在品牌列表和搜索结果里
# summary_en: ""              # 英文一句话介绍
# logo: logo.png              # 标志图片，放在本文件旁边
# banner: banner.jpg          # 横幅照片，放在本文件旁边
# website: https://…          # 官方网站
# established: 2018           # 创立年份或日期 2018-06-01
# certifications:             # 认证：sitegen.toml 里定义的编号，可附证书编号
#   - gi
#   - {{id: green-food, number: "LB-00-0000000000"}}
# contact:
#   phone: "0578-0000000"
#   email: ""
#   address: ""
---

在这里写品牌故事：产地、历史、标准、带动了多少农户……
"""

PRODUCT_TEMPLATE = """\
---
title: {title}                # 产品名称（必填）
category: {category}          # 分类编号（必填），可选：{categories}
images:                       # 照片（必填），放在本文件旁边；第一张是封面
  - {{file: photo-1.jpg, alt: "照片里是什么"}}
# title_en: ""                # 英文名称
# summary: ""                 # 一句话卖点
# summary_en: ""
# price: {{amount: 68, currency: CNY, unit: "500克/袋"}}
# variants:                   # 多个规格
#   - {{name: 礼盒装, price: 168, unit: "1千克/盒"}}
# season: [9, 10]             # 上市月份（1-12）
# origin: ""                  # 产地
# producer: ""                # 生产者（合作社、公司、家庭农场）
# certifications: [gi]        # 认证编号，或 {{id: gi, number: "证书编号"}}
# shop_links:                 # 购买链接，必须以 https:// 开头
#   - {{platform: 淘宝, url: "https://…"}}
# traceability_url: ""        # 溯源查询网址
# available: true             # 缺货时写 false
# draft: true                 # 草稿：不发布，预览时用 sitegen build --drafts
# date: {today}               # 上架日期
# tags: []
# gtin: ""                    # 商品条码（数字，加引号）
# weight: ""                  # 净含量
# shelf_life: ""              # 保质期
# storage: ""                 # 储存方式
---

在这里写产品介绍：口感、种植方式、采摘时间、食用建议……
"""


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _create(folder: Path, text: str) -> Path:
    if folder.exists():
        raise UsageError(f"{folder} already exists; nothing was changed (choose another id with --id)")
    folder.mkdir(parents=True)
    path = folder / "index.md"
    with open(path, "x", encoding="utf-8") as handle:  # 'x': fail rather than overwrite, even in a race
        handle.write(text)
    return path


def new_brand(root: Path, brand_id: str, name: str) -> Path:
    if not ID.match(brand_id):
        raise UsageError(f"'{brand_id}' is not a valid id; use lowercase a-z, digits and hyphens, "
                         f"e.g. '{slugify(brand_id, 'my-brand')}'")
    return _create(root / "brands" / brand_id, BRAND_TEMPLATE.format(name=_yaml_str(name)))


def new_product(root: Path, brand_id: str, title: str, product_id: str | None = None) -> Path:
    import datetime as dt
    import tomllib

    if not (root / "brands" / brand_id / "index.md").is_file():
        raise UsageError(f"there is no brand '{brand_id}' (brands/{brand_id}/index.md); create it first with "
                         f"'sitegen new brand {brand_id} --name …'")
    product_id = product_id or slugify(title, "product")
    if not ID.match(product_id):
        raise UsageError(f"'{product_id}' is not a valid id; use lowercase a-z, digits and hyphens")
    categories: list[str] = []
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError):  # a broken config: `check` will say so
        categories = list(tomllib.loads((root / "sitegen.toml").read_text("utf-8-sig")).get("categories", {}))
    text = PRODUCT_TEMPLATE.format(
        title=_yaml_str(title), category=categories[0] if categories else "tea",
        categories=", ".join(categories) or "（先在 sitegen.toml 里定义 [categories.…]）",
        today=dt.date.today().isoformat(),
    )
    return _create(root / "products" / brand_id / product_id, text)

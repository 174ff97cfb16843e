"""Every field a brand or product file may have, declared once.

A field's name, what kind of value it takes, whether it is required, its Chinese and English label,
one line of help in both languages and an example come from this table only. The reader
(`records.py`), `sitegen new`'s files (`scaffold.py`), the theme's field labels (`render/i18n.py`) and
the field reference (docs/fields.md, written by `python -m sitegen.content.schema`, checked by a test)
are all made from it; a later form editor will be too.

An example is written as it goes after `name:` in index.md. `{…}` in it is filled in by `sitegen new`
from the catalog's own settings (its categories, certifications, today's date).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str  # how it is read: see `records.READERS`
    zh: str  # the label shoppers and editors see
    en: str
    help_zh: str  # one line: what to write
    help_en: str
    example: str  # as written after 'name:' in index.md; lines starting with '\n  ' are a block under it
    required: bool = False
    default: bool = False  # for kind "boolean"


BRAND: tuple[Field, ...] = (
    Field("name", "text", "品牌名称", "Brand name", "品牌名称", "the brand's name", "{name}", required=True),
    Field("name_en", "text", "英文名称", "English name", "英文名称", "the name in English", '""'),
    Field("province", "text", "省份", "Province", "省份，如 浙江省", "province, e.g. 浙江省", '""'),
    Field("county", "text", "县（市、区）", "County", "县（市、区），如 丽水市", "county or city, e.g. 丽水市", '""'),
    Field("summary", "text", "简介", "Summary", "一句话介绍，显示在品牌列表和搜索结果里",
          "one sentence, shown in lists and search results", '""'),
    Field("summary_en", "text", "英文简介", "Summary in English", "英文一句话介绍", "the sentence in English", '""'),
    Field("logo", "image", "标志", "Logo", "标志图片，放在本文件旁边", "the logo, a file beside index.md", "logo.png"),
    Field("banner", "image", "横幅", "Banner", "横幅照片，放在本文件旁边",
          "a wide photo for the top of the page, beside index.md; a name or {file, alt}", "banner.jpg"),
    Field("website", "url", "网站", "Website", "官方网站", "the brand's own website, https://…", "https://…"),
    Field("established", "date", "创立", "Established", "创立年份或日期 2018-06-01",
          "a year, or a date YYYY-MM-DD", "2018"),
    Field("certifications", "certifications", "认证", "Certifications", "认证编号，可选：{certifications}",
          "ids from [certifications] in sitegen.toml, each alone or with its number: {id, number}",
          '\n  - {{id: {cert}, number: "证书编号"}}'),
    Field("contact", "contact", "联系方式", "Contact", "联系方式", "phone, email and address lines",
          '\n  phone: "0578-0000000"\n  email: ""\n  address: ""'),
)

PRODUCT: tuple[Field, ...] = (
    Field("title", "text", "产品名称", "Product name", "产品名称", "the product's name", "{title}", required=True),
    Field("category", "text", "分类", "Category", "分类编号，可选：{categories}",
          "an id from [categories] in sitegen.toml", "{category}", required=True),
    Field("images", "images", "照片", "Photos", "照片，放在本文件旁边；第一张是封面",
          "one or more files beside index.md, the first is the cover; each a name or {file, alt}",
          '\n  - {{file: photo-1.jpg, alt: "照片里是什么"}}', required=True),
    Field("draft", "boolean", "草稿", "Draft",
          "草稿：不会发布，sitegen serve --drafts 可预览；照片和介绍写好后删掉这一行",
          "true: not published (sitegen serve --drafts and build --drafts show it)", "true"),
    Field("title_en", "text", "英文名称", "English name", "英文名称", "the name in English", '""'),
    Field("summary", "text", "简介", "Summary", "一句话卖点", "one sentence: why buy it", '""'),
    Field("summary_en", "text", "英文简介", "Summary in English", "英文一句话卖点", "the sentence in English", '""'),
    Field("price", "price", "价格", "Price", "价格（元）和规格",
          "{amount, currency, unit}: amount ≥ 0, currency defaults to CNY",
          '{{amount: 68, currency: CNY, unit: "500克/袋"}}'),
    Field("variants", "variants", "规格", "Options", "多个规格", "a list of {name, price, unit}",
          '\n  - {{name: 礼盒装, price: 168, unit: "1千克/盒"}}'),
    Field("season", "months", "上市季节", "Harvest season", "上市月份（1-12）", "harvest months, 1-12", "[9, 10]"),
    Field("origin", "text", "产地", "Origin", "产地", "where it is grown or made", '""'),
    Field("producer", "text", "生产者", "Producer", "生产者（合作社、公司、家庭农场）",
          "the cooperative, company or family farm", '""'),
    Field("certifications", "certifications", "认证", "Certifications",
          "认证编号，或 {{id: {cert}, number: \"证书编号\"}}；可选：{certifications}",
          "ids from [certifications] in sitegen.toml, each alone or with its number: {id, number}", "[{cert}]"),
    Field("shop_links", "shop_links", "购买渠道", "Where to buy",
          "购买链接，以 https:// 开头（天猫、京东、拼多多、淘宝、抖音小店），"
          "或微信小程序的 weixin://dl/business/?appid=…&path=…",
          "a list of {platform, url}: an http(s):// shop page, or a WeChat mini-program's weixin://dl/business/ link",
          "\n  - {{platform: 淘宝, url: \"https://…\"}}"),
    Field("traceability_url", "url", "溯源", "Traceability", "溯源查询网址",
          "the http(s):// address of the traceability record", '""'),
    Field("available", "boolean", "有货", "Available", "缺货时写 false", "false: shown as out of stock", "true",
          default=True),
    Field("date", "date", "上架日期", "Listed", "上架日期", "YYYY-MM-DD, when it was listed: the newest are on the "
          "home page", "{today}"),
    Field("tags", "strings", "标签", "Tags", "标签", "a list of words", "[新茶, 礼品]"),
    Field("gtin", "gtin", "商品条码", "Barcode", "商品条码（数字，加引号）",
          "the barcode: 8, 12, 13 or 14 digits, in quotes", '""'),
    Field("weight", "text", "净含量", "Net weight", "净含量", "net weight, e.g. 500克", '""'),
    Field("shelf_life", "text", "保质期", "Shelf life", "保质期", "shelf life, e.g. 18个月", '""'),
    Field("storage", "text", "储存方式", "Storage", "储存方式", "how to store it", '""'),
    # GB/T 38574-2020 (traceability of agricultural products): with producer and shelf_life above
    Field("batch", "text", "批次", "Batch", "生产批次号（追溯用）", "the production batch (for traceability)", '""'),
    Field("production_date", "date", "生产日期", "Production date", "生产日期，写成 YYYY-MM-DD",
          "YYYY-MM-DD, when this batch was made", "{today}"),
)

SCHEMAS = {"brand": BRAND, "product": PRODUCT}


def names(schema: tuple[Field, ...]) -> frozenset[str]:
    return frozenset(f.name for f in schema)


def template(schema: tuple[Field, ...], written: frozenset[str] = frozenset()) -> str:
    """The front matter `sitegen new` writes, every field with its help: required ones and those in
    `written` as they are, the others commented out (an editor removes the '# ')."""
    lines = ["---"]
    for f in schema:
        on = f.required or f.name in written
        mark = "" if on else "# "
        head, _, block = f.example.partition("\n")
        first = f"{mark}{f.name}: {head}".rstrip()
        note = re.sub(r"^[^，；]*", r"\g<0>（必填）", f.help_zh, count=1) if f.required else f.help_zh
        lines.append(f"{first:<{max(30, len(first) + 2)}}# {note}")  # a comment needs a space before its '#'

        lines += [f"{mark}{line}" for line in block.split("\n") if line] if block else []
    lines.append("---")
    return "\n".join(lines) + "\n"


def reference() -> str:
    """docs/fields.md: the field reference, made from the table."""
    out = ["# Fields of brand and product files", "",
           "Written by `python -m sitegen.content.schema > docs/fields.md` from `sitegen/content/schema.py`, the "
           "one table of fields (a test checks that this file is current). `{…}` in an example is filled in by "
           "`sitegen new` from the catalog's settings.", ""]
    for kind, schema in (("brands/<brand-id>/index.md", BRAND), ("products/<brand-id>/<product-id>/index.md",
                                                                  PRODUCT)):
        out += [f"## `{kind}`", "", "| field | required | 中文 | English | what to write | 填写说明 | example |",
                "|---|---|---|---|---|---|---|"]
        for f in schema:
            example = f.example.strip().replace("\n", " ").replace("{{", "{").replace("}}", "}").replace("|", "\\|")
            out.append(f"| `{f.name}` | {'yes' if f.required else ''} | {f.zh} | {f.en} | {f.help_en} | "
                       f"{f.help_zh.replace('{{', '{').replace('}}', '}')} | `{example}` |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(reference())

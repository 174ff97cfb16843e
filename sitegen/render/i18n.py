"""The theme's own words in each language the catalog is built in.

Templates write `t.key`, or `_('key', n=…)` for words with a value in them; a language
without a string falls back to Chinese, the catalog's first language.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "home": "首页", "brands": "品牌", "categories": "分类", "products": "产品",
        "all_brands": "全部品牌", "all_categories": "全部分类", "new_products": "新品上架",
        "in_season": "当季好物", "price": "价格", "origin": "产地", "producer": "生产者",
        "season": "上市季节", "certifications": "认证", "certificate_no": "证书编号",
        "verify": "查验", "traceability": "扫码溯源", "trace_link": "查看溯源信息",
        "buy": "购买渠道", "variants": "规格", "unavailable": "暂时缺货", "draft": "草稿", "details": "产品信息",
        "weight": "净含量", "shelf_life": "保质期", "storage": "储存方式", "gtin": "商品条码",
        "month": "{m}月", "brand_story": "品牌故事", "brand_products": "品牌产品", "contact": "联系方式",
        "phone": "电话", "email": "邮箱", "address": "地址", "website": "网站", "established": "创立",
        "related": "同品牌产品", "page_n": "第 {n} 页", "prev": "上一页", "next": "下一页",
        "not_found": "页面不存在", "not_found_text": "您访问的页面不存在或已下架。",
        "back_home": "返回首页", "products_count": "{n} 款产品", "from_brand": "品牌：",
        "skip": "跳到正文", "tags": "标签", "menu": "导航", "pagination": "分页",
    },
    "en": {
        "home": "Home", "brands": "Brands", "categories": "Categories", "products": "Products",
        "all_brands": "All brands", "all_categories": "All categories", "new_products": "New arrivals",
        "in_season": "In season now", "price": "Price", "origin": "Origin", "producer": "Producer",
        "season": "Harvest season", "certifications": "Certifications", "certificate_no": "Certificate No.",
        "verify": "Verify", "traceability": "Traceability", "trace_link": "View traceability record",
        "buy": "Where to buy", "variants": "Options", "unavailable": "Out of stock", "draft": "Draft",
        "details": "Details",
        "weight": "Net weight", "shelf_life": "Shelf life", "storage": "Storage", "gtin": "Barcode",
        "month": "M{m}", "brand_story": "Our story", "brand_products": "Products", "contact": "Contact",
        "phone": "Phone", "email": "Email", "address": "Address", "website": "Website",
        "established": "Established", "related": "More from this brand", "page_n": "Page {n}",
        "prev": "Previous", "next": "Next", "not_found": "Page not found",
        "not_found_text": "This page does not exist or the product was withdrawn.", "back_home": "Back to home",
        "products_count": "{n} products", "from_brand": "Brand: ", "skip": "Skip to content", "tags": "Tags",
        "menu": "Menu", "pagination": "Pages",
    },
}


def texts(language: str) -> SimpleNamespace:
    """The theme's words as attributes (`{{ t.price }}`): an attribute costs templates less than a call."""
    table = {**STRINGS["zh"], **STRINGS.get(language.split("-")[0].lower(), {})}
    return SimpleNamespace(**table)


def translator(language: str) -> Callable[..., str]:
    """A `_` for templates: `_('month', m=9)` → '9月'. A key it does not know comes back as it is, never filled
    in: str.format reads the attributes a text names ('{x.__init__.__globals__}'), outside the sandbox, so only
    sitegen's own words (plain '{n}' fields) are format strings."""
    table = STRINGS.get(language.split("-")[0].lower(), STRINGS["zh"])
    fallback = STRINGS["zh"]

    def _(key: str, **params: object) -> str:
        text = table.get(key) or fallback.get(key)
        if text is None:
            return str(key)
        return text.format(**params) if params else text

    return _

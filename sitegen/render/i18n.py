"""The theme's own words in each language the catalog is built in.

Templates write `t.key`, or `_('key', n=…)` for words with a value in them; a language
without a string falls back to Chinese, the catalog's first language.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from sitegen.content.schema import BRAND, PRODUCT

# the labels of brand and product fields come from the one table of fields; these are the theme's other words
STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "home": "首页", "brands": "品牌", "categories": "分类", "products": "产品", "all_brands": "全部品牌",
        "all_categories": "全部分类", "new_products": "新品上架", "in_season": "当季好物",
        "certificate_no": "证书编号", "verify": "查验", "traceability": "扫码溯源", "trace_link": "查看溯源信息",
        "buy": "购买渠道", "unavailable": "暂时缺货", "draft": "草稿", "details": "产品信息", "month": "{m}月",
        "brand_story": "品牌故事", "brand_products": "品牌产品", "phone": "电话", "email": "邮箱",
        "address": "地址", "related": "同品牌产品", "page_n": "第 {n} 页", "prev": "上一页", "next": "下一页",
        "not_found": "页面不存在", "not_found_text": "您访问的页面不存在或已下架。", "back_home": "返回首页",
        "products_count": "{n} 款产品", "from_brand": "品牌：", "skip": "跳到正文", "menu": "导航",
        "pagination": "分页", "breadcrumbs": "当前位置", "service": "客服：",
        "all_of_brand": "{name}的全部产品 →", "photo_n": "第 {n} 张照片",
        "qr_code": "本产品的二维码", "qr_download": "下载二维码（打印用）",
        "seasons": "时令", "certifications": "认证", "provinces": "产地", "season_description": "{name}上市的产品",
        "certification_description": "获得{name}认证的产品", "province_description": "产自{name}的产品",
        "browse": "逛一逛", "all": "全部", "filters": "筛选与排序", "in_season_now": "当季",
        "in_stock": "有货", "price_from": "最低价（元）", "price_to": "最高价（元）", "sort": "排序",
        "sort_default": "默认", "sort_price_up": "价格从低到高", "sort_price_down": "价格从高到低",
        "sort_newest": "最新上架", "results": "共 {n} 款", "no_results": "没有符合条件的产品",
        "show_more": "显示更多", "reset": "清除筛选", "see_all": "查看全部 →", "nothing_listed": "暂无产品",
        "sep": "、", "search": "搜索", "search_hint": "输入产品名、品牌、产地或生产者，例如 龙井", "search_go": "搜索",
        "search_needs_js": "搜索需要浏览器打开 JavaScript；也可以按分类、时令或产地浏览。",
        "search_none": "没有找到“{q}”相关的产品", "search_count": "找到 {n} 款产品",
    },
    "en": {
        "home": "Home", "brands": "Brands", "categories": "Categories", "products": "Products",
        "all_brands": "All brands", "all_categories": "All categories", "new_products": "New arrivals",
        "in_season": "In season now", "certificate_no": "Certificate No.", "verify": "Verify",
        "traceability": "Traceability", "trace_link": "View traceability record", "buy": "Where to buy",
        "unavailable": "Out of stock", "draft": "Draft", "details": "Details", "month": "M{m}",
        "brand_story": "Our story", "brand_products": "Products", "phone": "Phone", "email": "Email",
        "address": "Address", "related": "More from this brand", "page_n": "Page {n}", "prev": "Previous",
        "next": "Next", "not_found": "Page not found",
        "not_found_text": "This page does not exist or the product was withdrawn.", "back_home": "Back to home",
        "products_count": "{n} products", "from_brand": "Brand: ", "skip": "Skip to content", "menu": "Menu",
        "pagination": "Pages", "breadcrumbs": "Breadcrumb", "service": "Customer service:",
        "all_of_brand": "All products of {name} →", "photo_n": "Photo {n}",
        "qr_code": "QR code of this product", "qr_download": "Download QR code (for printing)",
        "seasons": "Seasons", "certifications": "Certifications", "provinces": "Regions",
        "season_description": "Products harvested in {name}", "certification_description": "{name} certified products",
        "province_description": "Products from {name}", "browse": "Browse", "all": "All",
        "filters": "Filter and sort", "in_season_now": "In season now", "in_stock": "In stock",
        "price_from": "Min price (¥)", "price_to": "Max price (¥)", "sort": "Sort by", "sort_default": "Default",
        "sort_price_up": "Price: low to high", "sort_price_down": "Price: high to low", "sort_newest": "Newest",
        "results": "{n} products", "no_results": "No products match", "show_more": "Show more",
        "reset": "Clear filters", "see_all": "See all →", "nothing_listed": "No products yet", "sep": ", ",
        "search": "Search", "search_hint": "A product, brand, place or producer, e.g. honey", "search_go": "Search",
        "search_needs_js": "Search needs JavaScript; you can also browse by category, season or region.",
        "search_none": "Nothing found for “{q}”", "search_count": "{n} products found",
    },
}


# months by name where a language has names for them: `_('month', m=9)` is 'September'
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
STRINGS["en"].update({f"month_{m}": name for m, name in enumerate(_MONTHS_EN, 1)})

for _field in (*BRAND, *PRODUCT):
    STRINGS["zh"].setdefault(_field.name, _field.zh)
    STRINGS["en"].setdefault(_field.name, _field.en)


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
        if key == "month" and f"month_{params.get('m')}" in table:
            return table[f"month_{params['m']}"]
        text = table.get(key) or fallback.get(key)
        if text is None:
            return str(key)
        return text.format(**params) if params else text

    return _

"""China's province-level divisions: the URL and English name of a brand's `province` as editors write it.

Editors write '浙江省', '浙江' or '广西壮族自治区'; all name one listing page, `/provinces/zhejiang/`. The
table gives the spellings shoppers know (Inner Mongolia, not Neimenggu); a place not in it (a typo, or a
province of another country) still gets a page, under its pinyin.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.slug import slugify

# short name → (URL id, English name); the short name is what is left of the official one without its suffix
_TABLE = {
    "北京": ("beijing", "Beijing"), "天津": ("tianjin", "Tianjin"), "河北": ("hebei", "Hebei"),
    "山西": ("shanxi", "Shanxi"), "内蒙古": ("inner-mongolia", "Inner Mongolia"), "辽宁": ("liaoning", "Liaoning"),
    "吉林": ("jilin", "Jilin"), "黑龙江": ("heilongjiang", "Heilongjiang"), "上海": ("shanghai", "Shanghai"),
    "江苏": ("jiangsu", "Jiangsu"), "浙江": ("zhejiang", "Zhejiang"), "安徽": ("anhui", "Anhui"),
    "福建": ("fujian", "Fujian"), "江西": ("jiangxi", "Jiangxi"), "山东": ("shandong", "Shandong"),
    "河南": ("henan", "Henan"), "湖北": ("hubei", "Hubei"), "湖南": ("hunan", "Hunan"),
    "广东": ("guangdong", "Guangdong"), "广西": ("guangxi", "Guangxi"), "海南": ("hainan", "Hainan"),
    "重庆": ("chongqing", "Chongqing"), "四川": ("sichuan", "Sichuan"), "贵州": ("guizhou", "Guizhou"),
    "云南": ("yunnan", "Yunnan"), "西藏": ("tibet", "Tibet"), "陕西": ("shaanxi", "Shaanxi"),
    "甘肃": ("gansu", "Gansu"), "青海": ("qinghai", "Qinghai"), "宁夏": ("ningxia", "Ningxia"),
    "新疆": ("xinjiang", "Xinjiang"), "台湾": ("taiwan", "Taiwan"), "香港": ("hong-kong", "Hong Kong"),
    "澳门": ("macao", "Macao"),
}
_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


@dataclass(frozen=True, slots=True)
class Province:
    id: str  # in the URL: 'zhejiang'
    zh: str  # as shown: '浙江'
    en: str

    def name(self, language: str) -> str:
        return self.en if language.startswith("en") else self.zh


def province(written: str) -> Province | None:
    """The province a brand's `province` names; None for an empty one."""
    text = written.strip()
    if not text:
        return None
    short = text
    for suffix in _SUFFIXES:
        if short.endswith(suffix) and short[: -len(suffix)] in _TABLE:
            short = short[: -len(suffix)]
            break
    known = _TABLE.get(short)
    if known is not None:
        return Province(known[0], short, known[1])
    slug = slugify(text, fallback="")
    return Province(slug, text, slug.replace("-", " ").title()) if slug else None

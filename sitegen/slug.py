"""Ids from Chinese titles: '遂昌菊米' → 'suichang-jumi'.

Editors name things in Chinese; URLs and folder names must be lowercase ASCII. Pinyin
keeps them readable to the same editors.
"""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, fallback: str = "item") -> str:
    from pypinyin import lazy_pinyin  # imported here: a 10 MB dictionary only `new` and errors need

    words: list[str] = []
    text = unicodedata.normalize("NFKC", text)  # full-width 'Ａ级' as A级
    for part in re.findall(r"[\u3400-\u9fff]+|[A-Za-z0-9]+", text):
        if re.match(r"[\u3400-\u9fff]", part):
            words.append(_join_syllables(lazy_pinyin(part)))
        else:
            words.append(part.lower())
    slug = "-".join(w for w in words if w)
    slug = unicodedata.normalize("NFKD", slug).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")
    return slug or fallback


def _join_syllables(syllables: list[str]) -> str:
    """Two-syllable groups read best: 遂昌菊米 → suichang-jumi."""
    pairs = ["".join(syllables[i : i + 2]) for i in range(0, len(syllables), 2)]
    return "-".join(pairs)

"""The one template helper that writes a complete responsive <picture> element."""

from __future__ import annotations

from itertools import groupby

from markupsafe import Markup, escape

from sitegen.images.model import ProcessedImage

_MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif"}
_ORDER = {"avif": 0, "webp": 1, "jpeg": 2, "png": 2, "gif": 3}


def picture(image: ProcessedImage | None, alt: str, sizes: str = "100vw", cover: bool = False,
            css_class: str = "") -> Markup:
    """`cover` marks the page's main image: loaded eagerly with high priority (it is the LCP)."""
    if image is None:
        return Markup("")
    fb = image.fallback
    parts = ["<picture>"]
    modern = sorted((v for v in image.sources if v.format != fb.format), key=lambda v: _ORDER.get(v.format, 9))
    for fmt, group in groupby(modern, key=lambda v: v.format):
        srcset = ", ".join(f"{escape(v.url)} {v.width}w" for v in sorted(group, key=lambda v: v.width))
        parts.append(f'<source type="{_MIME.get(fmt, "image/" + fmt)}" srcset="{srcset}" sizes="{escape(sizes)}">')
    loading = 'fetchpriority="high" decoding="async"' if cover else 'loading="lazy" decoding="async"'
    style = f' style="background:{escape(image.placeholder)}"' if image.placeholder else ""
    cls = f' class="{escape(css_class)}"' if css_class else ""
    parts.append(
        f'<img src="{escape(fb.url)}" width="{image.width}" height="{image.height}" alt="{escape(alt)}"'
        f"{cls}{style} {loading}></picture>"
    )
    return Markup("".join(parts))

"""The one template helper that writes a complete responsive <picture> element.

Browsers pick the first <source> whose type they decode (AVIF, then WebP) and, within it,
the smallest width that fills `sizes` at the screen's density; old browsers take the JPEG
(or PNG) <img>. width/height give the box its shape before any byte arrives (no layout
shift) and the placeholder fills it meanwhile.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from sitegen.images.model import ProcessedImage, Variant

_MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif"}
_ORDER = {"avif": 0, "webp": 1, "jpeg": 2, "png": 2, "gif": 3}  # most compact first


def picture(image: ProcessedImage | None, alt: str, sizes: str = "100vw", cover: bool = False,
            css_class: str = "", eager: bool = False, ident: str = "") -> Markup:
    """`cover` marks the page's main image: loaded eagerly with high priority (it is the LCP).
    `eager` is for other images in the first screen (the first cards of a grid): not lazy, normal priority.
    `ident`: the element's id, for a link to it (a gallery's thumbnails)."""
    if image is None:
        return Markup("")
    fb = image.fallback
    by_format: dict[str, list[Variant]] = {}
    for v in image.sources:
        by_format.setdefault(v.format, []).append(v)
    parts = [f'<picture id="{escape(ident)}">' if ident else "<picture>"]
    for fmt in sorted(by_format, key=lambda f: _ORDER.get(f, 9)):
        if fmt != fb.format:
            parts.append(f'<source type="{_MIME.get(fmt, "image/" + fmt)}" srcset="{_srcset(by_format[fmt])}" '
                         f'sizes="{escape(sizes)}">')
    attrs = [f'src="{escape(fb.url)}"']
    same = by_format.get(fb.format, [])
    if len(same) > 1:  # the fallback format is also the responsive one (e.g. formats = ["webp"])
        attrs.append(f'srcset="{_srcset(same)}" sizes="{escape(sizes)}"')
    attrs += [f'width="{image.width}"', f'height="{image.height}"', f'alt="{escape(alt)}"']
    if css_class:
        attrs.append(f'class="{escape(css_class)}"')
    if image.placeholder:
        attrs.append(f'style="background:{escape(image.placeholder)}"')
    if cover:
        attrs.append('fetchpriority="high"')
    else:
        attrs.append('decoding="async"' if eager else 'loading="lazy" decoding="async"')
    parts.append(f"<img {' '.join(attrs)}></picture>")
    return Markup("".join(parts))


def largest(image: ProcessedImage | None) -> str:
    """The URL of the widest variant in the fallback's format: what a tap on a photo opens, to zoom into it."""
    return _fallbacks(image)[-1].url if image is not None else ""


def smallest(image: ProcessedImage | None) -> Variant | None:
    """The narrowest variant in the fallback's format: a thumbnail's one file (a srcset would let the browser
    take the big photo it already has, a few hundred kilobytes for a 4 rem square)."""
    return _fallbacks(image)[0] if image is not None else None


def _fallbacks(image: ProcessedImage) -> list[Variant]:
    same = [v for v in image.sources if v.format == image.fallback.format] or [image.fallback]
    return sorted(same, key=lambda v: v.width)


def _srcset(variants: list[Variant]) -> str:
    return ", ".join(f"{escape(v.url)} {v.width}w" for v in sorted(variants, key=lambda v: v.width))

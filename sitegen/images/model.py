"""Plain data passed between the build and the image stage.

The build asks for images (ImageRequest) and gets back ProcessedImage records that say
which files to place in output/ and what the templates need to write a <picture>.
Neither side knows how the other works.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ImageRequest:
    source: Path  # absolute path of the editor's photo
    rel: str  # path relative to the site root, for messages: 'products/b/p/photo.jpg'
    role: str = "product"  # 'product' | 'logo' | 'banner'


@dataclass(frozen=True, slots=True)
class Variant:
    url: str  # site path, e.g. '/img/ab12cd34ef-960.webp'
    width: int
    height: int
    format: str  # 'avif' | 'webp' | 'jpeg' | 'png' | 'gif' | …


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    rel: str
    width: int  # intrinsic size of the fallback, for width/height attributes
    height: int
    fallback: Variant  # what <img src> points at
    sources: tuple[Variant, ...] = ()  # every responsive variant, all formats
    og: Variant | None = None  # 1200×630 crop for og:image
    placeholder: str = ""  # CSS background shown while loading (colour or data: URI)
    # (output-relative path, file to copy or link there); not in the repr a template could print: the
    # cache's absolute path says where the build machine keeps things
    files: tuple[tuple[str, Path], ...] = field(default=(), repr=False)
    colour: str = ""  # mean colour '#rrggbb', e.g. for a theme-color or a card background

"""Copy-through image stage: each listed photo is published as it is, beside its page.

Stands in until the real pipeline (variants, cache, EXIF stripping) exists; it reads only
image headers, so it stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PIL import Image

from sitegen.errors import Problem
from sitegen.images.model import ImageRequest, ProcessedImage, Variant
from sitegen.images.settings import ImageSettings

_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def process_images(
    requests: Iterable[ImageRequest], settings: ImageSettings, cache_dir: Path, jobs: int = 0
) -> tuple[dict[str, ProcessedImage], list[Problem]]:
    done: dict[str, ProcessedImage] = {}
    problems: list[Problem] = []
    for request in requests:
        if request.rel in done:
            continue
        try:
            with Image.open(request.source) as im:
                width, height = im.size
                fmt = _FORMATS.get(im.format or "", (im.format or "").lower())
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            problems.append(Problem("bad-image", request.rel, None, {"value": request.source.name,
                                                                     "problem": str(exc)}))
            continue
        variant = Variant("/" + request.rel, width, height, fmt)
        done[request.rel] = ProcessedImage(
            rel=request.rel, width=width, height=height, fallback=variant,
            sources=(variant,), og=variant, files=((request.rel, request.source),),
        )
    return done, problems

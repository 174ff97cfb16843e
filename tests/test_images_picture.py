"""picture(): the <picture> element a shopper's browser gets, parsed back and checked."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from sitegen.images.model import ProcessedImage, Variant
from sitegen.images.settings import ImageSettings
from sitegen.render.picture import picture
from tests.test_images_support import card, open_output, run, save


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _srcset(value: str | None) -> list[tuple[str, int]]:
    assert value
    return [(url, int(w.rstrip("w"))) for url, w in (entry.split() for entry in value.split(", "))]


def _image(tmp_path: Path, settings: ImageSettings | None = None) -> ProcessedImage:
    src = save(card((2400, 1800)), tmp_path / "p.jpg", "JPEG")
    return run([src], tmp_path, settings)[0]["p.jpg"]


def test_sources_srcset_and_fallback_point_at_real_files(tmp_path: Path) -> None:
    image = _image(tmp_path, ImageSettings(formats=("avif", "webp", "jpeg")))
    tags = _parse(picture(image, "一杯<茶>", sizes="(min-width: 60em) 36em, 100vw", css_class="photo"))
    assert [t for t, _ in tags] == ["picture", "source", "source", "img"]
    for (_, attrs), mime in zip(tags[1:3], ("image/avif", "image/webp"), strict=True):
        assert attrs["type"] == mime and attrs["sizes"] == "(min-width: 60em) 36em, 100vw"
        entries = _srcset(attrs["srcset"])
        assert [w for _, w in entries] == [480, 960, 1600]
        for url, width in entries:
            assert open_output(image, url).width == width
    img = tags[3][1]
    assert open_output(image, str(img["src"])).size == (int(str(img["width"])), int(str(img["height"])))
    assert (img["width"], img["height"], img["alt"], img["class"]) == ("960", "720", "一杯<茶>", "photo")
    assert (img["loading"], img["decoding"], "fetchpriority" in img) == ("lazy", "async", False)
    assert str(img["style"]).startswith("background:#")


def test_cover_is_fetched_first_not_lazily(tmp_path: Path) -> None:
    img = _parse(picture(_image(tmp_path), "封面", cover=True))[-1][1]
    assert img["fetchpriority"] == "high" and "loading" not in img and "decoding" not in img


def test_webp_only_keeps_srcset_on_the_img(tmp_path: Path) -> None:
    tags = _parse(picture(_image(tmp_path, ImageSettings(formats=("webp",))), "x"))
    assert [t for t, _ in tags] == ["picture", "img"]
    assert [w for _, w in _srcset(tags[1][1]["srcset"])] == [480, 960, 1600]


def test_alt_and_urls_are_escaped_and_none_is_empty() -> None:
    v = Variant('/img/a"b-1.jpg', 10, 10, "jpeg")
    html = picture(ProcessedImage("r", 10, 10, v, (v,)), 'say "hi" & <b>')
    assert 'alt="say &#34;hi&#34; &amp; &lt;b&gt;"' in html and '/img/a&#34;b-1.jpg' in html
    assert picture(None, "x") == ""

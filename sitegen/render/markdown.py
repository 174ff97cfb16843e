"""Markdown from many hands → HTML that is safe to put on a page.

Python-Markdown renders raw HTML and attribute lists as written, so its output is run
through nh3 (an allow-list sanitizer): no <script>, no on* attributes, no javascript:
URLs survive, whatever an editor pasted. An <img> in the text keeps its src only when it
names one of the page's own listed photos (then it shows the published copy); any other is
left out of the page: a picture from another host would be a request to that host from every
shopper's phone, and one without a source a broken-image icon.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from importlib import metadata

import markdown
import nh3

from sitegen.fsutil import digest

# attr_list and def_list cost 8% of Markdown time on every page for syntax county editors do not use.
_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "mark",
}
# No id or class: an editor's id could duplicate the theme's own (id="main"), and a class would borrow the
# theme's styles (class="site-header") to make text pass for part of the page.
_ATTRIBUTES = {
    "*": {"title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style", "scope"},
    "ol": {"start"},
}
_SCHEMES = {"http", "https", "mailto", "tel"}

_TAG = re.compile(r"<[^>]*>")

# Inline processing runs every pattern over every text node, and that is most of Python-Markdown's
# time. A pattern can only match where its literal trigger occurs, so for each document we use an
# instance without the patterns whose triggers appear nowhere in it: the same HTML, much sooner.
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",), "escape": ("\\",), "reference": ("[",), "link": ("[",), "image_link": ("[",),
    "image_reference": ("[",), "short_reference": ("[",), "short_image_ref": ("[",), "autolink": ("<",),
    "automail": ("<",), "linebreak": (" \n", "\t"), "html": ("<",), "entity": ("&",), "em_strong": ("*", "_"),
    "em_strong2": ("_",), "not_strong": ("*", "_"),
}
_instances: dict[frozenset[str], markdown.Markdown] = {}


def _markdown_for(text: str) -> markdown.Markdown:
    unused = frozenset(name for name, triggers in _TRIGGERS.items() if not any(t in text for t in triggers))
    md = _instances.get(unused)
    if md is None:
        md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
        md.treeprocessors.deregister("prettify")  # only adds newlines between blocks: 10% of the time
        for name in unused:
            if name in md.inlinePatterns:
                md.inlinePatterns.deregister(name)
        _instances[unused] = md
    return md


def render_markdown(text: str, photos: Mapping[str, str] | None = None) -> str:
    """Render and sanitize. `#` headings become h2 so that the page's own h1 stays the only one.
    `photos`: file name as listed in the front matter → its published URL."""
    md = _markdown_for(text)
    md.reset()
    rendered = md.convert(text).replace("<h1", "<h2").replace("</h1>", "</h2>")
    return _clean(rendered, _image_sources(photos or {}))


def resanitized(cached: str, photos: Mapping[str, str] | None = None) -> str | None:
    """HTML from the body cache, if it is what `render_markdown` makes: the cache folder is untrusted, so a
    cached body is cleaned again, and used only if cleaning leaves it exactly as it is (sanitized output is
    a fixed point of the sanitizer; anything else was not written by it)."""
    urls = set((photos or {}).values())
    return cached if _clean(cached, lambda e, a, v: v if not (e == "img" and a == "src") or v in urls else None) \
        == cached else None


def body_key(text: str, photos: Mapping[str, str] | None = None) -> str:
    """What a rendered body depends on: the text, the photos it may show, and the libraries that make it."""
    return digest((text, sorted((photos or {}).items()), _VERSIONS))


# an <img> as nh3 writes it: every attribute value in double quotes, and a '"' in a value written &quot;
_IMG = re.compile(r'<img((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*/?>')
_SRC = re.compile(r'(?:^|\s)src="')
_ANY_IMG = re.compile(r"<img", re.IGNORECASE)


def _clean(rendered: str, sources: Callable[[str, str, str], str | None]) -> str:
    cleaned = _sanitize(rendered, sources)
    if "<img" not in cleaned:
        return cleaned
    # a picture whose src was dropped (another site's, or not a listed photo) is left out of the page, not
    # shown as a broken-image icon; `sitegen check` warns about it with its line
    return _IMG.sub(lambda m: m.group(0) if _SRC.search(m.group(1)) else "", cleaned)


def _sanitize(rendered: str, sources: Callable[[str, str, str], str | None]) -> str:
    filtered = _ANY_IMG.search(rendered) is not None
    cleaned = _nh3(rendered, sources if filtered else None)
    # the HTML parser makes an <img> of more than '<img' (<image …>, say): what it made is what counts
    return cleaned if filtered or "<img" not in cleaned else _nh3(rendered, sources)


def _nh3(rendered: str, sources: Callable[[str, str, str], str | None] | None) -> str:
    return nh3.clean(
        rendered,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=sources,
        url_schemes=_SCHEMES,
        link_rel="noopener nofollow",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def _image_sources(photos: Mapping[str, str]) -> Callable[[str, str, str], str | None]:
    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            return photos.get(value.strip().removeprefix("./"))  # None drops it, and `_clean` the <img>
        return value

    return keep


_VERSIONS = (metadata.version("markdown"), metadata.version("nh3"), tuple(_EXTENSIONS), sorted(_TAGS),
             sorted((k, sorted(v)) for k, v in _ATTRIBUTES.items()), sorted(_SCHEMES))


def plain_text(safe_html: str, limit: int = 160) -> str:
    """A short plain-text description for <meta name=description> from already sanitized HTML."""
    text = html.unescape(_TAG.sub(" ", safe_html))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

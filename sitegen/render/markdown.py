"""Markdown from many hands → HTML that is safe to put on a page.

Python-Markdown renders raw HTML and attribute lists as written, so its output is run
through nh3 (an allow-list sanitizer): no <script>, no on* attributes, no javascript:
URLs survive, whatever an editor pasted.
"""

from __future__ import annotations

import markdown
import nh3

_EXTENSIONS = ["tables", "fenced_code", "attr_list", "sane_lists", "def_list"]
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "mark",
}
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style", "scope"},
    "ol": {"start"},
}
_SCHEMES = {"http", "https", "mailto", "tel"}

_md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")


def render_markdown(text: str) -> str:
    """Render and sanitize. `#` headings become h2 so that the page's own h1 stays the only one."""
    _md.reset()
    html = _md.convert(text)
    html = html.replace("<h1", "<h2").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener nofollow",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def plain_text(html_or_md: str, limit: int = 160) -> str:
    """A short plain-text description for <meta name=description> from rendered HTML."""
    text = nh3.clean(html_or_md, tags=set())
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

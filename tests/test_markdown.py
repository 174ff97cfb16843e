"""Markdown rendering: sanitized, and the per-document pattern trimming never changes the HTML."""

from __future__ import annotations

import markdown
import pytest

from sitegen.render.markdown import _EXTENSIONS, _markdown_for, plain_text, render_markdown

DOCS = [
    "plain 中文 text",
    "a  \nhard break", "tab\t\nbreak", "**bold** and *em* and ***both***", "snake_case and __strong__ _em_",
    "`code` and ``double``", "\\*escaped\\*", "[link](https://x.cn) and [ref][1]\n\n[1]: https://y.cn",
    "![img](a.png) ![ref][i]\n\n[i]: b.png", "<https://auto.link> <me@mail.cn>", "<b>raw</b> &amp; &copy; & alone",
    "* a\n* b\n\n1. c\n2. d", "```\ncode <x> & *y*\n```", "| a | b |\n|---|--:|\n| *x* | [y](z) |",
    "# h1\n\n## h2", "2 * 3 * 4 and a_b_c", "line one\nline two", "> quote with **bold**",
]


@pytest.mark.parametrize("doc", DOCS)
def test_trimmed_instance_renders_exactly_like_the_full_one(doc: str) -> None:
    full = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    full.treeprocessors.deregister("prettify")
    trimmed = _markdown_for(doc)
    trimmed.reset()
    assert trimmed.convert(doc) == full.convert(doc)


@pytest.mark.parametrize(("doc", "forbidden"), [
    ("<script>alert(1)</script>", "<script"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ("[x](javascript:alert(1))", "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "avascript"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<p style="background:url(x)">x</p>', "background"),
    ("<style>body{display:none}</style>", "<style"),
    ('<form action="https://evil.example"><input></form>', "<form"),
    ("[x](vbscript:msgbox(1))", "vbscript"),
    ('<a href="vbscript:msgbox(1)">x</a>', "vbscript"),
    ("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "data:"),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
    ("[x](java&#115;cript:alert(1))", "href"),
    ('<a href="java&#115;cript:alert(1)">x</a>', "href"),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', "href"),
    ("[x]( javascript:alert(1))", "href"),
    ("![x](javascript:alert(1))", "src"),
    ('<svg onload="alert(1)"><circle r="9"/></svg>', "<svg"),
    ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "javascript"),
    ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', "javascript"),
    ("<object data=\"x.swf\"></object><embed src=\"x.swf\">", "swf"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "refresh"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "evil"),
    ('<base href="https://evil.example/">', "evil"),
    ("![x](https://evil.example/pixel.gif)", "evil"),
    ('<img src="//evil.example/pixel.gif" alt="x">', "evil"),
    ('<img src="x.jpg" srcset="https://evil.example/a.jpg 2x">', "evil"),
    ('<video src="https://evil.example/v.mp4" poster="https://evil.example/p.jpg"></video>', "evil"),
    ('| a |\n|---|\n| <span style="background:url(https://evil.example/x)">x</span> |', "evil"),
])
def test_dangerous_markup_is_removed(doc: str, forbidden: str) -> None:
    assert forbidden not in render_markdown(doc).lower()


def test_kept_markup_and_headings_demoted() -> None:
    html = render_markdown("# 标题\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n[ok](https://example.org/)")
    assert "<h2>标题</h2>" in html and "<h1" not in html
    assert '<td style="text-align:right">2</td>' in html
    assert '<a href="https://example.org/" rel="noopener nofollow">ok</a>' in html


def test_plain_text_description() -> None:
    assert plain_text("<h2>介绍</h2>\n<p>好喝 &amp; 便宜</p>") == "介绍 好喝 & 便宜"
    assert plain_text("<p>" + "长" * 300 + "</p>", limit=10) == "长" * 9 + "…"


def test_text_photos_are_the_listed_ones() -> None:
    """A photo named in the text shows its published copy; one that is not listed, or from another site, is
    left out of the page (no broken-image icon), whatever its alt text holds."""
    html = render_markdown("![菊米](photo.jpg) ![旧图](./photo.jpg) ![别的](other.jpg)", {"photo.jpg": "/img/p-1.jpg"})
    assert html == '<p><img alt="菊米" src="/img/p-1.jpg"> <img alt="旧图" src="/img/p-1.jpg"> </p>'


@pytest.mark.parametrize("text", [
    '![别的](other.jpg)', '![茶 "好" > 坏](https://evil.example/x.png)', '<img alt="x>y" src="other.jpg">',
    '<img src="https://evil.example/x.png" alt=\' src="photo.jpg\'>', '![](http://example.com/a.jpg "t > s")',
    '<img alt="a" src="//evil.example/b.png" width="9">', '<IMG SRC="other.jpg">',
    '<IMG SRC="https://evil.example/x.png">', '<iMg sRc="https://evil.example/x.png">',
    '<image src="https://evil.example/x.png">', '<IMAGE SRC="//evil.example/x.png" alt="a">',  # an <img> to HTML
])
def test_a_picture_that_will_not_show_is_left_out_entirely(text: str) -> None:
    html = render_markdown(f"前 {text} 后", {"photo.jpg": "/img/p-1.jpg"})
    assert "<img" not in html and "evil" not in html and html.startswith("<p>前 ") and html.endswith(" 后</p>")

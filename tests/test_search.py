"""The search index (render/search.py), read back the way search.js reads it: a query's results are exactly the
products whose searchable fields hold it, for words of up to four characters; an index patched after edits is
the index made anew; and the files are where the search page looks for them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.config import SiteConfig, Term
from sitegen.content.models import Brand, Product
from sitegen.render.search import SearchIndex, normal, shard, texts
from sitegen.structure import Site
from tests.catalog import Catalog, run_here

CONFIG = SiteConfig(root=Path("/nowhere"), title="t", base_url="https://x.example/",
                    categories={"tea": Term("tea", "茶叶", "Tea")}, certifications={"gi": Term("gi", "地标", "GI")})
BRANDS = (Brand("b", "brands/b/index.md", "丽水山耕", "", "d", name_en="Lishui"),)
ALPHABET = "茶叶龙井菊米红 a"


def _product(n: int, title: str, summary: str = "") -> Product:
    return Product(f"p{n:03d}", "b", f"products/b/p{n:03d}/index.md", title, "tea", (), "", str(n), summary=summary)


def _site(products: list[Product]) -> Site:
    return Site.create(CONFIG, BRANDS, tuple(products), {}, dt.date(2025, 1, 1))


def _query(files: dict[str, bytes], query: str, base: str = "search/") -> list[int]:
    """search.js's `search`, in Python."""
    meta = json.loads(files[base + "index.json"])
    wanted = []
    for word in normal(query).split():
        n = meta["piece"]
        wanted += [word] if len(word) <= n else [word[i : i + n] for i in range(len(word) - n + 1)]
    found: set[int] | None = None
    for piece in wanted:
        entry = json.loads(files[f"{base}g{shard(piece, meta['shards'])}.json"]).get(piece)
        if entry is None:
            return []
        numbers, last = set(), 0
        for gap in entry[0]:
            last += gap
            numbers.add(last)
        found = numbers if found is None else found & numbers
    return sorted(found or ())


def _substring(site: Site, query: str) -> list[int]:
    words = normal(query).split()
    return [n for n, p in enumerate(site.products)
            if all(any(w in normal(t) for t in texts(CONFIG, p, site.brands.get(p.brand_id), "zh-CN")) for w in words)]


titles = st.text(ALPHABET, min_size=1, max_size=8).filter(lambda t: t.strip())


@settings(max_examples=60, deadline=None)
@given(st.lists(titles, min_size=1, max_size=12), st.text(ALPHABET, min_size=1, max_size=4))
def test_a_short_query_finds_exactly_the_products_that_hold_it(names: list[str], query: str) -> None:
    site = _site([_product(n, t) for n, t in enumerate(names)])
    files = SearchIndex("zh-CN").files(site)
    if query.strip():
        assert _query(files, query) == _substring(site, query)


@settings(max_examples=40, deadline=None)
@given(st.lists(titles, min_size=2, max_size=10),
       st.lists(st.tuples(st.integers(0, 9), titles), min_size=1, max_size=4))
def test_an_index_patched_after_edits_is_the_index_made_anew(names: list[str], edits: list[tuple[int, str]]) -> None:
    products = [_product(n, t) for n, t in enumerate(names)]
    kept = SearchIndex("zh-CN")
    kept.files(_site(products))
    for n, title in edits:
        products[n % len(products)] = _product(n % len(products), title, summary=title[::-1])
        site = _site(products)
        assert kept.files(site) == SearchIndex("zh-CN").files(site)


def test_longer_words_the_brand_and_the_certification_are_searched() -> None:
    site = _site([_product(0, "西湖龙井"), _product(1, "龙井虾仁"), _product(2, "红茶", summary="不是西湖的龙井")])
    files = SearchIndex("zh-CN").files(site)
    assert _query(files, "西湖龙井") == [0]
    assert _query(files, "龙井") == [0, 1, 2]
    assert _query(files, "丽水山耕 红茶") == [2]  # every word, anywhere among the fields
    assert _query(files, "茶叶") == [0, 1, 2]  # the category's name
    english = SearchIndex("en").files(site)
    assert _query(english, "LISHUI", "en/search/") == [0, 1, 2]  # the brand's English name, in any case


def test_the_search_page_and_its_index_are_built(catalog: Catalog) -> None:
    result = run_here(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    out = catalog.output
    meta = json.loads((out / "search/index.json").read_text("utf-8"))
    assert meta == {"version": 1, "docs": 2, "shards": 1, "chunk": 50, "piece": 4}
    rows = json.loads((out / "search/d0.json").read_text("utf-8"))
    assert [r[:4] for r in rows] == [["/products/lishui/p1/", "遂昌菊米1", "丽水山耕", "¥68 / 250g"],
                                     ["/products/lishui/p2/", "遂昌菊米2", "丽水山耕", "¥68 / 250g"]]
    assert (out / rows[0][4].lstrip("/")).is_file()
    page = (out / "search/index.html").read_text("utf-8")
    assert '<form class="search" role="search" action="/search/" method="get" data-index="/search/"' in page
    home = (out / "index.html").read_text("utf-8")
    assert '<form class="search" role="search" action="/search/" method="get">' in home

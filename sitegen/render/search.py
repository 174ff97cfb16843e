"""The catalog's search index: static files that the theme's search.js queries in the browser, with no server.

Shoppers type Chinese without spaces, and words cannot be told apart without a dictionary: Pagefind needs the
query cut by Intl.Segmenter and misses what the page's text was cut differently. What a shopper means is a
substring of what a product says of itself ('龙井' finds 西湖龙井 and 龙井虾仁), so the index holds, for every
piece of one to four characters of the searchable fields (`FIELDS`), the products that have it. A query is the
products that have every four-character piece of each of its words (the word itself when shorter): exact up to
four characters, and wrong for longer words only where a product has each piece in another place
(bench/search.py measures recall and precision against a plain substring match; three-character pieces let
'rice' find every 'price' and 'licorice' that also had an 'ice').

The files, beside the catalog's pages (under /en/ for the English catalog):
- `search/index.json`: `{"version", "docs", "shards", "chunk"}`;
- `search/g<k>.json`: `{piece: [product numbers, products whose title has it]}` for the pieces whose hash
  (`shard`, also in search.js) is k; numbers are gaps from the one before (smaller files);
- `search/d<k>.json`: products k·chunk to (k+1)·chunk − 1, each `[url, title, brand, price, thumb, w, h]`.
A first search downloads index.json, a shard per piece and the chunks of the results it shows.

Each product's pieces are made once and kept while its record and brand are the same objects (`SearchIndex`,
like the feeds); a pass after one edit patches the lists of that product's pieces and writes anew only the
files that changed.
"""

from __future__ import annotations

import json
import unicodedata
from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.config import SiteConfig
from sitegen.content.models import Brand, Product
from sitegen.images.model import ProcessedImage
from sitegen.render.listing_index import price_text, thumb
from sitegen.structure import Site, Urls

VERSION = 1
CHUNK = 50  # products a results file holds: 20 results on one screen fetch a few of them
FIELDS = ("title", "brand", "origin", "producer", "summary", "category", "certifications", "tags")


def normal(text: str) -> str:
    """As pieces and queries are compared: full-width letters as ASCII, capitals as small (search.js agrees)."""
    return unicodedata.normalize("NFKC", text).lower()


PIECE = 4  # the longest piece indexed: every Chinese query of up to 4 characters is answered exactly


def pieces(text: str) -> set[str]:
    """Every run of one to PIECE characters of each word of `text` (a query is cut at spaces too)."""
    return {word[i : i + n] for word in text.split() for n in range(1, PIECE + 1) for i in range(len(word) - n + 1)}


def shard(piece: str, shards: int) -> int:
    """FNV-1a over the piece's code points; search.js computes the same."""
    h = 2166136261
    for ch in piece:
        h = ((h ^ ord(ch)) * 16777619) & 0xFFFFFFFF
    return h % shards


def texts(config: SiteConfig, product: Product, brand: Brand | None, lang: str) -> list[str]:
    """The searchable fields of a product as the pages of `lang` show them, in the order of FIELDS."""
    english = lang != config.language and lang.startswith("en")

    def pick(chinese: str, translated: str) -> str:
        return translated if english and translated else chinese

    category = config.categories.get(product.category)
    certs = [config.certifications[c.id].name(lang) for c in product.certifications if c.id in config.certifications]
    return [pick(product.title, product.title_en), pick(brand.name, brand.name_en) if brand else "", product.origin,
            product.producer, pick(product.summary, product.summary_en), category.name(lang) if category else "",
            " ".join(certs), " ".join(product.tags)]


@dataclass(frozen=True, slots=True)
class _Doc:
    record: Product
    brand: Brand | None
    cover: ProcessedImage | None
    all: frozenset[str]  # its pieces
    title: frozenset[str]  # those of its title
    row: str  # its entry in a results file, as JSON


def _doc(config: SiteConfig, urls: Urls, lang: str, product: Product, brand: Brand | None,
         cover: ProcessedImage | None) -> _Doc:
    shown = texts(config, product, brand, lang)
    fields = [normal(t) for t in shown]
    found: set[str] = set()
    for text in fields:
        found |= pieces(text)
    small = thumb(cover)
    row = json.dumps([urls.product(product), shown[0], shown[1], price_text(product.price),
                      small.url if small else "", small.width if small else 0, small.height if small else 0],
                     ensure_ascii=False, separators=(",", ":"))
    return _Doc(product, brand, cover, frozenset(found), frozenset(pieces(fields[0])), row)


def _gaps(numbers: Iterable[int]) -> list[int]:
    out, last = [], 0
    for n in numbers:
        out.append(n - last)
        last = n
    return out


class SearchIndex:
    """The index of one language, kept between a session's passes."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._config: SiteConfig | None = None
        self._keys: tuple[str, ...] = ()
        self._docs: list[_Doc] = []
        self._lists: dict[str, list[int]] = {}  # piece → product numbers
        self._titles: dict[str, list[int]] = {}
        self._shards: dict[int, set[str]] = {}  # shard → its pieces
        self._encoded: dict[str, str] = {}  # piece → its entry in its shard's file, as JSON
        self._files: dict[str, bytes] = {}

    def files(self, site: Site) -> dict[str, bytes]:
        """The index's files, by output path."""
        config = site.config
        urls = Urls.for_language(config.language, self.lang)
        keys = tuple(p.key for p in site.products)
        if config != self._config or keys != self._keys:  # another shape: numbered anew
            self._config, self._keys = config, keys
            self._docs = [self._make(site, urls, p, *_inputs(site, p)) for p in site.products]
            self._lists, self._titles = {}, {}
            for n, doc in enumerate(self._docs):
                for piece in doc.all:
                    self._lists.setdefault(piece, []).append(n)
                for piece in doc.title:
                    self._titles.setdefault(piece, []).append(n)
            return self._write(urls, None, None)
        touched: set[str] = set()
        chunks: set[int] = set()
        for n, product in enumerate(site.products):
            old = self._docs[n]
            brand, cover = _inputs(site, product)
            if old.record is product and old.brand is brand and old.cover is cover:
                continue
            new = self._docs[n] = self._make(site, urls, product, brand, cover)
            chunks.add(n // CHUNK)
            for lists, before, after in ((self._lists, old.all, new.all), (self._titles, old.title, new.title)):
                for piece in before - after:
                    numbers = lists[piece]
                    del numbers[bisect_left(numbers, n)]
                    if not numbers:
                        del lists[piece]
                    touched.add(piece)
                for piece in after - before:
                    insort(lists.setdefault(piece, []), n)
                    touched.add(piece)
        return self._write(urls, touched, chunks)

    def _make(self, site: Site, urls: Urls, product: Product, brand: Brand | None,
              cover: ProcessedImage | None) -> _Doc:
        return _doc(site.config, urls, self.lang, product, brand, cover)

    def _write(self, urls: Urls, touched: set[str] | None, chunks: set[int] | None) -> dict[str, bytes]:
        """The files; with `touched` and `chunks`, only those with such pieces or products are made anew."""
        base = urls.prefix.lstrip("/") + ("/" if urls.prefix else "") + "search/"
        count = len(self._docs)
        shards = _shards(count)
        if touched is None or chunks is None:
            self._files = {f"{base}index.json": json.dumps(
                {"version": VERSION, "docs": count, "shards": shards, "chunk": CHUNK, "piece": PIECE}).encode()}
            self._shards = {k: set() for k in range(shards)}
            for piece in self._lists:
                self._shards[shard(piece, shards)].add(piece)
            dirty, chunks, self._encoded = set(self._shards), set(range(-(-count // CHUNK))), {}
            touched = set(self._lists)
        else:
            dirty = set()
            for piece in touched:
                k = shard(piece, shards)
                dirty.add(k)
                (self._shards[k].add if piece in self._lists else self._shards[k].discard)(piece)
        for piece in touched:  # the other pieces' entries are as they were: a shard's file is a join of them
            if piece in self._lists:
                self._encoded[piece] = json.dumps(piece, ensure_ascii=False) + ":" + json.dumps(
                    [_gaps(self._lists[piece]), _gaps(self._titles.get(piece, ()))], separators=(",", ":"))
            else:
                self._encoded.pop(piece, None)
        for k in chunks:
            rows = ",\n".join(d.row for d in self._docs[k * CHUNK : (k + 1) * CHUNK])
            self._files[f"{base}d{k}.json"] = ("[\n" + rows + "\n]\n").encode()
        encoded = self._encoded
        for k in dirty:
            entries = ",".join(encoded[piece] for piece in sorted(self._shards[k]))
            self._files[f"{base}g{k}.json"] = ("{" + entries + "}").encode()
        return dict(self._files)


def _inputs(site: Site, product: Product) -> tuple[Brand | None, ProcessedImage | None]:
    """What a product's entry is made from besides its record: its brand and its cover photo."""
    cover = site.image(product.folder, product.cover.file) if product.images else None
    return site.brands.get(product.brand_id), cover


def _shards(docs: int) -> int:
    """About 40 products' pieces a shard: a piece's shard is a few kilobytes at any size of catalog."""
    n = 1
    while n * 40 < docs and n < 4096:
        n *= 2
    return n

#!/usr/bin/env python3
"""Search benchmark (issue 12): the catalog's own n-gram index (sitegen/render/search.py) queried by the
theme's catalog.js in Debian's Chromium, on the shared generator's catalogs.

    .venv/bin/python bench/search.py [--products 5000] [--brands 50] [--queries 240] [--work /tmp/sitegen-search]

What happens
  1. The catalog of bench/pages.py (shared make_catalog.py, adapted), with `languages = ["zh-CN", "en"]`.
  2. `sitegen build` cold, timed (wall, peak RSS of the largest process), twice: as it is, and with the search
     index left out (this script's own wrapper replaces SearchIndex.files; sitegen has no such switch): the
     difference is what indexing adds to a cold build.
  3. In this process, the records are read with sitegen's own readers and the index made for each language
     (time and tracemalloc peak), and the queries are drawn from the catalog: 1-4 character pieces of Chinese
     titles, brand names and places (origin) for /search/, words of English titles for /en/search/. The
     expected answer of each is a plain substring match over the same fields (render/search.py FIELDS).
  4. The built site is served on 127.0.0.1; in Chromium, for each query, `sitegenSearch(q)` gives the product
     numbers, mapped to URLs through the index's results files: recall and precision against the expected.
     Time of each query after the first (performance.now around the call, fetching included); the bytes a
     first search downloads (gzip size of each file fetched, as a static host sends JSON), over 20 first
     searches in fresh browser contexts.
Targets: recall >= 98%, precision >= 95%; indexing <= +50% of the cold build and under its peak memory; first
search <= 150 KB; a query after the first <= 100 ms. Results go to bench/results/search-<N>.md and search.jsonl.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import json
import random
import statistics
import sys
import threading
import time
import tracemalloc
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import pages  # noqa: E402  bench/pages.py: the shared catalog, adapted

from sitegen.config import load_config  # noqa: E402
from sitegen.content.records import read_brand, read_product  # noqa: E402
from sitegen.render.search import SearchIndex, normal, texts  # noqa: E402
from sitegen.structure import Site  # noqa: E402

NO_SEARCH = """
import sys, sitegen.render.search as s
s.SearchIndex.files = lambda self, site: {}
from sitegen.__main__ import main
sys.argv = ["sitegen"] + sys.argv[1:]
sys.exit(main())
"""


def build(catalog: Path, out: Path, search: bool) -> dict:
    pages.rm(out, catalog / ".sitegen-cache")
    cmd = [sys.executable, "-c", NO_SEARCH] if not search else [str(REPO / ".venv/bin/sitegen")]
    result = pages.timed([*cmd, "build", "--root", str(catalog), "--output", str(out), "-q"], REPO, 3600)
    if result["rc"] != 0:
        raise SystemExit(f"build failed: {result['stderr'][-2000:]}")
    return result


def records(catalog: Path) -> Site:
    config, problems = load_config(catalog)
    assert config is not None, problems
    brands = []
    for md in sorted(catalog.glob("brands/*/index.md")):
        brand, _ = read_brand(md.parent.name, md.read_bytes(), str(md.relative_to(catalog)))
        if brand:
            brands.append(brand)
    products = []
    for md in sorted(catalog.glob("products/*/*/index.md")):
        product, _ = read_product(md.parent.parent.name, md.parent.name, md.read_bytes(), str(md.relative_to(catalog)))
        if product and not product.draft:
            products.append(product)
    return Site.create(config, tuple(brands), tuple(products), {}, dt.date.today())


def queries(site: Site, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(language, query): Chinese pieces of titles, brand names and places; English words of titles."""
    out: set[tuple[str, str]] = set()
    products = list(site.products)
    brands = [b.name for b in site.brands.values()]
    tries = 0
    while len(out) < count and tries < count * 100:
        tries += 1
        kind = tries % 4
        p = rng.choice(products)
        if kind == 0:  # 1-4 characters of a Chinese title
            title = p.title
            n = rng.randint(1, min(4, len(title)))
            i = rng.randint(0, len(title) - n)
            q = title[i : i + n].strip()
            if q:
                out.add(("zh-CN", q))
        elif kind == 1:
            out.add(("zh-CN", rng.choice(brands)))
        elif kind == 2 and p.origin:
            out.add(("zh-CN", p.origin[: rng.randint(2, min(6, len(p.origin)))]))
        elif kind == 3 and p.title_en:
            words = [w.strip("(),.'") for w in p.title_en.split() if len(w) > 2]
            if words:
                out.add(("en", rng.choice(words)))
    return sorted(out)


def expected(site: Site, lang: str, query: str) -> set[str]:
    words = normal(query).split()
    prefix = "/en" if lang == "en" else ""
    return {f"{prefix}/products/{p.brand_id}/{p.id}/" for p in site.products
            if all(any(w in normal(t) for t in texts(site.config, p, site.brands.get(p.brand_id), lang))
                   for w in words)}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def browse(out: Path, asked: list[tuple[str, str]], site: Site) -> dict:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    urls = {}
    for lang, base in (("zh-CN", out / "search"), ("en", out / "en" / "search")):
        meta = json.loads((base / "index.json").read_text())
        chunks = range(-(-meta["docs"] // meta["chunk"]))
        rows = [r for k in chunks for r in json.loads((base / f"d{k}.json").read_text())]
        urls[lang] = [r[0] for r in rows]
    found_right = found = wanted = 0
    times: list[float] = []
    misses: list[str] = []
    firsts: list[int] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        for lang in ("zh-CN", "en"):
            page = browser.new_page()
            page.goto(origin + ("/en" if lang == "en" else "") + "/search/")
            page.evaluate("sitegenSearch('茶')")  # the first query: index.json and a shard
            for l2, q in asked:
                if l2 != lang:
                    continue
                start = time.perf_counter()
                numbers = page.evaluate("q => sitegenSearch(q)", q)
                times.append((time.perf_counter() - start) * 1000)
                got = {urls[lang][n] for n in numbers}
                want = expected(site, lang, q)
                found_right += len(got & want)
                found += len(got)
                wanted += len(want)
                if got != want:
                    misses.append(f"{lang} {q!r}: {len(got & want)} right, {len(got - want)} wrong, "
                                  f"{len(want - got)} missed")
            page.close()
        for lang, q in asked[:: max(1, len(asked) // 20)][:20]:
            context = browser.new_context()
            page = context.new_page()
            fetched: list[str] = []
            page.on("requestfinished", lambda r, f=fetched: f.append(r.url))
            page.goto(origin + ("/en" if lang == "en" else "") + "/search/")
            fetched.clear()  # the page itself is not the search's
            page.evaluate("q => sitegenSearch(q)", q)
            firsts.append(sum(len(gzip.compress((out / u.split(origin, 1)[1].lstrip("/")).read_bytes()))
                              for u in fetched if u.endswith(".json")))
            context.close()
        browser.close()
    server.shutdown()
    return {"recall": found_right / wanted if wanted else 1.0, "precision": found_right / found if found else 1.0,
            "query_ms_median": statistics.median(times), "query_ms_p95": sorted(times)[int(len(times) * .95)],
            "query_ms_max": max(times), "first_kb_median": statistics.median(firsts) / 1024,
            "first_kb_max": max(firsts) / 1024, "misses": misses[:20], "queries": len(asked)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--brands", type=int, default=50)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sitegen-search"))
    a = parser.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    source = a.work / f"catalog-b{a.brands}-p{a.products}-s{a.seed}"
    pages.make_catalog(source, a)
    catalog = a.work / "sitegen-catalog"
    pages.adapt_catalog(source, catalog, pages.png_bytes())
    toml = catalog / "sitegen.toml"
    toml.write_text(toml.read_text().replace('language = "zh-CN"', 'language = "zh-CN"\nlanguages = ["zh-CN", "en"]',
                                             1), encoding="utf-8")
    out = a.work / "out"
    with_search, without = [], []
    for _ in range(a.runs):  # in turn, so drift hits both
        without.append(build(catalog, out, search=False))
        with_search.append(build(catalog, out, search=True))
    site = records(catalog)
    start = time.perf_counter()
    sizes = 0
    for lang in site.config.all_languages():
        sizes += sum(len(v) for v in SearchIndex(lang).files(site).values())
    index_s = time.perf_counter() - start
    tracemalloc.start()  # again, for its memory: tracemalloc slows it down several times
    for lang in site.config.all_languages():
        SearchIndex(lang).files(site)
    index_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    asked = queries(site, a.queries, random.Random(a.seed))
    seen = browse(out, asked, site)
    cold = statistics.median(r["wall_s"] for r in with_search)
    bare = statistics.median(r["wall_s"] for r in without)
    peak = max(r["maxrss_kb"] for r in with_search) / 1024
    result = {"when": dt.datetime.now().isoformat(timespec="seconds"), "products": a.products,
              "cold_s": cold, "cold_without_search_s": bare, "search_adds": cold / bare - 1,
              "build_peak_mb": peak, "index_s_in_process": index_s, "index_peak_mb": index_peak / 2**20,
              "index_mb_on_disk": sizes / 2**20, **{k: v for k, v in seen.items() if k != "misses"}}
    (BENCH / "results").mkdir(exist_ok=True)
    with open(BENCH / "results" / "search.jsonl", "a") as handle:
        handle.write(json.dumps(result) + "\n")
    lines = [f"# Search, {a.products:,} products ({result['when']}, 2 cores)", "",
             "| measure | value | target |", "|---|---|---|",
             f"| queries (zh-CN and en) | {seen['queries']} | ≥ 200 |",
             f"| recall | {seen['recall']:.2%} | ≥ 98% |", f"| precision | {seen['precision']:.2%} | ≥ 95% |",
             f"| cold build | {cold:.1f} s (without the index {bare:.1f} s): +{result['search_adds']:.0%} | ≤ +50% |",
             f"| index made in-process | {index_s:.2f} s, {index_peak / 2**20:.0f} MB peak (tracemalloc), "
             f"{sizes / 2**20:.1f} MB of files | under the build's peak: {peak:.0f} MB |",
             f"| first search downloads (gzip) | median {result['first_kb_median']:.0f} KB, "
             f"max {result['first_kb_max']:.0f} KB | ≤ 150 KB |",
             f"| a query after the first | median {seen['query_ms_median']:.1f} ms, p95 {seen['query_ms_p95']:.1f} ms, "
             f"max {seen['query_ms_max']:.1f} ms | ≤ 100 ms |", ""]
    if seen["misses"]:
        lines += ["Queries whose results differ from a substring match (first 20):", ""]
        lines += [f"- {m}" for m in seen["misses"]] + [""]
    text = "\n".join(lines)
    (BENCH / "results" / f"search-{a.products}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

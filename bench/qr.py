#!/usr/bin/env python3
"""What the products' QR codes cost: per code, in a cold build, and in the builds that must make none.

    .venv/bin/python bench/qr.py [--products 2000 5000] [--runs 3] [--work /tmp/sitegen-qr-bench]

The catalogs are the shared generator's, adapted as `bench/pages.py` adapts them (its functions, imported),
one per size under WORK. Each build runs in its own process (`sitegen.build.build`, as `sitegen build`
does), with `QrCodes.place` timed from inside, so the figure is the QR step itself and not the noise of
two whole builds on a shared machine; the cold build is also run with the step left out, for the ratio.
Per size, in this order:

    cold          no output/, no cache: every code made (in worker processes, as from 400 codes)
    cold, serial  the same with every code made in the build's own process (`--jobs 1`, or fewer codes)
    cold, no QR   the same with the QR step left out (the build before QR codes)
    no-op         nothing changed (the build stops at "up to date": no code looked at)
    theme         the stylesheet and product.html overridden: every page rendered again, no code made
    edit          a traceability_url added to one product: one code made
    output gone   output/ removed, the cache folder kept: every code read from the cache, none made

And the cost per code, in one process: segno with its mask search and its own SVG writer (what a naive use
costs) against sitegen's fixed mask and writer (`sitegen.qr.code_svg`), over the catalog's page addresses.
Results: a markdown table on stdout and in bench/results/qr.md; one JSON line per run in bench/results/qr.jsonl.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import pages as page_bench  # noqa: E402 - the shared catalog and its adaptation

RUN = """
import json, sys, time
from pathlib import Path
import sitegen.engine.qrcodes as qrcodes
spent = [0.0]
real = qrcodes.QrCodes.place
def place(self, *args):
    start = time.perf_counter()
    if sys.argv[1] != "off":
        real(self, *args)
    spent[0] += time.perf_counter() - start
qrcodes.QrCodes.place = place
if sys.argv[1] == "serial":
    qrcodes.WORKERS_FROM = 10**9
from sitegen.build import BuildOptions, build
start = time.perf_counter()
result = build(BuildOptions(Path(sys.argv[2]), Path(sys.argv[3])))
print(json.dumps({"wall": time.perf_counter() - start, "qr": spent[0], "made": qrcodes.made(), "pages": result.pages,
                  "rendered": result.rendered}))
"""


def run_build(mode: str, catalog: Path, out: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", RUN, mode, str(catalog), str(out)], capture_output=True, text=True,
                          timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(products: int, work: Path) -> Path:
    brands = max(1, products // 100)
    source = work / f"catalog-b{brands}-p{products}-s42"
    args = argparse.Namespace(brands=brands, products=products, seed=42)
    page_bench.make_catalog(source, args)
    catalog = work / f"sitegen-catalog-{products}"
    page_bench.adapt_catalog(source, catalog, page_bench.png_bytes())
    return catalog


def per_code(catalog: Path, sample: int = 300) -> dict:
    """ms per code over the catalog's page addresses: segno's defaults (mask search, its SVG writer) and sitegen's."""
    import segno

    from sitegen import qr

    base = "https://example.org/"
    texts = [f"{base}{p.parent.relative_to(catalog).as_posix()}/" for p in
             sorted(catalog.glob("products/*/*/index.md"))][:sample]

    def timed(fn, items: list) -> float:
        start = time.perf_counter()
        for item in items:
            fn(item)
        return (time.perf_counter() - start) * 1000 / len(items)

    codes = [qr.make(t) for t in texts]
    return {
        "segno_search_ms": timed(lambda t: segno.make_qr(t.encode(), error="m"), texts),
        "segno_fixed_ms": timed(lambda t: segno.make_qr(t.encode(), error="m", mask=2, boost_error=True), texts),
        "segno_svg_ms": timed(lambda c: c.save(io.BytesIO(), kind="svg", border=4, xmldecl=False), codes),
        "sitegen_svg_ms": timed(lambda c: qr.svg(c.matrix), codes),
        "sitegen_code_ms": timed(qr.code_svg, texts),
        "svg_bytes": statistics.mean(len(qr.svg(c.matrix)) for c in codes),
        "versions": sorted({c.version for c in codes}),
    }


def override_theme(catalog: Path) -> None:
    shipped = Path(__import__("sitegen").__file__).parent / "themes" / "default"
    for rel, extra in (("static/style.css", "\n.qr { gap: 1rem; }\n"), ("templates/product.html", "\n")):
        target = catalog / "themes" / "default" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((shipped / rel).read_text("utf-8") + extra, "utf-8")


def measure(products: int, work: Path, runs: int) -> list[dict]:
    catalog = prepare(products, work)
    out = work / f"out-{products}"
    rows: list[dict] = []

    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(catalog / ".sitegen-cache", ignore_errors=True)
        shutil.rmtree(catalog / "themes", ignore_errors=True)
        subprocess.run(["sync"], check=False)

    cold: dict[str, list[dict]] = {"off": [], "serial": [], "on": []}  # "on" last: the rows below follow it
    for _ in range(runs):  # alternated: drift on a shared machine hits each alike
        for mode, results in cold.items():
            clean()
            results.append(run_build(mode, catalog, out))
    rows.append(_row(products, "cold", cold["on"]))
    rows.append(_row(products, "cold, codes made in one process", cold["serial"]))
    rows.append(_row(products, "cold, no QR", cold["off"]))
    rows.append(_row(products, "no-op", [run_build("on", catalog, out)]))
    override_theme(catalog)
    rows.append(_row(products, "theme", [run_build("on", catalog, out)]))
    first = sorted(catalog.glob("products/*/*/index.md"))[0]
    first.write_text(first.read_text("utf-8").replace("\n---\n", "\ntraceability_url: https://trace.example.cn/q?id=1"
                                                      "\n---\n", 1), "utf-8")
    rows.append(_row(products, "edit", [run_build("on", catalog, out)]))
    shutil.rmtree(out)
    rows.append(_row(products, "output gone", [run_build("on", catalog, out)]))
    rows.append({"products": products, "what": "per code", **per_code(catalog)})
    clean()
    return rows


def _row(products: int, what: str, results: list[dict]) -> dict:
    return {"products": products, "what": what, "runs": len(results),
            "wall_s": statistics.median(r["wall"] for r in results),
            "qr_s": statistics.median(r["qr"] for r in results),
            "made": max(r["made"] for r in results), "rendered": results[-1]["rendered"],
            "pages": results[-1]["pages"]}


def table(rows: list[dict]) -> str:
    lines = ["| products | build | wall s (median) | QR step s | codes made | pages rendered |",
             "|---:|---|---:|---:|---:|---:|"]
    for r in rows:
        if r["what"] != "per code":
            lines.append(f"| {r['products']:,} | {r['what']} | {r['wall_s']:.2f} | {r['qr_s']:.3f} | {r['made']:,} "
                         f"| {r['rendered']:,} |")
    lines += ["", "| products | segno, mask search | segno, fixed mask | segno's SVG | sitegen's SVG | sitegen, "
              "code + SVG | SVG bytes | versions |", "|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        if r["what"] == "per code":
            lines.append(f"| {r['products']:,} | {r['segno_search_ms']:.2f} ms | {r['segno_fixed_ms']:.2f} ms | "
                         f"{r['segno_svg_ms']:.2f} ms | {r['sitegen_svg_ms']:.2f} ms | {r['sitegen_code_ms']:.2f} ms "
                         f"| {r['svg_bytes']:.0f} | {r['versions']} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sitegen-qr-bench"))
    parser.add_argument("--no-record", action="store_true", help="print only; write nothing under bench/results/")
    a = parser.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    rows = [row for n in a.products for row in measure(n, a.work, a.runs)]
    text = table(rows)
    print(text)
    if not a.no_record:
        results = HERE / "results"
        results.mkdir(exist_ok=True)
        (results / "qr.md").write_text(f"# bench/qr.py ({platform.node()}, {time.strftime('%Y-%m-%d %H:%M')})\n\n"
                                       + text, "utf-8")
        with open(results / "qr.jsonl", "a", encoding="utf-8") as log:
            for row in rows:
                log.write(json.dumps({**row, "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
                                      "git": page_bench.git_state()}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

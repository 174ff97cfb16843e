#!/usr/bin/env python3
"""Lighthouse on every page type of the sample catalog, as a shopper's phone on a slow network gets it.

    .venv/bin/python bench/lighthouse.py [--runs 1] [--only product,home] [--work /tmp/sitegen-lighthouse]

1. Installs Lighthouse (npm, the version pinned in LIGHTHOUSE) into bench/.lighthouse/ (git-ignored) unless that
   version is there already. 12.x is the newest line that runs on node 20 (13.x needs node 22.19).
2. Builds the sample catalog (brands/, products/, sitegen.toml of this repository) into WORK/site.
3. Serves it on 127.0.0.1 as `sitegen publish --gzip` stores it on a bucket: the same Content-Type,
   Cache-Control and gzip (level 9) for text, from `sitegen.publish.headers`; a missing path gets 404.html with 404.
4. For each row of PAGES, takes the largest page of that type (the most to download and lay out) and runs
   Lighthouse's default mobile preset on it (an emulated Moto G Power, simulated slow 4G and 4x CPU slowdown) in
   Debian's Chromium (CHROME_PATH=/usr/bin/chromium, headless), `--runs` times; the median score is reported.
   Page types not built yet (search, the English catalog) are listed as such.

Reports Performance, Accessibility, Best Practices and SEO per page type, the page's LCP, TBT and CLS, and the
bytes its HTML, CSS and JS took on the wire (images excluded), then every audit that kept a category under 100.
Targets (issue 12): 100 in Accessibility, Best Practices and SEO, and at least 95 in Performance, on every page type.
The table goes to stdout and bench/results/lighthouse.md; one JSON line per run is appended to
bench/results/lighthouse.jsonl; Lighthouse's full reports stay in WORK/reports/.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
from pages import git_state  # noqa: E402

from sitegen.publish.headers import HeaderRules  # noqa: E402

LIGHTHOUSE = "12.8.2"
PREFIX = REPO / "bench" / ".lighthouse"
CHROME = "/usr/bin/chromium"
RESULTS = REPO / "bench" / "results"
CATEGORIES = {"performance": "Performance", "accessibility": "Accessibility", "best-practices": "Best Practices",
              "seo": "SEO"}
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
# Page type → the built files it covers (globs under the output folder). Add a row for a new page type.
PAGES = {
    "home": "index.html",
    "brands": "brands/index.html",
    "brand": "brands/*/index.html",
    "product": "products/*/*/index.html",
    "categories": "categories/index.html",
    "category": "categories/*/index.html",
    "seasons": "seasons/index.html",
    "season": "seasons/*/index.html",
    "certification": "certifications/*/index.html",
    "province": "provinces/*/index.html",
    "search": "search/index.html",
    "English home": "en/index.html",
    "English product": "en/products/*/*/index.html",
    "404": "404.html",
}
# Points lost on purpose: (page type, audit) → why. They are listed, and do not count against the targets.
EXPECTED = {
    ("404", "is-crawlable"): "the 'not found' page says noindex, so that a search engine never lists /404.html itself",
}


def install() -> Path:
    cli = PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"
    package = cli.parent.parent / "package.json"
    if not (package.exists() and json.loads(package.read_text("utf-8"))["version"] == LIGHTHOUSE):
        print(f"installing lighthouse {LIGHTHOUSE} into {PREFIX.relative_to(REPO)}/", file=sys.stderr)
        subprocess.run(["npm", "install", "--prefix", str(PREFIX), "--no-save", "--no-audit", "--no-fund",
                        "--loglevel=error", f"lighthouse@{LIGHTHOUSE}"], check=True)
    return cli


class StaticHost(http.server.BaseHTTPRequestHandler):
    """A bucket's website endpoint: index.html for folders, 404.html for anything missing, publish's headers."""

    root: Path
    rules = HeaderRules(gzip=True)

    def do_GET(self) -> None:
        rel = unquote(self.path.split("?", 1)[0]).lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        path, status = self.root / rel, 200
        if ".." in rel.split("/") or not path.is_file():
            path, status, rel = self.root / "404.html", 404, "404.html"
        headers = self.rules.headers_for(rel)
        body = path.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", headers.content_type)
        self.send_header("Cache-Control", headers.cache_control)
        if headers.content_encoding and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=9, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = type("Host", (StaticHost,), {"root": site})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def pick(site: Path, glob: str) -> str | None:
    """The URL path of the largest built page matching `glob`."""
    found = sorted(site.glob(glob), key=lambda p: (-p.stat().st_size, p.as_posix()))
    if not found:
        return None
    rel = found[0].relative_to(site).as_posix()
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def lighthouse(cli: Path, url: str, report: Path) -> dict[str, Any]:
    subprocess.run(
        ["node", str(cli), url, "--output=json", f"--output-path={report}", "--quiet",
         "--only-categories=" + ",".join(CATEGORIES),
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run"],
        check=True, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300,
    )
    return json.loads(report.read_text("utf-8"))


def summary(lhr: dict[str, Any]) -> dict[str, Any]:
    """Scores, key metrics, text bytes on the wire and the audits that cost points, from one Lighthouse report."""
    audits = lhr["audits"]
    scores = {c: round(100 * (lhr["categories"][c]["score"] or 0)) for c in CATEGORIES}
    lost = {}
    for c in CATEGORIES:
        lost[c] = [(ref["id"], f"{ref['id']} ({audits[ref['id']]['score']:.2f}): {audits[ref['id']]['title']}")
                   for ref in lhr["categories"][c]["auditRefs"]
                   if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1]
    requests = audits["network-requests"]["details"]["items"]
    text = sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") in ("Document", "Stylesheet",
                                                                                          "Script"))
    metric = {k: audits[k]["numericValue"] for k in ("largest-contentful-paint", "total-blocking-time",
                                                    "cumulative-layout-shift", "first-contentful-paint")}
    return {"scores": scores, "lost": lost, "text_bytes": text, "metrics": metric}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median reported)")
    ap.add_argument("--only", default="", help="comma-separated page types (default: all)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/sitegen-lighthouse"))
    opts = ap.parse_args()
    kinds = [k for k in PAGES if not opts.only or k in opts.only.split(",")]

    cli = install()
    site, reports = opts.work / "site", opts.work / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(REPO), "--output", str(site), "-q"],
                   check=True)
    server, origin = serve(site)
    version = subprocess.run([CHROME, "--version"], capture_output=True, text=True).stdout.strip()
    rows = []
    try:
        for kind in kinds:
            path = pick(site, PAGES[kind])
            if path is None:
                rows.append({"kind": kind, "path": None})
                continue
            runs = []
            for n in range(opts.runs):
                slug = kind.replace(" ", "-")
                runs.append(summary(lighthouse(cli, origin + path, reports / f"{slug}-{n + 1}.json")))
                print(f"{kind} {path} run {n + 1}: {runs[-1]['scores']}", file=sys.stderr)
            median = {c: statistics.median_low(r["scores"][c] for r in runs) for c in CATEGORIES}
            # The run whose performance score is the median one gives the metrics and the list of lost points.
            typical = next(r for r in runs if r["scores"]["performance"] == median["performance"])
            rows.append({"kind": kind, "path": path, "median": median, **typical,
                         "runs": [r["scores"] for r in runs]})
    finally:
        server.shutdown()

    lines = [f"Lighthouse {LIGHTHOUSE}, mobile preset (simulated slow 4G, 4x CPU slowdown), {version}; sample "
             f"catalog served gzipped on 127.0.0.1; sitegen git {git_state()}; {opts.runs} run(s) a page, median; "
             f"{time.strftime('%Y-%m-%d')}.", "",
             "| page type | page | " + " | ".join(CATEGORIES.values()) + " | LCP (s) | TBT (ms) | CLS "
             "| HTML+CSS+JS on the wire (KB) |",
             "|---|---|" + "---:|" * (len(CATEGORIES) + 4)]
    for r in rows:
        if r["path"] is None:
            lines.append(f"| {r['kind']} | not built yet |" + " |" * (len(CATEGORIES) + 4))
            continue
        scores = " | ".join(f"{r['median'][c]}" + ("" if r["median"][c] >= TARGETS[c] else " ✗" if missed(r, c)
                                                    else " (expected)") for c in CATEGORIES)
        m = r["metrics"]
        lines.append(f"| {r['kind']} | `{r['path']}` | {scores} | {m['largest-contentful-paint'] / 1000:.1f} | "
                     f"{m['total-blocking-time']:.0f} | {m['cumulative-layout-shift']:.3f} | "
                     f"{r['text_bytes'] / 1024:.1f} |")
    lost = [f"- {r['kind']}, {CATEGORIES[c]}: {text}" + (f" (expected: {EXPECTED[r['kind'], audit]})"
                                                           if (r["kind"], audit) in EXPECTED else "")
            for r in rows if r["path"] for c in CATEGORIES for audit, text in r["lost"][c]]
    lines += ["", "Audits that cost points (✗: under the target):" if lost else "No audit cost a point.", *lost]
    report = "\n".join(lines) + "\n"
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lighthouse.md").write_text(report, encoding="utf-8")
    with (RESULTS / "lighthouse.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps({"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "lighthouse": LIGHTHOUSE,
                              "chromium": version, "sitegen_git": git_state(), "runs": opts.runs,
                              "pages": rows}, ensure_ascii=False) + "\n")
    return 1 if any(missed(r, c) for r in rows if r["path"] for c in CATEGORIES) else 0


def missed(row: dict[str, Any], category: str) -> bool:
    """Under the target, for some reason other than the expected ones."""
    return row["median"][category] < TARGETS[category] and any(
        (row["kind"], audit) not in EXPECTED for audit, _ in row["lost"][category])


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Live-preview benchmark: how long an editor waits between saving a file and the open page reloading.

    .venv/bin/python bench/serve.py [--products 5000] [--brands 50] [--edits 20] [--work /tmp/sitegen-serve-bench]

Uses the shared generator's catalog, adapted as bench/pages.py adapts it (`pages.py --prepare-only` makes it).
Starts `sitegen serve --port 0` on a copy, opens the event stream as a browser does, then measures, from the
moment a write returns to the moment the `reload` (or `css`) event arrives:
  edit       one sentence appended to a product's body (a different product each time), `--edits` times
  photo      a 4000x3000 JPEG dropped into a product folder and listed in its `images` (the photo is made
             before the clock starts)
  template   a changed `themes/default/templates/base.html` override (every page renders again): the open
             page's reload (it is rendered first), and the reload of the rest ("template all pages")
and the serve process's memory (peak RSS, PSS at the end, from /proc). "edit pass" is the pass alone, as the
serve prints it (the rest of an edit's wait is the watcher's quiet period and the event's way to the page).
Targets (the serve issue): edit median and p90 <= 200 ms at 5,000 products and <= 500 ms at 20,000;
photo <= 1.5 s; template change <= 3 s at 5,000. Results are printed and appended to bench/results/serve.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from pages import THEME_BASE, adapt_catalog, make_catalog, png_bytes, product_files  # noqa: E402


def stream(port: int, events: list[tuple[float, str]], ready: threading.Event) -> None:
    """The home page's event stream, as its reload script opens it (so the server knows the page is open)."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /__sitegen/events?page=%2F HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    name = ""
    for raw in sock.makefile("rb"):
        line = raw.decode().rstrip("\r\n")
        if line.startswith("event: "):
            name = line[7:]
            ready.set()
        elif line.startswith("data: "):  # a reload that leaves the pages shown as they are: "reload-rest"
            events.append((time.perf_counter(), name + ("-rest" if "except" in line else "")))


def wait_event(events: list[tuple[float, str]], after: float, names: tuple[str, ...], timeout: float = 600) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for at, name in list(events):
            if at >= after and name in names:
                return at - after
        time.sleep(0.002)
    raise SystemExit(f"no {names} event within {timeout} s")


def memory(pid: int) -> tuple[float, float]:
    """(peak RSS, PSS now) of the serve process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    pss = 0.0
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        pss = int(re.search(r"Pss:\s+(\d+)", rollup).group(1)) / 1024  # type: ignore[union-attr]
    except OSError:
        pass
    return peak, pss


def big_photo(path: Path) -> None:
    from PIL import Image

    img = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    img.save(path, "JPEG", quality=90)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--brands", type=int, default=50)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--work", default="/tmp/sitegen-serve-bench")
    ap.add_argument("--sitegen", default=str(REPO / ".venv" / "bin" / "sitegen"))
    a = ap.parse_args()
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    source = work / f"catalog-b{a.brands}-p{a.products}-s{a.seed}"
    make_catalog(source, a)
    catalog = work / "serve-catalog"
    adapt_catalog(source, catalog, png_bytes())
    proc = subprocess.Popen([a.sitegen, "serve", "--root", str(catalog), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    started = time.perf_counter()
    port = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        m = re.search(r"preview at http://127\.0\.0\.1:(\d+)/", line)
        if m:
            port = int(m.group(1))
            break
    first = time.perf_counter() - started
    said: list[str] = []  # the serve's own lines: "<paths>: N page(s) rendered in X s" after each pass
    threading.Thread(target=lambda: [said.append(line) for line in proc.stdout],  # type: ignore[union-attr]
                     daemon=True).start()
    events: list[tuple[float, str]] = []
    ready = threading.Event()
    threading.Thread(target=stream, args=(port, events, ready), daemon=True).start()
    if not ready.wait(30):
        raise SystemExit("the event stream did not open")
    results: dict[str, object] = {"products": a.products, "brands": a.brands, "first build + start s": round(first, 2)}
    try:
        products = product_files(catalog)
        waits = []
        for i in range(a.edits):
            md = products[(i * 7919) % len(products)]
            time.sleep(0.5)
            t = time.perf_counter()
            with open(md, "a", encoding="utf-8") as f:
                f.write(f"\n第 {i} 次修改的说明。\n")
            waits.append(wait_event(events, t, ("reload",)))
        waits.sort()
        passes = sorted(float(m.group(1)) for line in said if (m := re.search(r"rendered in ([0-9.]+) s", line)))
        results["edit median ms"] = round(statistics.median(waits) * 1000)
        results["edit pass median ms"] = round(statistics.median(passes[-a.edits:]) * 1000) if passes else None
        results["edit p90 ms"] = round(waits[int(0.9 * (len(waits) - 1))] * 1000)
        md = products[1]
        photo = md.parent / "new-photo.jpg"
        staged = work / "new-photo.jpg"
        big_photo(staged)
        time.sleep(0.5)
        t = time.perf_counter()
        shutil.copyfile(staged, photo)
        text = md.read_text("utf-8")
        md.write_text(text.replace('images: ["cover.png"]', 'images: ["cover.png", "new-photo.jpg"]', 1), "utf-8")
        results["photo s"] = round(wait_event(events, t, ("reload",)), 2)
        override = catalog / "themes/default/templates/base.html"
        override.parent.mkdir(parents=True, exist_ok=True)
        time.sleep(0.5)
        t = time.perf_counter()
        override.write_text(THEME_BASE.read_text("utf-8").replace("</body>", "<!-- changed --></body>"), "utf-8")
        results["template s"] = round(wait_event(events, t, ("reload",)), 2)
        results["template all pages s"] = round(wait_event(events, t, ("reload-rest",)), 2)
        peak, pss = memory(proc.pid)
        results["peak RSS MB"], results["PSS MB"] = round(peak), round(pss)
    finally:
        proc.terminate()
        proc.wait(30)
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    results["git"] = rev.stdout.strip()
    results["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(json.dumps(results, ensure_ascii=False))
    with open(REPO / "bench/results/serve.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(results, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

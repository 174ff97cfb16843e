#!/usr/bin/env python3
"""Image stage benchmark: sitegen's process_images against Hugo, on the same photos, same run.

    .venv/bin/python bench/images.py                      # 200 photos, sitegen cold/warm + Hugo cold
    .venv/bin/python bench/images.py --hugo-subset 40     # Hugo on the first 40 photos only (~45 s)
    .venv/bin/python bench/images.py --subset 40          # both tools on 40 photos
    .venv/bin/python bench/images.py --tradeoff 6         # WebP method × quality: time, bytes, PSNR

The catalog is the shared generator's (`../shared/bench/make_catalog.py --brands 10 --products
100 --images-per-product 2 --image-size 4000x3000 --seed 42`), made into --catalog if missing.
Each tool runs as a child process; the parent times it, sums user+sys CPU of the whole
process tree (getrusage of waited children) and samples the tree's total RSS every 0.1 s
(workers included; shared pages count once per process, so it is an upper bound).

Rows: sitegen cold (empty cache), warm (unchanged photos: stat index hit, no photo read),
warm re-hash (stat index deleted, as after a CI checkout resets mtimes: photos read and
hashed, none decoded), Hugo cold (`hugo --quiet` with out/, resources/ and its cache
removed). "stage s" is process_images alone, without interpreter start and imports.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
PAGE = os.sysconf("SC_PAGE_SIZE")


def photos(catalog: Path, limit: int | None) -> list[Path]:
    """Product photos and cut-outs in product order, so a subset keeps whole products."""
    found: list[Path] = []
    for product in sorted(p for p in (catalog / "products").glob("*/*") if p.is_dir()):
        found += sorted(f for f in product.iterdir() if f.name.startswith(("photo-", "cutout-")))
        if limit and len(found) >= limit:
            return found[:limit]
    return found


def subset_catalog(catalog: Path, chosen: list[Path], dest: Path) -> Path:
    """A catalog with only the products of `chosen` (hard links), for Hugo."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(catalog / "brands", dest / "brands", copy_function=os.link)
    shutil.copy(catalog / "sitegen.toml", dest / "sitegen.toml")
    for product in sorted({p.parent for p in chosen}):
        shutil.copytree(product, dest / product.relative_to(catalog), copy_function=os.link)
    return dest


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants (pool workers, fork server)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {pid}, [pid]
    while frontier:
        kids = [c for c, p in parents.items() if p == frontier[-1]]
        frontier.pop()
        tree.update(kids)
        frontier += kids
    total = 0
    for p in tree:
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(cmd: list[str], cwd: Path | None = None) -> dict:
    """Wall, CPU of the process tree, peak tree RSS, and the child's JSON output if any."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.1)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err[-3000:]}")
    result = {
        "wall_s": round(wall, 3),
        "peak_rss_mb": round(peak / 2**20),
        "cpu_s": round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 2),
    }
    last = out.strip().splitlines()[-1] if out.strip() else ""
    if last.startswith("{"):
        result.update(json.loads(last))
    return result


def stage(list_file: Path, cache: Path, jobs: int, settings_json: str) -> None:
    """Child mode: run process_images on the listed photos and print one JSON line."""
    from sitegen.images.model import ImageRequest
    from sitegen.images.pipeline import last_run, process_images
    from sitegen.images.settings import ImageSettings

    sources = [Path(line) for line in list_file.read_text().splitlines() if line]
    requests = [ImageRequest(p, f"{p.parent.parent.name}/{p.parent.name}/{p.name}") for p in sources]
    settings = ImageSettings(**json.loads(settings_json))
    started = time.perf_counter()
    done, problems = process_images(requests, settings, cache, jobs)
    seconds = time.perf_counter() - started
    stats = last_run()
    print(
        json.dumps(
            {
                "stage_s": round(seconds, 4),
                "images": len(done),
                "problems": len(problems),
                "decoded": stats.decoded,
                "read": stats.read,
                "workers": stats.workers,
            }
        )
    )


def output_bytes(folder: Path, suffixes: tuple[str, ...]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for path in folder.rglob("*"):
        if path.suffix in suffixes and path.is_file():
            sizes[path.suffix] = sizes.get(path.suffix, 0) + path.stat().st_size
    return sizes


def psnr(a, b) -> float:
    from PIL import ImageChops, ImageStat

    rms = ImageStat.Stat(ImageChops.difference(a, b)).rms
    return 10 * math.log10(255 * 255 / max(1e-9, sum(x * x for x in rms) / len(rms)))


def tradeoff(sources: list[Path]) -> list[dict]:
    """WebP q80 (and q76/84) at each method: encode ms, bytes and PSNR over the three widths."""
    from io import BytesIO

    from PIL import Image

    rows: dict[tuple[int, int], list[tuple[float, int, float, float]]] = {}
    for src in sources:
        im = Image.open(src)
        im.draft("RGB", (1600, 1200))
        im = im.convert("RGB")
        sized = [im.resize((w, round(im.height * w / im.width)), Image.Resampling.LANCZOS) for w in (1600, 960, 480)]
        for method in range(7):
            for quality in (76, 80, 84):
                ms = small_ms = 0.0
                size, scores = 0, []
                for img in sized:
                    buf = BytesIO()
                    t0 = time.perf_counter()
                    img.save(buf, "WEBP", quality=quality, method=method)
                    dt = (time.perf_counter() - t0) * 1000
                    ms += dt
                    small_ms += dt if img.width <= 1200 else 0
                    size += buf.tell()
                    scores.append(psnr(img, Image.open(BytesIO(buf.getvalue())).convert("RGB")))
                rows.setdefault((method, quality), []).append((ms, size, statistics.mean(scores), small_ms))
    return [
        {
            "method": m,
            "quality": q,
            "encode_ms": round(statistics.mean(r[0] for r in v), 1),
            "encode_ms_le1200": round(statistics.mean(r[3] for r in v), 1),
            "kb": round(statistics.mean(r[1] for r in v) / 1024),
            "psnr": round(statistics.mean(r[2] for r in v), 2),
        }
        for (m, q), v in sorted(rows.items())
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--catalog", type=Path, default=Path("/tmp/cat-img"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/sitegen-img-bench"))
    ap.add_argument("--subset", type=int, default=0, help="both tools on the first N photos")
    ap.add_argument("--hugo-subset", type=int, default=0, help="Hugo only on the first N photos")
    ap.add_argument("--jobs", type=int, default=0, help="sitegen workers (0: one per core)")
    ap.add_argument("--settings", default="{}", help="ImageSettings overrides as JSON, e.g. '{\"webp_method\": 4}'")
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--tradeoff", type=int, default=0, metavar="K", help="only the WebP table, on K photos")
    ap.add_argument("--stage", nargs=2, type=Path, metavar=("LIST", "CACHE"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.stage:
        stage(a.stage[0], a.stage[1], a.jobs, a.settings)
        return 0
    if not (a.catalog / "products").is_dir():
        subprocess.run(
            [
                sys.executable,
                str(SHARED / "make_catalog.py"),
                str(a.catalog),
                "--brands",
                "10",
                "--products",
                "100",
                "--images-per-product",
                "2",
                "--image-size",
                "4000x3000",
                "--seed",
                "42",
            ],
            check=True,
        )
    chosen = photos(a.catalog, a.subset or None)
    if a.tradeoff:
        rows = tradeoff([p for p in chosen if p.suffix == ".jpg"][:: max(1, len(chosen) // a.tradeoff)][: a.tradeoff])
        print("| method | q | encode ms (3 widths) | of which ≤1200 px | KB (3 widths) | PSNR dB |")
        print("|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(
                f"| {r['method']} | {r['quality']} | {r['encode_ms']} | {r['encode_ms_le1200']} | {r['kb']} | "
                f"{r['psnr']} |"
            )
        return 0

    a.work.mkdir(parents=True, exist_ok=True)
    list_file, cache = a.work / "photos.txt", a.work / "cache"
    list_file.write_text("\n".join(str(p) for p in chosen) + "\n")
    me = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--jobs",
        str(a.jobs),
        "--settings",
        a.settings,
        "--stage",
        str(list_file),
        str(cache),
    ]
    rows: dict[str, dict] = {}
    shutil.rmtree(cache, ignore_errors=True)
    subprocess.run(["sync"], check=False)
    rows["sitegen cold"] = measure(me)
    sizes = output_bytes(cache / "img", (".webp", ".jpg", ".png", ".avif"))
    rows["sitegen warm"] = measure(me)
    (cache / "sources.json").unlink()
    rows["sitegen warm re-hash"] = measure(me)
    for name in ("sitegen cold", "sitegen warm", "sitegen warm re-hash"):
        rows[name]["photos"] = len(chosen)

    if not a.no_hugo:
        hugo_photos = photos(a.catalog, a.hugo_subset or a.subset or None)
        site_src = subset_catalog(a.catalog, hugo_photos, a.work / "hugo-catalog")
        hugo_dir = a.work / "hugo-site"
        subprocess.run(
            [sys.executable, str(SHARED / "hugo_site.py"), str(site_src), str(hugo_dir)],
            check=True,
            capture_output=True,
        )
        for leftover in ("out", "resources", "hugo-cache"):
            shutil.rmtree(hugo_dir / leftover, ignore_errors=True)
        subprocess.run(["sync"], check=False)
        rows["hugo cold"] = measure(
            ["hugo", "--quiet", "-d", "out", "--cacheDir", str(hugo_dir / "hugo-cache")], cwd=hugo_dir
        )
        rows["hugo cold"]["photos"] = len(hugo_photos)
        hugo_sizes = output_bytes(hugo_dir / "out", (".webp", ".jpg", ".png"))

    print("| row | photos | wall s | stage s | photos/s | CPU s/photo | peak RSS MB (tree) | decoded |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows.items():
        per = r.get("stage_s", r["wall_s"])
        print(
            f"| {name} | {r['photos']} | {r['wall_s']} | {r.get('stage_s', '')} | {r['photos'] / max(per, 1e-4):.1f} | "
            f"{r['cpu_s'] / r['photos']:.3f} | {r['peak_rss_mb']} | {r.get('decoded', '')} |"
        )
    summary = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "loadavg_before": os.getloadavg(),
        "rows": rows,
        "sitegen_bytes": sizes,
        "settings": json.loads(a.settings),
    }
    if "hugo cold" in rows:
        sg, hg = rows["sitegen cold"], rows["hugo cold"]
        ratio = (sg["photos"] / sg["wall_s"]) / (hg["photos"] / hg["wall_s"])
        cpu_ratio = (hg["cpu_s"] / hg["photos"]) / (sg["cpu_s"] / sg["photos"])
        summary.update({"ratio_wall": round(ratio, 2), "ratio_cpu": round(cpu_ratio, 2), "hugo_bytes": hugo_sizes})
        print(
            f"\ncold throughput, sitegen / Hugo: {ratio:.2f}x by wall (process incl. start-up), "
            f"{cpu_ratio:.2f}x by CPU per photo"
        )
        print(f"output bytes, sitegen {sizes}, Hugo {hugo_sizes}")
    with open(a.work / "results.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

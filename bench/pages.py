#!/usr/bin/env python3
"""Page-build benchmark: `sitegen build` against Hugo on a synthetic catalog.

    .venv/bin/python bench/pages.py [--products 5000] [--brands 50] [--runs 3]
        [--work /tmp/sitegen-bench] [--tmpfs] [--profile] [--sitegen CMD]

Standard library only; the shared generators in ../shared/bench/ are run as
subprocesses (make_catalog.py needs Pillow, so it is run with this Python, i.e.
the project venv).

What happens
  1. `make_catalog.py WORK/catalog-b<B>-p<N>-s42 --brands B --products N --seed 42`
     (no images), once: skipped when that folder already has sitegen.toml.
  2. A copy adapted to sitegen's content contract is rebuilt every run at
     RUN/sitegen-catalog (RUN = WORK, or WORK/ram with --tmpfs):
       a. sitegen.toml from make_catalog.py has only title/base_url/language.
          Appended: `[categories.<id>]` (zh, en) for tea, rice, fruit, mushroom,
          honey, nuts, vegetables, livestock, and `[certifications."<name>"]`
          (zh, en) for the six Chinese certification names the generator uses.
       b. Products are generated with `images: []`, but sitegen requires at
          least one image. One 64x64 RGB PNG (written here with zlib+struct) is
          hard-linked into every product folder as cover.png, and the line
          `images: []` becomes `images: ["cover.png"]`.  So sitegen does a
          little image work that Hugo does not (5,000 tiny images; all the same
          file), which counts against sitegen.  No alt text is given, so
          sitegen may warn about it.
     Nothing else is changed: brand and product front matter stay as generated
     (e.g. name_en, title_en, price.{amount,currency,unit}).
  3. `hugo_site.py CATALOG RUN/hugo-site` (by default from the ORIGINAL catalog,
     i.e. no images, like the anchors in ../shared/bench/ANCHORS.md;
     `--hugo-input adapted` gives Hugo the cover.png too).
  4. N rounds, each timed under `/usr/bin/time -f "%e %M %U %S"`:
       hugo cold        rm -rf out resources <cacheDir>; hugo --quiet -d out --cacheDir <dir>
       hugo warm        the same again, nothing removed (info: Hugo has no page cache)
       sitegen cold     rm -rf OUT CATALOG/.sitegen-cache; sitegen build --root CATALOG --output OUT -q
       sitegen no-op    the same again, nothing changed
       sitegen edit     one sentence appended to one product's Markdown body (a
                        different product each round), then build; the output is
                        checked for the sentence
     On disk every prep ends with `sync` (untimed): the root ext4 here has
     online discard, see ANCHORS.md "Disk noise".
  5. Per measurement: median and min wall, median CPU (user+sys of the whole
     tree), peak RSS = GNU time %M (the LARGEST SINGLE PROCESS), plus "tree
     RSS": the peak of the summed RSS of the whole process tree, sampled every
     0.1 s from /proc (matters when sitegen uses a process pool).  Ratios are
     to the Hugo cold median of the same invocation.  A markdown table is
     printed and written to bench/results/pages-<disk|tmpfs>.md, and one JSON
     line per measurement is appended to bench/results/pages.jsonl.
  --profile: after the rounds, one cold, one no-op and one edit build under
     pyinstrument (`pyinstrument -m sitegen build ...`); the text profiles
     (call tree and flat self-time) go to bench/results/profile-*.txt.
     pyinstrument sees the main process only, so when `build` has --jobs a
     cold build with --jobs 1 is profiled too (profile-cold-jobs1-*).

Targets (issue): cold <= 2x Hugo cold; no-op <= 0.25x; one-product edit <= 0.5x;
peak memory under Hugo's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SHARED = REPO.parent / "shared" / "bench"
RESULTS = BENCH / "results"
TIME = "/usr/bin/time"
PAGE = os.sysconf("SC_PAGE_SIZE")
# sitegen's .pyc must be cached as for any user: this machine sets PYTHONDONTWRITEBYTECODE=1
RUN_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

CATEGORIES = {  # id -> (zh, en); the ids make_catalog.py uses
    "tea": ("茶叶", "Tea"),
    "rice": ("大米", "Rice"),
    "fruit": ("水果", "Fruit"),
    "mushroom": ("食用菌", "Mushrooms"),
    "honey": ("蜂蜜", "Honey"),
    "nuts": ("坚果", "Nuts"),
    "vegetables": ("蔬菜", "Vegetables"),
    "livestock": ("畜禽产品", "Livestock and Poultry"),
}
CERTIFICATIONS = {  # the Chinese names make_catalog.py uses -> en
    "绿色食品": "Green Food",
    "有机产品": "Organic Product",
    "地理标志产品": "Geographical Indication Product",
    "无公害农产品": "Pollution-free Agricultural Product",
    "良好农业规范": "Good Agricultural Practice (GAP)",
    "名特优新农产品": "Famous, Special, Quality and New Agricultural Product",
}
# The engine issue's targets (ratios to Hugo cold in the same run).
TARGETS = {"sitegen cold": 1.5, "sitegen no-op": 0.05, "sitegen edit": 0.15, "sitegen theme change": 0.5}


THEME_BASE = REPO / "sitegen" / "themes" / "default" / "templates" / "base.html"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# catalog
# --------------------------------------------------------------------------


def png_bytes(w: int = 64, h: int = 64) -> bytes:
    """A small RGB PNG (a gradient), written without Pillow."""
    rows = b"".join(b"\0" + bytes(v for x in range(w) for v in (x * 4 % 256, y * 4 % 256, 160)) for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def make_catalog(dst: Path, a) -> None:
    if (dst / "sitegen.toml").is_file():
        log(f"catalog: {dst} exists, not regenerated")
        return
    cmd = [
        sys.executable,
        str(SHARED / "make_catalog.py"),
        str(dst),
        "--brands",
        str(a.brands),
        "--products",
        str(a.products),
        "--seed",
        str(a.seed),
    ]
    log("catalog: " + shlex.join(cmd))
    subprocess.run(cmd, check=True)


def product_files(catalog: Path) -> list[Path]:
    return sorted(catalog.glob("products/*/*/index.md"))


def adapt_catalog(src: Path, dst: Path, cover: bytes) -> dict:
    """Copy src to dst and apply the contract adaptation described in the docstring."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".sitegen-cache"))
    toml = dst / "sitegen.toml"
    text = toml.read_text(encoding="utf-8")
    parts = [text.rstrip("\n"), ""]
    for cid, (zh, en) in CATEGORIES.items():
        parts.append(f'[categories.{cid}]\nzh = "{zh}"\nen = "{en}"\n')
    for name, en in CERTIFICATIONS.items():
        parts.append(f'[certifications."{name}"]\nzh = "{name}"\nen = "{en}"\n')
    toml.write_text("\n".join(parts), encoding="utf-8")

    cover_path = dst.parent / "cover.png"  # outside the catalog; linked into each product
    cover_path.write_bytes(cover)
    used_cats: set[str] = set()
    used_certs: set[str] = set()
    rewritten = kept = 0
    for md in product_files(dst):
        t = md.read_text(encoding="utf-8")
        m = re.search(r"^category: *(\S+)$", t, re.M)
        if m:
            used_cats.add(m.group(1))
        m = re.search(r"^certifications: *(\[.*\])$", t, re.M)
        if m:
            used_certs.update(json.loads(m.group(1)))
        t2, n = re.subn(r"^images: \[\]$", 'images: ["cover.png"]', t, count=1, flags=re.M)
        if n:
            md.write_text(t2, encoding="utf-8")
            target = md.parent / "cover.png"
            try:
                os.link(cover_path, target)
            except OSError:
                shutil.copyfile(cover_path, target)
            rewritten += 1
        else:
            kept += 1
    info = {
        "products_with_cover_png": rewritten,
        "products_left_alone": kept,
        "categories_used": sorted(used_cats),
        "certifications_used": sorted(used_certs),
    }
    missing = (used_cats - CATEGORIES.keys()) | (used_certs - CERTIFICATIONS.keys())
    if missing:
        log(f"WARNING: the catalog uses ids not defined in the appended config: {sorted(missing)}")
    info["undefined_ids"] = sorted(missing)
    return info


# --------------------------------------------------------------------------
# timing
# --------------------------------------------------------------------------


def tree_rss_sampler(root_pid: int, stop: threading.Event, out: dict, interval: float = 0.1) -> None:
    """Peaks of the summed RSS and PSS of root_pid's descendants, sampled from /proc."""
    peak, peak_pss, seen = 0, 0, set()
    while not stop.wait(interval):
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            fields = stat[stat.rfind(b")") + 2 :].split()
            pid = int(name)
            children.setdefault(int(fields[1]), []).append(pid)  # ppid
            rss[pid] = int(fields[21]) * PAGE  # rss, pages
        total, pss, todo = 0, 0, [root_pid]
        while todo:
            pid = todo.pop()
            if pid != root_pid:  # root is /usr/bin/time itself
                total += rss.get(pid, 0)
                pss += proportional_set_size(pid)
                seen.add(pid)
            todo.extend(children.get(pid, ()))
        peak = max(peak, total)
        peak_pss = max(peak_pss, pss)
    out["tree_rss_kb"] = peak // 1024
    out["tree_pss_kb"] = peak_pss // 1024
    out["procs_seen"] = len(seen)


def proportional_set_size(pid: int) -> int:
    """PSS in bytes: pages shared by forked workers are counted once overall, not once each."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def timed(cmd: list[str], cwd: Path, timeout: int) -> dict:
    """Run cmd under GNU time; wall/CPU/peak RSS, plus the sampled tree RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = [TIME, "-f", "%e %M %U %S", "-o", tf.name, *cmd]
        with tempfile.TemporaryFile("w+") as so, tempfile.TemporaryFile("w+") as se:
            busy0 = busy_cpu_s()
            p = subprocess.Popen(full, cwd=cwd, stdout=so, stderr=se, text=True, env=RUN_ENV)
            stop, tree = threading.Event(), {}
            th = threading.Thread(target=tree_rss_sampler, args=(p.pid, stop, tree), daemon=True)
            th.start()
            try:
                rc = p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                rc = -9
            busy1 = busy_cpu_s()
            stop.set()
            th.join()
            so.seek(0)
            se.seek(0)
            stdout, stderr = so.read(), se.read()
        lines = tf.read().strip().splitlines()
    rec = {"rc": rc, "stdout": stdout, "stderr": stderr, **tree}
    if lines and len(lines[-1].split()) == 4:
        w, m, u, s = lines[-1].split()
        rec.update(wall_s=float(w), maxrss_kb=int(m), user_s=float(u), sys_s=float(s))
        # CPU the rest of the machine used meanwhile (incl. this script's sampler): contention check
        rec["other_cpu_s"] = round(max(busy1 - busy0 - float(u) - float(s), 0.0), 2)
    return rec


def busy_cpu_s() -> float:
    """Machine-wide non-idle CPU seconds so far, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


def failed(name: str, cmd: list[str], r: dict) -> SystemExit:
    log(f"\n{name}: command failed (rc={r['rc']}): {shlex.join(cmd)}")
    log("--- stdout (tail) ---\n" + r["stdout"][-4000:])
    log("--- stderr (tail) ---\n" + r["stderr"][-12000:])
    return SystemExit(2)


def ensure_time() -> None:
    if os.access(TIME, os.X_OK):
        return
    log("installing GNU time (apt-get install -y time)")
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "time"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def rm(*paths: Path) -> None:
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)


def count_html(d: Path) -> int:
    return sum(1 for _ in d.rglob("*.html")) if d.is_dir() else 0


def find_text(out: Path, needle: str, hint: str) -> str | None:
    """Relative path of an HTML file under out containing needle (files whose path has hint first)."""
    files = sorted(out.rglob("*.html"), key=lambda p: hint not in str(p))
    for f in files:
        try:
            if needle in f.read_text(encoding="utf-8", errors="replace"):
                return str(f.relative_to(out))
        except OSError:
            continue
    return None


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def mount_tmpfs(ram: Path, size: str) -> bool | None:
    """True if mounted here, False if already a mount point, None if impossible."""
    ram.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["mountpoint", "-q", str(ram)]).returncode == 0:
        return False
    p = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(ram)], capture_output=True, text=True
    )
    if p.returncode != 0:
        log(f"--tmpfs: cannot mount a tmpfs at {ram} ({p.stderr.strip()}); skipped")
        return None
    return True


def summarize(name: str, runs: list[dict]) -> dict:
    walls = [r["wall_s"] for r in runs]
    cpu = [r["user_s"] + r["sys_s"] for r in runs]
    rss = [r["maxrss_kb"] for r in runs]
    tree = [r.get("tree_rss_kb", 0) for r in runs]
    return {
        "name": name,
        "runs": len(runs),
        "wall_median": statistics.median(walls),
        "wall_min": min(walls),
        "wall_max": max(walls),
        "cpu_median": statistics.median(cpu),
        "rss_mb_median": statistics.median(rss) / 1024,
        "rss_mb_max": max(rss) / 1024,
        "tree_rss_mb_max": max(tree) / 1024,
        "tree_pss_mb_max": max(r.get("tree_pss_kb", 0) for r in runs) / 1024,
        "procs_max": max(r.get("procs_seen", 0) for r in runs),
        "other_cpu_max": max(r.get("other_cpu_s", 0.0) for r in runs),
        "per_run": [
            {
                k: r[k]
                for k in (
                    "wall_s",
                    "maxrss_kb",
                    "user_s",
                    "sys_s",
                    "tree_rss_kb",
                    "tree_pss_kb",
                    "procs_seen",
                    "other_cpu_s",
                )
                if k in r
            }
            for r in runs
        ],
    }


def git_state() -> str:
    try:
        head = (
            subprocess.run(
                ["git", "-C", str(REPO), "log", "-1", "--format=%h", "--", "sitegen"], capture_output=True, text=True
            ).stdout.strip()
            or "no-commit"
        )
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "sitegen"], capture_output=True, text=True
        ).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except OSError:
        return "?"


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--products", type=int, default=5000)
    ap.add_argument("--brands", type=int, default=50)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/sitegen-bench")
    ap.add_argument(
        "--tmpfs", action="store_true", help="inputs and outputs of both tools on a tmpfs mounted at WORK/ram"
    )
    ap.add_argument("--tmpfs-size", default="3g")
    ap.add_argument(
        "--sitegen",
        default=None,
        help="sitegen command (default: .venv/bin/sitegen, else 'PYTHON -m sitegen')",
    )
    ap.add_argument("--sitegen-args", default="", help="extra arguments for 'sitegen build'")
    ap.add_argument("--hugo", default="hugo")
    ap.add_argument(
        "--hugo-input",
        choices=("original", "adapted"),
        default="original",
        help="catalog hugo_site.py converts (original = no images, as in ANCHORS.md)",
    )
    ap.add_argument("--no-hugo-warm", action="store_true", help="skip the informational warm Hugo row")
    ap.add_argument("--profile", action="store_true", help="also profile cold/no-op/edit builds with pyinstrument")
    ap.add_argument("--warmup", type=int, default=1, help="untimed builds of both tools first")
    ap.add_argument("--timeout", type=int, default=600, help="per timed command (s)")
    ap.add_argument("--no-record", action="store_true", help="do not append to results/pages.jsonl")
    ap.add_argument("--hugo-only", action="store_true", help="time Hugo only (sitegen not ready)")
    ap.add_argument("--prepare-only", action="store_true", help="make catalog, adapted copy and Hugo site, then stop")
    a = ap.parse_args()

    ensure_time()
    work = Path(a.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    original = work / f"catalog-b{a.brands}-p{a.products}-s{a.seed}"
    make_catalog(original, a)

    mounted = None
    run_root = work
    if a.tmpfs:
        mounted = mount_tmpfs(work / "ram", a.tmpfs_size)
        if mounted is None:
            return 0
        run_root = work / "ram"
    where = "tmpfs" if a.tmpfs else "disk"
    on_disk = not a.tmpfs

    catalog = run_root / "sitegen-catalog"
    out = run_root / "sitegen-out"
    cache = catalog / ".sitegen-cache"
    hugo_dir = run_root / "hugo-site"
    hugo_cache = run_root / "hugo-cache"
    edited: dict[Path, bytes] = {}
    try:
        t0 = time.time()
        adapt = adapt_catalog(original, catalog, png_bytes())
        log(f"adapted copy: {catalog} ({time.time() - t0:.1f}s) {json.dumps(adapt, ensure_ascii=False)}")
        rm(hugo_dir, hugo_cache)
        subprocess.run(
            [
                sys.executable,
                str(SHARED / "hugo_site.py"),
                str(original if a.hugo_input == "original" else catalog),
                str(hugo_dir),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        hugo_version = subprocess.run([a.hugo, "version"], capture_output=True, text=True).stdout.strip()

        if a.sitegen:
            sitegen = shlex.split(a.sitegen)
        elif os.access(REPO / ".venv/bin/sitegen", os.X_OK):
            sitegen = [str(REPO / ".venv/bin/sitegen")]
        else:
            sitegen = [sys.executable, "-m", "sitegen"]
        build_args = [
            "build",
            "--root",
            str(catalog),
            "--output",
            str(out),
            "-q",
            *shlex.split(a.sitegen_args),
        ]
        sg_cmd = [*sitegen, *build_args]
        hugo_cmd = [a.hugo, "--quiet", "-d", "out", "--cacheDir", str(hugo_cache)]
        log(
            f"run root: {run_root} [{where}]\nhugo:    {shlex.join(hugo_cmd)}  (cwd {hugo_dir})\n"
            f"sitegen: {shlex.join(sg_cmd)}"
        )
        if a.prepare_only:
            return 0

        def prep(*paths: Path) -> None:
            rm(*paths)
            if on_disk:
                os.sync()

        if not a.hugo_only:  # untimed: check that the CLI answers at all
            subprocess.run([*sitegen, "build", "--help"], capture_output=True, env=RUN_ENV)

        products = product_files(catalog)
        samples: dict[str, list[dict]] = {}
        notes: dict[str, str] = {}
        names = (
            ["hugo cold"]
            + ([] if a.no_hugo_warm else ["hugo warm (out kept)"])
            + ([] if a.hugo_only else ["sitegen cold", "sitegen no-op", "sitegen edit", "sitegen theme change"])
        )
        pages = {}
        edit_checks = []

        def measure(name: str, cmd: list[str], cwd: Path) -> dict:
            r = timed(cmd, cwd, a.timeout)
            if r["rc"] != 0 or "wall_s" not in r:
                raise failed(name, cmd, r)
            samples.setdefault(name, []).append(r)
            log(
                f"  {name:22s} wall {r['wall_s']:7.2f} s  cpu {r['user_s'] + r['sys_s']:7.2f} s  "
                f"peak RSS {r['maxrss_kb'] / 1024:7.1f} MB  tree RSS {r.get('tree_rss_kb', 0) / 1024:7.1f} MB "
                f"PSS {r.get('tree_pss_kb', 0) / 1024:7.1f} MB "
                f"({r.get('procs_seen', 0)} procs)  others' CPU {r.get('other_cpu_s', 0):.2f} s"
            )
            if r["stderr"].strip() and name not in notes:
                notes[name] = r["stderr"].strip()
            return r

        for _ in range(a.warmup):  # untimed: .pyc files, page cache of both inputs
            log("warm-up build (untimed)")
            prep(hugo_dir / "out", hugo_dir / "resources", hugo_cache)
            r = timed(hugo_cmd, hugo_dir, a.timeout)
            if r["rc"] != 0:
                raise failed("hugo warm-up", hugo_cmd, r)
            if not a.hugo_only:
                prep(out, cache)
                r = timed(sg_cmd, REPO, a.timeout)
                if r["rc"] != 0:
                    raise failed("sitegen warm-up", sg_cmd, r)

        for rnd in range(a.runs):
            log(f"round {rnd + 1}/{a.runs} [{where}]")
            prep(hugo_dir / "out", hugo_dir / "resources", hugo_cache)
            measure("hugo cold", hugo_cmd, hugo_dir)
            pages["hugo"] = count_html(hugo_dir / "out")
            if not a.no_hugo_warm:
                prep()
                measure("hugo warm (out kept)", hugo_cmd, hugo_dir)
            if a.hugo_only:
                continue

            prep(out, cache)
            measure("sitegen cold", sg_cmd, REPO)
            pages["sitegen"] = count_html(out)
            prep()
            measure("sitegen no-op", sg_cmd, REPO)

            md = products[(rnd * 1009 + 17) % len(products)]
            marker = f"基准测试追加的一句话，第{rnd + 1}轮，编号{int(time.time() * 1000) % 100000}。"
            edited.setdefault(md, md.read_bytes())
            with open(md, "a", encoding="utf-8") as f:
                f.write(f"\n{marker}\n")
            prep()
            measure("sitegen edit", sg_cmd, REPO)
            hit = find_text(out, marker, md.parent.name)
            edit_checks.append({"product": str(md.relative_to(catalog)), "found_in": hit})
            if hit is None:
                log(f"  WARNING: the edit to {md.relative_to(catalog)} is not in the output")

            # a theme-only change: every page renders again, every Markdown body comes from the body cache
            override = catalog / "themes" / "default" / "templates" / "base.html"
            override.parent.mkdir(parents=True, exist_ok=True)
            override.write_text(THEME_BASE.read_text("utf-8").replace(
                "</body>", f"<!-- theme change, round {rnd + 1} --></body>"), encoding="utf-8")
            prep()
            measure("sitegen theme change", sg_cmd, REPO)

        summary = [summarize(n, samples[n]) for n in names]
        ref = summary[0]["wall_median"]
        hugo_rss = summary[0]["rss_mb_median"]
        for s in summary:
            s["ratio_vs_hugo_cold"] = s["wall_median"] / ref
            if s["name"] in TARGETS:
                s["target"] = TARGETS[s["name"]]
                s["meets_target"] = s["ratio_vs_hugo_cold"] <= s["target"]
        sg_peak = max(
            (max(s["rss_mb_max"], s["tree_pss_mb_max"]) for s in summary if s["name"].startswith("sitegen")),
            default=0.0,
        )

        if a.profile and not a.hugo_only:
            profile(a, sitegen, build_args, out, cache, catalog, products, edited, where)

        table = render(
            summary,
            where,
            pages,
            hugo_rss,
            sg_peak,
            adapt,
            edit_checks,
            notes,
            a,
            hugo_version,
            sg_cmd,
            hugo_cmd,
            hugo_dir,
        )
        print(table)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"pages-{where}.md").write_text(table, encoding="utf-8")
        if not a.no_record:
            meta = {
                "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "where": where,
                "products": a.products,
                "brands": a.brands,
                "seed": a.seed,
                "hugo_input": a.hugo_input,
                "pages": pages,
                "sitegen_git": git_state(),
                "sitegen_cmd": sg_cmd,
                "hugo_cmd": hugo_cmd,
                "hugo_version": hugo_version,
                "python": platform.python_version(),
                "nproc": os.cpu_count(),
                "warmup": a.warmup,
                "catalog_adaptation": adapt,
                "edit_checks": edit_checks,
            }
            with open(RESULTS / "pages.jsonl", "a", encoding="utf-8") as f:
                for s in summary:
                    f.write(json.dumps({**meta, **s}, ensure_ascii=False) + "\n")
        return 0
    finally:
        for md, data in edited.items():
            md.write_bytes(data)
        if mounted:
            subprocess.run(["umount", str(work / "ram")], check=False)


def profile(a, sitegen, build_args, out, cache, catalog, products, edited, where) -> None:
    pyi = REPO / ".venv/bin/pyinstrument"
    if not os.access(pyi, os.X_OK):
        log("installing pyinstrument into the venv")
        subprocess.run([str(REPO / ".venv/bin/pip"), "install", "-q", "pyinstrument"], check=True)
    python = REPO / ".venv/bin/python"
    RESULTS.mkdir(exist_ok=True)
    kinds = ["cold", "noop", "edit"]
    # pyinstrument sees only the main process: with a worker pool, also profile a 1-process cold build
    help_text = subprocess.run([*sitegen, "build", "--help"], capture_output=True, text=True, env=RUN_ENV).stdout
    if "--jobs" in help_text:
        kinds.append("cold-jobs1")
    for kind in kinds:
        args = [*build_args, "--jobs", "1"] if kind == "cold-jobs1" else build_args
        if kind.startswith("cold"):
            rm(out, cache)
        elif kind == "edit":
            md = products[len(products) // 2]
            edited.setdefault(md, md.read_bytes())
            with open(md, "a", encoding="utf-8") as f:
                f.write("\n基准测试：性能剖析时追加的一句话。\n")
        if where == "disk":
            os.sync()
        session = RESULTS / f"profile-{kind}-{where}.pyisession"
        cmd = [str(pyi), "-r", "pyisession", "-o", str(session), "-m", "sitegen", *args]
        p = subprocess.run(
            cmd,
            cwd=REPO,
            capture_output=True,
            text=True,
            env={**RUN_ENV, "PATH": f"{python.parent}:{os.environ.get('PATH', '')}"},
        )
        if p.returncode != 0:
            log(f"profile {kind}: failed rc={p.returncode}\n{p.stderr[-4000:]}")
            return
        for view, opts in (("tree", []), ("flat", ["-p", "flat=true", "-p", "flat_time=self"])):
            dst = RESULTS / f"profile-{kind}-{where}-{view}.txt"
            r = subprocess.run(
                [
                    str(pyi),
                    "--load",
                    str(session),
                    "-r",
                    "text",
                    "--no-color",
                    "--unicode",
                    *opts,
                    "-o",
                    str(dst),
                ],
                capture_output=True,
                text=True,
            )
            if r.returncode != 0 and view == "flat":  # older renderers: no flat_time option
                subprocess.run(
                    [
                        str(pyi),
                        "--load",
                        str(session),
                        "-r",
                        "text",
                        "--no-color",
                        "-p",
                        "flat=true",
                        "-o",
                        str(dst),
                    ],
                    check=False,
                )
        log(f"profile {kind}: {RESULTS / f'profile-{kind}-{where}-tree.txt'}")
        session.unlink(missing_ok=True)


def render(
    summary,
    where,
    pages,
    hugo_rss,
    sg_peak,
    adapt,
    edit_checks,
    notes,
    a,
    hugo_version,
    sg_cmd,
    hugo_cmd,
    hugo_dir,
) -> str:
    L = [
        f"## sitegen vs Hugo, {a.products} products / {a.brands} brands, no photos [{where}]",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} CPUs; "
        f"sitegen git {git_state()}; {hugo_version.split(' BuildDate')[0]}",
        "",
        "Pages written: " + ", ".join(f"{k} {v} HTML files" for k, v in pages.items()) + ".",
        "",
        "| measurement | runs | wall median (s) | wall min (s) | CPU median (s) | peak RSS %M (MB) "
        "| tree RSS / PSS (MB) | others' CPU max (s) | vs Hugo cold | target | ok |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for s in summary:
        tgt = f"≤ {s['target']}x" if "target" in s else ""
        ok = ("yes" if s["meets_target"] else "**no**") if "target" in s else ""
        L.append(
            f"| {s['name']} | {s['runs']} | {s['wall_median']:.2f} | {s['wall_min']:.2f} | "
            f"{s['cpu_median']:.2f} | {s['rss_mb_max']:.0f} | "
            + (f"{s['tree_rss_mb_max']:.0f} / {s['tree_pss_mb_max']:.0f}" if s["tree_rss_mb_max"] else "(too short)")
            + f"{' (' + str(s['procs_max']) + ' procs)' if s['procs_max'] > 1 else ''} | "
            f"{s['other_cpu_max']:.2f} | "
            f"{s['ratio_vs_hugo_cold']:.2f}x | {tgt} | {ok} |"
        )
    mem_ok = sg_peak < hugo_rss
    L += [""]
    if sg_peak:
        L += [
            f"Peak memory: sitegen max {sg_peak:.0f} MB (larger of %M and the sampled tree PSS) vs Hugo "
            f"cold {hugo_rss:.0f} MB (median %M) -> {'under' if mem_ok else '**not under**'} Hugo's.",
            "",
        ]
    L += [
        "Notes:",
        f"* Ratios are wall medians over the Hugo cold median of this run ({where}).",
        "* others' CPU: CPU seconds the rest of the machine used during a timed run (from /proc/stat, "
        "incl. ~1% for this script's sampler); more than a few tenths means the run was contended.",
        "* peak RSS %M is GNU time's: the largest single process. tree RSS / PSS: peaks of the "
        "summed RSS and PSS of all processes of the build, sampled every 0.1 s (the RSS sum counts "
        "pages that forked workers share once per process; PSS splits them).",
        f"* Catalog adaptation: sitegen.toml got {len(CATEGORIES)} [categories] and "
        f"{len(CERTIFICATIONS)} [certifications] tables; {adapt['products_with_cover_png']} products "
        'got one hard-linked 64x64 cover.png (`images: ["cover.png"]`), which Hugo '
        f"{'does not get' if a.hugo_input == 'original' else 'gets too'}.",
        "* Edit rounds (sentence appended; output file that shows it): "
        + "; ".join(f"{c['product']} -> {c['found_in'] or 'NOT FOUND'}" for c in edit_checks),
        "",
        "Commands:",
        "",
        "```",
        f"cd {hugo_dir} && rm -rf out resources {hugo_cmd[-1]} && {shlex.join(hugo_cmd)}",
        f"rm -rf {sg_cmd[sg_cmd.index('--output') + 1]} "
        f"{sg_cmd[sg_cmd.index('--root') + 1]}/.sitegen-cache && {shlex.join(sg_cmd)}   # cold",
        f"{shlex.join(sg_cmd)}   # no-op / after an edit",
        "```",
    ]
    for name, text in notes.items():
        lines = text.splitlines()
        L += [
            "",
            f"stderr of the first '{name}' run ({len(lines)} lines; first 15):",
            "",
            "```",
            *lines[:15],
            "```",
        ]
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    sys.exit(main())

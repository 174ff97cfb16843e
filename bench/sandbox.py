#!/usr/bin/env python3
"""What the template sandbox costs: instructions of a page build with and without it.

    .venv/bin/python bench/sandbox.py [--products 300] [--work /tmp/sb-sandbox]

Counts instructions with valgrind's callgrind (`apt-get install valgrind`), which does not depend on
what else the machine is doing: the same build with the catalog's templates in `CatalogSandbox` (as
sitegen ships) and in a plain `jinja2.Environment` with the same options. One process, `--jobs 1`, a
cold build each (no cache, no output), so every page is rendered in the measured process. The
catalog is the shared generator's, prepared by `bench/pages.py --prepare-only`.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUN = """
import sys, jinja2
from pathlib import Path
import sitegen.render.pages as pages

if sys.argv[1] == "plain":
    class Plain(jinja2.Environment):
        def __init__(self, recorder=None, **options):
            super().__init__(autoescape=True, trim_blocks=True, lstrip_blocks=True, **options)
            self.recorder = recorder

        def _load_template(self, name, globals):
            self.recorder.reads.templates.add(name)
            return super()._load_template(name, globals)
    pages.CatalogSandbox = Plain
from sitegen.build import BuildOptions, build
result = build(BuildOptions(Path(sys.argv[2]), Path(sys.argv[3]), jobs=1))
print(result.pages, "pages")
"""


def instructions(variant: str, catalog: Path, out: Path, work: Path) -> int:
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(catalog / ".sitegen-cache", ignore_errors=True)
    log = work / f"callgrind-{variant}.out"
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={log}", sys.executable, "-c", RUN,
                    variant, str(catalog), str(out)], check=True, capture_output=True)
    summary = subprocess.run(["callgrind_annotate", str(log)], capture_output=True, text=True).stdout
    match = re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", summary) or re.search(
        r"([\d,]+)\s+PROGRAM TOTALS", summary)
    assert match, summary[:500]
    return int(match.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sb-sandbox"))
    args = parser.parse_args()
    subprocess.run([sys.executable, str(HERE / "pages.py"), "--products", str(args.products), "--brands", "10",
                    "--prepare-only", "--work", str(args.work)], check=True, capture_output=True)
    catalog = args.work / "sitegen-catalog"
    counts = {v: instructions(v, catalog, args.work / f"out-{v}", args.work) for v in ("plain", "sandbox")}
    extra = counts["sandbox"] / counts["plain"] - 1
    print(f"{args.products} products, cold build, --jobs 1, instructions (callgrind):")
    print(f"  plain jinja2.Environment  {counts['plain']:>15,}")
    print(f"  CatalogSandbox            {counts['sandbox']:>15,}  ({extra:+.1%} of the whole build)")


if __name__ == "__main__":
    main()

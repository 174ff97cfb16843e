"""Builds that meet a full disk, a second build, `kill -9`, SIGTERM or an early Ctrl-C leave nothing half-done."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.catalog import Catalog, make_catalog, run, run_here

# Rendering slowed down, so that a signal or a second build lands while the first is busy.
_SLOW = """
import sys, time
import sitegen.engine.render as render

real = render.render_pages

def slow(job, chunk):
    time.sleep(0.3)
    return real(job, chunk)

render.render_pages = slow  # forked workers see the patch
from sitegen.__main__ import main
sys.exit(main())
"""


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _many(root: Path, products: int) -> Catalog:
    cat = make_catalog(root)
    for i in range(products):
        cat.product("lishui", f"q{i}", title=f"产品{i}")
    return cat


def _retitle(catalog: Catalog, old: str, new: str) -> None:
    config = catalog.root / "sitegen.toml"
    config.write_text(config.read_text("utf-8").replace(old, new), encoding="utf-8")  # every page changes


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.name.startswith(".output.") or p.name.endswith(".tmp"))


def _children(pid: int) -> set[int]:
    """Processes whose parent is `pid`, from /proc."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _wait_for(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def _slow_build(catalog: Catalog, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", _SLOW, "build", "--root", str(catalog.root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 12 MB file system of its own (tmpfs), so the test can fill it without touching anything else."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Fill `disk` until only `leave` bytes are free."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle:  # unbuffered: closing it has nothing left to write
        try:
            while True:
                handle.write(b"\0" * (1 << 16))
                handle.flush()
        except OSError:
            pass
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - leave))
    return filler


@pytest.mark.parametrize("few", [True, False], ids=["in-place", "new-tree"])
@pytest.mark.parametrize("leave", [0, 8192, 65536, 262144])
def test_a_full_disk_leaves_the_previous_output_exactly_as_it_was(small_disk: Path, tmp_path: Path, leave: int,
                                                                   few: bool) -> None:
    catalog = _many(small_disk / "site", 0 if few else 70)
    assert run_here(catalog.root, "build").returncode == 0
    before = _tree(catalog.output)
    if few:
        path = catalog.root / "products/lishui/p1/index.md"
        path.write_text(path.read_text("utf-8").replace("遂昌菊米1", "遂昌菊米（新）"), encoding="utf-8")
    else:
        _retitle(catalog, "测试品牌目录", "新的目录")
    filler = _fill(small_disk, leave)
    result = run(catalog.root, "build")
    assert "Traceback" not in result.stderr, result.stderr
    expected = tmp_path / "expected"
    shutil.copytree(catalog.root, expected, ignore=shutil.ignore_patterns("output", ".sitegen-cache"))
    assert run_here(expected, "build").returncode == 0  # the reference: built from nothing, with room
    if result.returncode == 1:
        assert "the disk is full" in result.stderr and str(catalog.output) in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert _tree(catalog.output) == before
    else:  # there was room for the site (if not for the cache, a warning says so): the complete new build
        assert result.returncode == 0, result.stderr
        assert _tree(catalog.output) == _tree(expected / "output")
    if leave == 0:
        assert result.returncode == 1
    assert _leftovers(small_disk) == []
    filler.unlink()
    assert run_here(catalog.root, "build").returncode == 0
    assert _tree(catalog.output) == _tree(expected / "output")


@pytest.mark.parametrize("lock", ["file", "folder", "link"])
def test_two_builds_at_once_take_turns(tmp_path: Path, lock: str) -> None:
    """Also when the cache holds something else where the lock belongs (restored, or committed: git stores a
    folder `build.lock/` with a file in it): the lock is made again, never skipped."""
    catalog = _many(tmp_path / "site", 20)
    assert run_here(catalog.root, "build").returncode == 0
    path = catalog.root / ".sitegen-cache" / "build.lock"
    if lock != "file":
        path.unlink()
        (tmp_path / "elsewhere").mkdir()
        if lock == "folder":
            path.mkdir()
            (path / "x").write_text("x")
        else:
            path.symlink_to(tmp_path / "elsewhere")
    _retitle(catalog, "测试品牌目录", "新的目录")
    first = _slow_build(catalog, "--jobs", "1")
    assert _wait_for(lambda: any(p.name.startswith(".output.new-") for p in catalog.root.iterdir()))
    second = run(catalog.root, "build")
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == 0 and "waiting for it to finish" in second.stdout, second.stdout + second.stderr
    assert "新的目录" in (catalog.output / "index.html").read_text("utf-8")
    assert _leftovers(catalog.root) == []
    assert path.is_file() and not path.is_symlink()
    assert lock == "file" or list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_no_worker_outlives_a_killed_build_and_the_next_build_cleans_up(tmp_path: Path, how: int) -> None:
    catalog = _many(tmp_path / "site", 300)
    assert run_here(catalog.root, "build").returncode == 0
    before = _tree(catalog.output)
    _retitle(catalog, "测试品牌目录", "新的目录")
    build = _slow_build(catalog, "--jobs", "2")
    assert _wait_for(lambda: len(_children(build.pid)) >= 2), "no workers started"
    workers = _children(build.pid)
    os.kill(build.pid, how)
    _, err = build.communicate(timeout=60)
    assert _wait_for(lambda: not _alive(workers), timeout=10), f"workers still running: {_alive(workers)}"
    if how == signal.SIGTERM:
        assert build.returncode == 143 and "stopped" in err and "Traceback" not in err, err
        assert _leftovers(catalog.root) == []
    assert _tree(catalog.output) == before
    result = run_here(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    assert _leftovers(catalog.root) == []
    assert "新的目录" in (catalog.output / "index.html").read_text("utf-8")


@pytest.mark.parametrize("delay", [0.0, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4])
def test_ctrl_c_at_any_moment_of_start_up_is_one_line_and_no_traceback(tmp_path: Path, delay: float) -> None:
    """From the moment sitegen's own code runs (it names the process 'sitegen'), through the imports of
    Jinja2, Pillow and PyYAML, to the work itself: no traceback, exit 130."""
    catalog = make_catalog(tmp_path / "site", 3)
    process = subprocess.Popen([sys.executable, "-m", "sitegen", "build", "--root", str(catalog.root)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def started() -> bool:
        try:
            return Path(f"/proc/{process.pid}/comm").read_text().strip() == "sitegen"
        except OSError:
            return process.poll() is not None

    assert _wait_for(started)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    # 0: it finished first; -SIGINT: it said so, then Python ended itself with the signal (what a shell shows
    # as 130 too), which it does now and then on a loaded machine when an interrupt came during clean-up
    assert process.returncode in (0, 130, -signal.SIGINT), err
    assert "Traceback" not in err and (process.returncode == 0 or err.startswith("interrupted")), err
    assert _leftovers(catalog.root) == []

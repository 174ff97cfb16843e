"""The build's own files are untrusted too: the cache folder, a stale output/ and its manifest.

And a build that is killed, stopped, run twice at once or out of disk space leaves nothing half-done:
no worker process, no temp file, no staging folder, the previous output/ exactly as it was.

sitegen runs in-process here (`run_here`: the same entry point, exit status and streams, and a time limit), but
for the runs that a planted FIFO could hang where nothing in-process can interrupt them.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.catalog import Catalog, make_catalog, run_here

EVIL = "MARK-pickle-ran"


class _Evil:
    """Unpickling this runs a shell command that leaves a marker file."""

    def __init__(self, where: Path):
        self.where = where

    def __reduce__(self):
        return (os.system, (f"touch {self.where / EVIL}",))


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _clean_build(catalog: Catalog, tmp_path: Path) -> dict[str, bytes]:
    """The same sources built from nothing, elsewhere: what every build must produce."""
    fresh = tmp_path / "fresh"
    shutil.copytree(catalog.root, fresh, ignore=shutil.ignore_patterns("output", ".sitegen-cache"))
    assert run_here(fresh, "build").returncode == 0
    return _tree(fresh / "output")


def _edit(catalog: Catalog) -> None:
    path = catalog.root / "products/lishui/p1/index.md"
    path.write_text(path.read_text("utf-8").replace("遂昌菊米1", "遂昌菊米（新）"), encoding="utf-8")


@pytest.mark.parametrize("poison", ["garbage", "pickle", "empty", "truncated"])
def test_a_cache_full_of_garbage_or_pickles_is_a_cache_miss(tmp_path: Path, poison: str) -> None:
    catalog = make_catalog(tmp_path / "site")
    assert run_here(catalog.root, "build").returncode == 0
    cache = catalog.root / ".sitegen-cache"
    evil = pickle.dumps(_Evil(tmp_path))
    legacy = [cache / "content" / "lishui.pickle", cache / "build-0123456789ab.pickle",
              cache / "last-build-0123456789ab.pickle"]  # where earlier versions kept pickles
    for path in [*[p for p in cache.rglob("*") if p.is_file()], *legacy]:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes() if path.exists() else b""
        path.write_bytes({"garbage": os.urandom(300), "pickle": evil, "empty": b"",
                          "truncated": data[: len(data) // 2]}[poison])
    _edit(catalog)
    result = run_here(catalog.root, "build")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / EVIL).exists()
    assert _tree(catalog.output) == _clean_build(catalog, tmp_path)
    assert run_here(catalog.root, "build").returncode == 0  # and the cache works again afterwards


def _state(catalog: Catalog) -> sqlite3.Connection:
    return sqlite3.connect(catalog.root / ".sitegen-cache" / "state.sqlite", isolation_level=None)


def test_a_state_file_with_a_trigger_or_an_extra_table_is_started_afresh(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path / "site")
    assert run_here(catalog.root, "build").returncode == 0
    with _state(catalog) as db:
        db.execute("CREATE TABLE evil(x)")
        db.execute("CREATE TRIGGER t AFTER INSERT ON parsed BEGIN INSERT INTO evil VALUES (1); END")
    _edit(catalog)
    assert run_here(catalog.root, "build").returncode == 0
    with _state(catalog) as db:
        names = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert "evil" not in names and "t" not in names
    assert _tree(catalog.output) == _clean_build(catalog, tmp_path)


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm"])
@pytest.mark.parametrize("kind", ["fifo", "folder", "link"])
def test_what_sqlite_opens_beside_the_state_file_is_never_waited_on_or_followed(tmp_path: Path, suffix: str,
                                                                               kind: str) -> None:
    """A cache restore can hold `state.sqlite-journal` as a FIFO: sqlite opened it to look for a transaction to
    roll back and waited for a writer forever, deaf to SIGTERM (it retries the interrupted open)."""
    catalog = make_catalog(tmp_path / "site")
    assert run_here(catalog.root, "build").returncode == 0
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me" * 1000)
    planted = catalog.root / ".sitegen-cache" / f"state.sqlite{suffix}"
    {"fifo": lambda: os.mkfifo(planted), "folder": lambda: (planted.mkdir(), (planted / "x").write_text("x")),
     "link": lambda: planted.symlink_to(victim)}[kind]()
    _edit(catalog)
    for command in ("check", "build"):
        result = subprocess.run([sys.executable, "-m", "sitegen", command, "--root", str(catalog.root)],
                                capture_output=True, text=True, timeout=60)  # a build here takes a second
        assert result.returncode == 0 and result.stderr == "", (command, result.stderr)
    assert victim.read_bytes() == b"keep me" * 1000
    assert not os.path.lexists(planted) or (planted.is_file() and not planted.is_symlink())
    assert _tree(catalog.output) == _clean_build(catalog, tmp_path)
    rows = _state(catalog).execute("SELECT count(*) FROM parsed").fetchone()[0]
    assert rows == 3  # the store is the file's again, not one in memory


@pytest.mark.parametrize("record", ["'" + "[" * 100_000 + "]" * 100_000 + "'", "'" + "1" * 5000 + "'",
                                    """'{"stamp": 1e999}'""", "CAST(X'FF' AS TEXT)"],
                         ids=["nested", "digits", "infinity", "not-utf8"])
def test_a_last_build_record_json_cannot_read_is_a_miss(tmp_path: Path, record: str) -> None:
    catalog = make_catalog(tmp_path / "site")
    assert run_here(catalog.root, "build").returncode == 0
    with _state(catalog) as db:
        assert db.execute(f"UPDATE builds SET record = {record}").rowcount == 1
    result = run_here(catalog.root, "build")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert _tree(catalog.output) == _clean_build(catalog, tmp_path)


def _forge(catalog: Catalog, change) -> None:
    """Rewrite every cached record of p1 with `change` applied, keeping the stamp that makes it a hit."""
    with _state(catalog) as db:
        rows = db.execute("SELECT rel, entry FROM parsed WHERE rel LIKE '%p1/index.md'").fetchall()
        assert rows
        for rel, entry in rows:
            data = json.loads(entry)
            change(data["record"])
            db.execute("UPDATE parsed SET entry = ? WHERE rel = ?", (json.dumps(data), rel))


@pytest.mark.parametrize("change", [
    lambda r: r.update(title="FORGED\x1b[2K"),  # a control character no reader lets through
    lambda r: r.update(title=["FORGED"]),  # a list where text belongs
    lambda r: r.update(images=[{"file": "../../../../etc/passwd", "alt": "FORGED", "line": 4}]),
    lambda r: r.update(rel="products/lishui/p2/index.md", title="FORGED"),  # another folder's record
    lambda r: r.update(id="p2", title="FORGED"),
    lambda r: r.update(price={"amount": "FORGED"}),
    lambda r: r.update(unknown_field="FORGED"),
    lambda r: r.update(season=[1e400]),
], ids=["control", "type", "path", "rel", "id", "nested", "unknown", "number"])
def test_a_forged_cache_record_is_never_used(tmp_path: Path, change) -> None:
    catalog = make_catalog(tmp_path / "site")
    assert run_here(catalog.root, "build").returncode == 0
    _forge(catalog, change)
    (catalog.root / "sitegen.toml").touch()  # the whole-build shortcut does not apply: records are loaded
    result = run_here(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    assert not any(b"FORGED" in data for data in _tree(catalog.output).values())
    assert _tree(catalog.output) == _clean_build(catalog, tmp_path)


def test_a_manifest_that_names_files_outside_output_deletes_nothing_there(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path / "site")
    assert run_here(catalog.root, "build").returncode == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    manifest_path = catalog.output / ".sitegen-manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    for rel in ("../../victim.txt", str(victim), "a/../../../victim.txt", "img/../../../victim.txt"):
        manifest["files"][rel] = {"sha256": "0" * 64, "size": 7}
    manifest_path.write_text(json.dumps(manifest))
    _edit(catalog)
    assert run_here(catalog.root, "build").returncode == 0
    assert victim.read_text() == "keep me"
    assert _tree(catalog.output) == _clean_build(catalog, tmp_path)


@pytest.mark.parametrize("planted", ["products", "products/lishui/p1/index.html", "index.html", "img"])
def test_a_symlink_planted_in_output_is_replaced_never_written_through(tmp_path: Path, planted: str) -> None:
    catalog = make_catalog(tmp_path / "site")
    assert run_here(catalog.root, "build").returncode == 0
    victim = tmp_path / "victim"
    target = catalog.output / planted
    if target.is_dir():
        shutil.copytree(target, victim)
        shutil.rmtree(target)
    else:
        victim.write_bytes(target.read_bytes())
        target.unlink()
    target.symlink_to(victim)
    before = _tree(victim) if victim.is_dir() else victim.read_bytes()
    _edit(catalog)
    assert run_here(catalog.root, "build").returncode == 0
    assert (_tree(victim) if victim.is_dir() else victim.read_bytes()) == before
    assert not target.is_symlink()
    assert _tree(catalog.output) == _clean_build(catalog, tmp_path)


@pytest.mark.parametrize("where", [".output.new-planted", ".output.old-1", "output/deep"])
def test_a_folder_nested_deeper_than_the_stack_is_removed_without_a_traceback(tmp_path: Path, where: str,
                                                                           deep) -> None:
    """Stale staging folders (or a committed folder of that name) are removed by the next build, and so is
    the old output/ when a new tree is swapped in: however deep they go."""
    catalog = make_catalog(tmp_path / "site")
    assert run_here(catalog.root, "build").returncode == 0
    deep(catalog.root / where)
    (catalog.output / ".sitegen-manifest.json").unlink()  # the next commit assembles a new tree
    _edit(catalog)
    result = run_here(catalog.root, "build")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert not os.path.lexists(catalog.root / where)
    assert sorted(p.name for p in catalog.root.iterdir()) == [".sitegen-cache", "brands", "output", "products",
                                                               "sitegen.toml"]
    assert _tree(catalog.output) == _clean_build(catalog, tmp_path)


def test_output_and_cache_linked_to_elsewhere_from_the_catalog_are_refused(tmp_path: Path) -> None:
    catalog = make_catalog(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep me")
    catalog.output.symlink_to(elsewhere)
    result = run_here(catalog.root, "build")
    assert result.returncode == 2 and "symbolic link" in result.stderr, result.stderr
    catalog.output.unlink()
    (catalog.root / ".sitegen-cache").symlink_to(elsewhere)
    for command in ("check", "build"):
        result = run_here(catalog.root, command)
        assert result.returncode == 1 and ".sitegen-cache: " in result.stderr, result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize("linked", ["cache", "cache/sub"])
def test_a_cache_dir_under_a_link_to_elsewhere_is_refused_before_anything_is_written(tmp_path: Path,
                                                                                     linked: str) -> None:
    """`cache_dir = "cache/sub/dir"` with `cache -> /elsewhere`: the folder does not exist yet, and making it
    would make it elsewhere (as root in CI). Where a part of the way leads decides, not whether it exists."""
    catalog = make_catalog(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (catalog.root / linked).parent.mkdir(exist_ok=True)
    (catalog.root / linked).symlink_to(elsewhere)
    config = catalog.root / "sitegen.toml"
    config.write_text(config.read_text("utf-8") + '\n[images]\ncache_dir = "cache/sub/dir"\n', encoding="utf-8")
    for command in ("check", "build"):
        result = run_here(catalog.root, command)
        assert result.returncode == 1 and "cache/sub/dir: " in result.stderr, (command, result.stderr)
        assert list(elsewhere.iterdir()) == [], command
    assert not catalog.output.exists()


@pytest.mark.parametrize(("rel", "safe"), [
    ("index.html", True), ("products/b/p/index.html", True), ("img/cover-ab12-960.webp", True), ("..a", True),
    (".sitegen-x/y", True), ("", False), ("/etc/passwd", False), ("a//b", False), ("a/", False), (".", False),
    ("..", False), ("../a", False), ("a/../../b", False), ("a/..", False), ("./a", False), ("a/./b", False),
    ("a\\..\\b", False), ("a\x00b", False), ("a\nb", False), ("a\x7f", False), ("x" * 1025, False),
])
def test_a_path_from_a_manifest_or_the_cache_must_stay_in_its_folder(rel: str, safe: bool) -> None:
    from sitegen.fsutil import safe_rel

    assert safe_rel(rel) is safe

"""The image side of the trust boundary: a catalog repository is edited by many hands and its CI builds with
bucket credentials, so everything in it is untrusted, including the image cache `.sitegen-cache/` (restored from
the CI cache, or even committed). A corrupt, foreign or hostile cache entry is a miss: the photo is made again,
the build succeeds, and its output is exactly a clean build's; nothing outside the catalog is read into output/
or written, and nothing in the cache is ever executed."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from tests.catalog import make_catalog, photo, run, run_here

CACHE = ".sitegen-cache"
VICTIM_BYTES = b"root:$6$secret-hash-of-the-ci-machine:19000:0:99999:7:::\n"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (the manifest too: nothing is left out of a comparison) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass(frozen=True)
class Clean:
    """A catalog built once from an empty cache: its folder (output/ removed) and the output it gave."""

    root: Path
    output: dict[str, bytes]
    records: dict[str, dict]  # meta/<key>.json → the record the pipeline wrote


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Clean:
    cat = make_catalog(tmp_path_factory.mktemp("clean") / "site", products=2)
    photo(cat.root / "products/lishui/p2/photo.jpg", size=(900, 1200), color=(200, 120, 40))
    logo = cat.root / "brands/lishui/logo.png"  # a cut-out: no placeholder, a PNG fallback
    Image.new("RGBA", (300, 300), (0, 0, 0, 0)).save(logo)
    brand = cat.root / "brands/lishui/index.md"
    brand.write_text(brand.read_text("utf-8").replace("summary:", "logo: logo.png\nsummary:"), "utf-8")
    result = run_here(cat.root, "build", "-q")
    assert result.returncode == 0, result.stderr
    output = tree(cat.output)
    shutil.rmtree(cat.output)
    meta = cat.root / CACHE / "meta"
    records = {p.name: json.loads(p.read_bytes()) for p in meta.glob("*.json")}
    assert len(records) == 3 and any(r["placeholder"] == "" for r in records.values())
    return Clean(cat.root, output, records)


@dataclass
class Scene:
    """A fresh copy of the clean catalog (cache included, no output/) and places outside it."""

    root: Path
    outside: Path  # a folder beside the catalog: nothing may be read from it or written to it
    victim: Path  # a secret-looking file outside the catalog
    marker: Path  # created by a pickle if anything ever unpickles the cache

    @property
    def cache(self) -> Path:
        return self.root / CACHE

    def files(self) -> list[Path]:
        return sorted(p for p in self.cache.rglob("*") if p.is_file() or p.is_symlink())

    def replace(self, path: Path, data: bytes) -> None:
        """As a cache restore or a git checkout does: a new file, not the old inode rewritten."""
        path.unlink()
        path.write_bytes(data)

    def outside_state(self) -> dict[str, bytes]:
        return tree(self.outside)


@pytest.fixture
def scene(clean: Clean, tmp_path: Path) -> Scene:
    root = tmp_path / "site"
    shutil.copytree(clean.root, root, symlinks=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "shadow"
    victim.write_bytes(VICTIM_BYTES)
    return Scene(root, outside, victim, tmp_path / "pwned-marker")


class Boom:
    """Unpickling this creates a folder: proof that something executed what the cache held."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self) -> tuple:
        return (os.mkdir, (self.marker,))


# ----------------------------------------------------------------------- ways to corrupt a restored cache


def garbage(s: Scene) -> None:
    for i, path in enumerate(s.files()):
        s.replace(path, bytes((i * 37 + j * 11) % 256 for j in range(700)))


def empty_files(s: Scene) -> None:
    for path in s.files():
        s.replace(path, b"")


def pickles(s: Scene) -> None:
    bomb = pickle.dumps(Boom(s.marker))
    for path in s.files():
        s.replace(path, bomb)


def pickles_in_image_files(s: Scene) -> None:
    bomb = pickle.dumps(Boom(s.marker))
    for path in s.files():
        if path.parent.name in ("meta", "img") or path.name == "sources.json":
            s.replace(path, bomb)


def symlinks_to_a_secret(s: Scene) -> None:
    for path in s.files():
        path.unlink()
        path.symlink_to(s.victim)


def image_folder_is_a_link(s: Scene) -> None:
    """img/ points at a folder elsewhere holding files with the expected names: none may be used, or written."""
    img = s.cache / "img"
    for name in os.listdir(img):
        (s.outside / name).write_bytes(VICTIM_BYTES)
    shutil.rmtree(img)
    img.symlink_to(s.outside, target_is_directory=True)


def meta_folder_is_a_link(s: Scene) -> None:
    """meta/ points elsewhere: its records are not read from there, and no record is written there."""
    meta = s.cache / "meta"
    shutil.rmtree(meta)
    meta.symlink_to(s.outside, target_is_directory=True)


def cache_folders_are_files(s: Scene) -> None:
    for name in ("img", "meta"):
        shutil.rmtree(s.cache / name)
        (s.cache / name).write_bytes(b"not a folder")


def entries_are_folders(s: Scene) -> None:
    for path in [*(s.cache / "img").iterdir(), *(s.cache / "meta").iterdir(), s.cache / "sources.json"]:
        path.unlink()
        (path / "inside").mkdir(parents=True)
        (path / "inside" / "link").symlink_to(s.outside, target_is_directory=True)


def image_files_are_links(s: Scene) -> None:
    for path in (s.cache / "img").iterdir():
        path.unlink()
        path.symlink_to(s.victim)


def image_files_are_fifos(s: Scene) -> None:
    """A FIFO or a device restored from a tar archive: reading it would hang the build."""
    for path in [*(s.cache / "img").iterdir(), *(s.cache / "meta").iterdir(), s.cache / "sources.json"]:
        path.unlink()
        os.mkfifo(path)


def records(edit: Callable[[str, dict], object]) -> Callable[[Scene], None]:
    """Every meta record rewritten by `edit(key, record)` (valid JSON, hostile content)."""
    def corrupt(s: Scene) -> None:
        for path in (s.cache / "meta").glob("*.json"):
            record = json.loads(path.read_bytes())
            changed = edit(path.stem, record)
            s.replace(path, json.dumps(record if changed is None else changed).encode())
    return corrupt


def _names(record: dict, rename: Callable[[str], str]) -> None:
    for entry in [*record["sources"], record["fallback"], record["og"]]:
        entry[0] = rename(entry[0])


def _set(field: str, value: object) -> Callable[[str, dict], None]:
    return lambda _key, record: record.__setitem__(field, value)


HOSTILE_RECORDS: dict[str, Callable[[str, dict], object]] = {
    "names climb out": lambda _k, r: _names(r, lambda n: "../../../../../../../../etc/passwd"),
    "absolute names": lambda _k, r: _names(r, lambda n: "/etc/passwd"),
    "names into the victim's folder": lambda _k, r: _names(r, lambda n: f"../../outside/{n}"),
    "names with a slash": lambda _k, r: _names(r, lambda n: f"sub/{n}"),
    "another key's files": lambda k, r: _names(r, lambda n: n.replace(k, "0" * len(k))),
    "unknown extension": lambda _k, r: _names(r, lambda n: n.rsplit(".", 1)[0] + ".html"),
    "name and width disagree": lambda _k, r: r["sources"][0].__setitem__(1, r["sources"][0][1] + 1),
    "placeholder breaks out of the attribute": _set("placeholder", '#000000"><script>alert(document.cookie)</script>'),
    "placeholder loads a remote picture": _set("placeholder", "#102030 url(https://tracker.example/p.gif) 50%/cover"),
    "placeholder with css": _set("placeholder", "#102030;position:fixed;inset:0;z-index:9"),
    "oversized data uri": lambda _k, r: r.__setitem__(
        "placeholder", f"{r['colour']} url(data:image/webp;base64,{'A' * 4000}) 50%/cover no-repeat"),
    "colour is not a colour": _set("colour", "red;background:url(//x)"),
    "zero width": lambda _k, r: r.__setitem__("width", 0),
    "width is text": lambda _k, r: r.__setitem__("width", "960"),
    "width is true": lambda _k, r: r["fallback"].__setitem__(1, True),
    "huge height": lambda _k, r: r["fallback"].__setitem__(2, 10**12),
    "unknown format": lambda _k, r: r["og"].__setitem__(3, "svg"),
    "an extra field": _set("script", "alert(1)"),
    "a field missing": lambda _k, r: r.pop("og"),
    "not an object": lambda _k, _r: [1, 2, 3],
    "entries too short": lambda _k, r: r.__setitem__("sources", [[n[0]] for n in r["sources"]]),
    "deeply nested": lambda _k, _r: {"sources": [[[[[[[[[[]]]]]]]]]]},
}


def hostile_sources(s: Scene) -> None:
    """sources.json with every wrong shape: path → [size, mtime, inode, digest] is all it may hold."""
    index = s.cache / "sources.json"
    entries = json.loads(index.read_bytes())
    hostile: dict[str, object] = {}
    for i, (path, (size, mtime, inode, digest)) in enumerate(entries.items()):
        hostile[path] = [
            [size, mtime, inode, "../../../../etc/passwd"],
            [size, mtime, inode, digest.upper()],
            [size, mtime, inode, digest[:40]],
            [size, mtime, inode, int(digest[:8], 16)],
            [str(size), mtime, inode, digest],
            [size, mtime, inode, digest, "extra"],
            {"size": size, "digest": digest},
        ][i % 7]
    hostile["/etc/passwd"] = [1, 2, 3, "0" * 64]
    hostile["nested"] = [[[[[]]]]]
    s.replace(index, json.dumps(hostile).encode())


def sources_not_a_dict(s: Scene) -> None:
    s.replace(s.cache / "sources.json", b'[["/etc/passwd", 1, 2, 3]]')


CORRUPTIONS: dict[str, Callable[[Scene], None]] = {
    "garbage": garbage,
    "empty files": empty_files,
    "pickles in the image cache": pickles_in_image_files,
    "pickles everywhere": pickles,
    "symlinks to a secret": symlinks_to_a_secret,
    "img is a link": image_folder_is_a_link,
    "meta is a link": meta_folder_is_a_link,
    "img and meta are files": cache_folders_are_files,
    "image files are links": image_files_are_links,
    "entries are folders": entries_are_folders,
    "fifos": image_files_are_fifos,
    "hostile sources.json": hostile_sources,
    "sources.json not a dict": sources_not_a_dict,
    "record names climb out": records(HOSTILE_RECORDS["names climb out"]),
    "record placeholder breaks out": records(HOSTILE_RECORDS["placeholder breaks out of the attribute"]),
}


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS.values()), ids=list(CORRUPTIONS))
def test_a_hostile_cache_is_a_miss_and_the_build_is_a_clean_one(
        clean: Clean, scene: Scene, corrupt: Callable[[Scene], None]) -> None:
    from sitegen.images.cache import Layout, read_meta

    corrupt(scene)
    before = scene.outside_state()
    # in-process (the same entry point, exit status and streams), but a real process for the FIFOs: a read of
    # one would hang the build, perhaps in a photo worker, out of reach of run_here's time limit
    result = (run if corrupt is image_files_are_fifos else run_here)(scene.root, "build")
    assert not scene.marker.exists(), "something in the cache was unpickled and executed"
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "warning" not in result.stderr, result.stderr
    built = tree(scene.root / "output")
    assert built == clean.output  # byte for byte, every file, the manifest too
    assert not any(VICTIM_BYTES in data for data in built.values())
    assert scene.outside_state() == before  # nothing written through a link, nothing left outside
    assert scene.victim.read_bytes() == VICTIM_BYTES
    # the cache is whole again: every photo's record is back, as the pipeline writes it
    for sub in ("img", "meta"):
        assert stat.S_ISDIR(os.lstat(scene.cache / sub).st_mode)
    layout = Layout(scene.cache)
    assert {name: read_meta(layout, name.removesuffix(".json")) for name in clean.records} == clean.records


@pytest.mark.parametrize("edit", list(HOSTILE_RECORDS.values()), ids=list(HOSTILE_RECORDS))
def test_a_record_not_exactly_as_the_pipeline_writes_it_is_a_miss(
        scene: Scene, edit: Callable[[str, dict], object]) -> None:
    from sitegen.images.cache import Layout, read_meta

    records(edit)(scene)
    layout = Layout(scene.cache)
    assert [read_meta(layout, p.stem) for p in (scene.cache / "meta").glob("*.json")] == [None] * 3


def test_the_records_a_clean_build_writes_pass_the_checks(clean: Clean, scene: Scene) -> None:
    """The checks are not so strict that the pipeline's own records fail them (which would make every photo
    again on every build)."""
    from sitegen.images.cache import Layout, read_meta

    layout = Layout(scene.cache)
    for name, record in clean.records.items():
        assert read_meta(layout, name.removesuffix(".json")) == record

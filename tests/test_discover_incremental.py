"""The live preview's walk: told which paths changed since the last walk, `discover` looks only into the
folders they touch and takes the rest from the last tree; the tree (folders and problems, in order) must be
the one a whole walk finds, whatever the edits: folders made, removed and renamed, files added and removed,
misnamed index files, bad folder names, nested folders, links inside and out of the catalog."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.content.discover import Changed, discover

BRANDS = ["a", "b"]
NAMES = ["p1", "p2", "p3", "Bad_Name"]
FILES = ["index.md", "Index.md", "cover.jpg", "notes.txt"]

# (operation, brand, folder, file): what an editor (or git) does, and the path a watcher reports for it
OPS = st.tuples(
    st.sampled_from(["write", "remove-file", "remove-folder", "nested", "link-sibling", "link-out", "link-folder",
                     "rename-folder", "brand"]),
    st.sampled_from(BRANDS), st.sampled_from(NAMES), st.sampled_from(FILES))


def _apply(root: Path, op: tuple[str, str, str, str], counter: int) -> list[str]:
    kind, brand, name, file = op
    folder = f"products/{brand}/{name}"
    path = root / folder
    if kind == "write":
        if os.path.lexists(path) and not path.is_dir():  # a link to nowhere
            return []
        path.mkdir(parents=True, exist_ok=True)
        if (path / file).is_symlink() or (path / file).is_dir():
            return []
        (path / file).write_text(f"---\ntitle: {counter}\n---\n" + "x" * counter, "utf-8")
        return [f"{folder}/{file}"]
    if kind == "remove-file" and (path / file).is_file():
        (path / file).unlink()
        return [f"{folder}/{file}"]
    if kind == "remove-folder" and path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
        return [folder]
    if kind == "nested" and path.is_dir() and not path.is_symlink():
        (path / "photos").mkdir(exist_ok=True)
        (path / "photos" / f"{counter}.jpg").write_bytes(b"x")
        return [f"{folder}/photos/{counter}.jpg"]
    if kind in ("link-sibling", "link-out") and path.is_dir() and not path.is_symlink():
        link = path / f"link{counter}.jpg"
        link.symlink_to("cover.jpg" if kind == "link-sibling" else "/etc/hostname")
        return [f"{folder}/{link.name}"]
    if kind == "link-folder" and not os.path.lexists(path):  # a product folder that is a link to a sibling
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to("p2" if name == "p1" else "p1")
        return [folder]
    if kind == "rename-folder" and path.is_dir() and not path.is_symlink():
        new = path.parent / f"r{counter}"
        path.rename(new)
        return [folder, f"products/{brand}/{new.name}"]
    if kind == "brand":
        index = root / "brands" / brand / "index.md"
        if index.exists():
            index.unlink()
        else:
            index.parent.mkdir(parents=True, exist_ok=True)
            index.write_text("---\nname: x\n---\n", "utf-8")
        return [f"brands/{brand}/index.md"]
    return []


@settings(max_examples=int(os.environ.get("SITEGEN_HYPOTHESIS_EXAMPLES", "30")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(OPS, min_size=1, max_size=4), min_size=1, max_size=6))
def test_a_walk_told_what_changed_finds_what_a_whole_walk_finds(batches: list[list[tuple[str, str, str, str]]]
                                                                ) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for brand in BRANDS:
            (root / "brands" / brand).mkdir(parents=True)
            (root / "brands" / brand / "index.md").write_text("---\nname: x\n---\n", "utf-8")
            for name in ("p1", "p2"):
                (root / "products" / brand / name).mkdir(parents=True)
                (root / "products" / brand / name / "index.md").write_text("---\ntitle: t\n---\n", "utf-8")
        tree = discover(root)
        counter = 0
        for batch in batches:
            changed: list[str] = []
            for op in batch:
                counter += 1
                changed += _apply(root, op, counter)
            # a watcher reports a change where it happens: through a folder link, at the link's target
            real = os.path.realpath(root)
            changed += [os.path.relpath(os.path.join(os.path.realpath((root / rel).parent), Path(rel).name), real)
                        for rel in changed]
            walked = discover(root, tree, Changed(changed))
            whole = discover(root)
            assert walked == whole, f"after {batch} (reported {changed})"
            for folder in walked.reused:  # taken from the last walk: untouched, and no link in or to it
                assert not Changed(changed).touches(folder)
                assert not any(p.is_symlink() for p in (root / folder).iterdir())
                assert not (root / folder).is_symlink()
            tree = walked


def test_an_untouched_folder_is_taken_from_the_last_walk_and_a_touched_one_is_looked_at(tmp_path: Path) -> None:
    for name in ("p1", "p2"):
        (tmp_path / "products/a" / name).mkdir(parents=True)
        (tmp_path / "products/a" / name / "index.md").write_text("---\ntitle: t\n---\n", "utf-8")
    (tmp_path / "brands/a").mkdir(parents=True)
    (tmp_path / "brands/a/index.md").write_text("---\nname: x\n---\n", "utf-8")
    tree = discover(tmp_path)
    (tmp_path / "products/a/p1/index.md").write_text("---\ntitle: longer now\n---\n", "utf-8")
    walked = discover(tmp_path, tree, Changed(["products/a/p1/index.md"]))
    assert walked.reused == {"products/a/p2", "brands/a"}
    assert walked == discover(tmp_path)
    assert walked.products[0].stamp != tree.products[0].stamp
    assert walked.products[1] is tree.products[1]
    # not told what changed (`sitegen build`): every folder is looked at
    assert discover(tmp_path, walked).reused == frozenset()
    # a folder above the edit reported (a watcher that fell back to naming the top folder): all of it again
    assert discover(tmp_path, walked, Changed(["products"])).reused == {"brands/a"}


def test_the_paths_a_change_touches() -> None:
    changed = Changed(["products/a/p1/index.md", "brands/b"])
    assert [changed.touches(rel) for rel in ("products/a/p1", "products/a/p2", "brands/b", "brands/b/x",
                                             "brands/c", "products/a", "products")] == [
        True, False, True, True, False, True, True]

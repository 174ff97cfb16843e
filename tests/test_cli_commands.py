"""The command line as an editor uses it: `sitegen new`, --root, -q/-v, exit codes, both entry points."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.catalog import Catalog, photo, run, run_here


def _uncomment(path: Path) -> None:
    """What an editor does with a new file: remove the '# ' in front of every optional field."""
    path.write_text(re.sub(r"(?m)^# ", "", path.read_text("utf-8")), encoding="utf-8")


def test_new_files_with_every_field_filled_in_pass_check(catalog: Catalog) -> None:
    catalog.write("sitegen.toml", catalog.root.joinpath("sitegen.toml").read_text("utf-8")
                  + '\n[certifications.green-food]\nzh = "绿色食品"\n')
    assert run_here(catalog.root, "new", "brand", "wuchang", "--name", '五常"大米"').returncode == 0
    result = run_here(catalog.root, "new", "product", "wuchang", "五常大米（稻花香）")
    assert result.returncode == 0 and "created products/wuchang/wuchang-dami-daohua-xiang/index.md" in result.stdout
    brand = catalog.root / "brands/wuchang/index.md"
    product = catalog.root / "products/wuchang/wuchang-dami-daohua-xiang/index.md"
    text = product.read_text("utf-8")
    from sitegen.content.records import BRAND_FIELDS, PRODUCT_FIELDS

    for fields, written in ((PRODUCT_FIELDS, text), (BRAND_FIELDS, brand.read_text("utf-8"))):
        for field in fields:  # every field is listed, with a comment after it
            assert re.search(rf"(?m)^(# )?{field}:.*#", written), field
    assert "可选：tea, rice" in text and "可选：gi, green-food" in text
    _uncomment(brand)
    _uncomment(product)
    for name in ("logo.png", "banner.jpg"):
        photo(brand.parent / name)
    photo(product.parent / "photo-1.jpg")
    result = run_here(catalog.root, "check")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


def test_new_never_overwrites_but_fills_a_folder_of_photos(catalog: Catalog) -> None:
    catalog.write("brands/lishui/index.md.bak", "")
    before = (catalog.root / "brands/lishui/index.md").read_text("utf-8")
    again = run_here(catalog.root, "new", "brand", "lishui", "--name", "别的")
    assert again.returncode == 2 and "already exists; nothing was changed" in again.stderr
    assert (catalog.root / "brands/lishui/index.md").read_text("utf-8") == before
    photo(catalog.root / "products/lishui/jumi/photo-1.jpg")  # photos first, then the file
    result = run_here(catalog.root, "new", "product", "lishui", "菊米", "--id", "jumi")
    assert result.returncode == 0 and (catalog.root / "products/lishui/jumi/index.md").is_file()
    assert (catalog.root / "products/lishui/jumi/photo-1.jpg").is_file()


def test_new_refuses_bad_ids_and_missing_brands_with_exit_2(catalog: Catalog) -> None:
    bad = run_here(catalog.root, "new", "brand", "Wu Chang", "--name", "五常")
    assert bad.returncode == 2 and "e.g. 'wu-chang'" in bad.stderr
    nobrand = run_here(catalog.root, "new", "product", "nowhere", "菊米")
    assert nobrand.returncode == 2 and "sitegen new brand nowhere" in nobrand.stderr
    assert not (catalog.root / "brands/wu-chang").exists() and not (catalog.root / "products/nowhere").exists()
    before = sorted(p.relative_to(catalog.root) for p in catalog.root.rglob("*"))
    for args, says in [(("brand", "wuchang", "--name", " "), 'the brand name is empty; write it in quotes'),
                       (("product", "lishui", ""), "the title is empty; write the product's name in quotes"),
                       (("product", "lishui", "!!!"), "no id can be made from the title '!!!'; give one with --id")]:
        result = run_here(catalog.root, "new", *args)
        assert result.returncode == 2 and says in result.stderr, result.stderr
    assert sorted(p.relative_to(catalog.root) for p in catalog.root.rglob("*")) == before
    full_width = run_here(catalog.root, "new", "product", "lishui", "Ａ级大米")
    assert full_width.returncode == 0 and "products/lishui/a-jida-mi/index.md" in full_width.stdout


def test_exit_codes_quiet_and_verbose(catalog: Catalog) -> None:
    ok = run(catalog.root, "check", "-q")
    assert ok.returncode == 0 and ok.stdout == "" and ok.stderr == ""
    assert "checked 1 brand and 2 products" in run(catalog.root, "check", "-v").stdout
    catalog.write("products/lishui/p1/index.md", "---\ntitle: x\ncategory: tea\nimages: [photo.jpg]\n---\n")
    warned = run(catalog.root, "check", "-q")
    assert warned.returncode == 0 and "warning: image 'photo.jpg' has no 'alt' text" in warned.stderr
    assert run(catalog.root, "check", "--format", "yaml").returncode == 2
    catalog.write("products/lishui/p2/index.md", "---\ntitel: x\n---\n")
    assert run(catalog.root, "check", "-q").returncode == 1


def test_console_script_and_default_root_is_the_current_folder(catalog: Catalog) -> None:
    script = shutil.which("sitegen", path=str(Path(sys.executable).parent))
    assert script, "the sitegen console script is not installed"
    for command in ([script, "check", "--format", "json"],
                    [sys.executable, "-m", "sitegen", "check", "--format", "json"]):
        catalog.write("products/lishui/p1/index.md", "---\ntitle: x\ncategory: tee\nimages: [photo.jpg]\n---\n")
        result = subprocess.run(command, cwd=catalog.root, capture_output=True, text=True, timeout=120)
        assert result.returncode == 1
        problem = json.loads(result.stdout.splitlines()[0])
        where = (problem["code"], problem["path"], problem["line"])
        assert where == ("unknown-category", "products/lishui/p1/index.md", 3)


def test_sitegen_alone_prints_an_overview_of_the_commands_in_chinese_and_english(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "sitegen"], capture_output=True, text=True, cwd=tmp_path,
                            timeout=60)
    assert result.returncode == 0 and result.stderr == ""
    for command, chinese in (("serve", "预览"), ("check", "检查"), ("build", "生成网站"), ("new", "新建"),
                             ("publish", "上传")):
        line = next(line for line in result.stdout.splitlines() if line.strip().startswith(f"sitegen {command} "))
        assert chinese in line and re.search(r"\([a-z].*\)$", line), line  # both languages on each line
    assert "--help" in result.stdout


def test_a_mistyped_command_gets_did_you_mean_and_exit_2(tmp_path: Path) -> None:
    for typed, said in (("bulid", "did you mean 'build'?"), ("serv", "did you mean 'serve'?"),
                        ("publsh", "did you mean 'publish'?"),
                        ("xyzzy", "allowed commands are: build, check, new, publish, serve")):
        result = subprocess.run([sys.executable, "-m", "sitegen", typed], capture_output=True, text=True,
                                cwd=tmp_path, timeout=60)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", f"sitegen: unknown command '{typed}'; "
                                                                    f"{said}\n")


def test_a_new_product_is_a_draft_that_builds_before_its_photo_is_there(catalog: Catalog) -> None:
    """The first edit: `sitegen new product`, then build, before any photo is taken. The draft's missing photo
    is a warning (the build goes on, the draft is left out, or shown without the photo with --drafts); once
    `draft: true` is removed, the same missing photo is an error."""
    assert run_here(catalog.root, "new", "product", "lishui", "高山云雾茶", "--id", "yunwu").returncode == 0
    path = catalog.root / "products/lishui/yunwu/index.md"
    assert re.search(r"(?m)^draft: true\b", path.read_text("utf-8"))
    warning = ("products/lishui/yunwu/index.md:5: warning: the image 'photo-1.jpg' is not in this folder yet; this "
               "product is a draft (draft: true), so it is previewed without it; add the photo before you remove "
               "'draft: true'")
    built = run_here(catalog.root, "build")
    assert built.returncode == 0 and warning in built.stderr.splitlines()
    assert not (catalog.output / "products/lishui/yunwu").exists()
    drafts = run_here(catalog.root, "build", "--drafts")
    assert drafts.returncode == 0 and warning in drafts.stderr.splitlines()
    page = (catalog.output / "products/lishui/yunwu/index.html").read_text("utf-8")
    assert "高山云雾茶" in page and "photo-1" not in page  # no broken image: the photo is left out
    path.write_text(re.sub(r"(?m)^draft: true.*\n", "", path.read_text("utf-8")), "utf-8")
    published = run_here(catalog.root, "build")
    assert published.returncode == 1 and published.stderr.splitlines()[0] == (
        "products/lishui/yunwu/index.md:5: the image 'photo-1.jpg' is not in this folder; check the file name "
        "(letters, upper/lower case and extension must match exactly)")

"""The build's central invariant: an incremental build's output/ is byte-identical to a clean build's.

"After any sequence of edits (field and body edits, template overrides added/changed/removed, photos
added/replaced/removed, products and brands added/renamed/deleted, drafts toggled, `sitegen.toml` changes)
an incremental build's `output/` is byte-identical to a clean build's."

Two halves, both through the public API only (`sitegen.build.build` and `BuildOptions`), so that they hold
any engine to the invariant, whatever it remembers between builds and however it decides what to redo:

- `test_one_edit`: a table of single edits on a small catalog, each checked on its own (build, edit,
  build: the output must be the clean build's). A failing row names the edit kind the engine misses.
- `TestIncrementalInvariant`: a Hypothesis state machine that applies generated sequences of every edit
  kind to a catalog of 1–3 brands and up to 6 products, building incrementally now and then (with and
  without `--drafts`, this month or another), and after every build compares output/ with a clean build
  of a copy of the same sources (no output/, no .sitegen-cache/), file by file, the manifest included.

Every state the edits produce is a valid catalog: a clean build of it must succeed. A clean build that
fails, or two clean builds of the same sources that differ, is reported as such (a separate bug).

Editors save files at human speed, so each file this test writes gets a modification time later than any
before it (a clock of its own, one second a step): the invariant is about edits, not about two saves of
the same size within one tick of the file system's clock.

The state machine runs 10 sequences of 25 steps by default (about 40 s when every build passes). Run it
longer locally, and shrink a failure to a minimal sequence of edits (off by default: each shrink step replays
builds, and shrinking one failure can take Hypothesis's five-minute budget):
    SITEGEN_HYPOTHESIS_EXAMPLES=200 SITEGEN_HYPOTHESIS_STEPS=60 SITEGEN_HYPOTHESIS_SHRINK=1 \\
        .venv/bin/python -m pytest -q tests/test_incremental_invariant.py::TestIncrementalInvariant
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import hashlib
import inspect
import io
import json
import os
import shutil
import string
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from PIL import Image

from sitegen.build import BuildOptions, build
from sitegen.engine.session import Session
from tests.catalog import make_catalog, photo

TODAY = dt.date(2024, 9, 15)  # September: a product with season [9, 10] is "in season" on the home page
LATER = dt.date(2025, 3, 2)  # another month (and year): what is in season changes
BASE_URL = "https://shop.example.com/"
OVERRIDE_DIR = "themes/default/templates"
SHIPPED = Path(inspect.getfile(build)).parent / "themes" / "default" / "templates"  # README: the default theme

EXAMPLES = int(os.environ.get("SITEGEN_HYPOTHESIS_EXAMPLES", "10"))
STEPS = int(os.environ.get("SITEGEN_HYPOTHESIS_STEPS", "25"))
SHRINK = os.environ.get("SITEGEN_HYPOTHESIS_SHRINK", "") not in ("", "0")

BRAND_IDS = ("lishui", "wuchang", "anji", "pinggu")
PRODUCT_IDS = ("jumi", "baicha", "xiangmi", "daohua", "mifeng", "hetao", "yangmei", "xianggu")
PHOTO_NAMES = ("photo-1.jpg", "photo-2.jpg", "photo-3.jpg", "detail.png")
CATEGORY_POOL = {"tea": ("茶叶", "Tea"), "rice": ("大米", "Rice"), "fruit": ("水果", "Fruit"),
                 "honey": ("蜂蜜", "Honey"), "nuts": ("坚果", "Nuts")}


# -- the catalog, as plain data; files are written from it


@dataclass(frozen=True)
class Pic:
    """A tiny photo: cheap to encode, yet every replacement gives other pixels (and maybe another size)."""

    size: tuple[int, int] = (32, 24)
    color: tuple[int, int, int] = (120, 160, 90)


@dataclass
class ProductSrc:
    fields: dict[str, Any]  # front matter in order, without `images` (written third, after title and category)
    images: list[tuple[str, str]]  # (file, alt); alt '' is written as the bare file name (a warning, not an error)
    photos: dict[str, Pic]  # every photo file in the folder, listed in `images` or not
    body: str = ""

    def text(self) -> str:
        entries = [{"file": f, "alt": a} if a else f for f, a in self.images]
        head = {"title": self.fields["title"], "category": self.fields["category"], "images": entries}
        head.update((k, v) for k, v in self.fields.items() if k not in head)
        return _markdown(head, self.body)


@dataclass
class BrandSrc:
    fields: dict[str, Any]
    body: str = ""
    logo: Pic | None = None
    logo_alt: str = ""

    def text(self) -> str:
        head = dict(self.fields)
        if self.logo is not None:
            head["logo"] = {"file": "logo.png", "alt": self.logo_alt} if self.logo_alt else "logo.png"
        return _markdown(head, self.body)


def _markdown(head: dict[str, Any], body: str) -> str:
    # JSON is valid YAML: every value is quoted, so no text can end a value early or change its type
    lines = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in head.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + ("\n" if body and not body.endswith("\n") else "")


@dataclass
class Model:
    config: dict[str, Any]  # top-level keys of sitegen.toml, plus 'contact' and 'images' tables
    categories: dict[str, list[str]]  # id → [zh, en]
    cert_name: str
    brands: dict[str, BrandSrc]
    products: dict[tuple[str, str], ProductSrc]
    overrides: dict[str, str] = field(default_factory=dict)  # template (relative to templates/) → variant

    def toml(self) -> str:
        q = functools.partial(json.dumps, ensure_ascii=False)  # a JSON string is a TOML basic string
        out = [f"{k} = {q(v)}" for k, v in self.config.items() if k not in ("contact", "images")]
        for table in ("contact", "images"):
            if self.config.get(table):
                out += ["", f"[{table}]", *(f"{k} = {q(v)}" for k, v in self.config[table].items())]
        for cid, (zh, en) in self.categories.items():
            out += ["", f"[categories.{cid}]", f"zh = {q(zh)}", f"en = {q(en)}"]
        out += ["", "[certifications.gi]", f"zh = {q(self.cert_name)}", 'en = "Geographical Indication"']
        return "\n".join(out) + "\n"

    def files(self) -> dict[str, bytes | tuple[str, Pic]]:
        """Every source file: text as bytes, photos as ('jpg' | 'png', Pic)."""
        files: dict[str, bytes | tuple[str, Pic]] = {"sitegen.toml": self.toml().encode()}
        for bid, brand in self.brands.items():
            files[f"brands/{bid}/index.md"] = brand.text().encode()
            if brand.logo is not None:
                files[f"brands/{bid}/logo.png"] = ("png", brand.logo)
        for (bid, pid), product in self.products.items():
            files[f"products/{bid}/{pid}/index.md"] = product.text().encode()
            for name, pic in product.photos.items():
                files[f"products/{bid}/{pid}/{name}"] = (name.rsplit(".", 1)[1], pic)
        for rel, variant in self.overrides.items():
            files[f"{OVERRIDE_DIR}/{rel}"] = OVERRIDES[rel][variant](_shipped(rel)).encode()
        return files

    # edits shared by the table and the state machine

    def used_categories(self) -> set[str]:
        return {p.fields["category"] for p in self.products.values()}

    def move_product(self, old: tuple[str, str], new: tuple[str, str]) -> None:
        self.products = {new if k == old else k: v for k, v in self.products.items()}

    def remove_brand(self, bid: str) -> None:
        del self.brands[bid]
        self.products = {k: v for k, v in self.products.items() if k[0] != bid}

    def rename_brand(self, old: str, new: str) -> None:
        self.brands = {new if k == old else k: v for k, v in self.brands.items()}
        self.products = {((new if b == old else b), p): v for (b, p), v in self.products.items()}


def base_model() -> Model:
    """Two brands (one with a logo), four products (one a draft), every kind of field in use."""
    return Model(
        config={"title": "测试品牌目录", "base_url": BASE_URL, "description": "县域好物，产地直供",
                "icp_record": "浙ICP备00000000号-1", "contact": {"phone": "0578-0000000"}},
        categories={"tea": ["茶叶", "Tea"], "rice": ["大米", "Rice"], "fruit": ["水果", "Fruit"]},
        cert_name="地理标志产品",
        brands={
            "lishui": BrandSrc(
                {"name": "丽水山耕", "name_en": "Lishui Shangeng", "province": "浙江省", "county": "丽水市",
                 "summary": "丽水的生态农产品", "established": 2014, "website": "https://lishui.example.cn/"},
                "## 品牌故事\n\n丽水山耕是丽水市的区域公用品牌。", Pic((24, 24), (200, 40, 40)), "丽水山耕标志"),
            "wuchang": BrandSrc({"name": "五常大米", "province": "黑龙江省", "county": "五常市", "summary": "稻花香"},
                                "五常大米，稻花飘香。"),
        },
        products={
            ("lishui", "jumi"): ProductSrc(
                {"title": "遂昌菊米", "category": "tea", "price": {"amount": 68, "unit": "250克"}, "season": [9, 10],
                 "date": "2024-05-01", "producer": "遂昌县菊米合作社", "origin": "浙江遂昌", "weight": "250克",
                 "tags": ["菊米", "花茶"], "certifications": [{"id": "gi", "number": "AGI-0001"}]},
                [("photo-1.jpg", "一杯菊米茶"), ("photo-2.jpg", "菊米特写")],
                {"photo-1.jpg": Pic(), "photo-2.jpg": Pic((24, 32), (180, 150, 60))},
                "## 介绍\n\n遂昌菊米，香气清雅。\n\n![菊米特写](photo-2.jpg)"),
            ("lishui", "baicha"): ProductSrc(
                {"title": "安吉白茶", "category": "tea", "price": {"amount": 128}, "season": [4], "date": "2024-03-20",
                 "producer": "安吉白茶场"},
                [("photo-1.jpg", "白茶")], {"photo-1.jpg": Pic((32, 24), (90, 170, 90))}, "安吉白茶，鲜爽。"),
            ("lishui", "xiangmi"): ProductSrc(
                {"title": "丽水香米", "category": "rice", "draft": True, "date": "2024-06-01"},
                [("photo-1.jpg", "香米")], {"photo-1.jpg": Pic((32, 24), (230, 230, 210))}, "草稿。"),
            ("wuchang", "daohua"): ProductSrc(
                {"title": "五常稻花香", "category": "rice", "price": {"amount": 99, "unit": "5公斤"},
                 "variants": [{"name": "5公斤", "price": 99, "unit": "袋"},
                              {"name": "10公斤", "price": 189, "unit": "袋"}],
                 "season": [10], "date": "2024-01-10", "producer": "五常市稻花香合作社", "origin": "黑龙江五常"},
                [("photo-1.jpg", "大米")], {"photo-1.jpg": Pic((40, 30), (240, 240, 220))}, "五常大米，一年一季。"),
        },
    )


# -- template overrides: the shipped template with one small, valid change


@functools.cache
def _shipped(rel: str) -> str:
    return (SHIPPED / rel).read_text("utf-8")


def _before_last(marker: str, extra: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        at = text.rfind(marker)
        return text[:at] + extra + text[at:] if at >= 0 else text + extra
    return change


OVERRIDES: dict[str, dict[str, Callable[[str], str]]] = {
    "partials/card.html": {
        "producer": _before_last("</a>", '<small class="by">{{ p.producer }}</small>'),  # the issue's example
        "origin": _before_last("</a>", '<small class="from">{{ p.origin }}</small>'),
        "tags": _before_last("</a>", '<small class="tags">{{ p.tags | join(" · ") }}</small>'),
        "weight": _before_last("</a>", '<small class="weight">{{ p.weight }}</small>'),
        "summary": _before_last("</a>", '<small class="sum">{{ p.summary }}</small>'),
        "date": _before_last("</a>", '<small class="date">{{ p.date }}</small>'),
        "plain": lambda _: '<li class="card"><a href="{{ product_url(p) }}">{{ p.title }}</a></li>\n',
    },
    "partials/brand_card.html": {
        "established": _before_last("</a>", '<small class="est">{{ b.established }}</small>'),
        "website": _before_last("</a>", '<small class="web">{{ b.website }}</small>'),
        "name_en": _before_last("</a>", '<small class="en">{{ b.name_en }}</small>'),
    },
    "product.html": {
        "note": _before_last("{% endblock %}", '<p class="note">产地直供</p>\n'),
        "weight": _before_last("{% endblock %}", '<p class="weight">{{ product.weight }}</p>\n'),
        "related-producers": _before_last(
            "{% endblock %}", '{% for r in related %}<p class="by">{{ r.producer }}</p>{% endfor %}\n'),
    },
    "base.html": {
        "note": _before_last("</footer>", '  <p class="note">本站为示例</p>\n'),
        "description": _before_last("</footer>", "  <p>{{ site.description }}</p>\n"),
    },
    "home.html": {
        "new-producers": _before_last(
            "{% endblock %}", '{% for p in new_products %}<p class="by">{{ p.producer }}</p>{% endfor %}\n'),
    },
}


# -- writing the model to disk, building, comparing


def _png(pic: Pic) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", pic.size, pic.color).save(buffer, "PNG")
    return buffer.getvalue()


class Workspace:
    """A catalog folder kept equal to a Model, built incrementally in place and checked against clean builds."""

    def __init__(self, base: Path, model: Model):
        self.base = base
        self.root = base / "site"
        self.root.mkdir(parents=True)
        self.model = model
        self.on_disk: dict[str, bytes | tuple[str, Pic]] = {}
        self.clock = time.time_ns()
        self.edits: list[str] = []  # since the last build, for the failure message
        self.builds = 0
        self.session: Session | None = None  # the live preview's way: one session, pass after pass
        self.changed: set[str] = set()  # paths written or removed since the last build, as a watcher reports them

    def sync(self) -> None:
        """Write what changed in the model (only that), delete what it no longer has."""
        want = self.model.files()
        self.clock += 1_000_000_000  # a second later than any earlier save
        for rel in sorted(set(self.on_disk) - set(want)):
            (self.root / rel).unlink()
            self.changed.add(rel)
        for rel, content in want.items():
            if self.on_disk.get(rel) != content:
                self._write(rel, content)
        for top in ("brands", "products", "themes"):  # folders left empty by a rename or removal
            for folder, _, _ in sorted(os.walk(self.root / top), reverse=True):
                if not os.listdir(folder):
                    os.rmdir(folder)
                    self.changed.add(Path(folder).relative_to(self.root).as_posix())
        self.on_disk = want

    def _write(self, rel: str, content: bytes | tuple[str, Pic]) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        self.changed.add(rel)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif content[0] == "jpg":
            photo(path, content[1].size, content[1].color)
        else:
            path.write_bytes(_png(content[1]))
        os.utime(path, ns=(self.clock, self.clock))

    def touch(self, rel: str) -> None:
        self.clock += 1_000_000_000
        os.utime(self.root / rel, ns=(self.clock, self.clock))
        self.changed.add(rel)

    def edit(self, what: str, change: Callable[[Model], object] | None = None) -> None:
        if change is not None:
            change(self.model)
        self.sync()
        self.edits.append(what)

    def check(self, drafts: bool = False, today: dt.date = TODAY, when: str = "") -> None:
        """Build incrementally, then assert output/ is byte-identical to a clean build of the same sources."""
        options = {"drafts": drafts, "jobs": 1, "today": today}
        self.builds += 1
        edits, self.edits = self.edits, []
        what = (f"{when}: " if when else "") + f"build #{self.builds} (drafts={drafts}, today={today}) after " + (
            "; ".join(edits) if edits else "no edit")
        rendered = ""
        build_options = BuildOptions(self.root, self.root / "output", **options)
        # a session that is told what changed, as the live preview's watcher tells it; every third build
        # as `sitegen build` makes it
        changed: set[str] | None = self.changed
        if self.session is None or self.builds % 3 == 0:
            self.session, changed = Session(build_options), None
        self.session.options = build_options
        self.changed = set()
        # every other told pass has the home page open, and leaves the other pages it would render for the
        # next pass (the preview's way after a theme change): that next pass is the preview's, or a new
        # session's (as `sitegen build` after the preview stopped)
        first = {"index.html"} if changed is not None and self.builds % 2 else None
        try:
            with _env("SITEGEN_LATER_FROM", "1"):
                result = self.session.build(changed, first)
            if result.later:
                if self.builds % 4 == 1:
                    self.session = Session(build_options)
                self.session.build(set() if self.builds % 4 != 1 else None)
        except Exception as exc:
            incremental_error: str | None = _describe(exc)
        else:
            incremental_error = None
            rendered = f" (it rendered {result.rendered} of {result.pages} pages)"
        clean, clean_error = clean_build(self.root, self.base / "clean", options)
        assert clean_error is None, f"{what}: a CLEAN build of these sources fails: {clean_error}"
        assert incremental_error is None, \
            f"{what}: the incremental build fails where a clean build succeeds: {incremental_error}"
        differences = compare(clean, read_tree(self.root / "output"))
        if differences:
            again, _ = clean_build(self.root, self.base / "clean", options, memo=False)
            if compare(clean, again):
                differences = ("TWO CLEAN BUILDS OF THE SAME SOURCES DIFFER (nondeterminism): "
                               + compare(clean, again) + "\n\nincremental vs clean: " + differences)
            raise AssertionError(f"{what}: incremental output/{rendered} is not the clean build's: {differences}")


@contextlib.contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ[name]
        else:
            os.environ[name] = before


def _describe(exc: Exception) -> str:
    problems = getattr(exc, "problems", None) or []
    shown = "; ".join(f"{getattr(p, 'path', '')}:{getattr(p, 'line', '')}: {getattr(p, 'code', p)} "
                      f"{getattr(p, 'params', '')}" for p in problems[:5])
    return f"{type(exc).__name__}: {exc}" + (f" [{shown}]" if shown else "")


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


_CLEAN: OrderedDict[str, dict[str, bytes]] = OrderedDict()  # sources + options → clean output (builds are pure)


def clean_build(root: Path, scratch: Path, options: dict[str, Any], memo: bool = True
                ) -> tuple[dict[str, bytes], str | None]:
    """Build a copy of the catalog's sources (no output/, no cache) into a new output folder."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(root, scratch / "site", ignore=lambda folder, _: (
        {"output", ".sitegen-cache"} if Path(folder) == root else set()))
    digest = hashlib.sha256(repr(sorted(options.items())).encode())
    for rel, data in read_tree(scratch / "site").items():
        digest.update(f"{rel}\0{len(data)}\0".encode() + data)
    key = digest.hexdigest()
    if memo and key in _CLEAN:
        _CLEAN.move_to_end(key)
        return _CLEAN[key], None
    try:
        build(BuildOptions(scratch / "site", scratch / "site" / "output", **options))
    except Exception as exc:
        return {}, _describe(exc)
    tree = read_tree(scratch / "site" / "output")
    shutil.rmtree(scratch, ignore_errors=True)
    _CLEAN[key] = tree
    while len(_CLEAN) > 200:
        _CLEAN.popitem(last=False)
    return tree, None


def compare(clean: dict[str, bytes], incremental: dict[str, bytes]) -> str:
    """'' when identical; else every differing path, and the first one's difference in detail."""
    missing = sorted(set(clean) - set(incremental))
    extra = sorted(set(incremental) - set(clean))
    changed = sorted(k for k in set(clean) & set(incremental) if clean[k] != incremental[k])
    if not (missing or extra or changed):
        return ""
    report = []
    if changed:
        report.append(f"{len(changed)} file(s) differ: {', '.join(changed[:12])}{' …' if len(changed) > 12 else ''}")
    if missing:
        report.append(f"missing from the incremental output: {', '.join(missing[:12])}")
    if extra:
        report.append(f"only in the incremental output (stale): {', '.join(extra[:12])}")
    pages = [k for k in changed + missing + extra if not k.startswith(".")]  # the manifest only follows them
    first = min(pages or changed + missing + extra)
    report.append(f"first differing file: {first}")
    if first in changed:
        report.append(_diff(first, clean[first], incremental[first]))
    return "\n".join(report)


def _diff(rel: str, clean: bytes, incremental: bytes) -> str:
    try:
        a, b = clean.decode("utf-8"), incremental.decode("utf-8")
    except UnicodeDecodeError:
        return (f"binary: clean {len(clean)} bytes sha256 {hashlib.sha256(clean).hexdigest()[:16]}, incremental "
                f"{len(incremental)} bytes sha256 {hashlib.sha256(incremental).hexdigest()[:16]}")
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    lines = [f"first difference at character {at}:",
             f"  clean:       …{a[max(0, at - 80):at + 80]!r}…",
             f"  incremental: …{b[max(0, at - 80):at + 80]!r}…"]
    diff = list(difflib.unified_diff(a.splitlines(), b.splitlines(), f"clean/{rel}", f"incremental/{rel}",
                                     n=1, lineterm=""))
    lines += [line if len(line) < 240 else line[:240] + " …" for line in diff[:30]]
    if len(diff) > 30:
        lines.append(f"… {len(diff) - 30} more diff lines")
    return "\n".join(lines)


# -- single edits, each on its own: which edit kinds does the engine miss?


def _p(m: Model, bid: str, pid: str) -> ProductSrc:
    return m.products[(bid, pid)]


def _set(bid: str, pid: str, **fields: Any) -> Callable[[Model], None]:
    def change(m: Model) -> None:
        for k, v in fields.items():
            if v is None:
                _p(m, bid, pid).fields.pop(k, None)
            else:
                _p(m, bid, pid).fields[k] = v
    return change


def _brand(bid: str, **fields: Any) -> Callable[[Model], None]:
    def change(m: Model) -> None:
        for k, v in fields.items():
            if v is None:
                m.brands[bid].fields.pop(k, None)
            else:
                m.brands[bid].fields[k] = v
    return change


def _override(rel: str, variant: str | None) -> Callable[[Model], None]:
    def change(m: Model) -> None:
        if variant is None:
            m.overrides.pop(rel, None)
        else:
            m.overrides[rel] = variant
    return change


def _config(**values: Any) -> Callable[[Model], None]:
    def change(m: Model) -> None:
        for k, v in values.items():
            if v is None:
                m.config.pop(k, None)
            else:
                m.config[k] = v
    return change


def _new_product(m: Model) -> None:
    m.products[("wuchang", "mifeng")] = ProductSrc(
        {"title": "五常椴树蜜", "category": "rice", "price": {"amount": 45}, "date": "2024-08-30", "season": [9]},
        [("photo-1.jpg", "蜂蜜")], {"photo-1.jpg": Pic((32, 24), (220, 170, 40))}, "椴树蜜。")


def _new_brand(m: Model) -> None:
    m.brands["anji"] = BrandSrc({"name": "安吉白茶", "province": "浙江省", "county": "安吉县"}, "安吉。")
    m.products[("anji", "hetao")] = ProductSrc(
        {"title": "临安山核桃", "category": "tea", "date": "2024-07-07"},
        [("photo-1.jpg", "核桃")], {"photo-1.jpg": Pic((30, 30), (120, 80, 40))}, "")


def _add_photo(bid: str, pid: str, name: str, pic: Pic, alt: str, first: bool = False) -> Callable[[Model], None]:
    def change(m: Model) -> None:
        p = _p(m, bid, pid)
        p.photos[name] = pic
        p.images.insert(0 if first else len(p.images), (name, alt))
    return change


def _replace_photo(bid: str, pid: str, name: str, pic: Pic) -> Callable[[Model], None]:
    return lambda m: _p(m, bid, pid).photos.__setitem__(name, pic)


def _unlist_photo(bid: str, pid: str, name: str, delete: bool) -> Callable[[Model], None]:
    def change(m: Model) -> None:
        p = _p(m, bid, pid)
        p.images = [(f, a) for f, a in p.images if f != name]
        if delete:
            del p.photos[name]
    return change


def _alt(bid: str, pid: str, index: int, alt: str) -> Callable[[Model], None]:
    def change(m: Model) -> None:
        p = _p(m, bid, pid)
        p.images[index] = (p.images[index][0], alt)
    return change


def _reverse_images(m: Model) -> None:
    m.products[("lishui", "jumi")].images.reverse()


def _body(bid: str, pid: str, body: str) -> Callable[[Model], None]:
    return lambda m: setattr(_p(m, bid, pid), "body", body)


def _logo(bid: str, pic: Pic | None) -> Callable[[Model], None]:
    return lambda m: setattr(m.brands[bid], "logo", pic)


def _category_name(cid: str, index: int, name: str) -> Callable[[Model], None]:
    return lambda m: m.categories[cid].__setitem__(index, name)


@dataclass(frozen=True)
class Case:
    id: str
    description: str
    edit: Callable[[Model], None] | None  # None: no edit (only the build options change)
    before: Callable[[Model], None] | None = None  # applied (and built, and checked) before the edit
    drafts: bool = False  # of the build after the edit (the first build is without drafts)
    today: dt.date = TODAY
    touch: str = ""  # a file saved again unchanged


CARD, BRAND_CARD = "partials/card.html", "partials/brand_card.html"

CASES = [
    # product fields
    Case("title", "a product's title: its page, its card in every listing, JSON-LD",
         _set("lishui", "jumi", title="新菊米")),
    Case("summary", "a product's summary (page lead and meta description)",
         _set("lishui", "baicha", summary="一句话")),
    Case("producer", "a product's producer (product page and JSON-LD)",
         _set("lishui", "jumi", producer="新合作社")),
    Case("origin", "a product's origin",
         _set("lishui", "jumi", origin="浙江丽水")),
    Case("weight", "a product's weight",
         _set("lishui", "jumi", weight="500克")),
    Case("price-amount", "a price, same number of digits (card, page, JSON-LD)",
         _set("lishui", "jumi", price={"amount": 98, "unit": "250克"})),
    Case("price-unit", "a price's unit",
         _set("lishui", "jumi", price={"amount": 68, "unit": "500克"})),
    Case("variants", "a variant's price (price range on the product page)",
         lambda m: m.products[("wuchang", "daohua")].fields["variants"][1].__setitem__("price", 179)),
    Case("season-in", "a season edited into this month: the product joins 'in season' on the home page",
         _set("lishui", "baicha", season=[9])),
    Case("season-out", "a season edited out of this month: the product leaves 'in season'",
         _set("lishui", "jumi", season=[11])),
    Case("date", "a listing date: the order of 'new products' on the home page",
         _set("lishui", "baicha", date="2024-08-30")),
    Case("unavailable", "available: false (out of stock on card and page, leaves 'in season')",
         _set("lishui", "jumi", available=False)),
    Case("tags", "a product's tags",
         _set("lishui", "jumi", tags=["菊米", "新茶", "礼盒"])),
    Case("gtin", "a product's barcode, added",
         _set("lishui", "jumi", gtin="6901234567892")),
    Case("cert-number", "a certificate number",
         _set("lishui", "jumi", certifications=[{"id": "gi", "number": "AGI-0002"}])),
    Case("shop-links", "shop links, added",
         _set("lishui", "jumi", shop_links=[{"platform": "淘宝", "url": "https://shop.example.cn/jumi"}])),
    Case("traceability", "a traceability link, added (the product's QR code holds it now)",
         _set("lishui", "jumi", traceability_url="https://trace.example.cn/1")),
    Case("traceability-long", "a traceability link too long for a QR code on a label (the code keeps the page's)",
         _set("lishui", "jumi", traceability_url="https://trace.example.cn/" + "q" * 200)),
    Case("category", "a product moved to another category (both category pages, counts, JSON-LD)",
         _set("lishui", "jumi", category="rice")),
    Case("body", "a product's Markdown text",
         _body("lishui", "jumi", "## 介绍\n\n遂昌菊米，换了一句介绍。")),
    Case("body-picture", "the text now shows another listed photo",
         _body("lishui", "jumi", "![一杯菊米茶](photo-1.jpg)")),
    Case("draft-on", "a product made a draft (its page goes, it leaves every listing)",
         _set("lishui", "jumi", draft=True)),
    Case("draft-off", "a draft published",
         _set("lishui", "xiangmi", draft=None)),
    # products and brands
    Case("product-add", "a new product", _new_product),
    Case("product-remove", "a product deleted",
         lambda m: m.products.pop(("lishui", "baicha"))),
    Case("product-rename", "a product folder renamed (same place in its brand's list)",
         lambda m: m.move_product(("lishui", "baicha"), ("lishui", "anji-baicha"))),
    Case("product-move", "a product moved to another brand's folder",
         lambda m: m.move_product(("lishui", "baicha"), ("wuchang", "baicha"))),
    Case("brand-add", "a new brand with a product", _new_brand),
    Case("brand-remove", "a brand deleted with its products",
         lambda m: m.remove_brand("wuchang")),
    Case("brand-rename", "a brand renamed (its folder and its products' folder)",
         lambda m: m.rename_brand("wuchang", "wuchang-dami")),
    Case("brand-name", "a brand's name (brand card, product pages' brand line, JSON-LD)",
         _brand("lishui", name="丽水山耕新")),
    Case("brand-summary", "a brand's summary",
         _brand("wuchang", summary="新的一句话")),
    Case("brand-established", "a brand's founding year (brand page)",
         _brand("lishui", established=2015)),
    Case("brand-website", "a brand's website (brand page)",
         _brand("lishui", website="https://www.lishui.example.cn/")),
    Case("brand-body", "a brand's story",
         lambda m: setattr(m.brands["lishui"], "body", "## 品牌故事\n\n新故事。")),
    Case("logo-add", "a brand logo added",
         _logo("wuchang", Pic((24, 24), (10, 90, 200)))),
    Case("logo-replace", "a brand logo replaced (same name)",
         _logo("lishui", Pic((24, 24), (40, 200, 40)))),
    Case("logo-remove", "a brand logo removed",
         _logo("lishui", None)),
    # photos
    Case("photo-add", "a second photo for a product",
         _add_photo("lishui", "baicha", "photo-2.jpg", Pic((24, 32)), "茶园")),
    Case("photo-add-cover", "a new PNG photo listed first: the new cover",
         _add_photo("lishui", "baicha", "detail.png", Pic((30, 30), (10, 10, 10)), "新封面", first=True)),
    Case("photo-replace-cover", "the cover photo replaced, same name and size, other pixels",
         _replace_photo("lishui", "jumi", "photo-1.jpg", Pic((32, 24), (10, 20, 200)))),
    Case("photo-replace-size", "the cover photo replaced by one of another size",
         _replace_photo("lishui", "jumi", "photo-1.jpg", Pic((40, 30), (10, 20, 200)))),
    Case("photo-replace-second", "a second photo replaced (shown in the gallery and in the text)",
         _replace_photo("lishui", "jumi", "photo-2.jpg", Pic((24, 32), (0, 0, 0)))),
    Case("photo-remove", "a second photo removed (listing and file)",
         _unlist_photo("lishui", "jumi", "photo-2.jpg", delete=True)),
    Case("photo-unlist", "a second photo unlisted, its file left in the folder",
         _unlist_photo("lishui", "jumi", "photo-2.jpg", delete=False)),
    Case("cover-swap", "the two photos swapped: the other one is the cover now", _reverse_images),
    Case("cover-alt", "the cover's alt text",
         _alt("lishui", "jumi", 0, "一杯新茶")),
    # templates
    Case("override-card-add", "partials/card.html overridden (shows tags)",
         _override(CARD, "tags")),
    Case("override-card-change", "the card override changed (producer → origin)",
         _override(CARD, "origin"), before=_override(CARD, "producer")),
    Case("override-card-remove", "the card override removed",
         _override(CARD, None), before=_override(CARD, "producer")),
    Case("stale-card-producer", "THE ISSUE'S EXAMPLE: card override shows p.producer, then a producer is edited",
         _set("lishui", "jumi", producer="新合作社"), before=_override(CARD, "producer")),
    Case("stale-card-tags", "card override shows p.tags, then tags are edited",
         _set("lishui", "jumi", tags=["新茶"]), before=_override(CARD, "tags")),
    Case("stale-card-weight", "card override shows p.weight, then a weight is edited",
         _set("lishui", "jumi", weight="1千克"), before=_override(CARD, "weight")),
    Case("stale-brand-card-established", "brand_card override shows b.established, then it is edited",
         _brand("lishui", established=2016), before=_override(BRAND_CARD, "established")),
    Case("stale-brand-card-website", "brand_card override shows b.website, then it is edited",
         _brand("lishui", website="https://new.lishui.example.cn/"), before=_override(BRAND_CARD, "website")),
    Case("stale-related-producer", "product.html override lists related products' producers, then one is edited",
         _set("lishui", "baicha", producer="新白茶场"), before=_override("product.html", "related-producers")),
    Case("stale-home-producer", "home.html override lists new products' producers, then one is edited",
         _set("lishui", "jumi", producer="新合作社"), before=_override("home.html", "new-producers")),
    Case("override-product", "product.html overridden (shows the weight)",
         _override("product.html", "weight")),
    Case("override-product-weight", "product.html override shows the weight, then it is edited",
         _set("lishui", "jumi", weight="1千克"), before=_override("product.html", "weight")),
    Case("override-base-add", "base.html overridden (a footer note)",
         _override("base.html", "note")),
    Case("override-base-change", "the base.html override changed",
         _override("base.html", "description"), before=_override("base.html", "note")),
    Case("override-base-remove", "the base.html override removed",
         _override("base.html", None), before=_override("base.html", "note")),
    # sitegen.toml
    Case("config-title", "the catalog's title (every page)",
         _config(title="新目录")),
    Case("config-description", "the catalog's description",
         _config(description="新的描述")),
    Case("config-base-url", "the site's address (canonical links, feeds, every product's QR code)",
         _config(base_url="https://www.example.cn/")),
    Case("config-language", "the catalog's language (every page's words)",
         _config(language="en")),
    Case("config-phone", "the contact phone (every footer)",
         _config(contact={"phone": "0578-1111111"})),
    Case("config-category-zh", "a category's Chinese name",
         _category_name("tea", 0, "名茶")),
    Case("config-category-en", "a category's English name",
         _category_name("rice", 1, "Fine Rice")),
    Case("config-category-add", "a new, unused category",
         lambda m: m.categories.__setitem__("honey", ["蜂蜜", "Honey"])),
    Case("config-category-remove", "an unused category removed",
         lambda m: m.categories.pop("fruit")),
    Case("config-cert-name", "a certification's name",
         lambda m: setattr(m, "cert_name", "国家地理标志产品")),
    Case("config-image-quality", "[images] quality",
         _config(images={"quality": 70})),
    Case("config-image-widths", "[images] widths (one smaller than the photos)",
         _config(images={"widths": [24, 480]})),
    Case("config-image-formats", "[images] formats: JPEG only",
         _config(images={"formats": ["jpeg"]})),
    # build options, and saves that change nothing
    Case("build-drafts", "the same sources built with --drafts", None, drafts=True),
    Case("build-new-month", "the same sources built in another month", None, today=LATER),
    Case("touch", "a product file saved again unchanged", None, touch="products/lishui/jumi/index.md"),
    Case("noop", "nothing changed", None),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_one_edit(case: Case, tmp_path: Path) -> None:
    ws = Workspace(tmp_path, base_model())
    if case.before:
        case.before(ws.model)
    ws.sync()
    ws.check(when="before the edit")
    if case.edit:
        ws.edit(f"{case.id}: {case.description}", case.edit)
    if case.touch:
        ws.touch(case.touch)
        ws.edits.append(f"touched {case.touch}")
    ws.check(drafts=case.drafts, today=case.today, when=case.id)


def test_issue_example_card_showing_producer(tmp_path: Path) -> None:
    """The issue's example, as its reporter did it on the tests' standard catalog: a card override that also shows
    `{{ p.producer }}`, a build, a producer edit, a build: the category page must show the new producer."""
    cat = make_catalog(tmp_path / "site")
    card = _before_last("</a>", "<small>{{ p.producer }}</small>")(_shipped(CARD))
    cat.write(f"{OVERRIDE_DIR}/{CARD}", card)
    index = cat.root / "products/lishui/p1/index.md"
    text = index.read_text("utf-8")
    index.write_text(text.replace("category: tea\n", "category: tea\nproducer: 老合作社\n"), "utf-8")
    options = {"drafts": False, "jobs": 1, "today": TODAY}
    build(BuildOptions(cat.root, cat.output, **options))
    index.write_text(index.read_text("utf-8").replace("老合作社", "新合作社"), "utf-8")
    stat = index.stat()
    os.utime(index, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a later save, even on a coarse clock
    build(BuildOptions(cat.root, cat.output, **options))
    clean, error = clean_build(cat.root, tmp_path / "clean", options, memo=False)
    assert error is None, error
    assert "新合作社" in clean["categories/tea/index.html"].decode()
    if differences := compare(clean, read_tree(cat.output)):
        pytest.fail(f"producer edited under a card override that shows it: incremental output/ is not the clean "
                    f"build's: {differences}", pytrace=False)


def test_two_clean_builds_agree(tmp_path: Path) -> None:
    """The reference itself: two clean builds of the same sources (in process, and with two workers) are equal."""
    model = base_model()
    model.overrides = {CARD: "producer", "base.html": "note"}
    ws = Workspace(tmp_path, model)
    ws.sync()
    options = {"drafts": False, "jobs": 1, "today": TODAY}
    first, error = clean_build(ws.root, tmp_path / "a", options, memo=False)
    assert error is None, error
    for name, jobs in (("a second clean build", 1), ("a clean build with jobs=2", 2)):
        other, error = clean_build(ws.root, tmp_path / "b", {**options, "jobs": jobs}, memo=False)
        assert error is None, error
        if differences := compare(first, other):
            pytest.fail(f"{name} differs from the first: {differences}", pytrace=False)


# -- generated sequences of edits


CJK = "山水茶米菊香清雅丽遂昌五常稻花安吉白县农场合作社有机绿色生态春夏秋冬新鲜特级礼盒装克斤袋红黄蜜核桃"
TEXT_CHARS = CJK + string.ascii_letters + string.digits + " -·、，。：:#&<>'\"!?()（）/%+"
BODY_CHARS = CJK + string.ascii_letters + string.digits + " ,.!?，。：*_"

words = st.text(alphabet=TEXT_CHARS, min_size=1, max_size=14).map(str.strip).filter(bool)
paragraph = st.text(alphabet=BODY_CHARS, min_size=1, max_size=40).map(str.strip).filter(bool)
amounts = st.integers(0, 9999) | st.sampled_from([0.5, 12.5, 68.8])
urls = st.sampled_from(["https://a.example.cn/", "https://b.example.cn/x", "http://c.example.cn/y?z=1",
                        "https://d.example.cn/" + "q" * 200])  # too long for a QR code on a label
pics = st.builds(Pic, st.sampled_from([(32, 24), (24, 32), (40, 30), (30, 30)]),
                 st.tuples(*[st.integers(0, 255)] * 3))


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy  # None: the field is removed


PRODUCT_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "title": words,
    "title_en": optional(words),
    "summary": optional(words),
    "summary_en": optional(words),
    "producer": optional(words),
    "origin": optional(words),
    "weight": optional(words),
    "shelf_life": optional(words),
    "storage": optional(words),
    "price": optional(st.fixed_dictionaries({"amount": amounts}, optional={
        "unit": words, "currency": st.sampled_from(["CNY", "USD"])})),
    "variants": optional(st.lists(st.fixed_dictionaries({"name": words, "price": amounts, "unit": words}),
                                  min_size=1, max_size=3)),
    "season": optional(st.lists(st.integers(1, 12), min_size=1, max_size=3, unique=True)),
    "date": optional(st.dates(dt.date(2022, 1, 1), dt.date(2024, 12, 31)).map(str)),
    "available": optional(st.booleans()),
    "tags": optional(st.lists(words, min_size=1, max_size=3)),
    "gtin": optional(st.sampled_from(["6901234567892", "12345670", "012345678905"])),
    "certifications": optional(st.sampled_from([["gi"], [{"id": "gi", "number": "AGI-0002"}]])),
    "shop_links": optional(st.lists(st.fixed_dictionaries({"platform": words, "url": urls}), min_size=1, max_size=2)),
    "traceability_url": optional(urls),
}

BRAND_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "name": words,
    "name_en": optional(words),
    "province": optional(words),
    "county": optional(words),
    "summary": optional(words),
    "summary_en": optional(words),
    "established": optional(st.integers(1950, 2024)),
    "website": optional(urls),
    "contact": optional(st.fixed_dictionaries({"phone": st.sampled_from(["0578-0000000", "400-000-0000"])})),
    "certifications": optional(st.sampled_from([["gi"], [{"id": "gi", "number": "AGI-0003"}]])),
}


def bodies(photos: list[str]) -> st.SearchStrategy[str]:
    block = (paragraph | paragraph.map(lambda s: "## " + s)
             | st.lists(paragraph, min_size=1, max_size=3).map(lambda xs: "\n".join("- " + x for x in xs)))
    if photos:
        block = block | st.tuples(words, st.sampled_from(photos)).map(lambda t: f"![{t[0]}]({t[1]})")
    return st.lists(block, max_size=4).map("\n\n".join)


class IncrementalBuilds(RuleBasedStateMachine):
    """One catalog, edited by every kind of edit; after each build, output/ must equal a clean build's."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="sitegen-invariant-"))
        self.ws = Workspace(self.tmp, base_model())
        self.m = self.ws.model
        self.pending = 0
        self.batch = 1
        self.drafts = False
        self.today = TODAY

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _edit(self, what: str) -> None:
        self.ws.edit(what)
        self.pending += 1

    def _check(self) -> None:
        self.pending = 0
        self.ws.check(self.drafts, self.today)

    @initialize(batch=st.integers(1, 3), overrides=st.fixed_dictionaries(
        {rel: st.sampled_from([None, *sorted(variants)]) for rel, variants in OVERRIDES.items()}))
    def first_build(self, batch: int, overrides: dict[str, str | None]) -> None:
        """`batch`: how many edits go into each rebuild (1: a rebuild after every edit). `overrides`: the
        templates the catalog starts with, so that the field edits that follow meet templates showing them."""
        self.batch = batch
        self.m.overrides = {rel: variant for rel, variant in overrides.items() if variant}
        self.ws.sync()
        self._check()

    @invariant()
    def incremental_equals_clean(self) -> None:
        if self.pending >= self.batch:
            self._check()

    @rule(drafts=st.booleans(), later=st.booleans())
    def build_incrementally(self, drafts: bool, later: bool) -> None:
        self.drafts, self.today = drafts, LATER if later else TODAY
        self._check()

    # product text

    @precondition(lambda self: self.m.products)
    @rule(data=st.data())
    def edit_product_fields(self, data: st.DataObject) -> None:
        """One save of a product's index.md that changes, adds or removes one to three fields."""
        key = data.draw(st.sampled_from(sorted(self.m.products)), "product")
        names = data.draw(st.lists(st.sampled_from(["category", *sorted(PRODUCT_FIELDS)]), min_size=1, max_size=3,
                                   unique=True), "fields")
        fields = self.m.products[key].fields
        done = []
        for name in names:
            values = st.sampled_from(sorted(self.m.categories)) if name == "category" else PRODUCT_FIELDS[name]
            value = data.draw(values, name)
            if value is None:
                fields.pop(name, None)
            else:
                fields[name] = value
            done.append(f"{name} = {value!r}")
        self._edit(f"{'/'.join(key)}: {', '.join(done)}")

    @precondition(lambda self: self.m.products)
    @rule(data=st.data())
    def edit_product_body(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.m.products)), "product")
        product = self.m.products[key]
        product.body = data.draw(bodies(sorted(product.photos)), "body")
        self._edit(f"{'/'.join(key)}: body = {product.body!r}")

    @precondition(lambda self: self.m.products)
    @rule(data=st.data())
    def toggle_draft(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.m.products)), "product")
        fields = self.m.products[key].fields
        if fields.pop("draft", False) is False:
            fields["draft"] = True
        self._edit(f"{'/'.join(key)}: draft = {fields.get('draft', False)}")

    # products

    @precondition(lambda self: len(self.m.products) < 6)
    @rule(data=st.data())
    def add_product(self, data: st.DataObject) -> None:
        bid = data.draw(st.sampled_from(sorted(self.m.brands)), "brand")
        pid = data.draw(st.sampled_from([p for p in PRODUCT_IDS if (bid, p) not in self.m.products]), "id")
        fields = {"title": data.draw(words, "title"),
                  "category": data.draw(st.sampled_from(sorted(self.m.categories)), "category")}
        for name in data.draw(st.lists(st.sampled_from(sorted(PRODUCT_FIELDS)), max_size=4, unique=True), "fields"):
            if (value := data.draw(PRODUCT_FIELDS[name], name)) is not None:
                fields[name] = value
        name = data.draw(st.sampled_from(PHOTO_NAMES), "photo")
        self.m.products[(bid, pid)] = ProductSrc(fields, [(name, data.draw(words | st.just(""), "alt"))],
                                                 {name: data.draw(pics, "pic")}, data.draw(bodies([name]), "body"))
        self._edit(f"new product {bid}/{pid}")

    @precondition(lambda self: self.m.products)
    @rule(data=st.data())
    def remove_product(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.m.products)), "product")
        del self.m.products[key]
        self._edit(f"deleted product {'/'.join(key)}")

    @precondition(lambda self: self.m.products)
    @rule(data=st.data())
    def rename_product(self, data: st.DataObject) -> None:
        """A new folder name, in the same brand or another one."""
        key = data.draw(st.sampled_from(sorted(self.m.products)), "product")
        bid = data.draw(st.sampled_from(sorted(self.m.brands)), "brand")
        free = [p for p in PRODUCT_IDS if (bid, p) not in self.m.products]
        new = (bid, data.draw(st.sampled_from(free), "id"))
        self.m.move_product(key, new)
        self._edit(f"product {'/'.join(key)} renamed {'/'.join(new)}")

    # brands

    @precondition(lambda self: len(self.m.brands) < 3)
    @rule(data=st.data())
    def add_brand(self, data: st.DataObject) -> None:
        bid = data.draw(st.sampled_from([b for b in BRAND_IDS if b not in self.m.brands]), "brand")
        fields = {"name": data.draw(words, "name")}
        for name in data.draw(st.lists(st.sampled_from(sorted(BRAND_FIELDS)), max_size=3, unique=True), "fields"):
            if (value := data.draw(BRAND_FIELDS[name], name)) is not None:
                fields[name] = value
        self.m.brands[bid] = BrandSrc(fields, data.draw(bodies([]), "body"), data.draw(st.none() | pics, "logo"))
        self._edit(f"new brand {bid}")

    @precondition(lambda self: len(self.m.brands) > 1)
    @rule(data=st.data())
    def remove_brand(self, data: st.DataObject) -> None:
        bid = data.draw(st.sampled_from(sorted(self.m.brands)), "brand")
        self.m.remove_brand(bid)
        self._edit(f"deleted brand {bid} and its products")

    @rule(data=st.data())
    def rename_brand(self, data: st.DataObject) -> None:
        bid = data.draw(st.sampled_from(sorted(self.m.brands)), "brand")
        new = data.draw(st.sampled_from([b for b in BRAND_IDS if b not in self.m.brands]), "new id")
        self.m.rename_brand(bid, new)
        self._edit(f"brand {bid} renamed {new} (with its products)")

    @rule(data=st.data())
    def edit_brand_fields(self, data: st.DataObject) -> None:
        bid = data.draw(st.sampled_from(sorted(self.m.brands)), "brand")
        names = data.draw(st.lists(st.sampled_from(sorted(BRAND_FIELDS)), min_size=1, max_size=3, unique=True),
                          "fields")
        fields = self.m.brands[bid].fields
        done = []
        for name in names:
            value = data.draw(BRAND_FIELDS[name], name)
            if value is None:
                fields.pop(name, None)
            else:
                fields[name] = value
            done.append(f"{name} = {value!r}")
        self._edit(f"brand {bid}: {', '.join(done)}")

    @rule(data=st.data())
    def edit_brand_body(self, data: st.DataObject) -> None:
        bid = data.draw(st.sampled_from(sorted(self.m.brands)), "brand")
        brand = self.m.brands[bid]
        brand.body = data.draw(bodies(["logo.png"] if brand.logo else []), "body")
        self._edit(f"brand {bid}: body = {brand.body!r}")

    @rule(data=st.data())
    def edit_logo(self, data: st.DataObject) -> None:
        """Add, replace (same name, new pixels) or remove a brand's logo, or change its alt text."""
        bid = data.draw(st.sampled_from(sorted(self.m.brands)), "brand")
        brand = self.m.brands[bid]
        brand.logo = data.draw(st.none() | pics, "logo")
        brand.logo_alt = data.draw(st.just("") | words, "alt")
        self._edit(f"brand {bid}: logo = {brand.logo}, alt {brand.logo_alt!r}")

    # photos

    @precondition(lambda self: any(len(p.images) < 3 for p in self.m.products.values()))
    @rule(data=st.data())
    def add_photo(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(k for k, p in self.m.products.items() if len(p.images) < 3)), "product")
        product = self.m.products[key]
        listed = {f for f, _ in product.images}
        name = data.draw(st.sampled_from([n for n in PHOTO_NAMES if n not in listed]), "file")
        if name not in product.photos or data.draw(st.booleans(), "new pixels"):
            product.photos[name] = data.draw(pics, "pic")  # else: a file already beside index.md is now listed
        at = data.draw(st.sampled_from([0, len(product.images)]), "position")  # 0: the new cover
        product.images.insert(at, (name, data.draw(words | st.just(""), "alt")))
        self._edit(f"{'/'.join(key)}: photo {name} listed at {at}: {product.photos[name]}")

    @precondition(lambda self: self.m.products)
    @rule(data=st.data())
    def replace_photo(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.m.products)), "product")
        product = self.m.products[key]
        name = data.draw(st.sampled_from(sorted(product.photos)), "file")
        product.photos[name] = data.draw(pics, "pic")
        self._edit(f"{'/'.join(key)}: photo {name} replaced by {product.photos[name]}")

    @precondition(lambda self: any(len(p.images) > 1 for p in self.m.products.values()))
    @rule(data=st.data())
    def remove_photo(self, data: st.DataObject) -> None:
        """Unlist a photo (never the last one); delete its file too, or leave it in the folder."""
        key = data.draw(st.sampled_from(sorted(k for k, p in self.m.products.items() if len(p.images) > 1)), "product")
        product = self.m.products[key]
        name = data.draw(st.sampled_from([f for f, _ in product.images]), "file")
        product.images = [(f, a) for f, a in product.images if f != name]
        delete = data.draw(st.booleans(), "delete the file")
        if delete:
            del product.photos[name]
        self._edit(f"{'/'.join(key)}: photo {name} unlisted{' and deleted' if delete else ''}")

    @precondition(lambda self: self.m.products)
    @rule(data=st.data())
    def edit_images(self, data: st.DataObject) -> None:
        """A photo's alt text, or another photo made the cover."""
        key = data.draw(st.sampled_from(sorted(self.m.products)), "product")
        product = self.m.products[key]
        index = data.draw(st.integers(0, len(product.images) - 1), "index")
        name = product.images[index][0]
        if data.draw(st.booleans(), "make it the cover"):
            product.images.insert(0, product.images.pop(index))
            self._edit(f"{'/'.join(key)}: {name} is the cover")
        else:
            product.images[index] = (name, data.draw(words | st.just(""), "alt"))
            self._edit(f"{'/'.join(key)}: alt of {name} = {product.images[index][1]!r}")

    # templates

    @rule(data=st.data())
    def set_override(self, data: st.DataObject) -> None:
        rel = data.draw(st.sampled_from(sorted(OVERRIDES)), "template")
        variant = data.draw(st.sampled_from(sorted(OVERRIDES[rel])), "variant")
        self.m.overrides[rel] = variant
        self._edit(f"override {OVERRIDE_DIR}/{rel}: {variant}")

    @precondition(lambda self: self.m.overrides)
    @rule(data=st.data())
    def remove_override(self, data: st.DataObject) -> None:
        rel = data.draw(st.sampled_from(sorted(self.m.overrides)), "template")
        del self.m.overrides[rel]
        self._edit(f"override {OVERRIDE_DIR}/{rel} removed")

    # sitegen.toml

    @rule(data=st.data())
    def edit_config(self, data: st.DataObject) -> None:
        what = data.draw(st.sampled_from(["title", "description", "language", "contact", "images", "category",
                                          "certification", "base_url"]), "setting")
        if what == "title":
            self.m.config["title"] = value = data.draw(words, what)
        elif what == "base_url":  # every canonical link, feed and QR code
            self.m.config["base_url"] = value = data.draw(st.sampled_from([BASE_URL, "https://www.example.cn/"]), what)
        elif what == "description":
            value = data.draw(optional(words), what)
            _config(description=value)(self.m)
        elif what == "language":
            value = data.draw(st.sampled_from([None, "en", "zh-CN"]), what)
            _config(language=value)(self.m)
        elif what == "contact":
            value = data.draw(optional(st.fixed_dictionaries({"phone": st.sampled_from(["0578-1", "0578-2"])})), what)
            _config(contact=value)(self.m)
        elif what == "images":
            value = data.draw(optional(st.fixed_dictionaries({}, optional={
                "quality": st.sampled_from([60, 80]), "widths": st.sampled_from([[24, 480], [480, 960, 1600]]),
                "formats": st.sampled_from([["jpeg"], ["webp", "jpeg"]])})), what)
            _config(images=value)(self.m)
        elif what == "category":
            cid = data.draw(st.sampled_from(sorted(self.m.categories)), "category")
            index = data.draw(st.sampled_from([0, 1]), "zh or en")
            self.m.categories[cid][index] = value = data.draw(words, "name")
            what = f"categories.{cid}.{('zh', 'en')[index]}"
        else:
            self.m.cert_name = value = data.draw(words, "name")
        self._edit(f"sitegen.toml: {what} = {value!r}")

    @precondition(lambda self: len(self.m.categories) < len(CATEGORY_POOL))
    @rule(data=st.data())
    def add_category(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from([c for c in CATEGORY_POOL if c not in self.m.categories]), "category")
        self.m.categories[cid] = list(CATEGORY_POOL[cid])
        self._edit(f"sitegen.toml: category {cid} added")

    @precondition(lambda self: len(self.m.categories) > 1 and set(self.m.categories) - self.m.used_categories())
    @rule(data=st.data())
    def remove_unused_category(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from(sorted(set(self.m.categories) - self.m.used_categories())), "category")
        del self.m.categories[cid]
        self._edit(f"sitegen.toml: unused category {cid} removed")

    @rule(data=st.data())
    def save_unchanged(self, data: st.DataObject) -> None:
        """An editor saves a file without changing it: a new modification time, the same bytes."""
        rel = data.draw(st.sampled_from(sorted(self.ws.on_disk)), "file")
        self.ws.touch(rel)
        self.ws.edits.append(f"touched {rel}")
        self.pending += 1


IncrementalBuilds.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
    database=None,  # no .hypothesis/ folder in the repo; a failure prints its steps, and reruns find it again
    # Each step of a shrink replays builds (0.1–0.5 s each): shrinking one failure can take Hypothesis's whole
    # five-minute budget. CI reports the failing sequence as found (every build's message lists the edits
    # that went into it); SITEGEN_HYPOTHESIS_SHRINK=1 shrinks it to a minimal one.
    phases=[p for p in Phase if p is not Phase.shrink or SHRINK],
)
TestIncrementalInvariant = IncrementalBuilds.TestCase

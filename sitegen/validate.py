"""Rules that span files: references to taxonomies and image files.

Per-file rules (types, required fields, unknown keys) run when a file is read, and rules of the
folder tree (a product under a brand that does not exist, links) when it is walked; these run
on every build over the typed records, and touch the disk only for the rare image path
that names a sub-folder.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping

from sitegen.config import CERT_FORMATS, SiteConfig, Term
from sitegen.content.discover import Folder
from sitegen.content.load import Content
from sitegen.content.models import CertRef, ImageRef, Product
from sitegen.errors import Problem
from sitegen.messages import msg
from sitegen.untrusted import is_inside


class Validated:
    """What a session's earlier pass found for each record: the same record in the same folder under the
    same settings has the same problems (the live preview's pass after one edit checks that one file)."""

    def __init__(self) -> None:
        self.config: SiteConfig | None = None
        self.found: dict[str, tuple[object, Folder, list[Problem]]] = {}

    def start(self, config: SiteConfig) -> None:
        if config != self.config:
            self.config, self.found = config, {}


def validate(config: SiteConfig, content: Content, folders: Mapping[str, Folder],
             memo: Validated | None = None) -> list[Problem]:
    memo = memo or Validated()
    memo.start(config)
    problems: list[Problem] = []
    english = "en" in config.languages[1:]
    for brand in content.brands:
        problems += _certs(brand.rel, brand.certifications, config.certifications)
        if english:
            problems += _english(brand.rel, brand.line, brand.name_en, brand.summary, brand.summary_en, "name_en")
        for ref in (brand.logo, brand.banner):
            if ref is not None:
                problems += _image(brand.rel, ref, folders[brand.folder], want_alt=False)
    found = memo.found
    for product in content.products:
        folder = folders[product.folder]
        known = found.get(product.rel)
        if known is not None and known[0] is product and known[1] is folder:
            problems += known[2]
            continue
        mine: list[Problem] = []
        if product.category and product.category not in config.categories:
            mine.append(_unknown("unknown-category", product.rel, product.category_line, product.category,
                                 config.categories))
        mine += _certs(product.rel, product.certifications, config.certifications)
        for ref in product.images:
            mine += _image(product.rel, ref, folder, want_alt=True, draft=product.draft)
        if english:
            mine += _english(product.rel, product.line, product.title_en, product.summary, product.summary_en,
                             "title_en")
        found[product.rel] = (product, folder, mine)
        problems += mine
    return problems


def _english(rel: str, line: int, name_en: str, summary: str, summary_en: str, name_field: str) -> list[Problem]:
    """The gaps of the English catalog in one file: it shows the Chinese there until they are filled."""
    gaps = [f for f, missing in ((name_field, not name_en), ("summary_en", summary and not summary_en)) if missing]
    if not gaps:
        return []
    return [Problem("english-missing", rel, line, {"fields": gaps, "example": f"{gaps[0]}: …"}, severity="warning")]


def _certs(rel: str, refs: Iterable[CertRef], terms: Mapping[str, Term]) -> list[Problem]:
    """Certifications sitegen.toml defines, with numbers in their public format where it names one: a number
    shoppers cannot find in the registry does the brand more harm than none."""
    problems = []
    for ref in refs:
        term = terms.get(ref.id)
        if term is None:
            problems.append(_unknown("unknown-certification", rel, ref.line, ref.id, terms))
        elif ref.number and term.number_format and not CERT_FORMATS[term.number_format].fullmatch(ref.number):
            problems.append(Problem("bad-cert-number", rel, ref.line, {
                "value": ref.number, "name": term.zh, "format": msg(f"cert-format-{term.number_format}")}))
    return problems


def _unknown(code: str, rel: str, line: int | None, value: str, terms: Mapping[str, Term]) -> Problem:
    """Editors often write the name they see on the site (茶叶, Tea) instead of the id (tea): point at it."""
    said = value.strip().lower()
    meant = next((t.id for t in terms.values() if said in (t.zh.lower(), t.en.lower(), t.id)), None)
    if meant is None:
        close = difflib.get_close_matches(said, list(terms), n=1, cutoff=0.6)
        meant = close[0] if close else None
    return Problem(code, rel, line, {
        "value": value, "valid": sorted(terms),
        "names": [msg("term-name", id=t.id, zh=t.zh) for _, t in sorted(terms.items())],
        "hint": msg("hint-term", word=meant) if meant else ""})


def _image(rel: str, ref: ImageRef, folder: Folder, want_alt: bool, draft: bool = False) -> list[Problem]:
    """`draft`: a photo a draft lists and that is not there yet (`sitegen new` lists photo-1.jpg) is a
    warning: the draft is built without it (never published), and the warning stays until it is added."""
    found: list[Problem] = []
    name = ref.file.replace("\\", "/")
    nested = _nested(folder, name) if "/" in name else None
    if name in folder.outside or not is_inside(name) or nested == "outside":
        return [Problem("path-escapes", rel, ref.line, {"value": ref.file})]
    if name not in folder.files and nested != "inside":
        found.append(Problem("missing-image-draft", rel, ref.line, {"value": ref.file}, severity="warning")
                     if draft else Problem("missing-image", rel, ref.line, {"value": ref.file}))
    elif want_alt and not ref.alt:
        found.append(Problem("missing-alt", rel, ref.line, {"value": ref.file}, severity="warning"))
    return found


def _nested(folder: Folder, name: str) -> str | None:
    """Where 'pics/a.jpg' really is: "inside" the folder, "outside" it (pics/ or a.jpg is a symlink
    that leads out), or None when there is no such file. Discovery lists only the folder's top level."""
    target = os.path.realpath(os.path.join(folder.path, name))
    if not os.path.exists(target):
        return None
    if not target.startswith(os.path.realpath(folder.path) + os.sep):
        return "outside"
    return "inside" if os.path.isfile(target) else None


def published_products(products: Iterable[Product], drafts: bool) -> tuple[Product, ...]:
    return tuple(p for p in products if drafts or not p.draft)


def index_folders(brands: Iterable[Folder], products: Iterable[Folder]) -> dict[str, Folder]:
    return {f.rel: f for f in (*brands, *products)}


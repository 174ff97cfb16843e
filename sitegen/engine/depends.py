"""Which pages a change touches, from what each page read when it last rendered.

Every input a page can read has a digest now (`Current`): a record's fields, the settings, a template,
a photo as published, an asset, a list of records. A page's reads are stored with the digests they had
(`snapshot`); the page is rendered again only if one of them differs now (`stale`). To find the
candidates without looking at every page, inputs are compared as a whole first (`changed`): only pages
that read a changed record, photo or list are examined; a changed template, asset or setting (read by
nearly every page) examines all of them.
"""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass, field
from typing import Any

from sitegen.fsutil import digest
from sitegen.images.model import ProcessedImage
from sitegen.render.reads import Reads
from sitegen.render.theme import Theme
from sitegen.structure import Site

_RELATED = "related:product:"  # a product's related products: 'related:product:<brand>/<id>'
_GONE = "-"  # the digest of something that does not exist (a record deleted, a template not overridden)


def image_digest(image: ProcessedImage | None) -> str:
    """What a page shows of a photo: its published variants, sizes and placeholder (not the cache's files)."""
    if image is None:
        return _GONE
    return digest((image.width, image.height, image.fallback, image.sources, image.og, image.placeholder,
                   image.colour))


@dataclass(slots=True)
class ListMemo:
    """What a session's passes keep of the lists pages read: most lists hold the very records they held in
    the last pass, and most brands' related-products lists are all as they were."""

    # name → (its records, the whole list's length, digest)
    lists: dict[str, tuple[tuple[object, ...], int, str]] = field(default_factory=dict)
    # brand → (its products as `Current._group` keeps them, 'l:related:…' → digest of each product's list)
    related: dict[str, tuple[tuple[object, ...], dict[str, str]]] = field(default_factory=dict)


class Current:
    """The digest of each input as it is in this build, each computed once."""

    def __init__(self, site: Site, theme: Theme, memo: dict[tuple[str, str, str], str] | None = None,
                 pictures: dict[str, tuple[ProcessedImage, str]] | None = None, lists: ListMemo | None = None):
        self.site = site
        self.theme = theme
        self._fields: dict[tuple[str, str], str] = {}
        # (key, the record file's digest, names) → digest, kept by a long-lived session across its passes
        self._memo: dict[tuple[str, str, str], str] = {} if memo is None else memo
        self._lists: dict[str, str] = {}
        self._images: dict[str, str] = {}
        # rel → (the photo's variants, their digest), kept by a session whose passes reuse the variants
        self._pictures: dict[str, tuple[ProcessedImage, str]] = {} if pictures is None else pictures
        lists = ListMemo() if lists is None else lists
        self._list_memo = lists.lists
        self._related = lists.related
        self._groups: dict[str, tuple[object, ...]] = {}  # brand → `_group`

    def fields(self, key: str, names: str) -> str:
        """The digest of the fields `names` (sorted, comma-separated) of a record: pages that show the same
        fields of a record (every card of a product) share one digest."""
        found = self._fields.get((key, names))
        if found is None:
            record = self.site.record(key)
            source = getattr(record, "digest", None)  # a brand's or product's file, as it was read
            remembered = (key, source, names) if type(source) is str else None
            if remembered is not None and (found := self._memo.get(remembered)) is not None:
                pass
            elif record is None:
                found = _GONE
            else:
                values = []
                for name in names.split(","):
                    value = getattr(record, name, None)
                    # a method (the settings' url()): what it reads is the whole record
                    values.append(record if callable(value) else value)
                found = digest(values)
                if remembered is not None:
                    self._memo[remembered] = found
            self._fields[(key, names)] = found
        return found

    def template(self, name: str) -> str:
        return self.theme.templates.get(name, _GONE)

    def image(self, rel: str) -> str:
        found = self._images.get(rel)
        if found is None:
            image = self.site.images.get(rel)
            known = self._pictures.get(rel)
            if known is not None and known[0] is image:
                found = known[1]
            else:
                found = image_digest(image)
                if image is not None:
                    self._pictures[rel] = (image, found)
            self._images[rel] = found
        return found

    def asset(self, name: str) -> str:
        asset = self.theme.assets.get(name)
        return asset.output if asset else _GONE

    def list(self, name: str) -> str:
        found = self._lists.get(name)
        if found is None:
            try:
                found = self._list_digest(name)
            except ValueError:
                found = _GONE
            self._lists[name] = found
        return found

    def _list_digest(self, name: str) -> str:
        if name == "counts":
            return self.site.list_digest(name)
        if name.startswith(_RELATED) and name[8:] in self.site.place:  # one list per product
            # made from its brand's list alone: the same as the last pass's if that list holds the very records
            # it held when this one was made (noted by holding the same tuple)
            brand = name[len(_RELATED) :].split("/")[0]
            group = self._group(brand)
            known = self._list_memo.get(name)
            if known is not None and known[0] is group:
                found = known[2]
            else:
                found = self.site.list_digest(name)
                self._list_memo[name] = (group, -1, found)
            kept = self._related.get(brand)
            if kept is None or kept[0] is not group:
                kept = self._related[brand] = (group, {})
            kept[1][f"l:{name}"] = found
            return found
        items = self.site.members(name)
        whole = len(self.site.members(name.partition("@")[0])) if "@" in name else len(items)
        known = self._list_memo.get(name)
        if known is not None and known[1] == whole and len(known[0]) == len(items) and all(
                map(operator.is_, known[0], items)):
            return known[2]
        found = self.site.list_digest(name)
        self._list_memo[name] = (items, whole, found)
        return found

    def _group(self, brand: str) -> tuple[object, ...]:
        """A brand's products, as the tuple the session kept when they were last these very records in this
        order (then the related products of each are what they were: `related_products` reads nothing else)."""
        found = self._groups.get(brand)
        if found is None:
            name = f"brand:{brand}"
            items = self.site.by_brand.get(brand, ())
            known = self._list_memo.get(name)
            if known is not None and len(known[0]) == len(items) and all(map(operator.is_, known[0], items)):
                found = known[0]
            else:
                found = items
                self._list_memo[name] = (items, len(items), self.site.list_digest(name))
            self._groups[brand] = found
        return found

    def inputs(self, lists: set[str]) -> dict[str, str]:
        """Every input as a whole: records by their file's digest, the settings, templates, photos, assets,
        and the lists some page read last time (`lists`, by input name: 'l:<list>')."""
        site = self.site
        found = {"c": digest(site.config)}
        found.update((f"r:{b.key}", b.digest) for b in site.brands.values())
        found.update((f"r:{p.key}", p.digest) for p in site.products)
        found.update((f"t:{name}", value) for name, value in self.theme.templates.items())
        found.update((f"a:{name}", asset.output) for name, asset in self.theme.assets.items())
        found.update((f"i:{rel}", self.image(rel)) for rel in site.images)
        left = set(lists)
        for brand in site.by_brand:  # a product's related products, one list each: taken a brand at a time
            kept = self._related.get(brand)
            if kept is not None and kept[0] is self._group(brand):
                if kept[1].keys() <= left:
                    found.update(kept[1])
                    left.difference_update(kept[1])
                else:  # some page no longer reads one of them: made again from those read
                    self._related[brand] = (kept[0], {})
        for key in left:
            found[key] = self.list(key[2:])
        return found


def snapshot(reads: Reads, current: Current) -> tuple[str, list[str]]:
    """(the reads with the digest each value has now, as JSON; the inputs to index the page under)."""
    data = {
        "f": {key: [joined := ",".join(sorted(names)), current.fields(key, joined)]
              for key, names in reads.fields.items()},
        "t": {name: current.template(name) for name in sorted(reads.templates)},
        "i": {rel: current.image(rel) for rel in sorted(reads.images)},
        "a": {name: current.asset(name) for name in sorted(reads.assets)},
        "l": {name: current.list(name) for name in sorted(reads.lists)},
    }
    needs = [*(f"r:{key}" for key in reads.fields if key != "config"), *(f"i:{rel}" for rel in reads.images),
             *(f"l:{name}" for name in reads.lists)]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")), needs


def stale(stored: str, current: Current) -> bool:
    """Whether anything the page read is different now (or the stored reads cannot be read: render it)."""
    try:
        data: Any = json.loads(stored)
        # cheapest first: a template or an asset changed is most of the pages, and found at once
        return (any(current.template(name) != value for name, value in data["t"].items())
                or any(current.asset(name) != value for name, value in data["a"].items())
                or any(current.list(name) != value for name, value in data["l"].items())
                or any(current.image(rel) != value for rel, value in data["i"].items())
                or any(current.fields(key, names) != value for key, (names, value) in data["f"].items()))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return True


def changed(before: dict[str, str], now: dict[str, str]) -> tuple[bool, set[str]]:
    """(whether every page must be examined, the inputs whose pages must be). Inputs that vanished count
    as changed; a list only counts when some page read it last time (it is in `before`)."""
    # pairs in one and not the other (set operations on the items, in C: 60,000 inputs at 20,000 products)
    differ = {name for name, _ in before.items() ^ now.items() if not (name.startswith("l:") and name not in before)}
    everything = not before or any(name == "c" or name[:2] in ("t:", "a:") for name in differ)
    return everything, {name for name in differ if name[:2] in ("r:", "i:", "l:")}


def read_lists(before: dict[str, str]) -> set[str]:
    """The lists some page read last time, by input name ('l:<list>')."""
    return {name for name in before if name.startswith("l:")}

"""What a page read while it rendered: its dependencies, recorded rather than declared.

Lektor's build context notes every source a page touches (`record_dependency`); so does this. The
renderer hands templates and its own helpers `Tracked` records, whose every field read lands in the
page's `Reads`, and notes each template it loads, each photo and asset it links and each list of
products it shows. A theme override that shows another field of a product is then simply one more
read: no hand-kept list of "what a card shows" can go stale.

The engine stores the reads of every page with a digest of each value as it was, and renders a
page again only when one of those values is different now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Reads:
    """Everything one page (or one cached card) read, by kind; names only, values are looked up later."""

    fields: dict[str, set[str]] = field(default_factory=dict)  # record key ('product:b/p', 'config') → fields
    templates: set[str] = field(default_factory=set)  # names asked of the loader, found or not
    images: set[str] = field(default_factory=set)  # site-relative photo paths
    assets: set[str] = field(default_factory=set)  # theme static file names
    lists: set[str] = field(default_factory=set)  # `Site.members` names: which records a listing shows

    def field(self, key: str, name: str) -> None:
        names = self.fields.get(key)
        if names is None:
            self.fields[key] = {name}
        else:
            names.add(name)

    def merge(self, other: Reads) -> None:
        for key, names in other.fields.items():
            self.fields.setdefault(key, set()).update(names)
        self.templates |= other.templates
        self.images |= other.images
        self.assets |= other.assets
        self.lists |= other.lists


class Recorder:
    """Where reads go right now: the page being rendered, or a card rendered inside it."""

    __slots__ = ("reads",)

    def __init__(self) -> None:
        self.reads = Reads()


class Tracked:
    """A record as templates and the renderer's helpers see it: reading a field notes it in the current
    page's reads. Compares and hashes as its record, so lists of tracked records behave as before."""

    __slots__ = ("_key", "_record", "_recorder")

    def __init__(self, record: Any, key: str, recorder: Recorder):
        object.__setattr__(self, "_record", record)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_recorder", recorder)

    def __getattr__(self, name: str) -> Any:  # only for names Tracked itself does not have
        value = getattr(self._record, name)
        fields = self._recorder.reads.fields  # Reads.field, inlined: this runs for every read of every page
        names = fields.get(self._key)
        if names is None:
            fields[self._key] = {name}
        else:
            names.add(name)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("records are read-only")

    def __eq__(self, other: object) -> bool:
        return bool(self._record == (other._record if isinstance(other, Tracked) else other))

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return f"Tracked({self._key})"


_ENGLISH = {"title": "title_en", "name": "name_en", "summary": "summary_en", "description": "description_en"}


class InEnglish(Tracked):
    """A record on a page of the English catalog: its title, name, summary (and the site's description) are
    the editor's `*_en` ones where given, else the catalog's own (the build warns of each gap). Templates
    and helpers need no `if lang == 'en'` of their own."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        english = _ENGLISH.get(name)
        if english is not None and hasattr(self._record, english):
            value = Tracked.__getattr__(self, english)
            if value:
                return value
        return Tracked.__getattr__(self, name)


def view(lang: str, site_language: str) -> type[Tracked]:
    """How records are seen on the pages of `lang`."""
    return InEnglish if lang != site_language and lang.startswith("en") else Tracked


def untracked(value: Any) -> Any:
    """The record behind a tracked one (for code that must not note a read, such as a cache key)."""
    return value._record if isinstance(value, Tracked) else value

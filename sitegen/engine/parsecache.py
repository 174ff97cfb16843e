"""The parse cache: each content file's record and problems, kept in the state store by the file's stamp,
so that a build decodes a stored entry instead of reading and validating the file again."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sitegen.content.codec import Invalid, clean_json, decode_entry, encode_entry
from sitegen.content.discover import Folder
from sitegen.content.load import Entry
from sitegen.engine.state import StateStore
from sitegen.fsutil import can_read


class ParseCache:
    """rel → (stamp, record, problems): the state store's rows, decoded only for files that are unchanged.
    `memo`: the entries a long-lived session decoded in its earlier passes (the live preview), kept by the
    session and brought up to date here, so that a pass decodes only what changed since the last one;
    `unchanged`: the folders the session's watcher says nothing changed in, whose entries are taken from
    the memo without a look at the file."""

    def __init__(self, store: StateStore | None, memo: dict[str, Entry] | None = None,
                 unchanged: frozenset[str] = frozenset()):
        self.store = store
        self.memo: dict[str, Entry] = {} if memo is None else memo
        self.unchanged = unchanged
        self._rows: dict[str, tuple[tuple[int, int], str]] | None = None
        self.added: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}
        self.dropped: set[str] = set()

    def get(self, folder: Folder) -> Entry | None:
        rel = folder.index_rel
        # the stamp is the file's size and time; one made unreadable since is read, and reported, as on a cold cache
        known = self.memo.get(rel)
        if known is not None and known[0] == folder.stamp and (folder.rel in self.unchanged
                                                               or can_read(f"{folder.path}/index.md")):
            return known
        # a session's pass misses a few: each is looked up alone; a build's first pass misses most: all at once
        row = self.store.parsed_row(rel) if known is not None and self._rows is None and self.store else \
            self.rows.get(rel)
        if row is None or row[0] != folder.stamp or not can_read(f"{folder.path}/index.md"):
            return None
        try:
            text = row[1]
            record, problems = decode_entry(json.loads(text), rel, folder.ids, clean_json(text))
        except (ValueError, Invalid, RecursionError):  # not what this version writes: read the file again
            return None
        entry = self.memo[rel] = (folder.stamp, record, problems)
        return entry

    @property
    def rows(self) -> dict[str, tuple[tuple[int, int], str]]:
        """The stored entries, read when one is first needed (a preview's pass often needs none)."""
        if self._rows is None:
            self._rows = self.store.parsed() if self.store is not None else {}
        return self._rows

    def put(self, rel: str, entry: Entry) -> None:
        self.memo[rel] = entry
        self.added[rel] = (entry[0], encode_entry(entry[1], entry[2]))

    def drop(self, rel: str) -> None:
        self.memo.pop(rel, None)
        self.dropped.add(rel)

    def known(self) -> Iterable[str]:
        """Every file with an entry. A session's pass that looked up no stored row goes by its memo: what the
        store holds besides is what the session's first pass (which read every row) dropped."""
        if self._rows is None:
            return self.memo.keys()
        return self.rows.keys() | self.memo.keys()

    def save(self) -> None:
        if self.store is not None and (self.added or self.dropped):
            self.store.save_parsed(self.added, self.dropped)
            self.added, self.dropped = {}, set()

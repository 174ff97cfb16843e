"""The photos a session's earlier passes made, for a pass that is told what changed.

A pass of the live preview takes each photo's variants from the last pass when the photo is made with the
same settings and either lies in a folder nothing changed in, or is, on disk, the file it was then (its
size, mtime, inode and ctime): one edit re-reads no photo and loads no index of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from sitegen.content.discover import SourceTree
from sitegen.images.model import ImageRequest, ProcessedImage

Stat = tuple[int, int, int, int]


def stat(path: str) -> Stat | None:
    """A photo file as it is now: (size, mtime, inode) as the image cache's source index tells it, and ctime
    (a file made unreadable since has a new one)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns


class PhotoMemo:
    def __init__(self) -> None:
        # rel → (source, the fingerprint of the settings it was made with, its variants, the file then)
        self._photos: dict[str, tuple[str, str, ProcessedImage, Stat | None]] = {}

    def kept(self, wanted: dict[str, tuple[str, str]], tree: SourceTree | None) -> dict[str, ProcessedImage]:
        """The photos in `wanted` (rel → (source, settings' fingerprint)) that need not be made again."""
        # the content folders this pass looked into (a handful, in a preview's pass): photos elsewhere are kept
        fresh = tuple(f"{rel}/" for rel in tree.scanned.keys() - tree.reused
                      if rel.count("/") == (1 if rel.startswith("brands/") else 2)) \
            if tree is not None and tree.reused else ("",)
        return {rel: memo[2] for rel, want in wanted.items() if (memo := self._photos.get(rel)) is not None
                and memo[:2] == want and (not rel.startswith(fresh) or stat(want[0]) == memo[3])}

    def remember(self, wanted: dict[str, tuple[str, str]], made: dict[str, ProcessedImage], warned: set[str],
                 stats: dict[str, Stat | None]) -> None:
        """After a pass: the photos it made (not those warned about: they are made, and warned of, again),
        as they were on disk before they were read (`stats`); none that is no longer wanted."""
        photos = self._photos
        gone: Iterable[str] = [rel for rel in photos if rel not in wanted] + [rel for rel in made if rel in warned]
        for rel in gone:
            photos.pop(rel, None)
        photos.update((rel, (*wanted[rel], image, stats.get(rel))) for rel, image in made.items()
                      if rel in wanted and rel not in warned)


def stats_of(todo: Iterable[ImageRequest]) -> dict[str, Stat | None]:
    return {r.rel: stat(str(r.source)) for r in todo}

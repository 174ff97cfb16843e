"""File events from the catalog, as batches of changed paths, with watchdog's known traps handled.

An editor's save (write a temp file, rename it over the old one), a `git checkout` or a `git pull`
makes dozens to thousands of events in a burst: they are collected until the catalog has been quiet
for a moment and come out as one batch, so one burst is one rebuild (as Zola's and MkDocs' serve do).
Only what a build reads is watched: `sitegen.toml`, `brands/`, `products/`, `themes/`; never `.git/`,
the cache (the preview is written there), `output/`, or editors' temp and swap files.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from sitegen.config import CONFIG_FILE

WATCHED = ("brands", "products", "themes")
QUIET = 0.05  # seconds without an event that end a burst (an editor's save-and-rename takes a few ms)
LONGEST = 2.0  # a burst that never goes quiet (a long `git pull`) is still built every 2 s

# vim's swap and its write test, emacs' lock and autosave files, JetBrains' and Kate's safe-write copies, macOS
_TEMP_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".temp", ".part", ".crdownload", "___jb_tmp___",
                  "___jb_old___", ".kate-swp")
_TEMP_NAMES = ("4913", ".DS_Store", "Thumbs.db")
# What changes a file. Not opens and reads: a build reads every file it watches, and those events (two per
# file) overflowed the inotify queue at 5,000 products, whose recovery reported every file changed: a
# rebuild that set off the next one, for ever. Not a folder's "modified" either: its files say what changed.
EVENTS: list[type[FileSystemEvent]] = [FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent,
                                       FileMovedEvent, DirCreatedEvent, DirDeletedEvent, DirMovedEvent]


def ignored(rel: str) -> bool:
    """Whether a change to this path (relative to the catalog, '/'-separated) can be left out of a build."""
    parts = rel.split("/")
    if not parts or parts[0] not in (*WATCHED, CONFIG_FILE):
        return True
    name = parts[-1]
    return (any(p.startswith(".") for p in parts) or name in _TEMP_NAMES or name.endswith(_TEMP_SUFFIXES)
            or (name.startswith("#") and name.endswith("#")))


class _Overflow(logging.Handler):
    """watchdog's only sign that inotify dropped events is a log record; what they were is unknown, so the
    next pass must look at everything."""

    def __init__(self, changes: Changes):
        super().__init__(logging.WARNING)
        self.changes = changes

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in str(record.msg).lower():
            self.changes.everything()


class WatchLimit(OSError):
    """The system's limit of inotify watches (or instances) is reached: poll instead."""


class Changes(FileSystemEventHandler):
    """Collects changed paths from watchdog's thread; `wait()` hands them over as one batch per burst."""

    def __init__(self, root: Path):
        self.root = os.path.abspath(root)
        self._paths: set[str] = set()
        self._last = 0.0
        self._first = 0.0
        self._ready = threading.Condition()
        self.closed = False
        self.folder_events: list[str] = []  # a watched folder made again at the top (a branch checkout)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return  # a folder "modified" is a file in it made or removed: that file's own event says which
        paths = [event.src_path, event.dest_path] if event.dest_path else [event.src_path]
        self.add(os.fsdecode(p) for p in paths)
        if event.is_directory and event.event_type in ("created", "moved"):
            for p in paths:
                rel = self._rel(os.fsdecode(p))
                if rel in WATCHED:
                    with self._ready:
                        self.folder_events.append(rel)

    def _rel(self, path: str) -> str | None:
        rel = os.path.relpath(path, self.root)
        if rel == "." or rel.startswith(".."):
            return None
        return rel.replace(os.sep, "/")

    def add(self, paths: Iterable[str]) -> None:
        kept = [rel for p in paths if (rel := self._rel(p)) is not None and not ignored(rel)]
        if not kept:
            return
        with self._ready:
            now = time.monotonic()
            if not self._paths:
                self._first = now
            self._paths.update(kept)
            self._last = now
            self._ready.notify_all()

    def everything(self) -> None:
        """Events were lost (the kernel's queue overflowed): the next batch names every watched folder."""
        self.add([os.path.join(self.root, top) for top in (*WATCHED, CONFIG_FILE)])

    def close(self) -> None:
        with self._ready:
            self.closed = True
            self._ready.notify_all()

    def wait(self, timeout: float | None = None) -> set[str]:
        """The next batch: blocks until something changed and the burst is over (or `timeout` passes:
        then an empty set). Waits in short steps so that Ctrl-C reaches the main thread at once."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._ready:
            while True:
                if self.closed:
                    return set()
                now = time.monotonic()
                if self._paths and (now - self._last >= QUIET or now - self._first >= LONGEST):
                    batch, self._paths = self._paths, set()
                    return batch
                if deadline is not None and now >= deadline and not self._paths:
                    return set()
                step = 0.25 if not self._paths else max(0.01, min(QUIET - (now - self._last),
                                                                   LONGEST - (now - self._first)))
                if deadline is not None and not self._paths:
                    step = min(step, max(0.0, deadline - now))
                self._ready.wait(step)

    def take_folder_events(self) -> list[str]:
        with self._ready:
            made, self.folder_events = self.folder_events, []
        return made


class Watcher:
    """watchdog's observer on the catalog's watched folders. Native events where the system gives them;
    polling with `poll=True` (WSL, Docker bind mounts, network drives: native events never arrive there)
    or when the inotify limit is reached (`fell_back` then says so)."""

    def __init__(self, root: Path, changes: Changes, poll: bool = False, interval: float = 0.5):
        self.root = root
        self.changes = changes
        self.polling = poll
        self.interval = interval
        self.fell_back = False
        self._watches: dict[str, object] = {}
        self._overflow = _Overflow(changes)
        self._log = logging.getLogger("watchdog.observers")
        self._log.addHandler(self._overflow)
        self.observer = self._start()

    def _make(self) -> BaseObserver:
        return PollingObserver(timeout=self.interval) if self.polling else Observer()

    def _start(self) -> BaseObserver:
        observer = self._make()
        try:
            self._schedule_all(observer)
            observer.start()
        except OSError as exc:
            if self.polling or not _limit(exc):
                raise
            _stop(observer)
            self.polling, self.fell_back = True, True
            self._watches = {}
            observer = self._make()
            self._schedule_all(observer)
            observer.start()
        return observer

    def _schedule_all(self, observer: BaseObserver) -> None:
        # the catalog's own folder, not recursively: sitegen.toml, and brands/ etc. made or made again
        self._watches["."] = observer.schedule(self.changes, str(self.root), recursive=False, event_filter=EVENTS)
        for name in WATCHED:
            self._schedule(observer, name)

    def _schedule(self, observer: BaseObserver, name: str) -> None:
        folder = self.root / name
        if folder.is_dir() and not folder.is_symlink():
            try:
                self._watches[name] = observer.schedule(self.changes, str(folder), recursive=True,
                                                        event_filter=EVENTS)
            except OSError as exc:
                if _limit(exc):
                    raise WatchLimit(exc.errno, exc.strerror) from exc
                raise

    def refresh(self) -> None:
        """A watched folder deleted and made again (a `git checkout` of another branch) is watched again."""
        made = self.changes.take_folder_events()
        for name in dict.fromkeys(made):
            old = self._watches.pop(name, None)
            if old is not None:
                with contextlib.suppress(KeyError, OSError):
                    self.observer.unschedule(old)  # type: ignore[arg-type]
            try:
                self._schedule(self.observer, name)
                # what was written into it before the watch began has sent no event: build it
                self.changes.add([str(self.root / name)])
            except WatchLimit:
                _stop(self.observer)
                self.polling, self.fell_back = True, True
                self._watches = {}
                self.observer = self._start()
                self.changes.add([str(self.root / top) for top in WATCHED])  # missed while switching
                return

    def stop(self) -> None:
        self._log.removeHandler(self._overflow)
        _stop(self.observer)


def _stop(observer: BaseObserver) -> None:
    observer.stop()
    if observer.is_alive():
        observer.join(timeout=5)


def _limit(exc: OSError) -> bool:
    """inotify's limits: watches per user (ENOSPC from inotify_add_watch) or instances (EMFILE)."""
    return exc.errno in (errno.ENOSPC, errno.EMFILE) or isinstance(exc, WatchLimit)

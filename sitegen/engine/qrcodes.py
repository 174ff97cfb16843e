"""Each product's QR code in output/, as `products/<brand>/<id>/qr.svg` beside its page, made once per text.

A code depends on its text alone (and on segno and `qr.WRITER`), and its fingerprint is the digest of those. So:

1. A code file the last build wrote under the same fingerprint, still intact in output/, is kept: a theme change,
   a no-op, an edit of another product or of anything but the address a code holds makes and reads no code.
2. Else its bytes come from this session's memo (the live preview's earlier passes),
3. else from the cache folder, `qr/<fingerprint>.svg` (a clean build, a new output folder, the preview's own),
4. and only then is the code made (`qr.code_svg`; in worker processes when there are hundreds to make, as in a
   cold build, while this process writes the ones made so far), and saved there for next time (a hard link to
   the file staged for output/: one write per code).

The cache folder comes from outside the build (a CI cache, or committed to the catalog's repository), so a cached
file is used only when it has exactly the shape `qr.svg` writes (one path of dark runs: nothing that runs or
links), and a `qr` that is a link or a file is removed, never written through. Like the image cache, it is
trusted to hold the code of the text its name is the digest of; deleting the folder makes every code again.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from sitegen import qr
from sitegen.config import SiteConfig
from sitegen.content.models import Product
from sitegen.engine.assemble import Assembly
from sitegen.fsutil import read_regular
from sitegen.images.cache import write_atomic
from sitegen.structure import Site, Urls
from sitegen.workers import can_fork, count, finished, pool

MEMO = 4096  # codes a session keeps in memory: an edit's, a draft toggled, an address changed and back
WORKERS_FROM = 400  # codes to make from which worker processes share them (~0.5 s of work; a pool costs ~0.05 s)
CHUNK = 200  # codes a worker makes per task

_made = [0]  # codes made by this process and its workers: the tests count them to prove the caches work


def made() -> int:
    """How many codes this process has made (not counting those kept, or taken from the memo or the cache)."""
    return _made[0]


def code_file(product: Product) -> str:
    """Where a product's code is, relative to output/ (one per product, whatever the page's language)."""
    return Urls().product(product).lstrip("/") + qr.FILE


class QrCodes:
    """The codes of each pass, from the last build's files, this session's memo, the cache, or made now."""

    def __init__(self) -> None:
        self._memo: dict[str, bytes] = {}  # fingerprint → SVG, of codes this session made or read
        self._config: SiteConfig | None = None
        self._known: dict[str, tuple[str, str, str, Product]] = {}  # key → (file, fingerprint, text, record)
        self._segno = ""

    def place(self, site: Site, assembly: Assembly, cache_dir: Path | None, jobs: int = 0) -> None:
        """Put every product's code into the new output/ (`assembly`); `cache_dir`: None when it may not be
        used; `jobs`: as `--jobs`."""
        if not site.products:
            return
        config = site.config
        if config != self._config:  # compared once a pass (each pass loads an equal copy of the settings)
            self._config, self._known = config, {}
        if not self._segno:
            import segno  # imported here, once per process: a pass with no product needs none of it

            self._segno = segno.__version__
        urls = Urls.for_language(config.language, config.language)
        known: dict[str, tuple[str, str, str, Product]] = {}
        wanted: dict[str, list[str]] = {}  # fingerprint → its text, then the files that need it (not kept)
        for product in site.products:
            entry = self._known.get(product.key)
            if entry is None or entry[3] is not product:
                text = qr.code_text(config.url(urls.product(product)), product.traceability_url)
                entry = (code_file(product), self._fingerprint(text), text, product)
            known[product.key] = entry
            if not assembly.kept(entry[0], entry[1]):
                wanted.setdefault(entry[1], [entry[2]]).append(entry[0])
        self._known = known
        if wanted:
            folder = _cache_folder(cache_dir) if cache_dir is not None else None
            for fingerprint, data, new in self._codes(wanted, folder, jobs):  # staged as they come: not all held
                files = wanted[fingerprint][1:]
                for rel in files:
                    assembly.made(rel, fingerprint, data)
                if new and folder is not None:  # saved for next time: a link to the staged file, not a copy
                    _save(assembly.staging / files[0], folder / f"{fingerprint}.svg", data)

    def _fingerprint(self, text: str) -> str:
        return hashlib.blake2b(f"{text}\n{self._segno}\n{qr.WRITER}".encode(), digest_size=16).hexdigest()

    def _codes(self, wanted: dict[str, list[str]], folder: Path | None, jobs: int
               ) -> Iterator[tuple[str, bytes, bool]]:
        """(fingerprint, SVG, whether made now) of each code wanted: from the memo, the cache folder, or made."""
        if len(self._memo) + len(wanted) > MEMO:
            self._memo.clear()
        remember = len(wanted) <= MEMO  # a cold build's thousands are not kept: the cache folder has them
        missing: list[tuple[str, str]] = []
        for fingerprint, (text, *_) in wanted.items():
            data = self._memo.get(fingerprint)
            if data is None and folder is not None:
                data = read_regular(folder / f"{fingerprint}.svg", 64 * 1024)
                if data is not None and not qr.is_code_svg(data):
                    data = None
            if data is None:
                missing.append((fingerprint, text))
            else:
                yield fingerprint, data, False
        for fingerprint, data in _make(missing, jobs):
            if remember:
                self._memo[fingerprint] = data
            yield fingerprint, data, True


def _make(todo: list[tuple[str, str]], jobs: int) -> Iterator[tuple[str, bytes]]:
    """(key, code) for each (key, text) of `todo`, as they are made: in forked worker processes when there are
    many (a cold build's), in the order they finish."""
    _made[0] += len(todo)
    workers = min(count(jobs), -(-len(todo) // CHUNK))
    if workers < 2 or len(todo) < WORKERS_FROM or not can_fork():
        yield from ((key, qr.code_svg(text)) for key, text in todo)
        return
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    gc.freeze()  # as for the page workers: the children need not walk (and so copy) what this process holds
    try:
        with pool(workers, multiprocessing.get_context("fork")) as workers_pool:
            for made in finished(workers_pool, _make_chunk, chunks, "worker-died-qr"):
                yield from made
    finally:
        gc.unfreeze()


def _make_chunk(chunk: list[tuple[str, str]]) -> list[tuple[str, bytes]]:
    """What a worker runs for each task."""
    return [(key, qr.code_svg(text)) for key, text in chunk]


def _save(staged: Path, target: Path, data: bytes) -> None:
    """A code just made, into the cache folder: a hard link to its file in the staging area (whole already, so
    readers see all of it or nothing), renamed into place; written anew where a link cannot be made (another
    file system). The cache is only a cache: a code that cannot be saved is made again next time."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        os.link(staged, temp)
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        with contextlib.suppress(OSError):
            write_atomic(target, data)  # a folder in the way (a hostile cache) is removed first


def _cache_folder(cache_dir: Path) -> Path | None:
    """`cache_dir/qr` as a real folder of the cache: a link (to a folder elsewhere, which would be written into
    and published from) or a file in its place is removed first. None when it cannot be made."""
    folder = cache_dir / "qr"
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            os.unlink(folder)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        return None
    return folder

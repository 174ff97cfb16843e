"""Worker processes for the stages that fan out: reading content files, making photos, rendering pages.

One module so that every pool behaves the same when the kernel kills a worker (for lack of memory,
most often on a small CI machine): a one-line error with exit status 1. `multiprocessing.Pool` would
start a new worker, lose the killed one's task and wait for it forever; `concurrent.futures` notices
the death and fails every pending task, which is what this module turns into `WorkerDied`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from sitegen.errors import UsageError

__all__ = ["WorkerDied", "can_fork", "finished", "fork_pool"]

T = TypeVar("T")
R = TypeVar("R")


class WorkerDied(UsageError):
    """A pool process vanished (killed, or a decoder crashed): said in one line, output/ untouched."""

    exit_status = 1

    def __init__(self, doing: str, kept: str = "") -> None:
        super().__init__(f"a worker process stopped abruptly (it was killed, perhaps for lack of memory) while "
                         f"{doing}; nothing was built or changed{kept}; run the build again, with --jobs 1 "
                         "if memory is short")


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def fork_pool(workers: int) -> ProcessPoolExecutor:
    """Forked workers start at once and share what this process has loaded (the site model, compiled
    templates) without pickling it. Only safe while this process runs no other thread."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))


def finished(pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T], doing: str, kept: str = "",
             meanwhile: Callable[[], None] | None = None) -> Iterator[R]:
    """Each item's result, in the order they finish. `meanwhile` runs here once every item is queued.

    On a worker's death no pending future is cancelled: cancelling races the broken pool's own
    clean-up and can hang the exit.
    """
    futures = [pool.submit(fn, item) for item in items]
    try:
        if meanwhile is not None:
            meanwhile()
        for future in as_completed(futures):
            yield future.result()
    except BrokenProcessPool:
        raise WorkerDied(doing, kept) from None
    except BaseException:  # Ctrl-C, or the caller stopped reading: leaving the pool would wait for every task
        for future in futures:
            future.cancel()
        raise

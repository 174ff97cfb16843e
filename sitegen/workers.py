"""Worker processes for the stages that fan out: reading content files, making photos, rendering pages.

One module so that every pool behaves the same when the kernel kills a worker (for lack of memory,
most often on a small CI machine): a one-line error with exit status 1. `multiprocessing.Pool` would
start a new worker, lose the killed one's task and wait for it forever; `concurrent.futures` notices
the death and fails every pending task, which is what this module turns into `WorkerDied`.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import InvalidStateError, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from sitegen.errors import UsageError

__all__ = ["WorkerDied", "can_fork", "count", "finished", "fork_pool", "pool"]

T = TypeVar("T")
R = TypeVar("R")


class WorkerDied(UsageError):
    """A pool process vanished (killed, or a decoder crashed): said in one line, output/ untouched."""

    exit_status = 1



def count(jobs: int) -> int:
    """Worker processes for `--jobs N` (0: one per core this process may run on). The one place that decides."""
    if jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether workers may be forked: where the platform can, and while this process runs no other thread
    (a forked child would inherit a lock some thread holds, and wait for it forever). `sitegen serve`, with
    its watcher and server threads, reads and renders in its own process instead."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def fork_pool(workers: int) -> ProcessPoolExecutor:
    """Forked workers start at once and share what this process has loaded (the site model, compiled
    templates) without pickling it. Only safe while this process runs no other thread."""
    return pool(workers, multiprocessing.get_context("fork"))


def pool(workers: int, context: multiprocessing.context.BaseContext, start: Callable[..., None] | None = None,
         args: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A pool whose workers end with the build: if the build is killed (`kill -9`, the OOM killer, a CI
    runner's timeout), nothing is left running, holding memory or writing into the cache. `start(*args)`
    runs in each worker as it starts (with fork, `args` are not pickled: the worker has them already)."""
    if threading.excepthook is not _quiet_cancelled_race:
        threading.excepthook = _quiet_cancelled_race
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_begin,
                               initargs=(os.getpid(), start, args))


_DEFAULT_EXCEPTHOOK = threading.excepthook


def _quiet_cancelled_race(args: threading.ExceptHookArgs) -> None:
    """Python 3.11's pool manager fails the pending tasks of a pool whose workers died, the ones an interrupted
    build cancelled included, and raises InvalidStateError for those in its own thread: a traceback after a clean
    Ctrl-C or `kill`. Python 3.12 ignores it (python/cpython#107219); so does this."""
    if isinstance(args.exc_value, InvalidStateError) and type(args.thread).__name__ == "_ExecutorManagerThread":
        return
    _DEFAULT_EXCEPTHOOK(args)


def _begin(build: int, start: Callable[..., None] | None, args: tuple[Any, ...]) -> None:
    _follow_parent(build)
    if start is not None:
        start(*args)


def _follow_parent(build: int) -> None:
    """In each worker: exit as soon as the process that started it is gone. Polling the parent id works
    whoever forked the worker (the build, or a fork server) and whichever thread did it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool ends a worker with SIGTERM: quietly, not as a Ctrl-C
    parent = os.getppid()
    if build not in (parent, os.getpid()) and not _alive(build):
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent and (parent == build or _alive(build)):
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, name="sitegen-parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finished(pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterable[T], died: str,
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
        raise WorkerDied(died) from None
    except BaseException:  # Ctrl-C, or the caller stopped reading: leaving the pool would wait for every task
        for future in futures:
            future.cancel()
        raise

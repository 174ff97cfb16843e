from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.fsutil import remove_tree
from tests.browser_site import browser, paged, phone, served  # noqa: F401 - session fixtures for test_browser*
from tests.catalog import Catalog, deep_folder, make_catalog
from tests.unreadable import locked  # noqa: F401 - files nobody may read, also as root

# Run in the background of a shell without job control (`(pytest &)`), the tests inherit SIGINT ignored, and so
# does every build they start: the Ctrl-C tests need it delivered as a terminal delivers it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# The tests' catalogs are zh-CN, which sitegen would answer in Chinese on a machine with no locale: most tests read
# the English texts, so every run (and every process a test starts) speaks English unless a test says otherwise.
os.environ["SITEGEN_LANG"] = "en"


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return make_catalog(tmp_path / "site")


@pytest.fixture
def deep() -> Iterator[Callable[[Path], None]]:
    """Makes folders nested deeper than Python's stack, and removes them after the test: pytest's own clean-up of
    old temporary folders recurses once per level, and would fail on them in a later session (anyone's)."""
    made: list[Path] = []

    def make(folder: Path) -> None:
        made.append(folder)
        deep_folder(folder)

    yield make
    for folder in made:
        remove_tree(folder)

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_site import browser, paged, phone, served  # noqa: F401 - session fixtures for test_browser*
from tests.catalog import Catalog, make_catalog
from tests.unreadable import locked  # noqa: F401 - files nobody may read, also as root


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return make_catalog(tmp_path / "site")

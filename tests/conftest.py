from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog import Catalog, make_catalog


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return make_catalog(tmp_path / "site")

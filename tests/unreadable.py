"""Running sitegen where chmod 000 really stops it, also as root: the `locked` fixture (in conftest.py).

A catalog may hold files or folders its reader is not allowed to open; the suites that prove each is one
`path: message` line use this to take the permission away, whoever runs the tests.
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.catalog import BRAND, Catalog, make_catalog


def _drop_read_override() -> None:
    """In the child, before exec: give up the capabilities that let root read any file (CAP_DAC_OVERRIDE,
    CAP_DAC_READ_SEARCH), so that chmod 000 blocks it as it blocks everyone else."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@functools.cache
def _unprivileged() -> tuple[dict, str] | str:
    """How to run sitegen so that a file with mode 000 really cannot be read: (subprocess.run arguments,
    how), or why it cannot be done here. Not root: as we are. Root: as the user nobody when it can run
    this Python and read sitegen (a catalog in a world-readable folder, owned by nobody); else as root
    without the capabilities that bypass file permissions."""
    if os.geteuid() != 0:
        return {}, "as this user"
    probe = Path(tempfile.mkdtemp())
    try:
        os.chmod(probe, 0o755)
        secret = probe / "secret"
        secret.write_text("x")
        os.chmod(secret, 0)
        code = f"import sitegen.cli, yaml; open({str(secret)!r}).read()"
        ways = [({"user": 65534, "group": 65534, "extra_groups": []}, "as nobody"),
                ({"preexec_fn": _drop_read_override}, "as root without CAP_DAC_OVERRIDE")]
        for kwargs, how in ways:
            try:
                result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=probe,
                                        timeout=60, **kwargs)
            except (OSError, subprocess.SubprocessError):
                continue
            if "PermissionError" in result.stderr and "secret" in result.stderr:
                return kwargs, how
    finally:
        shutil.rmtree(probe)
    return ("running as root, and neither the user nobody (who cannot run this Python) nor root without "
            "CAP_DAC_OVERRIDE (prctl refused) is blocked by chmod 000")


@dataclass
class Locked:
    catalog: Catalog
    kwargs: dict
    locked: list[Path]

    def lock(self, *rels: str) -> None:
        for rel in rels:
            path = self.catalog.root / rel
            os.chmod(path, 0)
            self.locked.append(path)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sitegen", *args, "--root", str(self.catalog.root)],
                              capture_output=True, text=True, timeout=120, cwd=self.catalog.root, **self.kwargs)


def _two_brands(root: Path) -> Catalog:
    catalog = make_catalog(root)
    catalog.write("brands/other/index.md", BRAND.replace("丽水山耕", "其他"))
    catalog.product("other", "q1")
    return catalog


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Locked]:
    way = _unprivileged()
    if isinstance(way, str):
        pytest.skip(way)
    kwargs, _ = way
    base = None
    if "user" in kwargs:  # a folder nobody can reach, holding a catalog nobody owns (it writes output/ there)
        base = Path(tempfile.mkdtemp())
        os.chmod(base, 0o755)
        catalog = _two_brands(base / "site")
        for folder, _, names in os.walk(base / "site"):
            for path in (folder, *(os.path.join(folder, n) for n in names)):
                os.chown(path, 65534, 65534)
    else:
        catalog = _two_brands(tmp_path / "site")
    state = Locked(catalog, kwargs, [])
    yield state
    for path in state.locked:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    if base is not None:
        shutil.rmtree(base)

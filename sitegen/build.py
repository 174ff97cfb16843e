"""The build's public face: `build(BuildOptions(root, output))` and `check(root)`.

The work is done by the engine (`sitegen/engine/`): a session that loads, makes the photos, plans,
renders and writes, keeping what it learned in the state store for the next pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sitegen.engine.load import Checked, Inputs, check, check_photos, gather, image_requests
from sitegen.engine.session import BuildOptions, BuildResult, Session

if TYPE_CHECKING:
    from sitegen.engine.render import Progress

__all__ = ["BuildOptions", "BuildResult", "Checked", "Inputs", "build", "check", "check_photos", "gather",
           "image_requests"]


def build(options: BuildOptions, progress: Progress | None = None,
          waiting: Callable[[], None] | None = None) -> BuildResult:
    """Check, then build into options.output. `waiting` is called if another build of this catalog
    holds the lock (the two take turns)."""
    return Session(options, progress, waiting).build()

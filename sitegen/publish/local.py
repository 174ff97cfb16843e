"""A local folder as a publish store (`--target file:///path`), for previews and for testing the
plan and its order without a bucket.

Same plan, same index, same deletions; what a folder cannot hold are HTTP headers, so files
are written as plain bytes (no gzip) and a header change alone rewrites nothing visible.
Publish deletes what the build no longer has, so it refuses a non-empty folder it did not
write (no index file) rather than clean out someone's home directory.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sitegen.publish.errors import PublishError
from sitegen.publish.manifest import read_built
from sitegen.publish.plan import LocalObject, RemoteObject
from sitegen.publish.remote_index import INDEX_NAME, Stored

_TEMP_PREFIX = ".sitegen-tmp-"


class LocalStore:
    def __init__(self, folder: Path, output_dir: Path) -> None:
        self.folder = folder.resolve()
        output = output_dir.resolve()
        if self.folder == output or output in self.folder.parents or self.folder in output.parents:
            raise PublishError("target-overlaps", path=str(self.folder), output=str(output))
        if self.folder.exists() and not (self.folder / INDEX_NAME).is_file() and any(self.folder.iterdir()):
            raise PublishError("unsafe-folder", path=str(self.folder))

    def describe(self) -> str:
        return self.folder.as_uri()

    def request_counts(self) -> dict[str, int]:
        return {}

    def list(self) -> dict[str, RemoteObject]:
        out: dict[str, RemoteObject] = {}
        if not self.folder.is_dir():
            return out
        for dirpath, _dirs, files in os.walk(self.folder):
            for name in files:
                full = Path(dirpath, name)
                path = full.relative_to(self.folder).as_posix()
                if path == INDEX_NAME or name.startswith(_TEMP_PREFIX):
                    continue
                stat = full.stat()
                out[path] = RemoteObject(path, stat.st_size, str(stat.st_mtime_ns))
        return out

    def read_index(self) -> bytes | None:
        try:
            return (self.folder / INDEX_NAME).read_bytes()
        except FileNotFoundError:
            return None

    def head(self, path: str) -> RemoteObject | None:
        """A folder keeps no metadata: the bytes' hash is known, the headers are not."""
        full = self.folder / path
        try:
            data = full.read_bytes()
            stat = full.stat()
        except FileNotFoundError:
            return None
        return RemoteObject(path, stat.st_size, str(stat.st_mtime_ns), "", hashlib.sha256(data).hexdigest())

    def put(self, obj: LocalObject, source: Path) -> Stored:
        stat = self._write(self.folder / obj.path, read_built(source, obj.path, obj.sha256))
        return Stored(stat.st_size, str(stat.st_mtime_ns))

    def delete(self, paths: Sequence[str]) -> None:
        for path in paths:
            full = self.folder / path
            try:
                full.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise PublishError("write-failed", path=str(full), detail=exc.strerror or str(exc)) from None
            parent = full.parent
            while parent != self.folder and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent

    def write_index(self, data: bytes) -> None:
        self._write(self.folder / INDEX_NAME, data)

    def _write(self, full: Path, data: bytes) -> os.stat_result:
        """Atomic: a reader of the folder sees the old file or the new one, never half of one."""
        try:
            full.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=full.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.chmod(temp, 0o644)  # mkstemp's 0600 would hide the file from a preview web server
                os.replace(temp, full)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
            return full.stat()
        except OSError as exc:
            raise PublishError("write-failed", path=str(full), detail=exc.strerror or str(exc)) from None

"""Themes: where templates and static files come from, and their fingerprinted names.

A site's `themes/<name>/` overrides the theme shipped inside the package one file at a
time, so a county can restyle one template without copying the whole theme. Static files
get content-hash names (style.3f2a9c1e0b.css) so they can be cached forever.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.errors import Problem, UsageError, cannot_read
from sitegen.fsutil import safe_rel
from sitegen.messages import Msg, msg
from sitegen.untrusted import CONTROL

if TYPE_CHECKING:
    import jinja2

PACKAGE_THEMES = Path(__file__).resolve().parent.parent / "themes"
# The limits the sandbox puts on a template, raised under these message codes (sandbox.py, pages.py)
SANDBOX = frozenset({"sandbox-too-deep", "sandbox-power", "sandbox-repeat", "sandbox-page-memory"})


class ThemeError(UsageError):
    """A template that cannot be rendered (a site's own override, usually): `path:line: what`, exit 1, no
    traceback. Built from plain strings so that it crosses from a render worker to the main process intact."""

    exit_status = 1


@dataclass(frozen=True, slots=True)
class Asset:
    name: str  # 'style.css' as templates ask for it
    output: str  # 'assets/style.3f2a9c1e0b.css'
    source: Path
    digest: str


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    template_dirs: tuple[Path, ...]  # most specific first
    assets: dict[str, Asset]
    digest: str  # of every template and static file: any change re-renders every page
    boundary: tuple[str, ...] = ()  # real folders a template file may be in: the catalog, sitegen's themes
    templates: dict[str, str] = field(default_factory=dict)  # name → digest of the file that wins it
    left_out: tuple[Problem, ...] = ()  # the catalog's theme files it may not read or publish: errors

    def loader(self) -> jinja2.BaseLoader:
        from sitegen.render.sandbox import ConfinedLoader

        return ConfinedLoader([str(d) for d in self.template_dirs], self.boundary)

    def asset_url(self, name: str) -> str:
        return "/" + self.assets[name].output

    def error(self, exc: Exception) -> ThemeError:
        """Where in which template `exc` happened (site-relative for a site's own theme), and what."""
        where, line, message, own = self._locate(exc)
        place = f"{where}:{line}" if line else where
        return ThemeError("template-failed-own" if own else "template-failed", where=place, problem=message)

    def problems(self) -> list[Problem]:
        """Syntax errors and unknown filters in the site's own templates, found without rendering anything,
        so that `sitegen check` (in a county's CI) catches them before a build does."""
        import jinja2

        from sitegen.render.sandbox import CatalogSandbox, unsafe_names

        env = CatalogSandbox(loader=self.loader())
        found = []
        for directory in self.template_dirs:
            if directory.is_relative_to(PACKAGE_THEMES):
                continue
            for rel, path in _files(directory, self.boundary[:1]):
                if not rel.endswith(".html"):
                    continue
                try:
                    template = env.get_template(rel)
                    source = path.read_text("utf-8")
                except OSError:
                    continue  # load_theme reported it (cannot-read)
                except (jinja2.TemplateError, UnicodeDecodeError) as exc:
                    where, line, message, _ = self._locate(exc)
                    found.append(Problem("template-error", where, line, {"problem": message}))
                    continue
                where = self._locate_file(template.filename or str(path))
                found += [Problem("template-unsafe", where, line, {"value": name})
                          for line, name in unsafe_names(env, source)]
        return found

    def _locate_file(self, filename: str) -> str:
        base = self._base(filename)
        return Path(filename).relative_to(base).as_posix() if base else filename

    def _locate(self, exc: Exception) -> tuple[str, int | None, str | Msg, bool]:
        """(template path, line, Jinja's words, whether the template is the site's own)."""
        filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
        if filename is None:  # a runtime error: Jinja puts the template's file and line in the traceback
            frames = [(f.f_code.co_filename, n) for f, n in traceback.walk_tb(exc.__traceback__)]
            inside = [(name, n) for name, n in frames if self._base(name)]
            filename, line = inside[-1] if inside else (None, None)
        where, own = "theme " + self.name, False
        base = self._base(filename) if filename else None
        if filename and base:
            where = Path(filename).relative_to(base).as_posix()
            own = base != PACKAGE_THEMES.parents[1]
        message = (getattr(exc, "message", None) or str(exc) or type(exc).__name__).rstrip(".")
        if message in SANDBOX:  # sitegen's own limits say why in the editor's language; Jinja's words stay its own
            return where, line, msg(message), own
        return where, line, message, own

    def _base(self, filename: str) -> Path | None:
        """The folder template paths are shown relative to: the site for its own theme, else sitegen's."""
        for directory in self.template_dirs:
            if Path(filename).is_relative_to(directory):
                theme_root = directory.parents[1]  # .../themes
                return PACKAGE_THEMES.parents[1] if theme_root == PACKAGE_THEMES else theme_root.parent
        return None


def available_themes(root: Path) -> list[str]:
    names = {p.name for base in (root / "themes", PACKAGE_THEMES) if base.is_dir() for p in base.iterdir()
             if p.is_dir() and _inside(p, root.resolve(), PACKAGE_THEMES)}
    return sorted(names)


def load_theme(root: Path, name: str) -> Theme | None:
    """The theme `name`, layered over the packaged default. None if no such theme exists.

    The catalog's own theme files are untrusted: a file or folder that is a symlink to somewhere outside
    the catalog is not read at all (discovery reports it, with its path). A file sitegen may not read
    (`cannot-read`, like any other file's), and a static file whose name cannot be published as it is
    (`bad-file-name`: not UTF-8, a control character, a path past what the output and a bucket hold), is
    left out and named in `Theme.left_out`."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    real_root = root.resolve()
    boundary = (str(real_root), str(PACKAGE_THEMES))
    own = root / "themes" / name
    layers = [layer for layer in (own, PACKAGE_THEMES / name)
              if layer.is_dir() and _inside(layer, real_root, PACKAGE_THEMES)]
    if not layers:
        return None
    if name != "default":
        layers.append(PACKAGE_THEMES / "default")
    digest = hashlib.blake2b(digest_size=16)
    template_dirs = []
    static: dict[str, Path] = {}
    left_out: list[Problem] = []

    def read(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except OSError as exc:
            left_out.append(cannot_read(_site_rel(path, root), exc))
            return None

    for layer in layers:
        limit = boundary[:1] if layer == own else boundary[1:]
        if (layer / "templates").is_dir():
            template_dirs.append(layer / "templates")
        for rel, path in _files(layer / "static", limit):
            static.setdefault(rel, path)
    templates: dict[str, str] = {}
    for directory in template_dirs:
        limit = boundary[:1] if directory.parent == own else boundary[1:]
        for rel, path in _files(directory, limit):
            if (data := read(path)) is not None:
                digest.update(os.fsencode(rel) + b"\0" + data)  # a name need not be UTF-8 to be a template
                templates.setdefault(rel, hashlib.blake2b(data, digest_size=8).hexdigest())
    assets = {}
    for rel, path in sorted(static.items()):
        if not _publishable(_asset_name(rel, "0" * 64)):
            left_out.append(Problem("bad-file-name", _site_rel(path, root), None, {"value": rel}))
            continue
        if (data := read(path)) is None:
            continue
        file_digest = hashlib.sha256(data).hexdigest()
        digest.update(rel.encode() + b"\0" + file_digest.encode())
        assets[rel] = Asset(rel, _asset_name(rel, file_digest), path, file_digest)
    return Theme(name, tuple(template_dirs), assets, digest.hexdigest(), boundary, templates, tuple(left_out))


def _asset_name(rel: str, digest: str) -> str:
    stem, dot, ext = rel.rpartition(".")
    return f"assets/{stem}.{digest[:10]}.{ext}" if dot else f"assets/{rel}.{digest[:10]}"


def _publishable(name: str) -> bool:
    """A name the output folder, its manifest and a bucket take as it is: what the build itself would accept
    from a manifest (safe_rel: at most 1,024 characters, no odd part), and text without a control character
    or a byte that is not UTF-8."""
    return safe_rel(name) and CONTROL.search(name) is None


def _site_rel(path: Path, root: Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _inside(path: Path | str, *bases: Path) -> bool:
    return _under(os.path.realpath(path), bases)


def _under(real: str, bases: tuple[Path, ...]) -> bool:
    """`real` (a real path already) is one of `bases` or lies under one."""
    return any(real == str(b) or real.startswith(str(b).rstrip(os.sep) + os.sep) for b in bases)


def _files(folder: Path, boundary: tuple[str, ...]) -> list[tuple[str, Path]]:
    """Regular files under `folder` (symlinks followed while they stay inside `boundary`), sorted by their
    path relative to it. A folder reached twice (a link loop) is walked once; a loop, not recursion, so a
    folder nested deeper than Python's stack is only deep."""
    found: list[tuple[str, Path]] = []
    seen: set[str] = set()
    bases = tuple(Path(b) for b in boundary)
    # (folder, its path relative to `folder`, its real path): the real path of a name that is not a link is
    # its folder's plus the name, so only links are resolved (realpath of every folder of a deep tree costs
    # the square of its depth in lookups)
    todo = [(str(folder), "", os.path.realpath(folder))] if folder.is_dir() else []
    while todo:
        path, rel, real = todo.pop()
        if real in seen or not _under(real, bases):
            continue
        seen.add(real)
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue  # discovery reports it (cannot-read)
        for entry in entries:
            sub = f"{rel}{entry.name}"
            try:
                link = entry.is_symlink()
                target = os.path.realpath(entry.path) if link else f"{real}/{entry.name}"
                if link and not _under(target, bases):
                    continue
                if entry.is_dir():
                    todo.append((entry.path, sub + "/", target))
                elif entry.is_file():
                    found.append((sub, Path(entry.path)))
            except OSError:
                continue  # a link round a loop: discovery reports it (bad-link)
    return sorted(found)

"""Themes: where templates and static files come from, and their fingerprinted names.

A site's `themes/<name>/` overrides the theme shipped inside the package one file at a
time, so a county can restyle one template without copying the whole theme. Static files
get content-hash names (style.3f2a9c1e0b.css) so they can be cached forever.
"""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.errors import Problem, UsageError

if TYPE_CHECKING:
    import jinja2

PACKAGE_THEMES = Path(__file__).resolve().parent.parent / "themes"
_OWN_HINT = "fix this template, or delete it to use the one sitegen ships"


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

    def loader(self) -> jinja2.BaseLoader:
        import jinja2

        return jinja2.FileSystemLoader([str(d) for d in self.template_dirs])

    def asset_url(self, name: str) -> str:
        return "/" + self.assets[name].output

    def error(self, exc: jinja2.TemplateError) -> ThemeError:
        """Where in which template `exc` happened (site-relative for a site's own theme), and what."""
        where, line, message, own = self._locate(exc)
        hint = f"; {_OWN_HINT}" if own else ""
        return ThemeError(f"{where}{f':{line}' if line else ''}: {message}{hint}")

    def problems(self) -> list[Problem]:
        """Syntax errors and unknown filters in the site's own templates, found without rendering anything,
        so that `sitegen check` (in a county's CI) catches them before a build does."""
        import jinja2

        env = jinja2.Environment(loader=self.loader(), autoescape=True, trim_blocks=True, lstrip_blocks=True)
        found = []
        for directory in self.template_dirs:
            if directory.is_relative_to(PACKAGE_THEMES):
                continue
            for path in sorted(directory.rglob("*.html")):
                try:
                    env.get_template(path.relative_to(directory).as_posix())
                except jinja2.TemplateError as exc:
                    where, line, message, _ = self._locate(exc)
                    found.append(Problem("template-error", where, line, {"problem": message}))
        return found

    def _locate(self, exc: jinja2.TemplateError) -> tuple[str, int | None, str, bool]:
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
        message = (exc.message or type(exc).__name__).rstrip(".")
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
             if p.is_dir()}
    return sorted(names)


def load_theme(root: Path, name: str) -> Theme | None:
    """The theme `name`, layered over the packaged default. None if no such theme exists."""
    layers = [base / name for base in (root / "themes", PACKAGE_THEMES) if (base / name).is_dir()]
    if not layers:
        return None
    if name != "default":
        layers.append(PACKAGE_THEMES / "default")
    digest = hashlib.blake2b(digest_size=16)
    template_dirs = []
    static: dict[str, Path] = {}
    for layer in layers:
        if (layer / "templates").is_dir():
            template_dirs.append(layer / "templates")
        static_dir = layer / "static"
        if static_dir.is_dir():
            for path in sorted(static_dir.rglob("*")):
                if path.is_file():
                    static.setdefault(path.relative_to(static_dir).as_posix(), path)
    for directory in template_dirs:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes())
    assets = {}
    for rel, path in sorted(static.items()):
        data = path.read_bytes()
        file_digest = hashlib.sha256(data).hexdigest()
        digest.update(rel.encode() + b"\0" + file_digest.encode())
        stem, dot, ext = rel.rpartition(".")
        output = f"assets/{stem}.{file_digest[:10]}.{ext}" if dot else f"assets/{rel}.{file_digest[:10]}"
        assets[rel] = Asset(rel, output, path, file_digest)
    return Theme(name, tuple(template_dirs), assets, digest.hexdigest())

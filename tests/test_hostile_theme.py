"""A catalog's theme is untrusted code: templates run sandboxed, and theme files never lead out of the catalog.

Each case is what a hostile commit to `themes/` could try; the safe outcome is asserted through the CLI:
the exit status, the `path:line:` of the message, no marker file written by an escape, and no secret
(an environment variable, a file outside the catalog) in any built page. Escapes that check or the sandbox
refuse, and theme files linked from elsewhere, run sitegen in-process (with the secrets in os.environ);
templates that would take the memory, time or stack of their process, and the environment itself, a real one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.catalog import Catalog, make_catalog, run_here

SECRET = "s3cr3t-AKIA-do-not-leak"
CARD = "themes/default/templates/partials/card.html"


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return make_catalog(tmp_path / "site")


SECRETS = {"AWS_SECRET_ACCESS_KEY": SECRET, "SITEGEN_SECRET": SECRET}


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A real process, with the secrets in its environment: for what is about the environment, and for templates
    that take the memory, the time or the stack of the process they run in."""
    return subprocess.run([sys.executable, "-m", "sitegen", *args, "--root", str(root)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **SECRETS})


def _run_here(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`_run` in-process (run_here: the same entry point, exit status and streams, and a time limit), with the
    secrets in os.environ for the length of the run: for escapes the sandbox or check refuses before any work."""
    before = {name: os.environ.get(name) for name in SECRETS}
    os.environ.update(SECRETS)
    try:
        return run_here(root, *args)
    finally:
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def _leaked(root: Path) -> list[str]:
    """Files the build or check wrote (links planted by the test are not followed) that hold the secret."""
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink() and SECRET.encode() in path.read_bytes():
                found.append(str(path))
    return found


# (template text on line 2 of the card, what the message must say)
ESCAPES = [
    ("{{ cycler.__init__.__globals__.os.popen('touch MARK').read() }}", "__init__"),
    ("{{ lipsum.__globals__['os'].popen('touch MARK').read() }}", "__globals__"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__class__"),
    ("{{ joiner.__init__.__globals__.os.environ }}", "__init__"),
    ("{{ namespace.__init__.__globals__['__builtins__']['open']('MARK', 'w') }}", "__init__"),
    ("{{ p.__class__.__init__.__globals__ }}", "__class__"),
    ("{{ (p|attr('__class__')) }}", "__class__"),
    ("{{ p['__dict__'] }}", "__dict__"),
    ("{{ site.root.joinpath('MARK').write_text('x') }}", "root"),
    ("{{ image(p.folder, p.cover.file).files[0][1].read_text() }}", "files"),
    ("{% set g = (lipsum|attr('__globals__')) %}{{ g }}", "__globals__"),
    # str.format walks attributes itself: read, not called, but os.environ is one walk away from any global
    ("{{ '{0.__init__.__globals__[os].environ}'.format(cycler) }}", "__init__"),
    ("{{ '{x.__init__.__globals__[os].environ}'.format_map({'x': joiner}) }}", "__init__"),
    ("{{ ('{0.__init__.__globals__[os].environ}'|safe).format(cycler) }}", "__init__"),
    ("{{ ('{0.__init__.__globals__[os].environ}'|attr('format'))(cycler) }}", "__init__"),
    ("{{ '{0.__class__.__mro__}'.format(p) }}", "__class__"),
]


@pytest.mark.parametrize(("text", "says"), ESCAPES, ids=[str(i) for i in range(len(ESCAPES))])
def test_template_escapes_fail_at_their_line_in_check_and_build(catalog: Catalog, text: str, says: str) -> None:
    catalog.write(CARD, "<article>\n" + text + "\n</article>\n")
    for command in ("check", "build"):
        result = _run_here(catalog.root, command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert f"{CARD}:2: " in result.stderr and "Traceback" not in result.stderr, (command, result.stderr)
        # check names what it found without running the template; the sandbox refuses the first unsafe step
        assert says in result.stderr if command == "check" else ("unsafe" in result.stderr or says in result.stderr), \
            result.stderr
    assert not (catalog.root / "MARK").exists() and not Path("MARK").exists()
    assert not catalog.output.exists() and _leaked(catalog.root) == []


def test_check_reports_an_escape_as_json_with_its_code(catalog: Catalog) -> None:
    catalog.write(CARD, "<article>\n\n{{ cycler.__init__.__globals__ }}\n</article>\n")
    result = _run_here(catalog.root, "check", "--format", "json")
    problems = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert {(p["code"], p["path"], p["line"], p["params"]["value"]) for p in problems} == {
        ("template-unsafe", CARD, 3, "__init__")}


# Found only when a page renders: the build stops at the template's line, and writes nothing.
RUNTIME = [
    ("{% set x = 'ab' * 100000000 %}{{ x|length }}", "repeated"),
    ("{{ 7 ** 100000000 }}", "power"),
    ("{% include 'partials/card.html' %}", "recursion"),
    ("{{ 1 / 0 }}", "division by zero"),
    ("{{ picture() }}", "argument"),
    ("{{ p.title.format.__self__ }}", "__self__"),
    ("{{ site.images }}", "unsafe"),
    # no operator: a str method fills the memory (1.5 GB here; the same with '{:>N}'.format, |center, lipsum …)
    ("{{ 'a'.ljust(1500000000)|length }}", "memory"),
]


@pytest.mark.parametrize(("text", "says"), RUNTIME, ids=[str(i) for i in range(len(RUNTIME))])
def test_a_template_that_fails_while_rendering_is_one_line_with_its_place(catalog: Catalog, text: str,
                                                                          says: str) -> None:
    catalog.write(CARD, "<article>\n" + text + "\n</article>\n")
    result = _run(catalog.root, "build")
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"sitegen: {CARD}:2: ") and says in lines[0].lower(), lines
    assert not catalog.output.exists()


# Nested past what Jinja's parser (Python's stack) or Python's compiler (100 indents, 20 nested loops) takes.
DEEP = {
    "parentheses": "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
    "ifs": "{% if 1 %}" * 600 + "x" + "{% endif %}" * 600,
    "loops": "{% for i in [1] %}" * 25 + "x" + "{% endfor %}" * 25,
    "attributes": "{{ p" + ".title" * 300 + " }}",
    "nots": "{{ " + "not " * 2000 + "1 }}",
}


@pytest.mark.parametrize("text", list(DEEP.values()), ids=list(DEEP))
def test_a_template_nested_too_deep_is_one_line_with_its_place(catalog: Catalog, text: str) -> None:
    catalog.write(CARD, "<article>\n" + text + "\n</article>\n")
    for command in ("check", "build"):
        result = _run(catalog.root, command)
        assert result.returncode == 1 and "Traceback" not in result.stderr, (command, result.stderr[-3000:])
        assert f"{CARD}:2: " in result.stderr and "nested too deep" in result.stderr, (command, result.stderr)
    assert not catalog.output.exists()


def test_no_environment_variable_reaches_a_page(catalog: Catalog) -> None:
    """Credentials live in the environment of a CI build: no name a template can reach leads to them."""
    tries = ["{{ site }}", "{{ site.publish }}", "{{ t }}", "{{ urls }}", "{{ lang }}", "{{ page }}",
             "{{ categories }}", "{{ p }}"]
    catalog.write(CARD, "<article>\n" + " ".join(tries) + "\n{{ p.title }}</article>\n")
    result = _run(catalog.root, "build")
    assert result.returncode in (0, 1), result.stderr
    assert SECRET not in result.stdout + result.stderr and _leaked(catalog.root) == []


def test_the_translator_fills_in_only_its_own_words(catalog: Catalog) -> None:
    """`_('key', n=…)` falls back to the key itself for a word it does not know, and filled that in with str.format
    too: a key built at run time (check cannot read it) was a format string walking from any global to
    os.environ, outside the sandbox."""
    key = "'{x.__init' ~ '__.__globals__[os].environ[SITEGEN_SECRET]}'"
    catalog.write(CARD, "<article>\n{{ _(" + key + ", x=cycler) }} {{ _('page_n', n=2) }}\n</article>\n")
    result = _run(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    page = (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")
    assert "{x.__init__.__globals__[os].environ[SITEGEN_SECRET]} 第 2 页" in page
    assert SECRET not in result.stdout + result.stderr and _leaked(catalog.root) == []


def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "elsewhere"
    (secret / "templates" / "partials").mkdir(parents=True)
    (secret / "templates" / "partials" / "card.html").write_text(f"<p>{SECRET}</p>")
    (secret / "static").mkdir()
    (secret / "static" / "style.css").write_text(f"/* {SECRET} */")
    (secret / "passwd").write_text(SECRET)
    return secret


@pytest.mark.parametrize(("link", "target", "reported"), [
    ("themes", ".", "themes"),
    ("themes/default", ".", "themes/default"),
    ("themes/default/templates", "templates", "themes/default/templates"),
    (CARD, "templates/partials/card.html", CARD),
    ("themes/default/static", "static", "themes/default/static"),
    ("themes/default/static/style.css", "static/style.css", "themes/default/static/style.css"),
    ("themes/default/static/extra.txt", "passwd", "themes/default/static/extra.txt"),
])
def test_a_theme_file_or_folder_linked_from_outside_is_an_error_and_never_read(
        tmp_path: Path, catalog: Catalog, link: str, target: str, reported: str) -> None:
    secret = _outside(tmp_path)
    path = catalog.root / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(secret / target if target != "." else secret)
    for command in ("check", "build"):
        result = _run_here(catalog.root, command, *(["--format", "json"] if command == "check" else []))
        assert result.returncode == 1, (command, result.stderr)
        assert "Traceback" not in result.stderr
    problems = [json.loads(line) for line in _run_here(catalog.root, "check", "--format", "json").stdout.splitlines()]
    assert ("link-outside", reported) in {(p["code"], p["path"]) for p in problems}, problems
    assert not catalog.output.exists() and _leaked(catalog.root) == []


def test_theme_links_that_stay_inside_the_catalog_are_followed(catalog: Catalog) -> None:
    (catalog.root / "shared").mkdir()
    (catalog.root / "shared" / "card.html").write_text("<article class=card>{{ p.title }} 共享</article>\n")
    card = catalog.root / CARD
    card.parent.mkdir(parents=True)
    card.symlink_to(catalog.root / "shared" / "card.html")
    result = _run_here(catalog.root, "build")
    assert result.returncode == 0, result.stderr
    assert "共享" in (catalog.output / "products/lishui/p1/index.html").read_text("utf-8")


@pytest.mark.parametrize("theme", ["../elsewhere", "/tmp", "default/../../x"])
def test_a_theme_name_that_leaves_themes_is_not_a_theme(tmp_path: Path, catalog: Catalog, theme: str) -> None:
    _outside(tmp_path)
    config = catalog.root / "sitegen.toml"
    config.write_text(f'theme = "{theme}"\n' + config.read_text("utf-8"), encoding="utf-8")
    for command in ("check", "build"):
        result = _run_here(catalog.root, command)
        assert result.returncode == 1 and "sitegen.toml:1:" in result.stderr, result.stderr
    assert _leaked(catalog.root) == []

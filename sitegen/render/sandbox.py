"""The Jinja2 environment catalog templates run in: sandboxed, with an allow-list of what they may touch.

A county's `themes/` folder is edited by many hands, and its templates run in CI next to the bucket's
credentials, so a template is untrusted code. Jinja2's `ImmutableSandboxedEnvironment` already refuses
`_`-names (`cycler.__init__.__globals__`, `''.__class__.__mro__`), the internals of functions and
frames, and changes to lists and dicts. It still lets a template call any public method of whatever
object it reaches, and some objects reach the file system (a `Path`'s `read_text`). So attributes are
allowed only on the plain data types pages are made of, and only when the value is one of them too;
everything else fails as a `SecurityError` with the template's name and line.

The same attributes are found without rendering (`unsafe_names`), so `sitegen check` reports an
escape attempt in a pull request before any build runs it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import resource
import string
import types
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import jinja2
import jinja2.nodes
import jinja2.runtime
import jinja2.utils
from jinja2 import sandbox
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from sitegen.config import Contact, SiteConfig, Term
from sitegen.content.models import Brand, CertRef, ImageRef, Price, Product, ProductVariant, ShopLink
from sitegen.images.model import ProcessedImage, Variant
from sitegen.render.reads import InEnglish, Recorder, Tracked

# What templates are given: records, their parts, and Python's plain values.
_DATA: frozenset[type] = frozenset({
    SiteConfig, Contact, Term, Brand, Product, ImageRef, CertRef, Price, ProductVariant, ShopLink,
    ProcessedImage, Variant,
    str, Markup, int, float, bool, type(None), list, tuple, dict, dt.date, range,
    jinja2.runtime.LoopContext, jinja2.runtime.Macro, jinja2.utils.Cycler, jinja2.utils.Joiner,
    jinja2.utils.Namespace, types.SimpleNamespace,
})
# Attributes of the data types that lead outside the page's data: the catalog's folder on disk, the cache
# files an image was made into.
_HIDDEN = frozenset({"root", "files"})
_CALLABLE = (types.BuiltinMethodType, types.MethodType, types.FunctionType, jinja2.runtime.Macro)
_FORMAT = frozenset({"format", "format_map"})  # the str methods that read attributes named in the text
# Past these, `'a' * n` or `n ** m` would take the machine's memory or time.
_MAX_SIZE = 10_000_000
# What rendering may take beyond what the build holds when it starts (see bounded_memory).
MAX_RENDER_MEMORY = 1 << 30
# Levels of a parsed template (the default theme's deepest has 9): past this Jinja's code generator takes
# seconds, and cubic time, before Python's compiler refuses it anyway.
MAX_TEMPLATE_DEPTH = 60


def _extra_types() -> frozenset[type]:
    """Types of the theme's helpers whose public attributes pages read (structure.Page, Urls), and the
    views through which pages read records and settings."""
    from sitegen.render.pages import _Noted
    from sitegen.structure import Page, Urls

    return frozenset({Page, Urls, Tracked, InEnglish, _Noted})


class CatalogSandbox(ImmutableSandboxedEnvironment):
    """Autoescaping, strict about undefined names, and limited to the catalog's data."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, recorder: Recorder | None = None, **options: Any) -> None:
        super().__init__(autoescape=True, trim_blocks=True, lstrip_blocks=True, **options)
        self.recorder = recorder  # notes every template a page loads, includes and layouts included
        self._data = _DATA | _extra_types()
        self._allowed: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        kind = type(obj)
        allowed = self._allowed.get((kind, attr))
        if allowed is None:  # Jinja's rules and ours depend on the type and the name only: decided once
            allowed = kind in self._data and attr not in _HIDDEN and super().is_safe_attribute(obj, attr, value)
            self._allowed[(kind, attr)] = allowed
        if not allowed:
            return False
        if type(value) in self._data or value is None:
            return True
        if isinstance(value, _CALLABLE):
            owner = getattr(value, "__self__", None)
            return owner is None or type(owner) in self._data
        return False

    def _load_template(self, name: str, globals: MutableMapping[str, Any] | None) -> jinja2.Template:
        if self.recorder is not None:
            self.recorder.reads.templates.add(name)
        return super()._load_template(name, globals)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`x.y` in a template: the common case (an allowed attribute that exists) without the detours.

        `str.format` and `format_map` walk attributes and items themselves (`'{0.__init__.__globals__}'`
        reaches os.environ from any global): like Jinja's own `getattr`, this hands out a version whose
        every step goes through the sandbox instead."""
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)  # a key of a dict, or undefined
        if attribute in _FORMAT and (wrapped := self.wrap_str_format(value)) is not None:
            return wrapped
        if self.is_safe_attribute(obj, attribute, value):
            return value
        return self.unsafe_undefined(obj, attribute)

    def compile(self, source: Any, name: str | None = None, filename: str | None = None, raw: bool = False,
                defer_init: bool = False) -> Any:
        """Jinja's parser and code generator recurse once per level of nesting, and Python's compiler takes
        100 indents and 20 nested loops: a template nested past that failed with RecursionError or
        SyntaxError (a traceback in check, the includer's line in a build). Now it is a syntax error of its
        own file, at the line that nests deepest, like any other."""
        text = source if isinstance(source, str) else None
        try:
            if text is not None:
                source = self._parse(text, name, filename)
                if _depth(source) > MAX_TEMPLATE_DEPTH:  # Jinja's code generator takes cubic time in the depth
                    raise RecursionError
            return super().compile(source, name, filename, raw, defer_init)  # type: ignore[call-overload]
        except (RecursionError, SyntaxError, MemoryError):
            line = _deepest_line(self, text) if text is not None else 1
            raise TemplateSyntaxError("sandbox-too-deep", line, name, filename) from None  # a message code

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 64:
            raise SecurityError("sandbox-power")
        if operator == "*":
            count, seq = (left, right) if isinstance(left, int) else (right, left)
            if isinstance(count, int) and isinstance(seq, str | list | tuple) and len(seq) * count > _MAX_SIZE:
                raise SecurityError("sandbox-repeat")
        return super().call_binop(context, operator, left, right)


@contextlib.contextmanager
def bounded_memory(budget: int = MAX_RENDER_MEMORY) -> Iterator[None]:
    """Rendering in this block, here and in workers forked in it, may take `budget` bytes more than this
    process holds now; past that an allocation fails with MemoryError, which the renderer reports as the
    template's error at its line. The sandbox refuses `'a' * n` by its operands, but many more ways make
    a value of any size from a small template ('a'.ljust(n), '{:>n}'.format(x), |center(n), lipsum(n),
    `s ~ s` in a loop, a loop inside a macro): only a limit on the process bounds them all. On Linux
    RLIMIT_DATA counts every private mapping (since 4.7), so Python's arenas and large objects alike;
    where it cannot be read or set, the block runs without a limit."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        with open("/proc/self/status", encoding="ascii") as status:
            held = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmData:"))
    except (OSError, ValueError, StopIteration):
        yield
        return
    limit = held + budget
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def unsafe_names(env: jinja2.Environment, source: str) -> Iterator[tuple[int, str]]:
    """(line, name) of the attributes and keys a template asks for that the sandbox refuses whatever the
    object: `_`-names and the internals of functions, frames and generators, written as `x.name`,
    `x['name']` or as a filter's argument (`x|attr('name')`, `map(attribute='name')`). Found in the parsed
    template, not by running it; one per line, the first of a chain such as `a.__init__.__globals__`.
    A text written in the template is read as `str.format` would read it ('{0.__init__.__globals__}')."""
    found: dict[int, str] = {}
    for node in env.parse(source).find_all((jinja2.nodes.Getattr, jinja2.nodes.Getitem, jinja2.nodes.Filter,
                                           jinja2.nodes.Test, jinja2.nodes.Const)):
        names: list[object]
        if isinstance(node, jinja2.nodes.Getattr):
            names = [node.attr]
        elif isinstance(node, jinja2.nodes.Getitem):
            names = [node.arg.value] if isinstance(node.arg, jinja2.nodes.Const) else []
        elif isinstance(node, jinja2.nodes.Const):
            names = _format_fields(node.value) if isinstance(node.value, str) and "{" in node.value else []
        else:
            assert isinstance(node, jinja2.nodes.Filter | jinja2.nodes.Test)
            names = [a.value for a in [*node.args, *(k.value for k in node.kwargs)]
                     if isinstance(a, jinja2.nodes.Const)]
        unsafe = [name for name in names
                  if isinstance(name, str) and (name.startswith("_") or name.split(".")[0] in _INTERNALS)]
        if unsafe:
            found[node.lineno] = unsafe[0]  # pre-order: the innermost of a chain comes last
    yield from sorted(found.items())


_OPENING = frozenset({"if", "for", "macro", "call", "filter", "block", "with", "autoescape", "trans"})


def _depth(node: jinja2.nodes.Node) -> int:
    """Levels of the parsed template (a loop: the tree can be deeper than the stack)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node.iter_child_nodes())
    return deepest


def _deepest_line(env: jinja2.Environment, source: str) -> int:
    """The line where brackets and blocks nest deepest, found with Jinja's lexer (a loop, not recursion);
    without any nesting, the line with the most tokens (a chain such as a.b.c… or not not …)."""
    depth, deepest, line_of_deepest = 0, 0, 1
    tokens: dict[int, int] = {}
    after_begin = False
    try:
        for lineno, kind, value in env.lex(source):
            tokens[lineno] = tokens.get(lineno, 0) + 1
            if kind == "operator" and value in "([{":
                depth += 1
            elif kind == "operator" and value in ")]}":
                depth -= 1
            elif kind == "name" and after_begin and value in _OPENING:
                depth += 1
            elif kind == "name" and after_begin and value.startswith("end") and value[3:] in _OPENING:
                depth -= 1
            after_begin = kind == "block_begin"
            if depth > deepest:
                deepest, line_of_deepest = depth, lineno
    except (jinja2.TemplateSyntaxError, RecursionError):
        pass
    if deepest > 1 or not tokens:
        return line_of_deepest
    return max(tokens, key=lambda n: tokens[n])


# After a field's first name, str.format reads `.name` (an attribute) and `[key]` (an item), as many as written.
_FIELD_PARTS = re.compile(r"\.([^.\[]*)|\[([^\]]*)\]")


def _format_fields(text: str, depth: int = 0) -> list[object]:
    """The attributes and keys a text would read as a `str.format` template: '{0.__class__}' → ['__class__'],
    also in a field's format spec ('{0:{1.__class__}}', which str.format fills in first)."""
    names: list[object] = []
    try:
        for _, field, spec, _ in string.Formatter().parse(text):
            if field:
                rest = field[min((i for i in (field.find("."), field.find("[")) if i >= 0), default=len(field)):]
                names += [attr or key for attr, key in _FIELD_PARTS.findall(rest)]
            if spec and "{" in spec and depth < 2:  # str.format itself allows only one level of nesting
                names += _format_fields(spec, depth + 1)
    except ValueError:  # not a format string (a lone '{'): str.format would refuse it too
        pass
    return names


_INTERNALS = _HIDDEN | {"mro"} | (
    sandbox.UNSAFE_FUNCTION_ATTRIBUTES | sandbox.UNSAFE_METHOD_ATTRIBUTES | sandbox.UNSAFE_GENERATOR_ATTRIBUTES
    | sandbox.UNSAFE_COROUTINE_ATTRIBUTES | sandbox.UNSAFE_ASYNC_GENERATOR_ATTRIBUTES)


class ConfinedLoader(jinja2.FileSystemLoader):
    """Templates from the theme folders, and only files whose real path is inside `boundary` (the
    catalog, sitegen's own themes): a template symlinked to a file elsewhere is not found."""

    def __init__(self, searchpath: list[str], boundary: tuple[str, ...]) -> None:
        super().__init__(searchpath)
        self.boundary = tuple(b.rstrip(os.sep) + os.sep for b in boundary)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if self.boundary and not os.path.realpath(filename).startswith(self.boundary):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


class CompiledTemplates(BytecodeCache):
    """Templates compiled by an earlier pass of a session (the live preview's), by name and source: a pass
    after an edit compiles none again. Code objects kept in memory only: nothing is written, nothing read
    back (Jinja's own caches pickle and marshal)."""

    def __init__(self, store: dict[tuple[str, str], Any]):
        self.store = store

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        bucket = Bucket(environment, self.get_cache_key(name, filename), self.get_source_checksum(source))
        bucket.code = self.store.get((bucket.key, bucket.checksum))
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        if len(self.store) > 1000:  # an editor at work on a template: each version of it compiled
            self.store.clear()
        self.store[(bucket.key, bucket.checksum)] = bucket.code

    def load_bytecode(self, bucket: Bucket) -> None:
        pass

    def dump_bytecode(self, bucket: Bucket) -> None:
        pass

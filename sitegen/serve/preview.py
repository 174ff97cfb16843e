"""The preview loop: one build session kept open, one pass per burst of changes, and what open pages are told.

The session builds into a folder inside the cache, never into output/: a preview (with drafts, or
half-edited) cannot be published by mistake. While the catalog has errors the last good preview stays
served and every open page shows the problems, in the lines `sitegen check` prints.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import load_config
from sitegen.engine.session import BuildOptions, BuildResult, Session
from sitegen.errors import ContentError, Problem, UsageError, by_place, os_reason
from sitegen.messages import Msg, msg
from sitegen.output import PREVIEW
from sitegen.serve.http import Hub, PreviewServer, output_file
from sitegen.serve.watch import Changes, Watcher

DEFAULT_CACHE = ".sitegen-cache"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    root: Path
    port: int = 8000
    host: str = "127.0.0.1"
    drafts: bool = False
    open_browser: bool = False
    poll: bool = False
    jobs: int = 0


@dataclass(frozen=True, slots=True)
class Terminal:
    """How the preview talks to the editor; the CLI decides the words' look (the only place that does)."""

    info: Callable[[Msg | str], None]  # a message, or a line already in the editor's language
    warn: Callable[[Msg | str], None]
    line: Callable[[Problem], str]  # one problem as `path:line: message`
    text: Callable[[Msg], str]  # a message in the editor's language
    qr: Callable[[str], None]  # a URL as a QR code an editor's phone can scan


def preview_folder(root: Path) -> Path:
    config, _ = load_config(root)
    return root / (config.images.cache_dir if config is not None else DEFAULT_CACHE) / PREVIEW


def css_only(changed: Iterable[str]) -> bool:
    """Whether a batch changed stylesheets and nothing else: open pages swap them without a reload."""
    paths = list(changed)
    return bool(paths) and all(p.startswith("themes/") and "/static/" in p and p.endswith(".css") for p in paths)


def renamed(before: dict[str, str], after: dict[str, str]) -> dict[str, str]:
    """Old URL → new URL of every theme file whose hashed name changed."""
    return {f"/{before[name]}": f"/{out}" for name, out in after.items() if name in before and before[name] != out}


class Preview:
    """A session and the hub of its open pages. `rebuild` is one pass; it never raises for the catalog's
    mistakes: it reports them to the terminal and to the pages, and the last good preview stays."""

    def __init__(self, options: ServeOptions, terminal: Terminal, folder: Path):
        self.terminal = terminal
        self.folder = folder
        self.hub = Hub()
        self.session = Session(BuildOptions(options.root, folder, drafts=options.drafts, jobs=options.jobs))
        self.assets: dict[str, str] = {}
        self.broken = False
        self.warned: set[str] = set()
        self.later = 0  # pages the last pass left for the next (`Session.build`'s `first`)
        self.shown: set[str] = set()  # the URL paths of the pages open then, rendered by that pass

    def rebuild(self, changed: set[str] | None = None, whole: bool = False) -> BuildResult | None:
        """One pass after the watcher's batch `changed` (None: the first pass); `whole`: look at every file,
        not only at the folders the batch names (what changed before the watcher began is in no batch).
        A batch that touches many pages renders the open ones first; an empty batch then renders the rest."""
        started = time.perf_counter()
        rest, self.later = self.later, 0
        open_now = self.hub.pages() if changed else set()
        first = {rel for url in open_now if (rel := output_file(self.folder, url)) is not None}
        try:
            result = self.session.build(None if whole else changed, first)
        except ContentError as exc:
            self._broken([self.terminal.line(p) for p in sorted(exc.problems, key=by_place)])
            return None
        except UsageError as exc:  # a template that fails as it renders, a full disk, a killed worker
            self._broken([self.terminal.text(exc.as_msg())])
            return None
        before, self.assets = self.assets, result.assets
        was_broken, self.broken = self.broken, False
        swapped = renamed(before, result.assets)
        if changed is not None and css_only(changed) and not was_broken and swapped:
            self.hub.publish("css", swapped)
        elif changed == set() and rest and not was_broken:  # the rest of a theme change: not the pages shown
            if result.rendered or result.written:
                self.hub.publish("reload", {"except": sorted(self.shown)})
        elif changed is not None and (result.rendered or result.written or was_broken):
            self.hub.publish("reload")  # after problems too: the reload drops the overlay
        self.later, self.shown = result.later, open_now
        seconds = time.perf_counter() - started
        if changed:
            names = sorted(changed)[:3]
            what = msg("serve-and-more", names=names, more=len(changed) - 3) if len(changed) > 3 else names
            self.terminal.info(msg("serve-rendered-later" if result.later else "serve-rendered", what=what,
                                   rendered=result.rendered, seconds=f"{seconds:.2f}", later=result.later))
        elif rest:
            self.terminal.info(msg("serve-rest-rendered", rendered=result.rendered, seconds=f"{seconds:.2f}"))
        self._warn([self.terminal.line(p) for p in sorted(result.warnings, key=by_place)])
        return result

    def _warn(self, lines: list[str]) -> None:
        """Warnings not shown before (a pass does not repeat the last one's), ten at most."""
        new = [line for line in lines if line not in self.warned]
        for line in new[:10]:
            self.terminal.warn(line)
        if len(new) > 10:
            self.terminal.warn(msg("more-warnings", count=len(new) - 10))
        self.warned = set(lines)

    def _broken(self, lines: list[str]) -> None:
        self.broken = True
        for line in lines:
            self.terminal.warn(line)
        self.terminal.warn(msg("serve-problems", count=len(lines)))
        self.hub.publish("problems", {"title": self.terminal.text(msg("overlay-title")), "lines": lines})


def serve(options: ServeOptions, terminal: Terminal, ready: Callable[[str], None] | None = None) -> int:
    """Build, serve and watch until Ctrl-C (or SIGTERM); then stop the server, the watcher and every thread."""
    root = options.root
    folder = preview_folder(root)
    preview = Preview(options, terminal, folder)
    terminal.info(msg("serve-building", root=str(root)))
    preview.rebuild()  # before any thread starts: this first pass may fork workers (a cold build)
    server = _listen(options, folder, preview.hub, terminal.text(msg("serve-foreign-host")))
    changes = Changes(root)
    watcher: Watcher | None = None
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="sitegen-http",
                              daemon=True)
    try:
        watcher = Watcher(root, changes, poll=options.poll)
        if watcher.fell_back:
            terminal.warn(msg("serve-watch-limit"))
        preview.rebuild(changed=set(), whole=True)  # what changed while the first pass ran, before any page opens
        # what an edit's pass needs, imported before the first edit (a `sitegen build` with nothing to do never
        # imports them)
        import sitegen.images.pipeline
        import sitegen.render.pages  # noqa: F401
        thread.start()
        url = _urls(options, server, terminal)
        if ready is not None:
            ready(url)
        if options.open_browser:
            import webbrowser

            webbrowser.open(url)
        while True:
            batch = changes.wait(timeout=0.0 if preview.later else 1.0)
            polling = watcher.polling
            watcher.refresh()
            if watcher.polling and not polling:
                terminal.warn(msg("serve-watch-limit-later"))
            if batch:
                preview.rebuild(batch)
            elif preview.later:
                preview.rebuild(set())
    except KeyboardInterrupt as exc:  # Ctrl-C is how an editor stops it: 0; SIGTERM (`kill`): 143, as for a build
        terminal.info(msg("serve-stopped"))
        return 0 if type(exc) is KeyboardInterrupt else 143
    finally:
        changes.close()
        preview.hub.close()
        if watcher is not None:
            watcher.stop()
        if thread.is_alive():
            server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _listen(options: ServeOptions, folder: Path, hub: Hub, refusal: str) -> PreviewServer:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if ":" in options.host:
            PreviewServer.address_family = socket.AF_INET6
        hosts = frozenset({"127.0.0.1", "localhost", "::1", options.host}) if _loopback(options.host) else None
        return PreviewServer((options.host, options.port), folder, hub, hosts, refusal)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError("serve-port-in-use", port=str(options.port), host=options.host,
                             next=str(options.port + 1)) from None  # a port is a name: no thousands separator
        raise UsageError("serve-cannot-bind", host=options.host, port=str(options.port),
                         problem=os_reason(exc)) from None


def _urls(options: ServeOptions, server: PreviewServer, terminal: Terminal) -> str:
    """Print where the preview is; on a host other than this computer's own, warn, and give the LAN URL and
    its QR code so that an editor can open it on a phone."""
    port = server.server_address[1]
    local = f"http://127.0.0.1:{port}/" if not _loopback(options.host) or options.host == "127.0.0.1" \
        else f"http://{_url_host(options.host)}:{port}/"
    terminal.info(msg("serve-at", url=local))
    if _loopback(options.host):
        return local
    terminal.warn(msg("serve-lan-warning", host=options.host))
    lan = _lan_address() if options.host in ("0.0.0.0", "::") else options.host
    if lan is not None:
        url = f"http://{_url_host(lan)}:{port}/"
        terminal.info(msg("serve-phone", url=url))
        terminal.qr(url)
    return local


def _loopback(host: str) -> bool:
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host).is_loopback
    return host == "localhost"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _lan_address() -> str | None:
    """This computer's address on its LAN: the one a packet to a private address would leave from
    (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            address: str = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address

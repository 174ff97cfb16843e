"""The preview over HTTP: the preview folder's files, and one event stream that tells open pages what
happened (reload, a new stylesheet, or the problems that stop the build).

Only GET and HEAD; only files inside the preview folder, by real path (a link, `..`, `%2e%2e` or an
absolute path reaches 404.html, status 404). The reload script goes into served HTML only: the files a
build writes never hold it.
"""

from __future__ import annotations

import json
import mimetypes
import os
import posixpath
import select
import socket
import threading
from collections import Counter
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

EVENTS = "/__sitegen/events"
SCRIPT = "/__sitegen/reload.js"
_TAG = f'<script src="{SCRIPT}" defer></script>'.encode()
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".xml": "application/xml",
          ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".webp": "image/webp",
          ".avif": "image/avif", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
          ".gif": "image/gif", ".ico": "image/x-icon", ".woff2": "font/woff2", ".webmanifest":
          "application/manifest+json"}
KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream (proxies close silent ones)
GONE = 0.5  # seconds between looks at whether an idle stream's page went away (it is no longer open then)


class Hub:
    """What the open pages are told. Each event has a number; a stream sends those it has not sent.
    `problems` is the state of the catalog now: a page opened while it is broken shows it at once."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.version = 0
        self.event: tuple[str, str] = ("hello", "")
        self.problems = ""  # the last problems event's data (JSON), while the catalog is broken
        self.closed = False
        self._open: Counter[str] = Counter()  # the URL path of each page open now, as its stream gave it

    def opened(self, page: str, count: int = 1) -> None:
        with self._cond:
            self._open[page] += count
            if self._open[page] <= 0:
                del self._open[page]

    def pages(self) -> set[str]:
        """The URL paths of the pages open now (in a browser that runs the reload script)."""
        with self._cond:
            return set(self._open)

    def publish(self, kind: str, data: object = "") -> None:
        with self._cond:
            self.version += 1
            # ASCII: a file name that is not UTF-8 (a lone surrogate here) must not break the stream
            self.event = (kind, json.dumps(data))
            if kind == "problems":
                self.problems = self.event[1]
            elif kind in ("reload", "css"):
                self.problems = ""
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def next(self, seen: int, timeout: float) -> tuple[int, tuple[str, str] | None]:
        """(version, event) once there is an event after `seen`; (seen, None) after `timeout` or when the
        server closes. A page that missed events (it was slow, or away) catches up in one: the problems
        if there are some, else a reload (a stylesheet swap alone would leave a missed page change)."""
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self.version != seen, timeout)
            if self.closed or self.version == seen:
                return seen, None
            if self.version - seen > 1:
                return self.version, self.catch_up()
            return self.version, self.event

    def catch_up(self) -> tuple[str, str]:
        return ("problems", self.problems) if self.problems else ("reload", '""')


def resolve(folder: Path, url_path: str) -> Path | None:
    """The file a URL path names inside `folder`, or None. Decoded once (so `%2e%2e` is `..`, and is
    refused like it), normalised, then checked again by real path: a link out of the folder is not in it."""
    path = unquote(url_path, errors="strict") if "%" in url_path else url_path
    if "\x00" in path or "\\" in path or not path.startswith("/") or len(path) > 1024:
        return None
    parts = path.split("/")
    if any(p in ("..", ".") for p in parts):
        return None
    clean = posixpath.normpath(path).lstrip("/")
    target = folder / clean if clean and clean != "." else folder
    try:
        real = Path(os.path.realpath(target))
        base = Path(os.path.realpath(folder))
        if real != base and base not in real.parents:
            return None
        if real.is_dir():
            if not url_path.endswith("/"):
                return real  # the handler redirects to the folder's URL with a slash
            real = real / "index.html"
        return real if real.is_file() else None
    except (OSError, ValueError):  # a name too long for the system, say
        return None


def output_file(folder: Path, url_path: str) -> str | None:
    """The preview file a page's URL path shows, relative to `folder` ('products/tea/index.html')."""
    try:
        target = resolve(folder, url_path)
        return None if target is None else target.relative_to(os.path.realpath(folder)).as_posix()
    except (UnicodeDecodeError, ValueError):
        return None


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def inject(html: bytes) -> bytes:
    """The reload script, before </body> (or at the end of a page that has none)."""
    at = html.rfind(b"</body>")
    return html + _TAG if at < 0 else html[:at] + _TAG + html[at:]


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], folder: Path, hub: Hub, hosts: frozenset[str] | None,
                 refusal: str = "sitegen serve answers only to 127.0.0.1 and localhost"):
        """`hosts`: the names a request may give in its Host header (None: any). On this computer only, a
        web page the editor opens elsewhere must not read the preview through DNS rebinding. `refusal`:
        what such a request is told, in the editor's language."""
        self.folder = folder
        self.hub = hub
        self.hosts = hosts
        self.refusal = (refusal + "\n").encode()
        self.script = resources.files("sitegen.serve").joinpath("reload.js").read_bytes()
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "sitegen-preview"
    protocol_version = "HTTP/1.1"
    timeout = 30  # a connection that sends nothing does not hold a thread for ever

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal is for the build's news, not for every request."""

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        parts = urlsplit(self.path)
        url_path = parts.path
        hosts = self.server.hosts
        if hosts is not None and _host_name(self.headers.get("Host", "")) not in hosts:
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", self.server.refusal, head)
            return
        if url_path == EVENTS and not head:
            self._events()
            return
        if url_path == SCRIPT:
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", self.server.script, head)
            return
        try:
            target = resolve(self.server.folder, url_path)
        except UnicodeDecodeError:
            target = None
        if target is not None and target.is_dir():
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", "/" + url_path.strip("/") + "/" + (f"?{parts.query}" if parts.query else ""))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = HTTPStatus.OK
        if target is None:
            status, target = HTTPStatus.NOT_FOUND, resolve(self.server.folder, "/404.html")
        try:
            body = target.read_bytes() if target is not None else b"<h1>404</h1>"
        except OSError:  # gone between the look and the read: a rebuild swapped the folder
            status, body, target = HTTPStatus.NOT_FOUND, b"<h1>404</h1>", None
        kind = content_type(target) if target is not None else "text/html; charset=utf-8"
        if kind.startswith("text/html"):
            body = inject(body)
        self._send(status, kind, body, head)

    def _send(self, status: HTTPStatus, kind: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a preview is never stale in the browser
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events until the page goes away or the server stops. A new stream first gets the
        catalog's problems, if it has any."""
        hub = self.server.hub
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = hub.version
        last = self.headers.get("Last-Event-ID", "")
        page = parse_qs(urlsplit(self.path).query).get("page", [""])[0][:1024]
        page = page if page.startswith("/") else ""
        if page:
            hub.opened(page)
        try:
            if last.isdigit() and int(last) != seen:  # the browser reconnected after missing something
                first = hub.catch_up()
            else:
                first = ("problems", hub.problems) if hub.problems else ("hello", '""')
            self.wfile.write(f"id: {seen}\nevent: {first[0]}\ndata: {first[1]}\n\n".encode())
            self.wfile.flush()
            quiet = 0.0
            while not hub.closed:
                seen, event = hub.next(seen, GONE)
                if event is None:  # every GONE seconds: has the page gone (closed, or another page opened)?
                    quiet += GONE
                    if hub.closed or self._gone():
                        break
                    if quiet < KEEP_ALIVE:
                        continue
                quiet = 0.0
                text = ": still here\n\n" if event is None else f"id: {seen}\nevent: {event[0]}\ndata: {event[1]}\n\n"
                self.wfile.write(text.encode())
                self.wfile.flush()
        except OSError:  # the page was closed or reloaded
            pass
        finally:
            if page:
                hub.opened(page, -1)

    def _gone(self) -> bool:
        """Whether the browser closed the stream: it sends nothing on it, so readable means closed."""
        try:
            ready, _, _ = select.select([self.connection], [], [], 0)
            return bool(ready) and not self.connection.recv(1, socket.MSG_PEEK)
        except (OSError, ValueError):
            return True


def _host_name(header: str) -> str:
    """The name in a Host header, without its port: 'localhost:8000' → 'localhost', '[::1]:8000' → '::1'."""
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header

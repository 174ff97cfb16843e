"""`sitegen serve` as an editor runs it: a process on a free port, real HTTP, a real event-stream client."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote


@dataclass
class Server:
    proc: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)  # stdout and stderr, as they come

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].strip("/"))

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """The path exactly as given: no client-side normalising of `..` or `%2e`."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
            conn.endheaders()
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def wait_line(self, pattern: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if re.search(pattern, line):
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no line matching {pattern!r} in {self.lines}")

    def stop(self, sig: int = signal.SIGINT, timeout: float = 15.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)


def start(root: Path, *args: str, timeout: float = 60.0, new_session: bool = False,
          env: dict[str, str] | None = None) -> Server:
    """`new_session`: in a process group of its own, whose members a test can list (and a terminal's Ctrl-C
    does not reach: the test sends it). `env`: added to this process's environment."""
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--root", str(root), "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                            errors="replace", env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
                            start_new_session=new_session)
    server = Server(proc, "")
    found: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            server.lines.append(line.rstrip("\n"))
            m = re.search(r"(?:preview at |预览地址：)(http://[^\s（]+/)", line)
            if m:
                found.put(m.group(1))

    threading.Thread(target=read, daemon=True).start()
    try:
        server.url = found.get(timeout=timeout)
    except queue.Empty:
        proc.kill()
        raise AssertionError(f"sitegen serve did not start: {server.lines}") from None
    return server


@contextlib.contextmanager
def running(root: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """A server for the length of a `with` block."""
    server = start(root, *args, env=env)
    try:
        yield server
    finally:
        server.stop()


class Events:
    """An EventSource as a browser opens it: events arrive on a queue as (name, data)."""

    def __init__(self, port: int, page: str = ""):
        """`page`: the URL path of the page that opens the stream, as the reload script gives it."""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        query = f"?page={quote(page, safe='')}" if page else ""
        self.sock.sendall(f"GET /__sitegen/events{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Accept: text/event-stream\r\n\r\n".encode())
        self.queue: queue.Queue[tuple[str, object]] = queue.Queue()
        self.status = ""
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        name, _ = self.next(10)  # the stream is open once its first event arrived
        assert name in ("hello", "problems"), name
        if name == "problems":
            self.queue.put((name, _))

    def _read(self) -> None:
        stream = self.sock.makefile("rb")
        self.status = stream.readline().decode()
        while stream.readline() not in (b"\r\n", b"\n", b""):
            pass
        name, data = "message", ""
        for raw in stream:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and data:
                self.queue.put((name, json.loads(data)))
                name, data = "message", ""
        self.queue.put(("closed", None))

    def next(self, timeout: float = 20.0) -> tuple[str, object]:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no event within {timeout} s") from None

    def wait_for(self, name: str, timeout: float = 20.0) -> object:
        deadline = time.monotonic() + timeout
        while True:
            got, data = self.next(max(0.01, deadline - time.monotonic()))
            if got == name:
                return data

    def quiet(self, seconds: float) -> list[tuple[str, object]]:
        """Every event that arrives within `seconds`."""
        got = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                got.append(self.queue.get(timeout=left))
            except queue.Empty:
                break
        return got

    def close(self) -> None:
        """As a browser leaving the page: the connection ends (the reader's file would keep it open)."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()

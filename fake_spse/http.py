"""HTTP machinery shared by the fake hosts (fake SPSE, fake INAPROC): request stats, fault answers,
writing a response (cut short for a truncation fault) and dropping a connection.

A fake's handler subclasses `FaultyHandler` and calls `answer_fault` before routing: the same
profiles (`fake_spse.faults`) and the same stats snapshot (`/_fake/stats`) on every fake host.
"""

from __future__ import annotations

import collections
import contextlib
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Self

from fake_spse.faults import Decision, Faults

LOG_LIMIT = 200_000


@dataclass(frozen=True)
class Response:
    """A rendered answer before the protocol layer adds headers and faults."""

    status: int
    body: str
    content_type: str = "text/html; charset=UTF-8"
    kind: str = "page"


class Stats:
    """Request counts per kind and status, injected faults, and every 429 with its Retry-After."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: collections.Counter[tuple[str, int]] = collections.Counter()
        self.faults: collections.Counter[str] = collections.Counter()
        self.fault_log: collections.deque[dict[str, Any]] = collections.deque(maxlen=LOG_LIMIT)
        self.rate_limits: list[dict[str, Any]] = []
        self.log: collections.deque[dict[str, Any]] = collections.deque(maxlen=LOG_LIMIT)

    def record(self, method: str, path: str, kind: str, status: int, fault: str | None) -> None:
        """Count one answered (or dropped) request."""
        entry = {
            "time": time.time(),
            "method": method,
            "path": path,
            "kind": kind,
            "status": status,
            "fault": fault,
        }
        with self._lock:
            self.counts[(kind, status)] += 1
            self.log.append(entry)
            if fault:
                self.faults[fault] += 1
                self.fault_log.append(entry)

    def record_429(self, path: str, retry_after: int) -> None:
        """Remember when a 429 was sent and what it asked for."""
        with self._lock:
            self.rate_limits.append({"sent_at": time.time(), "retry_after": retry_after, "path": path})

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy: requests {kind: {status: n}}, faults, rate_limits, fault_log, log."""
        with self._lock:
            requests: dict[str, dict[str, int]] = {}
            for (kind, status), n in sorted(self.counts.items()):
                requests.setdefault(kind, {})[str(status)] = n
            return {
                "requests": requests,
                "total": sum(self.counts.values()),
                "faults": dict(self.faults),
                "fault_log": list(self.fault_log),
                "rate_limits": list(self.rate_limits),
                "log": list(self.log),
            }


class FaultyHandler(BaseHTTPRequestHandler):
    """Base handler of a fake host: its server has `faults: Faults` and `stats: Stats`."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes; no 40 ms ACK stalls
    server_version = "nginx"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the stats endpoint is the log."""

    def _read_body(self) -> bytes:
        """The request body (Content-Length only)."""
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer_fault(self, method: str, is_dt: bool = False) -> tuple[Decision, bool]:
        """Draw this request's fault; sleep its delay; answer transport-level faults (reset, 429, 5xx).

        Returns the decision and whether the request was answered (nothing more to do)."""
        server: Any = self.server
        faults: Faults = server.faults
        decision = faults.decide(time.monotonic(), is_dt)
        if decision.delay:
            time.sleep(decision.delay)
        if decision.kind == "reset":
            server.stats.record(method, self.path, "reset", 0, "reset")
            self._reset()
            return decision, True
        if decision.kind == "rate_limit":
            server.stats.record_429(self.path, decision.retry_after)
            answer = Response(429, "Too Many Requests", "text/plain; charset=UTF-8", "rate_limit")
            self._send(answer, method, "rate_limit", {"Retry-After": str(decision.retry_after)})
            return decision, True
        if decision.kind == "server_error":
            body = "<html><body><h1>Server Error</h1></body></html>"
            self._send(Response(decision.status, body, kind="server_error"), method, "server_error")
            return decision, True
        return decision, False

    def _send(
        self,
        response: Response,
        method: str,
        fault: str | None,
        headers: dict[str, str] | None = None,
        truncate: Decision | None = None,
    ) -> None:
        """Record the answer, then write it (cut short for a truncation fault).

        Recorded first, so a client that has read the answer always finds it in the stats."""
        server: Any = self.server
        server.stats.record(method, self.path, response.kind, response.status, fault)
        data = response.body.encode("utf-8")
        cut = data[: max(1, len(data) // 3)] if truncate else data
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        length = len(data) if truncate and not truncate.honest_length else len(cut)
        self.send_header("Content-Length", str(length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if truncate and not truncate.honest_length:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if method != "HEAD":
            with contextlib.suppress(OSError):
                self.wfile.write(cut)

    def _reset(self) -> None:
        """Drop the connection without a response (RST where the OS allows)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve_in_thread(server: Any, name: str = "fake-host") -> threading.Thread:
    """Run `serve_forever` in a daemon thread; stop with `server.shutdown()`."""
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    return thread


class RunningFake:
    """A fake host's server in a daemon thread: start, stop, a context manager, its URL.

    The fakes (`FakeSpse`, `FakeInaproc`) differ in their world and their server; how they run
    is the same, so it is written once here. A subclass sets `self.server` in its `__init__`.
    """

    server: Any
    thread_name = "fake-host"
    _thread: threading.Thread | None = None

    def start(self) -> Self:
        """Start serving (idempotent)."""
        if self._thread is None:
            self._thread = serve_in_thread(self.server, self.thread_name)
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join()
            self._thread = None
        self.server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """`http://127.0.0.1:P`."""
        return self.server.url


def serve_until_stopped(
    fake: RunningFake, records: Callable[[], Iterable[dict[str, Any]]], truth: Path | None, lines: list[str]
) -> None:
    """The `fake-*` commands' loop: serve, write the truth (JSON lines) if asked, print `lines`
    (the URLs a crawler needs), then wait for SIGTERM/SIGINT."""
    from domain.jsonio import dumps_record

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with fake:
        if truth is not None:
            with truth.open("w", encoding="utf-8") as out:
                for record in records():
                    out.write(dumps_record(record) + "\n")
        for line in [*lines, f"admin: {fake.url}/_fake/stats"]:
            print(line, flush=True)
        stop.wait()

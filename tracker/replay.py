"""A real HTTP server on 127.0.0.1 that replays recorded pages, for tests and the offline demo.

Faults are replies too, so the real fetcher meets them over a real socket: a 503 or 429 with Retry-After,
a hang longer than the client's timeout, a body trickled a byte at a time, a connection reset, a connection
closed without an answer, a body cut short, and a redirect loop (two routes that redirect to each other).
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import struct
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Literal, NamedTuple

Fault = Literal["reset", "close", "truncate"]


@dataclass(frozen=True)
class Reply:
    """One answer. A `str` body is sent as UTF-8; pass bytes to serve another (or a wrong) charset.

    `delay_s` waits before answering (a hang); `trickle_s` sends the body a byte per `trickle_s` seconds
    (a server that never quite stalls, so no read timeout fires); `fault` replaces the answer: "reset"
    sends a TCP RST, "close" hangs up without a word, "truncate" sends half the body under the full
    Content-Length. A 200 gets an ETag (sha256 of the body) unless `headers` sets one, and a 304 when
    If-None-Match matches.
    """

    body: bytes | str = b""
    status: int = 200
    headers: Mapping[str, str] | None = None
    content_type: str = "text/html; charset=utf-8"
    delay_s: float = 0.0
    trickle_s: float = 0.0
    fault: Fault | None = None

    @property
    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


class RecordedRequest(NamedTuple):
    """One request as it arrived; `at` is `time.monotonic()` then, to measure the rate a site sees."""

    method: str
    path: str
    headers: dict[str, str]
    at: float = 0.0


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag.removeprefix("W/") in candidates


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    replay: ReplayServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that time out and hang up are part of the tests: stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log is `ReplayServer.requests`."""

    def _answer(self, *, send_body: bool) -> None:
        replay = self.server.replay
        reply = replay._take(
            RecordedRequest(self.command, self.path, dict(self.headers.items()), time.monotonic())
        )
        if reply.delay_s and replay._stopping.wait(reply.delay_s):
            return
        if reply.fault in ("reset", "close"):
            self.close_connection = True
            if reply.fault == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            return
        status, body = reply.status, reply.payload
        headers = {"content-type": ("Content-Type", reply.content_type)}
        headers.update({name.lower(): (name, value) for name, value in (reply.headers or {}).items()})
        if status == 200:
            etag = headers.setdefault("etag", ("ETag", f'"{hashlib.sha256(body).hexdigest()}"'))[1]
            if _etag_matches(self.headers.get("If-None-Match"), etag):
                status, body = 304, b""
        self.send_response(status)
        for name, value in headers.values():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if reply.fault == "truncate":
            self.close_connection = True
            body = body[: len(body) // 2]
        if send_body and reply.trickle_s:
            for i in range(len(body)):
                if replay._stopping.wait(reply.trickle_s):
                    return
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
        elif send_body:
            self.wfile.write(body)


def _route_key(path: str, cookie: str | None) -> str:
    return f"{path}\ncookie: {cookie}" if cookie else path


class ReplayServer:
    """Serves routes on http://127.0.0.1:<free port> from a daemon thread until closed.

    Routes match the request's path with its query string first, then the path alone; an unknown path
    gets a 404. A route given a `cookie` answers only requests sending exactly that Cookie header (a site
    answering in the language its cookie names), before any route without one. A sequence serves its
    replies in order and then keeps repeating the last one.
    """

    def __init__(self, *, tls_cert: str | None = None) -> None:
        """`tls_cert`: a PEM file with a certificate and its key, to serve https (e.g. a test of
        `politeness.ca_bundle` against a certificate the default trust store does not know)."""
        self._lock = threading.Lock()
        self._routes: dict[str, deque[Reply]] = {}
        self._requests: list[RecordedRequest] = []
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.replay = self
        self._scheme = "http"
        if tls_cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(tls_cert)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="replay-server", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"{self._scheme}://127.0.0.1:{self._server.server_address[1]}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def peak(self, window_s: float = 1.0) -> int:
        """The most requests that arrived within any `window_s` seconds: what a rate limit must bound."""
        times = sorted(r.at for r in self.requests)
        most, first = 0, 0
        for last, at in enumerate(times):
            while at - times[first] > window_s:
                first += 1
            most = max(most, last - first + 1)
        return most

    def route(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
        cookie: str | None = None,
    ) -> None:
        """Set or replace the one reply for `path` (for requests sending `cookie`, if given)."""
        self.sequence(path, [Reply(body, status, headers, content_type)], cookie=cookie)

    def sequence(self, path: str, replies: Iterable[Reply], *, cookie: str | None = None) -> None:
        """Set or replace `path` with replies served in order, the last one repeating."""
        queue = deque(replies)
        if not queue:
            raise ValueError(f"sequence for {path} needs at least one reply")
        with self._lock:
            self._routes[_route_key(path, cookie)] = queue

    def _take(self, request: RecordedRequest) -> Reply:
        cookie = next((v for k, v in request.headers.items() if k.lower() == "cookie"), None)
        paths = (request.path, request.path.partition("?")[0])
        keys = [_route_key(p, cookie) for p in paths] if cookie else []
        with self._lock:
            self._requests.append(request)
            for key in (*keys, *paths):
                queue = self._routes.get(key)
                if queue:
                    return queue.popleft() if len(queue) > 1 else queue[0]
        return Reply(f"no route for {request.path}", status=404, content_type="text/plain; charset=utf-8")

    def close(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> ReplayServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

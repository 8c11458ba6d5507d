"""The one HTTP fetcher every source uses.

Polite (a per-host rate limit, a descriptive User-Agent, conditional requests), patient (retries with
backoff and full jitter on transient failures, Retry-After honoured) and strict (TLS always verified, a
circuit breaker that stops hammering a failing host) and bounded: the decoded body may not exceed
`politeness.max_body_mib` (counted while it streams in, so a gzip bomb never inflates in memory), every
request must complete within `politeness.timeout_s` even when the server keeps trickling bytes, and
`cancel()` stops a fetch in flight within a fraction of a second (the daemon's SIGTERM). The rate limit
and the breaker live in a `Throttle`: in this process by default, or shared by a whole cluster
(`storage.throttle`). It returns bodies
unchanged: deciding that a 200 page is really a CAPTCHA or a JavaScript shell is the parser's job.
"""

from __future__ import annotations

import io
import ipaddress
import random
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

import httpcore
import httpx

from scrapers.throttle import LocalThrottle, Throttle
from tracker.errors import ConfigError, FetchError, ZanWatchError
from tracker.retry_after import retry_after_s

MAX_REDIRECTS = 5
BREAKER_THRESHOLD = 5
"""Consecutive failed `get()` calls to one host that open its circuit."""
BREAKER_COOLDOWN_S = 600.0
_TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
MIB = 1024 * 1024
_GZIP = 16 + zlib.MAX_WBITS
_WBITS = {"identity": 0, "gzip": _GZIP, "x-gzip": _GZIP, "deflate": zlib.MAX_WBITS}
"""The content codings we ask for and decode ourselves, so that inflating is bounded too."""
SLICE_S = 0.25
"""Longest single wait on a socket: how quickly a cancelled fetch notices."""


class FetchPolicy(Protocol):
    """How the fetcher treats a site: identity, pace (`rate_for` a host, requests per second), retries, and
    the bounds on one request (`timeout_s` for the whole of it, `max_body_mib` decoded). The `[politeness]`
    table (`tracker.config.Politeness`) is one."""

    @property
    def user_agent(self) -> str: ...
    @property
    def timeout_s(self) -> float: ...
    @property
    def retries(self) -> int: ...
    @property
    def backoff_base_s(self) -> float: ...
    @property
    def backoff_max_s(self) -> float: ...
    @property
    def ca_bundle(self) -> str | None: ...
    @property
    def max_body_mib(self) -> int: ...
    def rate_for(self, host: str) -> float: ...


@dataclass
class Response:
    """What a source answered. `headers` keys are lower-case; a 304 has `not_modified` and an empty body."""

    url: str
    status: int
    body: bytes
    headers: dict[str, str]
    etag: str | None
    last_modified: str | None
    not_modified: bool


class HttpFetchError(FetchError):
    """A fetch that failed. `retryable` means the failure was transient: try again later."""

    def __init__(self, message: str, *, url: str, status: int | None = None, retryable: bool = False):
        super().__init__(message)
        self.url = url
        self.status = status
        self.retryable = retryable


class FetchCancelled(ZanWatchError):
    """The fetch was stopped because the process is stopping. Nothing was fetched, so nothing is recorded."""

    exit_code = 130


class _Bounds:
    """The current request's deadline (one per thread) and the fetcher-wide stop signal, enforced on every
    socket operation: a server that trickles a byte a second never trips a read timeout, so time is
    measured for the whole request instead."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self._local = threading.local()

    def start(self, seconds: float) -> None:
        self._local.deadline = time.monotonic() + seconds
        self._local.expired = False
        self._local.answered = False

    def answered(self) -> None:
        self._local.answered = True

    @property
    def trickled(self) -> bool:
        """The deadline passed while the server was still sending (a silent server is a plain timeout)."""
        return bool(getattr(self._local, "expired", False) and getattr(self._local, "answered", False))

    def wait_s(self, timeout: float | None) -> float | None:
        """How long the next socket wait may last; raises once cancelled or past the deadline."""
        if self.cancelled.is_set():
            raise FetchCancelled("fetch cancelled: stopping")
        deadline = getattr(self._local, "deadline", None)
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            self._local.expired = True
            raise httpcore.ReadTimeout("request deadline passed")
        return left if timeout is None else min(timeout, left)


class _BoundedStream(httpcore.NetworkStream):
    """A socket stream whose reads wait in short slices, checking the deadline and cancellation between."""

    def __init__(self, inner: httpcore.NetworkStream, bounds: _Bounds) -> None:
        self._inner = inner
        self._bounds = bounds

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        waited = 0.0
        while True:
            allowed = self._bounds.wait_s(None if timeout is None else timeout - waited)
            started = time.monotonic()
            try:
                data = self._inner.read(max_bytes, SLICE_S if allowed is None else min(allowed, SLICE_S))
            except httpcore.ReadTimeout:
                waited += time.monotonic() - started
                if timeout is not None and waited >= timeout:
                    raise
            else:
                self._bounds.answered()
                return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._bounds.wait_s(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._bounds.wait_s(timeout))
        return _BoundedStream(inner, self._bounds)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class _BoundedBackend(httpcore.SyncBackend):
    def __init__(self, bounds: _Bounds) -> None:
        self._bounds = bounds

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = super().connect_tcp(host, port, self._bounds.wait_s(timeout), local_address, socket_options)
        return _BoundedStream(stream, self._bounds)


def _bounded_transport(verify: ssl.SSLContext | bool, bounds: _Bounds) -> httpx.HTTPTransport:
    """httpx's own transport over a socket backend that enforces `bounds` (httpx has no option for a
    network backend, so its connection pool is rebuilt with one)."""
    transport = httpx.HTTPTransport(verify=verify)
    limits = httpx.Limits()
    transport._pool = httpcore.ConnectionPool(
        ssl_context=verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_BoundedBackend(bounds),
    )
    return transport


def _same_site(origin: httpx.URL, target: httpx.URL) -> bool:
    """Whether a redirect stays on the site asked: the same host, or a sibling under the same domain
    (adilet.zan.kz → old.adilet.zan.kz), never from https to http. Another site's answer is not the
    document, and a third party is not ours to ask."""
    if origin.scheme == "https" and target.scheme != "https":
        return False
    if origin.host == target.host:
        return True
    try:
        ipaddress.ip_address(origin.host)
    except ValueError:
        origin_domain, target_domain = origin.host.split(".")[-2:], target.host.split(".")[-2:]
        return len(origin_domain) == 2 and origin_domain == target_domain
    return False  # an address has no siblings


def _retryable_status(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _tls_verification_failed(exc: BaseException) -> bool:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _ssl_context(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """Verification is always on; a configured bundle adds to the default trust store (e.g. the
    intermediate certificate adilet forgets to send)."""
    if ca_bundle is None:
        return True
    path = Path(ca_bundle).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"politeness.ca_bundle: {path} not found; point it to a PEM file of CA certificates or remove it"
        )
    context = httpx.create_ssl_context()
    try:
        context.load_verify_locations(cafile=str(path))
    except ssl.SSLError as exc:
        raise ConfigError(f"politeness.ca_bundle: {path} is not a PEM certificate file ({exc})") from None
    return context


class Fetcher:
    """A sync HTTP client shared by all scrapers; safe to call from several threads.

    `sleep`, `clock` and `rng` are injectable so tests can assert the waits without waiting (the default
    sleep ends early when the fetcher is cancelled); `throttle` holds the per-host rate limit and circuit
    breaker (this process's own unless given).
    """

    def __init__(
        self,
        politeness: FetchPolicy,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        throttle: Throttle | None = None,
    ) -> None:
        self._politeness = politeness
        self._bounds = _Bounds()
        self._sleep = sleep or self._wait
        self._rng = rng
        self._throttle = throttle or LocalThrottle(clock)
        verify = _ssl_context(politeness.ca_bundle)
        self._client = httpx.Client(
            transport=transport or _bounded_transport(verify, self._bounds),
            verify=verify,
            timeout=politeness.timeout_s,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": politeness.user_agent, "Accept-Encoding": ", ".join(_WBITS)},
            event_hooks={"request": [self._stay_on_site, self._wait_for_slot]},
        )
        self._asked = threading.local()
        """The URL `get` was called with, in this thread: where redirects may lead."""

    def cancel(self) -> None:
        """Stop every fetch in flight and refuse new ones (FetchCancelled): the process is stopping."""
        self._bounds.cancelled.set()

    def _wait(self, seconds: float) -> None:
        if self._bounds.cancelled.wait(seconds):
            raise FetchCancelled("fetch cancelled: stopping")

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """GET `url`; with `etag` / `last_modified` from the last fetch, an unchanged page costs a 304.

        `headers` adds request headers a source needs, such as legalacts' language cookie."""
        try:
            host = httpx.URL(url).host
        except httpx.InvalidURL as exc:
            raise HttpFetchError(f"GET {url}: not a valid URL ({exc})", url=url) from None
        self._check_circuit(url, host)
        self._asked.url = httpx.URL(url)
        request_headers = dict(headers or {})
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        try:
            reply, body = self._send(url, request_headers)
        except HttpFetchError as exc:
            if exc.retryable:
                self._record(host, failed=True)
            raise
        not_modified = reply.status_code == 304
        if not_modified and not (etag or last_modified):
            self._record(host, failed=True)
            raise HttpFetchError(
                f"GET {url}: HTTP 304 (not modified) to a request that named no earlier page; the server "
                "is misbehaving, try later",
                url=url,
                status=304,
                retryable=True,
            )
        self._record(host, failed=False)
        response_headers = dict(reply.headers)
        return Response(
            url=str(reply.url),
            status=reply.status_code,
            body=b"" if not_modified else body,
            headers=response_headers,
            etag=response_headers.get("etag", etag if not_modified else None),
            last_modified=response_headers.get("last-modified", last_modified if not_modified else None),
            not_modified=not_modified,
        )

    def _send(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        """One logical GET: retries transient failures, returns a 2xx or 304 reply and its decoded body,
        raises otherwise. A server still sending when the deadline passes is not retried: it is reachable
        but too slow, and trying again would only multiply the wait."""
        attempts = self._politeness.retries + 1
        for attempt in range(attempts):
            status: int | None = None
            retry_after: float | None = None
            try:
                with self._client.stream("GET", url, headers=headers) as reply:
                    status = reply.status_code
                    ok = 200 <= status < 300 or status == 304
                    body = self._read_body(reply, url) if ok else b""
            except httpx.TooManyRedirects:
                raise HttpFetchError(
                    f"GET {url}: redirect loop or more than {MAX_REDIRECTS} redirects; check the URL", url=url
                ) from None
            except _TRANSIENT_ERRORS as exc:
                if self._bounds.trickled:
                    raise HttpFetchError(
                        f"GET {url}: no complete answer within {self._politeness.timeout_s:g} s "
                        "(politeness.timeout_s); the server is too slow, try later",
                        url=url,
                        retryable=True,
                    ) from None
                if _tls_verification_failed(exc):
                    raise HttpFetchError(
                        f"GET {url}: TLS certificate verification failed ({_one_line(exc)}); set "
                        "politeness.ca_bundle to a PEM file with the site's intermediate certificate",
                        url=url,
                    ) from None
                cause = (
                    f"timed out after {self._politeness.timeout_s:g} s"
                    if isinstance(exc, httpx.TimeoutException)
                    else f"connection failed ({type(exc).__name__}: {_one_line(exc)})"
                )
            except httpx.HTTPError as exc:
                raise HttpFetchError(f"GET {url}: {_one_line(exc)}; check the URL", url=url) from None
            else:
                if ok:
                    return reply, body
                if not _retryable_status(status):
                    raise HttpFetchError(
                        f"GET {url}: HTTP {status} (not retried); check the document id or URL",
                        url=url,
                        status=status,
                    )
                cause = f"HTTP {status}"
                retry_after = retry_after_s(reply.headers)
            if attempt + 1 < attempts:
                if retry_after is None:
                    self._sleep(self._backoff_s(attempt))
                else:
                    self._sleep(min(retry_after, self._politeness.backoff_max_s))
        raise HttpFetchError(
            f"GET {url}: {cause} after {attempts} attempts; the site may be down or blocking us, try later",
            url=url,
            status=status,
            retryable=True,
        )

    def _read_body(self, reply: httpx.Response, url: str) -> bytes:
        """The decoded body, refused as soon as it grows past the limit (before it is all in memory)."""
        limit = self._politeness.max_body_mib * MIB
        too_big = HttpFetchError(
            f"GET {url}: the answer is larger than {self._politeness.max_body_mib} MiB once decoded; "
            "refused (raise politeness.max_body_mib if a real document is that large)",
            url=url,
        )
        encoding = reply.headers.get("content-encoding", "identity").strip().lower() or "identity"
        chunks: Iterable[bytes] = reply.iter_raw()
        if reply.is_stream_consumed:  # built in memory (httpx.MockTransport): already read and decoded
            chunks, encoding = [reply.content], "identity"
        if encoding not in _WBITS:
            raise HttpFetchError(f"GET {url}: unsupported Content-Encoding {encoding!r}", url=url)
        if encoding == "identity" and int(reply.headers.get("content-length", "0") or 0) > limit:
            raise too_big
        inflater = zlib.decompressobj(_WBITS[encoding]) if _WBITS[encoding] else None
        body = io.BytesIO()  # its getvalue() hands over its buffer: the body is held once, not copied
        try:
            for raw in chunks:
                pending = raw
                while pending:
                    if inflater is None:
                        body.write(pending)
                        pending = b""
                    else:
                        body.write(inflater.decompress(pending, limit - body.tell() + 1))
                        pending = inflater.unconsumed_tail
                    if body.tell() > limit:
                        raise too_big
            if inflater is not None and not inflater.eof:
                raise zlib.error("it ends early")
        except zlib.error as exc:
            raise HttpFetchError(f"GET {url}: the {encoding} body is corrupt ({exc})", url=url) from None
        return body.getvalue()

    def _backoff_s(self, attempt: int) -> float:
        """Exponential backoff with full jitter, so many clients do not retry in lock-step."""
        p = self._politeness
        return self._rng() * min(p.backoff_max_s, p.backoff_base_s * 2**attempt)

    def _stay_on_site(self, request: httpx.Request) -> None:
        """Refuse a redirect off the site before it is followed (not retried: the site sends us there)."""
        asked: httpx.URL | None = getattr(self._asked, "url", None)
        if asked is not None and not _same_site(asked, request.url):
            raise HttpFetchError(
                f"GET {asked}: redirected off the site to {request.url.copy_with(query=None)}; not followed",
                url=str(asked),
            )

    def _wait_for_slot(self, request: httpx.Request) -> None:
        """Reserve the host's next free slot, then sleep until it; runs for every request httpx sends,
        redirects included."""
        host = request.url.host
        rate = self._politeness.rate_for(host)
        wait = self._throttle.reserve(host, 1.0 / rate)
        if wait > 0:
            self._sleep(wait)
        self._bounds.start(self._politeness.timeout_s)

    def _check_circuit(self, url: str, host: str) -> None:
        circuit = self._throttle.circuit(host)
        if circuit.open_s > 0:
            raise HttpFetchError(
                f"GET {url}: circuit open for host {host} for another {circuit.open_s:.0f} s after "
                f"{circuit.failures} consecutive failures; the site is failing, try later",
                url=url,
                retryable=True,
            )

    def _record(self, host: str, *, failed: bool) -> None:
        self._throttle.record(host, failed=failed, threshold=BREAKER_THRESHOLD, cooldown_s=BREAKER_COOLDOWN_S)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

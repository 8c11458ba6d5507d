"""The one HTTP fetcher every source uses.

Polite (a per-host rate limit, a descriptive User-Agent, conditional requests), patient (retries with
backoff and full jitter on transient failures, Retry-After honoured) and strict (TLS always verified, a
circuit breaker that stops hammering a failing host). The rate limit and the breaker live in a `Throttle`:
in this process by default, or shared by a whole cluster (`storage.throttle`). It returns bodies
unchanged: deciding that a 200 page is really a CAPTCHA or a JavaScript shell is the parser's job.
"""

from __future__ import annotations

import random
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType

import httpx

from scrapers.throttle import LocalThrottle, Throttle
from tracker.config import Politeness
from tracker.errors import ConfigError, FetchError

MAX_REDIRECTS = 5
BREAKER_THRESHOLD = 5
"""Consecutive failed `get()` calls to one host that open its circuit."""
BREAKER_COOLDOWN_S = 600.0
_TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


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


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _retry_after_s(reply: httpx.Response) -> float | None:
    """Seconds the server asked us to wait; an HTTP date is measured against the server's own Date header
    so that our clock's skew does not matter."""
    value = reply.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    when = _http_date(value)
    if when is None:
        return None
    now = _http_date(reply.headers.get("date")) or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


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

    `sleep`, `clock` and `rng` are injectable so tests can assert the waits without waiting; `throttle`
    holds the per-host rate limit and circuit breaker (this process's own unless given).
    """

    def __init__(
        self,
        politeness: Politeness,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        throttle: Throttle | None = None,
    ) -> None:
        self._politeness = politeness
        self._sleep = sleep
        self._rng = rng
        self._throttle = throttle or LocalThrottle(clock)
        self._client = httpx.Client(
            transport=transport,
            verify=_ssl_context(politeness.ca_bundle),
            timeout=politeness.timeout_s,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": politeness.user_agent},
            event_hooks={"request": [self._wait_for_slot]},
        )

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
        request_headers = dict(headers or {})
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        try:
            reply = self._send(url, request_headers)
        except HttpFetchError as exc:
            if exc.retryable:
                self._record(host, failed=True)
            raise
        self._record(host, failed=False)
        response_headers = dict(reply.headers)
        not_modified = reply.status_code == 304
        return Response(
            url=str(reply.url),
            status=reply.status_code,
            body=b"" if not_modified else reply.content,
            headers=response_headers,
            etag=response_headers.get("etag", etag if not_modified else None),
            last_modified=response_headers.get("last-modified", last_modified if not_modified else None),
            not_modified=not_modified,
        )

    def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        """One logical GET: retries transient failures, returns a 2xx or 304 reply, raises otherwise."""
        attempts = self._politeness.retries + 1
        for attempt in range(attempts):
            status: int | None = None
            retry_after: float | None = None
            try:
                reply = self._client.get(url, headers=headers)
            except httpx.TooManyRedirects:
                raise HttpFetchError(
                    f"GET {url}: redirect loop or more than {MAX_REDIRECTS} redirects; check the URL", url=url
                ) from None
            except _TRANSIENT_ERRORS as exc:
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
                status = reply.status_code
                if 200 <= status < 300 or status == 304:
                    return reply
                if not _retryable_status(status):
                    raise HttpFetchError(
                        f"GET {url}: HTTP {status} (not retried); check the document id or URL",
                        url=url,
                        status=status,
                    )
                cause = f"HTTP {status}"
                retry_after = _retry_after_s(reply)
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

    def _backoff_s(self, attempt: int) -> float:
        """Exponential backoff with full jitter, so many clients do not retry in lock-step."""
        p = self._politeness
        return self._rng() * min(p.backoff_max_s, p.backoff_base_s * 2**attempt)

    def _wait_for_slot(self, request: httpx.Request) -> None:
        """Reserve the host's next free slot, then sleep until it; runs for every request httpx sends,
        redirects included."""
        host = request.url.host
        rate = self._politeness.rate_for(host)
        if rate <= 0:
            raise ConfigError(f"politeness.rate_per_host: {host} must be above 0 requests per second")
        wait = self._throttle.reserve(host, 1.0 / rate)
        if wait > 0:
            self._sleep(wait)

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

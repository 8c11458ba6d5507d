"""The shared fetcher against mocked sites: every wait is requested from an injected clock, never slept."""

from __future__ import annotations

import math
import shutil
import subprocess
import threading
from dataclasses import replace

import httpx
import pytest
import respx

from scrapers.http import BREAKER_COOLDOWN_S, BREAKER_THRESHOLD, MAX_REDIRECTS, Fetcher, HttpFetchError
from tracker.config import Politeness
from tracker.errors import ConfigError, FetchError
from tracker.replay import ReplayServer

ADILET = "https://old.adilet.zan.kz"
DOC = f"{ADILET}/rus/docs/Z010000142_"
CAPTCHA = "<html><title>Подтвердите, что Вы не робот</title><body>captcha</body></html>".encode()
UNLIMITED = Politeness(rate_per_host={"default": math.inf}, retries=3, backoff_base_s=1.0, backoff_max_s=60.0)


class FakeTime:
    """A monotonic clock that moves only when asked to sleep (or when a test moves it)."""

    def __init__(self, *, advance: bool = True) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._advance = advance

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self._advance:
            self.now += seconds


@pytest.fixture
def site():
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def time_():
    return FakeTime()


def fetcher(time_: FakeTime, politeness: Politeness = UNLIMITED, rng: float = 0.5) -> Fetcher:
    return Fetcher(politeness, sleep=time_.sleep, clock=time_.clock, rng=lambda: rng)


def test_a_page_comes_back_with_its_validators(site, time_):
    site.get(DOC).respond(
        200, content=b"<article>text</article>", headers={"ETag": '"v1"', "Last-Modified": "Mon, 02 Mar 2026"}
    )
    with fetcher(time_) as f:
        page = f.get(DOC)
    assert (page.status, page.body, page.not_modified) == (200, b"<article>text</article>", False)
    assert (page.etag, page.last_modified) == ('"v1"', "Mon, 02 Mar 2026")


def test_user_agent_timeout_conditional_and_extra_headers_are_sent(site, time_):
    route = site.get(DOC).respond(304, headers={"ETag": '"v1"'})
    politeness = replace(UNLIMITED, user_agent="ZanWatchTest/1.0 (ops@example.org)", timeout_s=12.5)
    with fetcher(time_, politeness) as f:
        f.get(
            DOC, etag='"v1"', last_modified="Mon, 02 Mar 2026 10:00:00 GMT", headers={"Cookie": "egovLang=ru"}
        )
    sent = route.calls.last.request
    assert sent.headers["User-Agent"] == "ZanWatchTest/1.0 (ops@example.org)"
    assert sent.headers["Cookie"] == "egovLang=ru"
    assert sent.headers["If-None-Match"] == '"v1"'
    assert sent.headers["If-Modified-Since"] == "Mon, 02 Mar 2026 10:00:00 GMT"
    assert sent.extensions["timeout"]["read"] == 12.5


def test_304_means_unchanged_and_keeps_the_validators(site, time_):
    site.get(DOC).respond(304)
    with fetcher(time_) as f:
        page = f.get(DOC, etag='"v1"', last_modified="Mon, 02 Mar 2026 10:00:00 GMT")
    assert page.not_modified and page.status == 304 and page.body == b""
    assert (page.etag, page.last_modified) == ('"v1"', "Mon, 02 Mar 2026 10:00:00 GMT")


def test_retry_after_in_seconds_and_as_a_date_sets_the_waits(site, time_):
    route = site.get(DOC)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(
            503,
            headers={"Retry-After": "Mon, 02 Mar 2026 10:00:30 GMT", "Date": "Mon, 02 Mar 2026 10:00:00 GMT"},
        ),
        httpx.Response(200, content=b"ok"),
    ]
    with fetcher(time_) as f:
        assert f.get(DOC).body == b"ok"
    assert time_.sleeps == [7.0, 30.0]
    assert route.call_count == 3


def test_retry_after_is_capped(site, time_):
    site.get(DOC).side_effect = [
        httpx.Response(429, headers={"Retry-After": "3600"}),
        httpx.Response(200, content=b"ok"),
    ]
    with fetcher(time_, replace(UNLIMITED, backoff_max_s=45.0)) as f:
        f.get(DOC)
    assert time_.sleeps == [45.0]


def test_server_errors_then_success_back_off_exponentially_with_jitter(site, time_):
    site.get(DOC).side_effect = [httpx.Response(500), httpx.Response(502), httpx.Response(200, content=b"ok")]
    with fetcher(time_, rng=0.5) as f:
        assert f.get(DOC).body == b"ok"
    assert time_.sleeps == [0.5, 1.0]


def test_exhausted_retries_raise_one_line_fetch_error(site, time_):
    route = site.get(DOC).respond(503)
    with fetcher(time_, replace(UNLIMITED, retries=4, backoff_max_s=3.0), rng=1.0) as f:
        with pytest.raises(FetchError) as caught:
            f.get(DOC)
    assert route.call_count == 5
    assert time_.sleeps == [1.0, 2.0, 3.0, 3.0]
    error = caught.value
    assert isinstance(error, HttpFetchError)
    assert (error.url, error.status, error.retryable) == (DOC, 503, True)
    assert "\n" not in str(error) and DOC in str(error) and "HTTP 503 after 5 attempts" in str(error)


def test_timeout_then_success(site, time_):
    route = site.get(DOC)
    route.side_effect = [httpx.ReadTimeout("read timed out"), httpx.Response(200, content=b"ok")]
    with fetcher(time_) as f:
        assert f.get(DOC).body == b"ok"
    assert route.call_count == 2


def test_connection_errors_are_retried_then_reported(site, time_):
    route = site.get(DOC).mock(side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
    with fetcher(time_) as f:
        with pytest.raises(HttpFetchError) as caught:
            f.get(DOC)
    assert route.call_count == UNLIMITED.retries + 1
    assert caught.value.status is None
    assert "connection failed" in str(caught.value) and "Connection refused" in str(caught.value)


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory):
    """A certificate for 127.0.0.1 that no default trust store knows, like adilet's unsent intermediate."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
    command += " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
    subprocess.run([*command.split(), "-keyout", key, "-out", cert], check=True, capture_output=True)
    both = folder / "server.pem"
    both.write_bytes(cert.read_bytes() + key.read_bytes())
    return cert, both


def test_tls_verification_failure_is_not_retried_and_names_the_setting(self_signed, time_):
    cert, server_pem = self_signed
    with ReplayServer(tls_cert=str(server_pem)) as server, fetcher(time_) as f:
        server.route("/rus/docs/Z010000142_", "<article>ok</article>")
        with pytest.raises(HttpFetchError, match="politeness.ca_bundle") as caught:
            f.get(f"{server.url}/rus/docs/Z010000142_")
        assert not caught.value.retryable and time_.sleeps == []


def test_ca_bundle_makes_the_certificate_trusted(self_signed, time_):
    cert, server_pem = self_signed
    with ReplayServer(tls_cert=str(server_pem)) as server:
        server.route("/rus/docs/Z010000142_", "<article>ok</article>")
        with fetcher(time_, replace(UNLIMITED, ca_bundle=str(cert))) as f:
            assert f.get(f"{server.url}/rus/docs/Z010000142_").body == b"<article>ok</article>"


def test_redirects_are_followed(site, time_):
    site.get(f"{ADILET}/docs/Z010000142_").respond(301, headers={"Location": DOC})
    site.get(DOC).respond(200, content=b"ok")
    with fetcher(time_) as f:
        page = f.get(f"{ADILET}/docs/Z010000142_")
    assert (page.url, page.body) == (DOC, b"ok")


def test_redirect_loop_fails_without_retrying(site, time_):
    a = site.get(f"{ADILET}/a").respond(302, headers={"Location": "/b"})
    b = site.get(f"{ADILET}/b").respond(302, headers={"Location": "/a"})
    with fetcher(time_) as f:
        with pytest.raises(HttpFetchError, match="redirect loop"):
            f.get(f"{ADILET}/a")
    assert a.call_count + b.call_count == MAX_REDIRECTS + 1
    assert time_.sleeps == []


def test_404_is_not_retried(site, time_):
    route = site.get(DOC).respond(404)
    with fetcher(time_) as f:
        with pytest.raises(HttpFetchError) as caught:
            f.get(DOC)
    assert route.call_count == 1 and time_.sleeps == []
    assert (caught.value.status, caught.value.retryable) == (404, False)


def test_a_captcha_page_served_with_200_is_returned_unchanged(time_):
    captcha_site = httpx.MockTransport(lambda request: httpx.Response(200, content=CAPTCHA))
    with Fetcher(UNLIMITED, transport=captcha_site, sleep=time_.sleep, clock=time_.clock) as f:
        page = f.get(DOC)
    assert (page.status, page.body) == (200, CAPTCHA)


def test_each_redirect_hop_counts_against_the_rate_limit(site, time_):
    site.get(f"{ADILET}/docs/Z010000142_").respond(301, headers={"Location": DOC})
    site.get(DOC).respond(200)
    with fetcher(time_, replace(UNLIMITED, rate_per_host={"default": 1.0})) as f:
        f.get(f"{ADILET}/docs/Z010000142_")
    assert time_.sleeps == [1.0]


def test_rate_limit_spaces_calls_to_one_host_but_not_across_hosts(site, time_):
    drafts = "https://legalacts.egov.kz/list"
    site.get(DOC).respond(200)
    site.get(drafts).respond(200)
    politeness = replace(UNLIMITED, rate_per_host={"default": 1.0, "legalacts.egov.kz": 0.5})
    with fetcher(time_, politeness) as f:
        f.get(DOC)
        f.get(drafts)
        assert time_.sleeps == []
        f.get(DOC)
        f.get(drafts)
    assert time_.sleeps == [1.0, 1.0]  # adilet waits 1 s; legalacts' 2 s slot is then 1 s away


def test_rate_limit_is_shared_between_threads(site):
    still = FakeTime(advance=False)
    site.get(DOC).respond(200)
    with fetcher(still, replace(UNLIMITED, rate_per_host={"default": 1.0})) as f:
        threads = [threading.Thread(target=f.get, args=(DOC,)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(still.sleeps) == [1.0, 2.0]


def test_circuit_breaker_opens_fails_fast_and_recovers(site, time_):
    other = "https://legalacts.egov.kz/list"
    route = site.get(DOC).respond(503)
    site.get(other).respond(200)
    with fetcher(time_, replace(UNLIMITED, retries=0)) as f:
        for _ in range(BREAKER_THRESHOLD):
            with pytest.raises(HttpFetchError, match="HTTP 503"):
                f.get(DOC)
        with pytest.raises(HttpFetchError, match="circuit open for host old.adilet.zan.kz") as caught:
            f.get(DOC)
        assert caught.value.retryable
        assert route.call_count == BREAKER_THRESHOLD
        assert f.get(other).status == 200

        time_.now += BREAKER_COOLDOWN_S
        with pytest.raises(HttpFetchError, match="HTTP 503"):
            f.get(DOC)  # the probe after the cool-down fails: open again at once
        with pytest.raises(HttpFetchError, match="circuit open"):
            f.get(DOC)

        time_.now += BREAKER_COOLDOWN_S
        route.respond(200, content=b"ok")
        assert f.get(DOC).body == b"ok"
        route.respond(503)
        for _ in range(2):  # closed again: the count of failures started over
            with pytest.raises(HttpFetchError, match="HTTP 503"):
                f.get(DOC)
    assert route.call_count == BREAKER_THRESHOLD + 4


def test_missing_ca_bundle_is_a_config_error(tmp_path):
    missing = tmp_path / "adilet-chain.pem"
    with pytest.raises(ConfigError, match="politeness.ca_bundle: .*adilet-chain.pem not found"):
        Fetcher(replace(UNLIMITED, ca_bundle=str(missing)))


def test_a_bundle_that_is_not_pem_is_a_config_error(tmp_path):
    bogus = tmp_path / "bundle.pem"
    bogus.write_text("not a certificate")
    with pytest.raises(ConfigError, match="not a PEM"):
        Fetcher(replace(UNLIMITED, ca_bundle=str(bogus)))

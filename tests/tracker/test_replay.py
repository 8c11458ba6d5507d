"""The replay server over real sockets, driven by the real fetcher (waits recorded, never slept)."""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace

import httpx
import pytest

from scrapers.http import Fetcher, HttpFetchError
from tracker.config import Politeness
from tracker.replay import ReplayServer, Reply

PAGE = '<html><title>Закон - ИПС "Әділет"</title><article>Статья 1. Текст</article></html>'
POLITENESS = Politeness(rate_per_host={"default": math.inf}, retries=2, backoff_base_s=1.0, timeout_s=5.0)


@pytest.fixture
def server():
    with ReplayServer() as replay:
        yield replay


@pytest.fixture
def waits() -> list[float]:
    return []


def fetcher(waits: list[float], politeness: Politeness = POLITENESS) -> Fetcher:
    return Fetcher(politeness, sleep=waits.append, clock=lambda: 0.0, rng=lambda: 0.5)


def test_etag_round_trip_through_the_fetcher(server, waits):
    server.route("/rus/docs/Z010000142_", PAGE)
    url = f"{server.url}/rus/docs/Z010000142_"
    with fetcher(waits) as f:
        first = f.get(url)
        again = f.get(url, etag=first.etag)
        server.route("/rus/docs/Z010000142_", PAGE.replace("Текст", "Новый текст"))
        changed = f.get(url, etag=first.etag)
    assert first.body == PAGE.encode() and first.etag == f'"{hashlib.sha256(PAGE.encode()).hexdigest()}"'
    assert again.not_modified and again.body == b"" and again.etag == first.etag
    assert not changed.not_modified and "Новый текст" in changed.body.decode() and changed.etag != first.etag
    assert server.requests[1].headers["If-None-Match"] == first.etag


def test_requests_are_logged_with_method_path_and_headers(server, waits):
    server.route("/rus/docs/Z010000142_/info", "<table id='ethernatable'></table>")
    with fetcher(waits) as f:
        f.get(f"{server.url}/rus/docs/Z010000142_/info")
    [request] = server.requests
    assert (request.method, request.path) == ("GET", "/rus/docs/Z010000142_/info")
    assert request.headers["User-Agent"] == POLITENESS.user_agent


def test_query_string_routes_win_over_the_bare_path(server):
    server.route("/list", "page one")
    server.route("/list?page=2", "page two")
    assert httpx.get(f"{server.url}/list?page=2").text == "page two"
    assert httpx.get(f"{server.url}/list?page=3").text == "page one"


def test_unknown_path_is_a_404(server, waits):
    with fetcher(waits) as f, pytest.raises(HttpFetchError) as caught:
        f.get(f"{server.url}/rus/docs/K9999999999")
    assert caught.value.status == 404


def test_a_sequence_plays_in_order_then_repeats_its_last_reply(server, waits):
    server.sequence(
        "/rus/docs/Z010000142_",
        [
            Reply(status=503, headers={"Retry-After": "2"}),
            Reply(status=429, headers={"Retry-After": "1"}),
            Reply(PAGE),
        ],
    )
    with fetcher(waits) as f:
        assert f.get(f"{server.url}/rus/docs/Z010000142_").body == PAGE.encode()
        assert f.get(f"{server.url}/rus/docs/Z010000142_").body == PAGE.encode()
    assert waits == [2.0, 1.0]
    assert len(server.requests) == 4


def test_a_hang_longer_than_the_timeout_is_retried(server, waits):
    server.sequence("/slow", [Reply(delay_s=30.0), Reply(PAGE)])
    with fetcher(waits, replace(POLITENESS, timeout_s=0.2)) as f:
        assert f.get(f"{server.url}/slow").body == PAGE.encode()
    assert waits == [0.5]


@pytest.mark.parametrize("fault", ["reset", "close", "truncate"])
def test_broken_connections_are_retried(server, waits, fault):
    server.sequence("/flaky", [Reply(PAGE, fault=fault), Reply(PAGE)])
    with fetcher(waits) as f:
        assert f.get(f"{server.url}/flaky").body == PAGE.encode()
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("fault", "symptom"),
    [
        ("reset", "Connection reset by peer"),
        ("close", "without sending a response"),
        ("truncate", "without sending complete message body"),
    ],
)
def test_each_fault_reaches_the_client_as_its_own_transport_error(server, fault, symptom):
    server.route("/ok", PAGE)
    server.sequence("/broken", [Reply(PAGE, fault=fault)])
    with pytest.raises(httpx.TransportError, match=symptom):
        httpx.get(f"{server.url}/broken")
    assert httpx.get(f"{server.url}/ok").text == PAGE


def test_a_redirect_loop_between_two_routes(server, waits):
    server.route("/a", "", status=302, headers={"Location": "/b"})
    server.route("/b", "", status=302, headers={"Location": "/a"})
    with fetcher(waits) as f, pytest.raises(HttpFetchError, match="redirect loop"):
        f.get(f"{server.url}/a")


def test_bytes_are_served_as_given_with_the_declared_content_type(server):
    body = "Статья 1.".encode("cp1251")
    server.route("/legacy", body, content_type="text/html; charset=utf-8")
    reply = httpx.get(f"{server.url}/legacy")
    assert reply.content == body and reply.headers["Content-Type"] == "text/html; charset=utf-8"


def test_the_server_is_quiet(capfd, waits):
    with ReplayServer() as server:
        server.sequence("/slow", [Reply(delay_s=30.0)])
        server.route("/page", PAGE)
        with fetcher(waits, replace(POLITENESS, timeout_s=0.5, retries=0)) as f:
            f.get(f"{server.url}/page")
            with pytest.raises(HttpFetchError, match="timed out"):
                f.get(f"{server.url}/slow")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")

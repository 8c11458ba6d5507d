"""Requests a reader (or a scanner) may send that no link makes: unknown keys, broken ids, numbers the
database cannot compare, days UTC cannot count, control characters and NULs, methods other than GET. Each
answers a 4xx whose plain-text body says in one line what was wrong, never a 500 or a traceback, and none
writes anything."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing

import pytest
from fastapi.testclient import TestClient

from storage.db import Database
from tracker import config
from tracker.web.app import create_app

KEY = "adilet:Z950002592_"
HUGE = str(10**30)
BEYOND_SQLITE = str(2**63)
BEYOND_INTEGER = str(2**31)
FAR_EAST_YEAR_ONE = "0001-01-01T00:00:00%2B05:00"

CASES = [
    # unknown or broken keys and ids, on pages, the API and feeds
    ("GET", "/documents/adilet:Z0000000000", 404),
    ("GET", "/documents/nonsense/editions/1", 404),
    ("GET", "/documents/adilet:..%2F..%2Fetc", 404),
    ("GET", "/documents/" + "a" * 2000, 404),
    ("GET", "/documents/закон/in-force", 404),
    ("GET", "/documents/%00", 400),  # PostgreSQL refuses a NUL in a query
    ("GET", "/documents/%C3%28", 404),
    ("GET", "/documents/a%0D%0Ab", 404),
    ("GET", f"/documents/{KEY}/articles/%0Aevil", 404),
    ("GET", "/acts/%0Aevil", 404),
    ("GET", "/api/v1/documents/nonsense", 404),
    ("GET", "/api/v1/documents/nonsense/editions", 404),
    ("GET", "/api/v1/acts/%00", 400),
    ("GET", "/api/v1/flags?document=%00", 400),
    ("GET", f"/changes/{KEY}/rus/2026-07-01T09:30:00Z/-/art%00", 400),
    ("GET", "/feeds/documents/nonsense.atom", 404),
    ("GET", "/feeds/acts/a%0D%0Ab.atom", 404),
    ("GET", "/feeds/themes/nonsense.atom", 404),
    ("GET", "/feeds/tags/%00.atom", 400),
    ("GET", "/feeds/tags/%01.atom", 400),
    # numbers: not numbers, and beyond what SQLite can bind
    ("GET", f"/documents/{KEY}/editions/abc", 422),
    ("GET", f"/documents/{KEY}/editions/-1", 404),
    ("GET", f"/documents/{KEY}/editions/{HUGE}", 422),
    ("GET", f"/api/v1/changes/{BEYOND_SQLITE}", 422),
    ("GET", f"/api/v1/changes/{BEYOND_INTEGER}", 422),  # ids are 32-bit on PostgreSQL
    ("GET", f"/api/v1/changes?before=-{BEYOND_SQLITE}1", 422),
    ("GET", f"/api/v1/events?after={HUGE}", 422),
    ("GET", "/api/v1/events?after=-1", 422),
    ("GET", "/api/v1/changes?limit=0", 422),
    ("GET", "/api/v1/changes?limit=1&limit=abc", 422),
    ("GET", "/api/v1/changes/1.5", 422),
    # days: impossible, words, and days UTC cannot count
    ("GET", "/flags?since=2026-02-30", 400),
    ("GET", "/flags?since=0001-01-01", 400),
    ("GET", "/api/v1/flags?since=0001-01-01", 400),
    ("GET", "/api/v1/flags?since=yesterday", 422),
    ("GET", f"/documents/{KEY}/in-force?on=2026-02-30", 422),
    # unknown choices
    ("GET", "/flags?theme=nonsense", 400),
    ("GET", "/flags?severity=%C3%28", 400),
    ("GET", "/api/v1/flags?direction=sideways", 400),
    ("GET", "/api/v1/flags?severity=high&severity=zzz", 400),
    ("GET", f"/documents/{KEY}?lang=xyz", 400),
    ("GET", f"/documents/{KEY}?ui=zzz", 200),
    # permalinks: times that are not UTC times, eIds with slashes or line breaks
    ("GET", f"/changes/{KEY}/rus/yesterday/-/art_7-1", 404),
    ("GET", f"/changes/{KEY}/rus/2026-07-01T09:30:00/-/art_7-1", 404),
    ("GET", f"/changes/{KEY}/rus/{FAR_EAST_YEAR_ONE}/art_32/art_32", 404),
    ("GET", f"/changes/{KEY}/rus/9999-12-31T23:59:59-05:00/art_32/art_32", 404),
    ("GET", f"/changes/{KEY}/rus/2026-07-01T09:30:00Z/art%2F1/-", 404),
    ("GET", f"/changes/{KEY}/rus/2026-07-01T09:30:00Z/-/%0A", 404),
    # paths and methods no route has
    ("GET", "/nonexistent", 404),
    ("GET", "/api/v1/nonexistent", 404),
    ("POST", "/flags", 405),
    ("DELETE", "/api/v1/changes", 405),
    ("PUT", f"/api/v1/documents/{KEY}", 405),
    ("OPTIONS", "/", 405),
    ("HEAD", "/documents/adilet:Z0000000000", 404),
]


@pytest.fixture(scope="module")
def web(demo_db: str) -> Iterator[TestClient]:
    app = create_app(config.load(config.DEFAULT_CONFIG, demo_db), Database(demo_db))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(("method", "path", "status"), CASES)
def test_a_hostile_request_is_a_4xx_in_one_plain_line(
    web: TestClient, method: str, path: str, status: int
) -> None:
    answer = web.request(method, path, headers={"Accept": "application/xml;q=abc"})
    assert answer.status_code == status, answer.text[:300]
    if status >= 400:
        assert answer.headers["content-type"].startswith("text/plain")
        if method != "HEAD":
            line = answer.text
            assert line and "\n" not in line and "\r" not in line and "\x00" not in line, line[:300]


@pytest.mark.parametrize("path", ["/", f"/documents/{KEY}", "/feeds/changes.atom", "/api/v1/documents"])
def test_head_answers_as_get_without_the_body(web: TestClient, path: str) -> None:
    got, head = web.get(path), web.head(path)
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


def test_hostile_requests_write_nothing(web: TestClient, demo_db: str) -> None:
    before = _dump(demo_db)
    for method, path, _ in CASES:
        web.request(method, path)
    assert _dump(demo_db) == before


def _dump(url: str) -> str:
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
        return "\n".join(db.iterdump())


def test_the_api_documents_its_errors_as_the_plain_line_it_sends(web: TestClient) -> None:
    paths = web.get("/api/v1/openapi.json").json()["paths"]
    promised = {
        (path, status, media)
        for path, operations in paths.items()
        for status, response in operations["get"]["responses"].items()
        for media in response.get("content", {})
        if not status.startswith("2")
    }
    assert promised == {(path, "4XX", "text/plain") for path in paths}

"""The fault matrix: every way a source or the database can fail, met by the real fetcher and checker
against a real local server. In every case no edition or change is invented, nothing stored is lost, the
source is marked degraded once after N failures in a row, and the next good answer recovers it."""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, func, select

from scrapers.http import BREAKER_COOLDOWN_S, BREAKER_THRESHOLD, Fetcher
from storage import models as m
from storage import watchlist
from storage.db import Database
from tracker import config
from tracker.config import Politeness
from tracker.errors import StorageError
from tracker.model import Watch
from tracker.pipeline import Checker
from tracker.replay import ReplayServer, Reply

ADILET = Path(__file__).resolve().parents[1] / "fixtures" / "adilet"
KEY = "adilet:Z950002592_"
PATH = "/rus/docs/Z950002592_"
REAL = (ADILET / "Z950002592_.rus.html").read_text(encoding="utf-8")
EDITED = REAL.replace("исключительно за счет республиканского бюджета", "за счет республиканского бюджета")
STORED = (m.Snapshot, m.Edition, m.ProvisionVersion, m.ProvisionText, m.Change, m.Flag)


@pytest.fixture
def checker(db: Database, server: ReplayServer, clock) -> Iterator[Checker]:
    """Edition 1 of the referendum law is stored; tiny timeouts and no backoff keep the matrix fast."""
    settings = dataclasses.replace(
        config.load(),
        sources=config.site_tables(adilet={"base_url": server.url, "api_url": server.url}),
        politeness=Politeness(
            rate_per_host={"default": 1000.0}, retries=1, backoff_base_s=0.0, timeout_s=0.5
        ),
    )
    with db.transaction() as session:
        watchlist.add(session, Watch(KEY, "Referendum law", ("rus",), ("constitution",)))
    with Fetcher(settings.politeness, clock=clock) as fetcher:
        c = Checker(settings, db, fetcher=fetcher)
        server.route(PATH, REAL)
        assert c.check(KEY, "rus").outcome == "new_edition"
        yield c


def counts(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        stored = {t.__tablename__: session.exec(select(func.count()).select_from(t)).one() for t in STORED}
    stored.pop("snapshot")  # suspect pages are kept as evidence: snapshots may grow, nothing else
    return stored


def event_types(db: Database) -> list[str]:
    with db.transaction() as session:
        return [e.type for e in session.exec(select(m.Event).order_by(m.Event.id))]


def health(db: Database) -> tuple[int, bool]:
    with db.transaction() as session:
        row = session.get(m.SourceHealth, f"{KEY}/rus")
    assert row is not None
    return row.consecutive_failures, row.degraded


def half(page: str) -> str:
    return page[: len(page) // 2]


def gzip_bomb(mib: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join(packer.compress(bytes(1 << 20)) for _ in range(mib)) + packer.flush()


FAULTS = {
    "timeout": [Reply(EDITED, delay_s=1.5)],
    "trickle past the deadline": [Reply(EDITED, trickle_s=0.05)],
    "gzip bomb": [Reply(gzip_bomb(100), headers={"Content-Encoding": "gzip"})],
    "connection reset": [Reply(fault="reset")],
    "closed without an answer": [Reply(fault="close")],
    "429 with Retry-After": [Reply("slow down", status=429, headers={"Retry-After": "0"})],
    "503 with Retry-After": [Reply("maintenance", status=503, headers={"Retry-After": "0"})],
    "burst of 500s": [Reply("oops", status=500)],
    "CAPTCHA with 200": [Reply((ADILET / "captcha.handmade.html").read_bytes())],
    "JavaScript shell with 200": [Reply((ADILET / "js_shell.handmade.html").read_bytes())],
    "body cut short on the wire": [Reply(EDITED, fault="truncate")],
    "truncated HTML with 200": [Reply(half(EDITED))],
    "empty body": [Reply(b"")],
    "redesign without article markers": [Reply((ADILET / "no_markers.handmade.html").read_bytes())],
    "redirect loop": [Reply(status=302, headers={"Location": "/loop"})],
}


@pytest.mark.parametrize("replies", FAULTS.values(), ids=FAULTS.keys())
def test_a_failing_source_invents_nothing_degrades_once_and_recovers(
    checker: Checker, server: ReplayServer, db: Database, replies: list[Reply]
) -> None:
    before = counts(db)
    server.sequence(PATH, replies)
    server.route("/loop", "", status=302, headers={"Location": PATH})
    threshold = checker.settings.schedule.degraded_after_failures
    results = [checker.check(KEY, "rus") for _ in range(threshold + 1)]
    assert {r.outcome for r in results} <= {"error", "suspect"}, results
    assert all(r.reason for r in results)
    assert counts(db) == before
    assert event_types(db).count("source.degraded") == 1
    assert health(db) == (threshold + 1, True)

    server.route(PATH, EDITED)
    recovered = checker.check(KEY, "rus")
    assert (recovered.outcome, recovered.seq, recovered.changes) == ("new_edition", 2, 1)
    assert health(db) == (0, False)


CP1251 = REAL.encode("cp1251", errors="replace")
"""Only the site's chrome («Әділет», «ҚАЗ») has letters cp1251 lacks; the law's text is all there."""
CHARSETS = {
    "cp1251 bytes declared utf-8": Reply(CP1251, content_type="text/html; charset=utf-8"),
    "utf-8 bytes declared windows-1251": Reply(
        REAL, headers={"ETag": '"relabelled"'}, content_type="text/html; charset=windows-1251"
    ),
}


@pytest.mark.parametrize("reply", CHARSETS.values(), ids=CHARSETS.keys())
def test_a_wrong_charset_declaration_reads_the_same_text(
    checker: Checker, server: ReplayServer, db: Database, reply: Reply
) -> None:
    before = counts(db)
    server.sequence(PATH, [reply])
    assert checker.check(KEY, "rus").outcome == "unchanged"
    assert counts(db) == before and health(db) == (0, False)


def test_a_failing_host_is_not_hammered(checker: Checker, server: ReplayServer, db: Database, clock) -> None:
    server.route(PATH, "oops", status=500)
    asked = len(server.requests)
    results = [checker.check(KEY, "rus") for _ in range(BREAKER_THRESHOLD + 3)]
    attempts = checker.settings.politeness.retries + 1
    assert len(server.requests) - asked == BREAKER_THRESHOLD * attempts  # then the circuit opened
    assert "circuit open" in results[-1].reason
    assert event_types(db).count("source.degraded") == 1
    server.route(PATH, EDITED)
    assert checker.check(KEY, "rus").outcome == "error"  # still cooling down: the site is not asked
    clock.offset += BREAKER_COOLDOWN_S
    assert checker.check(KEY, "rus").outcome == "new_edition"
    assert health(db) == (0, False)


@pytest.fixture
def short_busy_timeout(db: Database) -> None:
    """Wait 0.2 s rather than 5 s for a lock, so the locked case stays fast."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's file lock; PostgreSQL locks rows, not the database")
    event.listen(db.engine, "connect", lambda conn, _: conn.execute("PRAGMA busy_timeout=200"))
    db.engine.dispose()


def test_a_locked_database_fails_the_check_cleanly(
    checker: Checker, server: ReplayServer, db: Database, short_busy_timeout: None
) -> None:
    before = counts(db)
    server.route(PATH, EDITED)
    with db.engine.connect() as holder:
        holder.execute(text("BEGIN IMMEDIATE"))
        with pytest.raises(StorageError, match="locked"):
            checker.check(KEY, "rus")
        holder.execute(text("ROLLBACK"))
    assert counts(db) == before
    assert checker.check(KEY, "rus").outcome == "new_edition"


def test_a_full_disk_at_commit_loses_nothing(
    checker: Checker, server: ReplayServer, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = counts(db)
    events_before = event_types(db)
    server.route(PATH, EDITED)
    real_commit = Session.commit

    def disk_full(self: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(Session, "commit", disk_full)
    with pytest.raises(StorageError, match="disk is full"):
        checker.check(KEY, "rus")
    monkeypatch.setattr(Session, "commit", real_commit)
    assert counts(db) == before and event_types(db) == events_before
    assert checker.check(KEY, "rus").outcome == "new_edition"

"""A check end to end through the real fetcher against a local replay of adilet: editions only for real
changes, suspect pages kept but never turned into editions, and nothing half-written after a crash."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from scrapers.adilet import parse_page
from storage import editions, watchlist
from storage import models as m
from storage.db import Database
from tracker import config, structure
from tracker.config import Politeness
from tracker.errors import Conflict
from tracker.model import Watch
from tracker.pipeline import Checker
from tracker.replay import ReplayServer

FIXTURES = Path(__file__).parents[1] / "fixtures"

KEY = "adilet:Z950002592_"
PATH = "/rus/docs/Z950002592_"
REAL = (FIXTURES / "adilet" / "Z950002592_.rus.html").read_text(encoding="utf-8")
CAPTCHA = "<html><head><title>Подтвердите, что Вы не робот</title></head><body>captcha</body></html>"


@pytest.fixture
def checker(db: Database, server: ReplayServer) -> Iterator[Checker]:
    settings = dataclasses.replace(
        config.load(),
        sources=config.site_tables(adilet={"base_url": server.url, "api_url": server.url}),
        rules=config.Rules(packs=()),
        politeness=Politeness(
            rate_per_host={"default": 1000.0}, retries=1, backoff_base_s=0.0, timeout_s=5.0
        ),
    )
    with db.transaction() as session:
        watchlist.add(session, Watch(KEY, "Referendum law", ("rus",), ("constitution",)))
    c = Checker(settings, db)
    yield c
    c.fetcher.close()


def count(db: Database, table: type) -> int:
    with db.transaction() as session:
        return session.exec(select(func.count()).select_from(table)).one()


def event_types(db: Database) -> list[str]:
    with db.transaction() as session:
        return [e.type for e in session.exec(select(m.Event).order_by(m.Event.id))]


def test_unchanged_page_is_not_a_new_edition(checker: Checker, server: ReplayServer, db: Database) -> None:
    server.route(PATH, REAL)
    assert checker.check(KEY, "rus").outcome == "new_edition"
    second = checker.check(KEY, "rus")
    assert second.outcome == "not_modified"  # the ETag made the request conditional
    assert server.requests[-1].headers.get("If-None-Match")
    server.route(PATH, REAL.replace("</article>", "<!-- a banner --></article>"))
    assert checker.check(KEY, "rus").outcome == "unchanged"
    assert count(db, m.Edition) == 1
    assert event_types(db) == ["edition.created"]


def test_edited_page_records_exactly_the_edits(checker: Checker, server: ReplayServer, db: Database) -> None:
    server.route(PATH, REAL)
    checker.check(KEY, "rus")
    edited = REAL.replace(
        "исключительно за счет республиканского бюджета",
        "за счет республиканского бюджета и иных источников, включая иностранные",
    )
    assert edited != REAL
    server.route(PATH, edited)
    result = checker.check(KEY, "rus")
    assert (result.outcome, result.seq, result.changes) == ("new_edition", 2, 1)
    with db.transaction() as session:
        (change,) = session.exec(select(m.Change)).all()
    assert (change.kind, change.new_num) == ("substituted", "8")
    ops = json.loads(change.ops)
    assert ["-", "исключительно "] in ops or any(op == "-" and "исключительно" in t for op, t in ops)
    assert event_types(db) == ["edition.created", "edition.created", "provision.changed"]


def test_suspect_pages_never_become_editions(checker: Checker, server: ReplayServer, db: Database) -> None:
    server.route(PATH, REAL)
    checker.check(KEY, "rus")
    # A CAPTCHA with 200, and a page that kept its markup but lost most articles (a redesign or a cut body).
    cut = REAL[: REAL.index('<a name="z7"></a>')] + "</article></div></div></body></html>"
    for page in (CAPTCHA, cut):
        server.route(PATH, page)
        result = checker.check(KEY, "rus")
        assert result.outcome == "suspect", result
    assert count(db, m.Edition) == 1
    assert count(db, m.Change) == 0
    with db.transaction() as session:
        outcomes = [s.outcome for s in session.exec(select(m.Snapshot).order_by(m.Snapshot.id))]
    assert outcomes == ["ok", "suspect", "suspect"]


def test_repeated_failures_degrade_once_and_recover(
    checker: Checker, server: ReplayServer, db: Database
) -> None:
    server.route(PATH, REAL)
    checker.check(KEY, "rus")
    server.route(PATH, CAPTCHA)
    for _ in range(checker.settings.schedule.degraded_after_failures + 2):
        checker.check(KEY, "rus")
    assert event_types(db).count("source.degraded") == 1
    server.route(PATH, REAL.replace("исключительно", "только"))
    assert checker.check(KEY, "rus").outcome == "new_edition"
    with db.transaction() as session:
        (state,) = session.exec(select(m.SourceHealth)).all()
    assert (state.consecutive_failures, state.degraded) == (0, False)


def test_a_crash_mid_check_leaves_the_database_as_it_was(
    checker: Checker, server: ReplayServer, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route(PATH, REAL)
    checker.check(KEY, "rus")
    before = {
        t.__tablename__: count(db, t) for t in (m.Snapshot, m.Edition, m.ProvisionVersion, m.Change, m.Event)
    }
    server.route(PATH, REAL.replace("исключительно", "только"))

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(editions, "save_changes", boom)
    with pytest.raises(RuntimeError):
        checker.check(KEY, "rus")
    after = {
        t.__tablename__: count(db, t) for t in (m.Snapshot, m.Edition, m.ProvisionVersion, m.Change, m.Event)
    }
    assert after == before
    monkeypatch.undo()
    assert checker.check(KEY, "rus").outcome == "new_edition"


def test_reparse_rederives_editions_silently(checker: Checker, server: ReplayServer, db: Database) -> None:
    server.route(PATH, REAL)
    checker.check(KEY, "rus")
    server.route(PATH, REAL.replace("исключительно", "только"))
    checker.check(KEY, "rus")
    events_before = event_types(db)
    assert checker.reparse(KEY, "rus") == 2
    assert event_types(db) == events_before
    with db.transaction() as session:
        assert [e.origin for e in editions.list_editions(session, KEY, "rus")] == ["reparse", "reparse"]
        assert session.exec(select(m.Change)).one().new_num == "8"


def test_edition_date_comes_from_the_history_table(
    checker: Checker, server: ReplayServer, db: Database
) -> None:
    server.route(PATH, REAL)
    server.route(PATH + "/history", (FIXTURES / "adilet" / "history.handmade.html").read_bytes())
    checker.check(KEY, "rus")
    requests = len(server.requests)
    assert checker.check(KEY, "rus").outcome == "not_modified"
    assert len(server.requests) == requests + 1  # an unchanged text does not ask for the history
    with db.transaction() as session:
        (edition,) = editions.list_editions(session, KEY, "rus")
    assert edition.edition_date == date(2024, 7, 5)


def test_a_check_reads_the_previous_edition_once(
    checker: Checker, server: ReplayServer, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route(PATH, REAL)
    checker.check(KEY, "rus")
    loads = []
    real = editions.load_document
    monkeypatch.setattr(editions, "load_document", lambda s, e: loads.append(e.seq) or real(s, e))
    server.route(PATH, REAL.replace("исключительно", "только"))
    assert checker.check(KEY, "rus").outcome == "new_edition"
    assert loads == [1]


def test_an_outcome_planned_before_another_edition_landed_is_refused(
    checker: Checker, server: ReplayServer, db: Database
) -> None:
    server.route(PATH, REAL)
    checker.check(KEY, "rus")
    recorder = checker.recorder
    with db.transaction() as session:
        previous = recorder.previous(session, KEY, "rus")
    edited = structure.build(parse_page(REAL.replace("исключительно", "только"), "rus"))
    outcome = recorder.plan(previous, KEY, "rus", edited, origin="fetch")
    assert outcome.edition is not None and len(outcome.edition.changes or []) == 1  # decided in memory
    server.route(PATH, REAL.replace("исключительно", "лишь"))
    assert checker.check(KEY, "rus").seq == 2  # another check wrote edition 2 meanwhile
    with pytest.raises(Conflict), db.transaction() as session:
        recorder.write(session, outcome)
    assert count(db, m.Edition) == 2


def test_a_page_resent_byte_for_byte_is_unchanged_without_being_parsed_again(
    checker: Checker, server: ReplayServer, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route(PATH, REAL, headers={"ETag": ""})  # no validators: every check gets the whole page
    assert checker.check(KEY, "rus").outcome == "new_edition"
    monkeypatch.setattr("scrapers.adilet.parse_page", lambda *a, **k: pytest.fail("parsed again"))
    result = checker.check(KEY, "rus")
    assert (result.outcome, result.seq) == ("unchanged", 1)
    assert count(db, m.Snapshot) == 1  # nothing new to keep
    server.route(PATH, REAL, headers={"ETag": '"v2"'})
    assert checker.check(KEY, "rus").outcome == "unchanged"
    assert checker.check(KEY, "rus").outcome == "not_modified"  # asked with the ETag the same page came with
    assert server.requests[-1].headers.get("If-None-Match") == '"v2"'
    assert count(db, m.Edition) == 1
    assert event_types(db) == ["edition.created"]

"""Atom feeds carry what Zan Watch noticed, dated when it noticed it, each entry under one id for good: a
backfill's years of adilet history are in the web view and the API, not news (as they write no events), and
maintenance (`reparse`, `backfill`) shows a feed reader nothing again; on the replayed referendum law."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient

from storage import editions, watchlist
from storage import models as m
from storage.db import Database
from tests.pipeline.test_backfill import (  # noqa: F401  (fixtures)
    FIXTURES,
    KEY,
    PATH,
    REAL,
    config_file,
    server,
    settings,
)
from tracker import structure
from tracker.backfill import backfill
from tracker.config import Settings
from tracker.model import Document, ParsedPage, Watch
from tracker.pipeline import Checker
from tracker.replay import ReplayServer
from tracker.web.app import create_app


def test_feeds_leave_out_backfilled_history_and_date_entries_when_noticed(
    db: Database,
    settings: Settings,  # noqa: F811
    server: ReplayServer,  # noqa: F811
) -> None:
    backfill(db, settings, KEY, "rus")  # three past editions: two changes found, none noticed
    notice_a_change(Checker(settings, db), server)  # then the law changes on adilet
    with db.transaction() as session:
        noticed = editions.list_editions(session, KEY, "rus")[-1]

    with TestClient(create_app(settings, db)) as web:
        assert len(web.get("/api/v1/changes").json()["changes"]) == 3  # the history stays browsable
        for path in ("/feeds/changes.atom", f"/feeds/documents/{KEY}.atom", "/feeds/tags/constitution.atom"):
            feed = feedparser.parse(web.get(path).content)
            assert not feed.bozo, (path, feed.get("bozo_exception"))
            assert [e.title for e in feed.entries] == ["Referendum law: Статья 8 (substituted)"], path
            updated = feed.entries[0].updated
            assert updated == noticed.fetched_at.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


OTHER, OTHER_PATH = "adilet:Z950002733_", "/rus/docs/Z950002733_"
PRESIDENT = (FIXTURES / "adilet" / "Z950002733_.rus.html").read_text(encoding="utf-8")
FEEDS = ("/feeds/changes.atom", f"/feeds/documents/{KEY}.atom", "/feeds/tags/constitution.atom")


def notice_a_change(checker: Checker, server: ReplayServer) -> None:  # noqa: F811
    """The referendum law's article 8 changes on adilet, and a check notices it."""
    server.route(PATH, REAL.replace("исключительно", "строго"))
    assert checker.check(KEY, "rus").outcome == "new_edition"


def two_laws_change(db: Database, settings: Settings, server: ReplayServer) -> None:  # noqa: F811
    """Noticed in turn: the referendum law's article 8, then the President law's article 1."""
    checker = Checker(settings, db)
    checker.check(KEY, "rus")
    notice_a_change(checker, server)
    with db.transaction() as session:
        watchlist.add(session, Watch(OTHER, "President law", ("rus",), ("constitution",)))
    server.route(OTHER_PATH + "/history", "no table")
    server.route(OTHER_PATH, PRESIDENT)
    checker.check(OTHER, "rus")
    server.route(OTHER_PATH, PRESIDENT.replace("главой государства", "главой Республики"))
    assert checker.check(OTHER, "rus").outcome == "new_edition"


def rewrite_history(
    cli: Any,
    config: tuple[str, ...],
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    unchanged: Callable[[], None],
) -> None:
    """The maintenance that rewrites stored changes, `unchanged()` checked after each step: `reparse`, a
    `backfill` that slots adilet's older editions before the checked ones (renumbering them), and a
    `reparse` with a parser that reads every edition a little differently (every content hash changes)."""
    assert cli(*config, "reparse", KEY).code == 0
    unchanged()
    backfilled = cli(*config, "backfill", KEY)
    assert backfilled.code == 0, backfilled.err
    with db.transaction() as session:
        origins = [e.origin for e in editions.list_editions(session, KEY, "rus")]
    assert origins == ["backfill", "backfill", "reparse", "reparse"]  # the checked ones now 3 and 4
    unchanged()
    build = structure.build

    def newer_parser(page: ParsedPage) -> Document:
        doc = build(page)
        return dataclasses.replace(doc, title=doc.title.upper())

    monkeypatch.setattr(structure, "build", newer_parser)
    assert cli(*config, "reparse", KEY).code == 0
    unchanged()


def test_a_feed_reader_sees_no_change_again_after_reparse_or_backfill(
    db: Database,
    settings: Settings,  # noqa: F811
    server: ReplayServer,  # noqa: F811
    cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Entry ids are permanent: `reparse` (also with a parser that reads every edition a little differently)
    and a `backfill` that slots adilet's older editions before the checked ones (renumbering them) rewrite
    the stored changes, and every feed lists the same entries, with the same ids, in the same order."""
    two_laws_change(db, settings, server)
    config = ("--config", str(config_file(server, tmp_path)))
    with TestClient(create_app(settings, db)) as web:

        def entries() -> dict[str, list[tuple[str, str, str]]]:
            read = {path: feedparser.parse(web.get(path).content) for path in FEEDS}
            assert not any(feed.bozo for feed in read.values())
            return {path: [(e.id, e.title, e.updated) for e in feed.entries] for path, feed in read.items()}

        seen = entries()
        assert [title for _, title, _ in seen["/feeds/changes.atom"]] == [
            "President law: Статья 1 (substituted)",
            "Referendum law: Статья 8 (substituted)",
        ]

        def unchanged() -> None:
            assert entries() == seen

        rewrite_history(cli, config, db, monkeypatch, unchanged)


def test_pages_show_when_an_edition_was_first_seen_in_the_schedules_zone_and_feeds_in_utc(
    db: Database,
    settings: Settings,  # noqa: F811
    server: ReplayServer,  # noqa: F811
) -> None:
    """Stored times are UTC; a reader in Almaty reads 21:19 for 16:19 UTC, and the page names the zone."""
    checker = Checker(settings, db)
    checker.check(KEY, "rus")
    notice_a_change(checker, server)
    with db.transaction() as session:
        for info, day in zip(editions.list_editions(session, KEY, "rus"), (1, 2), strict=True):
            row = session.get(m.Edition, info.id)
            assert row is not None
            row.fetched_at = datetime(2026, 12, day, 16, 19, tzinfo=UTC)
            session.add(row)

    with TestClient(create_app(settings, db)) as web:
        shown = "2026-12-02 21:19 (Asia/Almaty)"
        assert shown in web.get(f"/documents/{KEY}?ui=eng").text
        assert shown in web.get(f"/documents/{KEY}/editions/2?ui=eng").text
        feed = feedparser.parse(web.get("/feeds/changes.atom").content)
        assert feed.feed.updated == feed.entries[0].updated == "2026-12-02T16:19:00Z"

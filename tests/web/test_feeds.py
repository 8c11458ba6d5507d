"""Atom feeds carry what Zan Watch noticed, dated when it noticed it: a backfill's years of adilet history
are in the web view and the API, not news (as they write no events), on the replayed referendum law."""

from __future__ import annotations

from datetime import UTC

import feedparser
from fastapi.testclient import TestClient

from storage import editions
from storage.db import Database
from tests.pipeline.test_backfill import KEY, PATH, REAL, server, settings  # noqa: F401  (fixtures)
from tracker.backfill import backfill
from tracker.config import Settings
from tracker.pipeline import Checker
from tracker.replay import ReplayServer
from tracker.web.app import create_app


def test_feeds_leave_out_backfilled_history_and_date_entries_when_noticed(
    db: Database,
    settings: Settings,  # noqa: F811
    server: ReplayServer,  # noqa: F811
) -> None:
    backfill(db, settings, KEY, "rus")  # three past editions: two changes found, none noticed
    server.route(PATH, REAL.replace("исключительно", "строго"))  # then the law changes on adilet
    assert Checker(settings, db).check(KEY, "rus").outcome == "new_edition"
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

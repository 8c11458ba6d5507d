"""What the active scheduler queues on a tick: every enabled, checked language of every watch that is
neither checked within the interval nor already waiting or running — and nothing else."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import text

from storage import health, watchlist
from storage.db import Database
from tracker import config
from tracker.model import Watch
from tracker.queue import Planner, app_for, defer_checks
from tracker.schedule import Timing

pytestmark = pytest.mark.skipif(not os.environ.get("ZANWATCH_TEST_DB"), reason="needs PostgreSQL")


def test_a_tick_queues_only_the_due_languages_of_enabled_checked_watches(db: Database) -> None:
    with db.transaction() as session:
        watchlist.add(session, Watch("adilet:Z010000142_", "", ("rus", "kaz"), ()))
        watchlist.add(session, Watch("adilet:Z950002592_", "", ("rus",), ()))
        watchlist.add(session, Watch("adilet:Z070000258_", "", ("rus", "kaz"), ()))
        off = watchlist.add(session, Watch("adilet:K1400000226", "", ("rus",), ()))
        watchlist.set_enabled(session, off.key, False)
        health.succeeded(session, "adilet:Z950002592_", "rus")  # checked a moment ago
    app = app_for(db)
    planner = Planner(config.load(None, db.url), db, app, Timing(check_s=3600, jitter_s=0))

    async def tick() -> int:
        async with app.open_async():
            await defer_checks(app, [("adilet:Z070000258_", "kaz")])  # already waiting
            return await planner.queue_checks()

    assert asyncio.run(tick()) == 3
    with db.engine.begin() as conn:
        waiting = conn.execute(
            text("SELECT queueing_lock FROM procrastinate_jobs WHERE task_name = 'zanwatch:check'")
        )
        assert sorted(row[0] for row in waiting) == [
            "check:adilet:Z010000142_/kaz",
            "check:adilet:Z010000142_/rus",
            "check:adilet:Z070000258_/kaz",
            "check:adilet:Z070000258_/rus",
        ]

"""`zanwatch backfill` on PostgreSQL with the queue in use: the backfill is queued once, under its document's
check lock, and a worker records adilet's past editions (the three-edition replay of tests/pipeline)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import watchlist
from storage.db import Database
from tests.cluster.test_workers import Cluster, config_for
from tests.daemon.test_run import wait_for
from tests.pipeline.test_backfill import DAYS, KEY, server  # noqa: F401  (fixture)
from tracker.model import Watch
from tracker.queue import app_for
from tracker.replay import ReplayServer

pytestmark = pytest.mark.skipif(not os.environ.get("ZANWATCH_TEST_DB"), reason="needs PostgreSQL")


def test_backfill_is_queued_once_and_a_worker_records_the_past_editions(
    db: Database,
    db_url: str,
    tmp_path: Path,
    cli,
    server: ReplayServer,  # noqa: F811
) -> None:
    with db.transaction() as session:
        watchlist.add(session, Watch(KEY, "Referendum law", ("rus",), ()))
    app_for(db)  # a worker or scheduler has run here: the queue is in use

    for _ in range(2):
        result = cli("backfill", KEY)
        assert result.code == 0, result.err
        assert "queued for the workers" in result.out
    with db.engine.connect() as conn:
        jobs = conn.execute(text("SELECT task_name, lock, args->>'key' FROM procrastinate_jobs")).all()
        assert conn.execute(text("SELECT count(*) FROM edition")).scalar() == 0  # nothing ran here
    assert jobs == [("zanwatch:backfill", f"check:{KEY}/rus", KEY)]  # once, under the check's lock

    cluster = Cluster(config_for(tmp_path, server), db_url)
    cluster.start("worker", "--concurrency", "1")
    try:
        wait_for("the past editions", lambda: _editions(db) == len(DAYS), timeout_s=120)
        wait_for("the job to end", lambda: _jobs(db) == 0)
    finally:
        errors = cluster.stop()
    assert "backfill adilet:Z950002592_ (rus): adilet lists 3 editions" in errors[0], errors[0]


def _editions(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM edition")).scalar() or 0)


def _jobs(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM procrastinate_jobs")).scalar() or 0)

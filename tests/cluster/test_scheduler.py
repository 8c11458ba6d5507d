"""One scheduler is active at a time; when it dies, a standby takes over at its next tick."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import queue
from storage.db import Database
from tests.cluster.test_workers import Cluster
from tests.daemon.test_run import wait_for
from tracker.queue import app_for

pytestmark = pytest.mark.skipif(not os.environ.get("ZANWATCH_TEST_DB"), reason="needs PostgreSQL")


def test_one_leadership_at_a_time(db: Database) -> None:
    first, second = queue.Leadership(db), queue.Leadership(db)
    try:
        assert first.acquire() and first.held()
        assert not second.acquire()
        first.close()  # a scheduler that dies loses its session, and the lock with it
        assert second.acquire()
    finally:
        second.close()


def test_a_standby_takes_over_when_the_active_scheduler_is_killed(
    tmp_path: Path, db: Database, db_url: str
) -> None:
    config = tmp_path / "zanwatch.toml"
    config.write_text("[queue]\ntick_seconds = 0.5\n", encoding="utf-8")
    app_for(db)
    cluster = Cluster(config, db_url)
    try:
        active = cluster.start("scheduler")
        wait_for("a scheduler to lead", lambda: queue.leader(db) == f"zanwatch scheduler pid {active.pid}")
        standby = cluster.start("scheduler")
        wait_for("the standby to connect", lambda: _connected(db, f"zanwatch scheduler pid {standby.pid}"))
        active.send_signal(signal.SIGKILL)
        wait_for("the standby to lead", lambda: queue.leader(db) == f"zanwatch scheduler pid {standby.pid}")
    finally:
        errors = cluster.stop()
    assert "active: this scheduler queues the work" in errors[1]


def _connected(db: Database, application: str) -> bool:
    with db.engine.connect() as conn:
        sql = "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"
        return bool(conn.execute(text(sql), {"name": application}).scalar())

"""What the queue holds, as `zanwatch status` shows it on PostgreSQL, and the hourly clean-up that drops
failed jobs once they are older than the retention period."""

from __future__ import annotations

import asyncio
import os
import re

import procrastinate
import pytest
from sqlalchemy import text

from storage.db import Database
from tracker.queue import FAILED_KEPT_HOURS, app_for, cleanup, defer_checks

pytestmark = pytest.mark.skipif(not os.environ.get("ZANWATCH_TEST_DB"), reason="needs PostgreSQL")


def _failed_deliveries(app: procrastinate.App, n: int) -> list[procrastinate.jobs.Job]:
    """n delivery rounds that ran and failed."""

    async def run() -> list[procrastinate.jobs.Job]:
        async with app.open_async():
            failed = []
            worker = await app.job_manager.register_worker()
            for _ in range(n):
                await app.tasks["zanwatch:deliver"].defer_async()
                job = await app.job_manager.fetch_job(queues=None, worker_id=worker)
                assert job is not None
                await app.job_manager.finish_job(
                    job, status=procrastinate.jobs.Status.FAILED, delete_job=False
                )
                failed.append(job)
            await defer_checks(app, [("adilet:Z010000142_", "rus"), ("adilet:Z010000142_", "kaz")])
            return failed

    return asyncio.run(run())


def test_status_counts_the_queue_per_task_and_cleanup_drops_old_failed_jobs(db: Database, cli) -> None:
    app = app_for(db)
    old, recent = _failed_deliveries(app, 2)
    result = cli("status")
    assert result.code == 0, result.err
    cells = [[c for c in re.split(r"[\s│┃|]+", line) if c] for line in result.out.splitlines()]
    rows = {row[0]: row[1:] for row in cells if row[:1] in (["check"], ["deliver"])}
    assert rows == {"check": ["2", "0", "0"], "deliver": ["0", "0", "2"]}  # queued, running, failed

    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE procrastinate_events SET at = at - make_interval(hours => :h) WHERE job_id = :id"),
            {"h": FAILED_KEPT_HOURS + 1, "id": old.id},
        )

    async def clean() -> None:
        async with app.open_async():
            context = procrastinate.JobContext(
                app=app, job=old, start_timestamp=0.0, abort_reason=lambda: None
            )
            await cleanup(context, timestamp=0)

    asyncio.run(clean())
    with db.engine.connect() as conn:
        left = conn.execute(text("SELECT id FROM procrastinate_jobs WHERE status = 'failed'")).scalars().all()
    assert left == [recent.id]  # the old failure is gone, the recent one is kept to look at

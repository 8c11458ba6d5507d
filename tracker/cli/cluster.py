"""`scheduler` and `worker`: the daemon's work spread over processes and machines (PostgreSQL only)."""

from __future__ import annotations

import logging
import signal
from typing import TYPE_CHECKING

import typer

from tracker.cli.app import app, clock, console, database, delivery_option, interval_option, settings

if TYPE_CHECKING:
    from rich.table import Table

    from storage.db import Database


def _logging() -> None:
    from tracker.output import log_to_stderr

    log_to_stderr(clock())
    for noisy in ("httpx", "procrastinate", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@app.command()
def worker(
    concurrency: int | None = typer.Option(
        None, "--concurrency", min=1, help="Jobs run at once (default: queue.concurrency)."
    ),
) -> None:
    """Run queued checks, drafts passes, deliveries and digests until SIGTERM or Ctrl-C (PostgreSQL)."""
    from tracker.queue import require_postgresql, run_worker

    cfg = settings()
    db = database()
    require_postgresql(db)
    _logging()
    n = concurrency or cfg.queue.concurrency
    console.print(f"Zan Watch worker: up to {n} jobs at once; SIGTERM or Ctrl-C stops it within seconds.")
    run_worker(cfg, db, n)
    console.print("Stopped.")


@app.command()
def scheduler(
    interval_seconds: float | None = interval_option(),
    delivery_seconds: float | None = delivery_option(),
) -> None:
    """Queue due work for the workers; one scheduler is active, others stand by (PostgreSQL)."""
    import asyncio

    from tracker.queue import require_postgresql, run_scheduler
    from tracker.schedule import timing

    cfg = settings()
    db = database()
    require_postgresql(db)
    _logging()
    console.print("Zan Watch scheduler: SIGTERM or Ctrl-C stops it.")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run_scheduler(cfg, db, timing(cfg, interval_seconds, delivery_seconds), stop)

    asyncio.run(main())
    console.print("Stopped.")


QUEUE_STATUSES = {"todo": "queued", "doing": "running", "failed": "failed"}


def queue_state(db: Database) -> Table | str | None:
    """For `zanwatch status` on PostgreSQL: the queue's jobs per task (None on SQLite, which has no queue)."""
    if db.engine.dialect.name != "postgresql":
        return None
    from rich.table import Table

    from storage.queue import job_counts

    counts = job_counts(db)
    if not counts:
        return "Queue: no job waiting, running or failed."
    table = Table("queued task", *QUEUE_STATUSES.values())
    for task, by_status in sorted(counts.items()):
        table.add_row(task.removeprefix("zanwatch:"), *(str(by_status.get(s, 0)) for s in QUEUE_STATUSES))
    return table

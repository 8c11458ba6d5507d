"""On PostgreSQL, the daemon splits in two: a scheduler decides *when* (and queues tasks), workers decide
*who* (any number of `zanwatch worker` processes on any machines run them). The queue is procrastinate's.

- A check's job has the lock `check:<key>/<language>`: procrastinate never starts a job while another
  with the same lock runs, so a document is never checked twice at once, by any worker. The same string
  is its queueing lock, so a document waits in the queue at most once.
- A backfill holds its document's check lock too: it never runs alongside a check of the same source.
- A delivery round and the digests share the lock `deliver`: one at a time, as in the daemon.
- Every hour the workers queue a clean-up (a periodic task, deferred once whichever worker gets there
  first) that drops failed jobs older than FAILED_KEPT_HOURS.
- A failed task is retried with backoff; a worker that dies (SIGKILL, lost machine) stops its heartbeat,
  and the scheduler hands its running jobs back to the queue for another worker.
- One scheduler is active (a PostgreSQL advisory lock); standbys try to take over every tick. Two active
  schedulers would still be harmless — the queueing locks refuse a second copy of a waiting task.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import procrastinate
import psycopg
from procrastinate import builtin_tasks, exceptions, jobs
from procrastinate.schema import SchemaManager

from scrapers.sites.adilet import AdiletSite
from storage import queue as storage_queue
from storage.db import Database
from tracker.config import Settings
from tracker.drafts import LANGUAGE as DRAFT_LANGUAGE
from tracker.drafts import LIST_KEY
from tracker.errors import InputError
from tracker.keys import parse_key
from tracker.schedule import DIGESTS, Timing, digest_trigger, is_checked
from tracker.work import Work

log = logging.getLogger("zanwatch.queue")

CHECKS, DELIVERY = "checks", "delivery"
DELIVER_LOCK = "deliver"
STALLED_HEARTBEATS = 3
"""A worker silent for this many heartbeats is taken for dead."""
DEFER_BATCH = 1000
RETRY = procrastinate.RetryStrategy(max_attempts=5, exponential_wait=2)
FAILED_KEPT_HOURS = 14 * 24
"""How long a failed job stays in the queue's table for `zanwatch status` and a look at its error."""


def _work(context: procrastinate.JobContext) -> Work:
    work: Work = context.additional_context["work"]
    return work


def check(context: procrastinate.JobContext, key: str, language: str) -> None:
    _work(context).check(key, language)


def backfill(context: procrastinate.JobContext, key: str, language: str, since: str | None) -> None:
    _work(context).backfill(key, language, date.fromisoformat(since) if since else None)


def drafts(context: procrastinate.JobContext) -> None:
    _work(context).follow_drafts()


def deliver(context: procrastinate.JobContext) -> None:
    _work(context).deliver()


def digest(context: procrastinate.JobContext, period: str) -> None:
    _work(context).send_digests(period)


async def cleanup(context: procrastinate.JobContext, timestamp: int) -> None:
    """Finished jobs that were kept (failed, cancelled, aborted) go once older than the retention period;
    successful ones are deleted when they end."""
    await builtin_tasks.remove_old_jobs(
        context, max_hours=FAILED_KEPT_HOURS, remove_failed=True, remove_cancelled=True, remove_aborted=True
    )


def _tasks() -> procrastinate.Blueprint:
    """The tasks, in a blueprint of their own for each app: an app renames the tasks it takes (adding its
    namespace), so one blueprint shared by two apps in a process would name them twice."""
    bp = procrastinate.Blueprint()
    for name, queue, func in (
        ("check", CHECKS, check),
        ("backfill", CHECKS, backfill),
        ("drafts", CHECKS, drafts),
        ("deliver", DELIVERY, deliver),
        ("digest", DELIVERY, digest),
    ):
        bp.task(name=name, queue=queue, pass_context=True, retry=RETRY)(func)
    every_hour = bp.periodic(cron="17 * * * *", periodic_id="hourly")
    every_hour(bp.task(name="cleanup", queue=DELIVERY, pass_context=True, queueing_lock="cleanup")(cleanup))
    return bp


CHECK_LOCK = "check:"


def check_lock(key: str, language: str) -> str:
    return f"{CHECK_LOCK}{key}/{language}"


def require_postgresql(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        raise InputError(
            "the task queue needs PostgreSQL (set database.url or ZANWATCH_DB to postgresql://…); "
            "on SQLite `zanwatch run` does all the work in one process"
        )


def app_for(db: Database) -> procrastinate.App:
    """The queue on `db`, its schema installed; PostgreSQL only."""
    require_postgresql(db)
    storage_queue.install_schema(db, SchemaManager.get_schema())
    app = procrastinate.App(connector=_connector(db))
    app.add_tasks_from(_tasks(), namespace="zanwatch")
    return app


def _connector(db: Database) -> procrastinate.PsycopgConnector:
    return procrastinate.PsycopgConnector(conninfo=storage_queue.conninfo(db), min_size=1, max_size=4)


def run_worker(settings: Settings, db: Database, concurrency: int) -> None:
    """Run jobs until SIGTERM or SIGINT. Then fetches in flight are cancelled, so the running jobs end
    within seconds: a check cut short records nothing and goes back to the queue as a retry."""
    app = app_for(db)
    work = Work(settings, db)
    beat = settings.queue.heartbeat_seconds

    async def main() -> None:
        async with app.open_async():
            worker = asyncio.create_task(
                app.run_worker_async(
                    concurrency=concurrency,
                    additional_context={"work": work},
                    update_heartbeat_interval=beat,
                    stalled_worker_timeout=beat * STALLED_HEARTBEATS,
                    delete_jobs=jobs.DeleteJobCondition.SUCCESSFUL,
                    install_signal_handlers=False,
                )
            )

            def stop() -> None:
                work.cancel()
                worker.cancel()  # procrastinate stops fetching jobs and waits for the running ones

            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop)
            try:
                await worker
            except asyncio.CancelledError:
                pass

    try:
        asyncio.run(main())
    finally:
        work.close()


class Planner:
    """What the active scheduler queues on each tick."""

    def __init__(self, settings: Settings, db: Database, app: procrastinate.App, timing: Timing):
        self.settings = settings
        self.db = db
        self.app = app
        self.timing = timing
        self.next_delivery = 0.0
        now = datetime.now(UTC)
        self.next_digest = {p: digest_trigger(settings, p).get_next_fire_time(None, now) for p in DIGESTS}

    async def tick(self) -> None:
        await self.queue_checks()
        if time.monotonic() >= self.next_delivery:
            self.next_delivery = time.monotonic() + self.timing.delivery_s
            await self._defer_once(
                self._task("deliver").configure(lock=DELIVER_LOCK, queueing_lock="deliver")
            )
        now = datetime.now(UTC)
        for period, fire in self.next_digest.items():
            if fire is not None and fire <= now:
                self.next_digest[period] = digest_trigger(self.settings, period).get_next_fire_time(fire, now)
                deferrer = self._task("digest").configure(lock=DELIVER_LOCK, queueing_lock=f"digest:{period}")
                await self._defer_once(deferrer, period=period)
        await self.requeue_stalled()

    async def queue_checks(self) -> int:
        """Queue every enabled source whose last check is older than the interval and that is not waiting
        or running already; return how many were queued."""
        due = await asyncio.to_thread(self._due_checks)
        await defer_checks(self.app, due)
        if self.settings.drafts.keywords and due_drafts(self.db, self.timing):
            await self._defer_once(self._task("drafts").configure(lock="drafts", queueing_lock="drafts"))
        if due:
            log.info("queued %d checks", len(due))
        return len(due)

    def _due_checks(self) -> list[tuple[str, str]]:
        due = storage_queue.due_sources(self.db, _since(self.timing), CHECK_LOCK)
        return [(key, lang) for key, lang in due if is_checked(key)]

    async def requeue_stalled(self) -> None:
        """Hand the running jobs of dead workers back to the queue. One whose twin already waits there (a
        delivery round queued meanwhile) is dropped instead: the twin does the same work."""
        manager = self.app.job_manager
        silent = self.settings.queue.heartbeat_seconds * STALLED_HEARTBEATS
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=silent):
            try:
                await manager.retry_job(job)
            except exceptions.UniqueViolation:
                await manager.finish_job(job, status=jobs.Status.ABORTED, delete_job=True)
                log.warning("dropped %s from a worker that stopped answering: queued again", job.call_string)
            else:
                log.warning("requeued %s from a worker that stopped answering", job.call_string)

    def _task(self, name: str) -> procrastinate.tasks.Task[Any, Any, Any]:
        return self.app.tasks[f"zanwatch:{name}"]

    async def _defer_once(self, deferrer: jobs.JobDeferrer, **kwargs: Any) -> None:
        try:
            await deferrer.defer_async(**kwargs)
        except exceptions.AlreadyEnqueued:
            pass


async def defer_checks(app: procrastinate.App, sources: list[tuple[str, str]]) -> None:
    """Queue a check of each (key, language), each under its document's lock; a source already waiting
    in the queue is skipped (its queueing lock refuses a second copy)."""
    task = app.tasks["zanwatch:check"]
    batch = [
        task.configure(lock=check_lock(k, lang), queueing_lock=check_lock(k, lang)).make_new_job(
            key=k, language=lang
        )
        for k, lang in sources
    ]
    for start in range(0, len(batch), DEFER_BATCH):
        chunk = batch[start : start + DEFER_BATCH]
        try:
            await app.job_manager.batch_defer_jobs_async(chunk)
        except exceptions.AlreadyEnqueued:  # some are waiting already: queue the others one by one
            for job in chunk:
                try:
                    await app.job_manager.defer_job_async(job)
                except exceptions.AlreadyEnqueued:
                    pass


def queue_backfill(db: Database, key: str, languages: tuple[str, ...], since: date | None) -> bool:
    """Queue a backfill of each language for the workers, under its document's check lock (a check and a
    backfill of one document never run at once); False when the queue is not in use — SQLite, or a
    PostgreSQL database no worker or scheduler has used — and the caller backfills in its own process."""
    if db.engine.dialect.name != "postgresql" or not storage_queue.installed(db):
        return False
    if parse_key(key)[0] != AdiletSite.name:
        return False  # no /history to read: backfill() itself says so, in one line
    app = app_for(db)

    async def defer() -> None:
        async with app.open_async():
            task = app.tasks["zanwatch:backfill"]
            for language in languages:
                lock = check_lock(key, language)
                deferrer = task.configure(lock=lock, queueing_lock=f"backfill:{key}/{language}")
                try:
                    await deferrer.defer_async(
                        key=key, language=language, since=since.isoformat() if since else None
                    )
                except exceptions.AlreadyEnqueued:
                    pass

    asyncio.run(defer())
    return True


def _since(timing: Timing) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=timing.check_s)


def due_drafts(db: Database, timing: Timing) -> bool:
    return f"{LIST_KEY}/{DRAFT_LANGUAGE}" not in storage_queue.checked_since(db, _since(timing))


async def run_scheduler(settings: Settings, db: Database, timing: Timing, stop: asyncio.Event) -> None:
    """Lead when no other scheduler does; otherwise stand by and try again every tick. A database that
    cannot be reached is retried every tick too."""
    app = app_for(db)
    tick = settings.queue.tick_seconds
    async with app.open_async():
        while not stop.is_set():
            try:
                leadership = await asyncio.to_thread(storage_queue.Leadership, db)
            except psycopg.Error as exc:
                log.error("cannot reach the database: %s", " ".join(str(exc).split()))
                await _sleep(stop, tick)
                continue
            try:
                await _lead_or_stand_by(leadership, Planner(settings, db, app, timing), stop, tick)
            finally:
                leadership.close()


async def _lead_or_stand_by(
    leadership: storage_queue.Leadership, planner: Planner, stop: asyncio.Event, tick: float
) -> None:
    """Returns when stopped or when the lock's connection is lost (the caller opens a fresh one)."""
    standing_by = False
    while not stop.is_set():
        if await asyncio.to_thread(leadership.acquire):
            log.info("active: this scheduler queues the work")
            while not stop.is_set() and await asyncio.to_thread(leadership.held):
                try:
                    await planner.tick()
                except Exception:
                    log.exception("scheduler tick failed; retrying next tick")
                await _sleep(stop, tick)
            if not stop.is_set():
                log.warning("lost the scheduler lock: standing by")
            return
        if not standing_by:
            log.info("standby: another scheduler is active")
            standing_by = True
        await _sleep(stop, tick)


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass

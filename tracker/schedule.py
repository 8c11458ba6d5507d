"""The daemon's timetable (APScheduler 3): a check per watched document and language, the drafts portal,
the delivery loop and the digests on cron in Asia/Almaty.

Checks and drafts share one worker and one fetcher, so the per-host rate limit holds and SQLite sees one
writer; delivery has its own worker, so a slow site never delays a webhook, and the daily digest job and
the delivery loop never send the same digest twice. A stop lets the running job finish its transaction
and skips whatever was still queued.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scrapers.sites import site_class
from storage import watchlist
from storage.db import Database
from storage.models import SourceHealth
from tracker.config import Settings
from tracker.drafts import LANGUAGE as DRAFT_LANGUAGE
from tracker.drafts import LIST_KEY
from tracker.errors import ZanWatchError
from tracker.keys import parse_key
from tracker.model import Watch
from tracker.work import Work

log = logging.getLogger("zanwatch.schedule")

DELIVERY_INTERVAL_S = 30.0
WATCHLIST_SYNC_S = 60.0
"""How soon a `watch add` made while the daemon runs gets its own check job."""
DIGESTS = ("daily", "weekly")


@dataclass(frozen=True)
class Timing:
    check_s: float
    jitter_s: float
    delivery_s: float = DELIVERY_INTERVAL_S


def timing(settings: Settings, check_s: float | None = None, delivery_s: float | None = None) -> Timing:
    """The configured cadence, or an override (tests and demos against local replays); jitter never
    exceeds half an interval."""
    interval = check_s or settings.schedule.check_interval_minutes * 60.0
    return Timing(
        interval, min(settings.schedule.jitter_seconds, interval / 2), delivery_s or DELIVERY_INTERVAL_S
    )


def checked_sources(watches: Iterable[Watch]) -> list[tuple[str, str]]:
    """(key, language) of every enabled watch whose site is followed by `check` (drafts sites are followed
    by the drafts job instead)."""
    return [(w.key, lang) for w in watches if w.enabled and is_checked(w.key) for lang in w.languages]


def is_checked(key: str) -> bool:
    """Is this document's site followed by `check` (not by the drafts job)?"""
    source, _ = parse_key(key)
    return site_class(source).followed_by == "check"


def digest_trigger(settings: Settings, period: str) -> CronTrigger:
    expr = settings.schedule.daily_digest_cron if period == "daily" else settings.schedule.weekly_digest_cron
    return CronTrigger.from_crontab(expr, timezone=ZoneInfo(settings.schedule.timezone))


class Daemon:
    """Owns the scheduler and the work it runs in this process."""

    def __init__(self, settings: Settings, db: Database, *, timing: Timing):
        self.settings = settings
        self.db = db
        self.timing = timing
        self.work = Work(settings, db)
        self.stopping = threading.Event()
        self.scheduler = BackgroundScheduler(
            executors={
                "default": ThreadPoolExecutor(1),
                "checks": ThreadPoolExecutor(1),
                "delivery": ThreadPoolExecutor(1),
            },
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(1, int(timing.check_s / 2)),
            },
            timezone=ZoneInfo(settings.schedule.timezone),
        )

    def start(self) -> None:
        now = datetime.now(UTC)
        self.sync_watches()
        if self.settings.drafts.keywords:
            self._every(
                self.timing.check_s, "drafts", self.work.follow_drafts, "checks", self.timing.jitter_s
            )
        self._every(self.timing.delivery_s, "deliver", self.work.deliver, "delivery")
        for period in DIGESTS:
            self.scheduler.add_job(
                self._guarded(f"digest:{period}", partial(self.work.send_digests, period)),
                digest_trigger(self.settings, period),
                id=f"digest:{period}",
                executor="delivery",
            )
        self.scheduler.add_job(
            self._guarded("watchlist", self.sync_watches),
            IntervalTrigger(seconds=WATCHLIST_SYNC_S),
            id="watchlist",
            next_run_time=now + timedelta(seconds=WATCHLIST_SYNC_S),
        )
        self.scheduler.start()

    def stop(self) -> None:
        """Cancel fetches in flight (nothing is written before a body is complete, so nothing is lost), let
        the running job finish its transaction, skip the rest."""
        self.stopping.set()
        self.work.cancel()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.work.close()

    def sync_watches(self) -> None:
        """One check job per enabled watched document and language, matching the watch list now."""
        with self.db.transaction() as session:
            wanted = {
                f"check:{key}/{lang}": (key, lang)
                for key, lang in checked_sources(watchlist.all_watches(session))
            }
        for job in self.scheduler.get_jobs():
            if job.id.startswith("check:") and job.id not in wanted:
                job.remove()
        for job_id, (key, lang) in wanted.items():
            if self.scheduler.get_job(job_id) is None:
                check = partial(self.work.check, key, lang)
                self._every(self.timing.check_s, job_id, check, "checks", self.timing.jitter_s)

    def _every(
        self, seconds: float, job_id: str, fn: Callable[[], object], executor: str, jitter: float = 0
    ) -> None:
        """An interval job whose first run is now: a restarted daemon catches up at once."""
        self.scheduler.add_job(
            self._guarded(job_id, fn),
            IntervalTrigger(seconds=seconds, jitter=int(jitter) or None),
            id=job_id,
            executor=executor,
            next_run_time=datetime.now(UTC),
        )

    def _guarded(self, name: str, fn: Callable[[], object]) -> Callable[[], None]:
        """A job that does nothing once a stop is asked for, and turns a failure into one log line."""

        def job() -> None:
            if self.stopping.is_set():
                return
            try:
                fn()
            except ZanWatchError as exc:
                log.error("%s: %s", name, exc)
            except Exception:
                log.exception("%s failed", name)

        return job


def utc(when: datetime) -> datetime:
    """SQLite hands stored UTC times back without a zone."""
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass(frozen=True)
class PlannedRun:
    job: str
    at: datetime


def next_runs(
    settings: Settings,
    watches: Iterable[Watch],
    health: Iterable[SourceHealth],
    now: datetime,
    interval_s: float | None = None,
) -> list[PlannedRun]:
    """When the daemon will next run each job, from the last recorded checks and the schedule; soonest first.
    An overdue check is due now."""
    interval = timedelta(seconds=timing(settings, interval_s).check_s)
    last = {h.key: h.last_check_at for h in health}

    def after_last(name: str) -> datetime:
        when = last.get(name)
        return max(now, utc(when) + interval) if when else now

    runs = [
        PlannedRun(f"check {key}/{lang}", after_last(f"{key}/{lang}"))
        for key, lang in checked_sources(watches)
    ]
    if settings.drafts.keywords:
        runs.append(PlannedRun("drafts", after_last(f"{LIST_KEY}/{DRAFT_LANGUAGE}")))
    for period in DIGESTS:
        fire = digest_trigger(settings, period).get_next_fire_time(None, now)
        if fire is not None:
            runs.append(PlannedRun(f"digest {period}", fire.astimezone(UTC)))
    return sorted(runs, key=lambda r: r.at)

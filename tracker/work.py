"""The work itself: a check of one document and language, a backfill of its past editions, a pass over the
drafts portal, a delivery round, a digest run. The in-process daemon (`zanwatch run`, tracker/schedule.py)
and the queue's workers (`zanwatch worker`, tracker/queue.py) call these same methods; only *when* and
*who* differ.
"""

from __future__ import annotations

import logging
from datetime import date

from scrapers.parliament import MazhilisSource
from scrapers.sites.mazhilis import MazhilisSite
from storage.db import Database
from tracker import notify
from tracker.backfill import backfill
from tracker.config import Settings
from tracker.drafts import BillFollower, DraftFollower, almaty_today, review
from tracker.errors import FetchError
from tracker.notify import digests
from tracker.pipeline import Checker, CheckResult

log = logging.getLogger("zanwatch.work")


class Work:
    """One checker, fetcher and drafts follower per process, shared by its threads: on PostgreSQL the
    fetcher's rate limit and circuit breaker are shared with every other process too."""

    def __init__(self, settings: Settings, db: Database):
        self.settings = settings
        self.db = db
        self.checker = Checker(settings, db)
        self.drafts = DraftFollower(
            settings, db, fetcher=self.checker.fetcher, recorder=self.checker.recorder
        )
        self.bills = BillFollower(
            settings, db, MazhilisSource(self.checker.fetcher, settings.site(MazhilisSite).config.base_url)
        )

    def check(self, key: str, language: str) -> CheckResult:
        r = self.checker.check(key, language)
        log.info(
            "check %s/%s: %s%s%s",
            key,
            language,
            r.outcome,
            f" #{r.seq}" if r.seq else "",
            f" ({r.reason})" if r.reason else "",
        )
        return r

    def backfill(self, key: str, language: str, since: date | None = None) -> None:
        """adilet's past editions of the document, paced by this process's fetcher. Dated pages left unread
        raise, so that the queue retries the (idempotent) backfill for them."""
        result = backfill(
            self.db,
            self.settings,
            key,
            language,
            since,
            fetcher=self.checker.fetcher,
            rules=self.checker.recorder.rules,
        )
        log.info("backfill %s", result.line())
        if result.skipped:
            raise FetchError(
                f"{key}/{language}: {len(result.skipped)} dated pages not recorded: "
                + "; ".join(result.skipped)
            )

    def follow_drafts(self) -> None:
        """The portal, then parliament (a bill joins the portal draft of its text), then stale drafts."""
        portal, bills = self.drafts.follow(), self.bills.follow()
        stale = review(self.settings, self.db, almaty_today(self.settings))
        log.info(
            "drafts: %d on the portal, %d in parliament, %d newly stale", len(portal), len(bills), len(stale)
        )

    def deliver(self) -> None:
        summary = notify.deliver_once(self.settings, self.db)
        log.info("deliver: %s", summary.line())

    def send_digests(self, period: str) -> None:
        summary = digests.send_digests(self.settings, self.db, period=period)
        log.info("digest %s: %d sent, %d failed", period, summary.sent, summary.failed)

    def cancel(self) -> None:
        """Stop fetches in flight: the process is stopping (a half-read page is simply not recorded)."""
        self.checker.fetcher.cancel()

    def close(self) -> None:
        self.checker.fetcher.close()

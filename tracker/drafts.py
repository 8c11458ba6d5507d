"""Drafts on the legalacts.egov.kz portal, and drafts that experts receive as files.

A draft is the document `legalacts:<id>`: each version is recorded through the same `Recorder` as an
adilet edition, so versions diff article by article and are flagged like laws. What was announced is read
back from the outbox, so following is idempotent without extra state: `draft.published` once per draft,
`draft.deadline_approaching` once per draft and deadline (an extended deadline is warned about again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scrapers import files
from scrapers.legalacts import DraftCard, DraftSummary, LegalactsSource, PageFetcher, card_url, draft_page
from storage import editions, health
from storage import events as outbox
from storage.db import Database
from tracker import structure
from tracker.config import Settings
from tracker.errors import ParseError, ZanWatchError
from tracker.keys import check_languages, parse_key
from tracker.notify import events
from tracker.pipeline import CheckResult, Recorder, polite_fetcher

log = logging.getLogger("zanwatch.drafts")

LANGUAGE = "rus"
"""Drafts are read in Russian (`egovLang=ru`), the language the portal fills most completely."""
LIST_KEY = "legalacts:list"
"""The health row of the portal's list pages: a failing list degrades like a failing document."""


@dataclass(frozen=True)
class DraftResult:
    key: str
    outcome: str  # new_edition | unchanged | listed (no card read) | error
    seq: int | None = None
    changes: int = 0
    announced: tuple[str, ...] = ()
    reason: str = ""


def almaty_today(settings: Settings) -> date:
    """Deadlines are calendar days in Kazakhstan, not in UTC."""
    return datetime.now(ZoneInfo(settings.schedule.timezone)).date()


class DraftFollower:
    """Finds drafts by keyword and records each one's versions and announcements.

    Cards are read only with `drafts.follow_cards` (robots.txt disallows them); without it a draft is
    known from its list entry alone: it is announced and its deadline watched, but it has no text.
    """

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        fetcher: PageFetcher | None = None,
        recorder: Recorder | None = None,
        today: Callable[[], date] | None = None,
    ):
        self.settings = settings
        self.db = db
        self.source = LegalactsSource(
            fetcher or polite_fetcher(settings, db),
            settings.drafts.base_url,
            follow_cards=settings.drafts.follow_cards,
        )
        self.recorder = recorder or Recorder(settings)
        self.today = today or (lambda: almaty_today(settings))

    def follow(self) -> list[DraftResult]:
        """One pass over the portal: every matching draft, each in its own transaction."""
        try:
            found = self.source.matching(self.settings.drafts.keywords)
        except ZanWatchError as exc:
            self._failed(LIST_KEY, str(exc))
            return [DraftResult(LIST_KEY, "error", reason=str(exc))]
        with self.db.transaction() as session:
            health.succeeded(session, LIST_KEY, LANGUAGE)
        return [self.follow_one(summary) for summary in found]

    def follow_one(self, summary: DraftSummary) -> DraftResult:
        key = f"legalacts:{summary.id}"
        try:
            versions = self._versions(key, summary.id) if self.source.follow_cards else []
        except ZanWatchError as exc:
            self._failed(key, str(exc))
            return DraftResult(key, "error", reason=str(exc))
        with self.db.transaction() as session:
            result = None
            for card, paragraphs in versions:
                doc = structure.build(draft_page(card, paragraphs, LANGUAGE))
                result = self.recorder.record(
                    session,
                    key,
                    LANGUAGE,
                    doc,
                    origin="draft",
                    edition_date=card.created,
                    notify=card is versions[-1][0],
                )
            draft = _draft(versions[-1][0], self.source.base_url) if versions else _listed(summary)
            announced = self._announce(session, key, draft)
            if versions:
                health.succeeded(session, key, LANGUAGE)
        if result is None:
            return DraftResult(key, "listed", announced=announced)
        return DraftResult(key, result.outcome, result.seq, result.changes, announced)

    def _versions(self, key: str, draft_id: str) -> list[tuple[DraftCard, list[str]]]:
        """The current card with its text; on first sight also the earlier versions, oldest first, so the
        first recorded change is already a diff between versions."""
        card = self.source.card(draft_id)
        with self.db.transaction() as session:
            seen = editions.latest_edition(session, key, LANGUAGE) is not None
        earlier = [] if seen else [self.source.history(v) for v in card.previous_versions]
        earlier.sort(key=lambda c: c.version or 0)
        return [(c, self.source.text(c)) for c in [*earlier, card]]

    def _announce(self, session: Session, key: str, draft: dict[str, Any]) -> tuple[str, ...]:
        document = {"key": key, "title": draft["title"], "language": LANGUAGE, "url": draft["url"]}
        sent = []
        if not _announced(session, key, "draft.published"):
            events.publish(session, events.draft_published(document, draft))
            sent.append("draft.published")
        deadline: date | None = draft["deadline"]
        if deadline is not None:
            days_left = (deadline - self.today()).days
            warned = {p["draft"]["deadline"] for p in _announced(session, key, "draft.deadline_approaching")}
            if 0 <= days_left <= self.settings.drafts.deadline_warning_days and (
                deadline.isoformat() not in warned
            ):
                events.publish(session, events.draft_deadline(document, draft, days_left))
                sent.append("draft.deadline_approaching")
        return tuple(sent)

    def _failed(self, key: str, reason: str) -> None:
        """Count the failure; the operator hears once, when the count reaches the degraded threshold."""
        log.warning("drafts %s: %s", key, reason)
        with self.db.transaction() as session:
            failures = health.failed(session, key, LANGUAGE, "error", reason)
            if failures == self.settings.schedule.degraded_after_failures:
                health.mark_degraded(session, key, LANGUAGE)
                document = {"key": key, "title": "", "language": LANGUAGE, "url": self.source.base_url}
                events.publish(session, events.source_degraded(document, "legalacts", reason, failures))


def _announced(session: Session, key: str, type: str) -> list[dict[str, Any]]:
    return [e.payload for e in outbox.after(session, 0, types=[type]) if e.document_key == key]


def _draft(card: DraftCard, base_url: str) -> dict[str, Any]:
    return {
        "id": card.id,
        "title": card.title,
        "status": card.status,
        "developer": card.developer or card.agency,
        "created": card.created,
        "deadline": card.deadline,
        "url": card_url(base_url, card.id),
        "version": card.version,
    }


def _listed(summary: DraftSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "title": summary.title,
        "status": summary.status,
        "developer": "",
        "created": summary.created,
        "deadline": summary.deadline,
        "url": summary.url,
        "version": None,
    }


def import_file(
    settings: Settings,
    db: Database,
    path: Path,
    key: str,
    *,
    language: str = "rus",
    edition_date: date | None = None,
    recorder: Recorder | None = None,
) -> CheckResult:
    """Record a local HTML, text or DOCX file as the next edition of `key` (a draft version for
    `legalacts:` keys), keeping the file as a snapshot, all in one transaction."""
    parse_key(key)
    check_languages((language,))
    page = files.read_file(path, language)
    doc = structure.build(page)
    if not doc.provisions:
        raise ParseError(f"{path}: no text found to record; is it the right file?")
    body = path.read_bytes()
    with db.transaction() as session:
        snapshot_id = editions.save_snapshot(
            session, key, language, path.resolve().as_uri(), outcome="ok", body=body
        )
        return (recorder or Recorder(settings)).record(
            session,
            key,
            language,
            doc,
            origin="import",
            snapshot_id=snapshot_id,
            edition_date=edition_date,
        )

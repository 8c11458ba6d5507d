"""Following drafts: on the legalacts.egov.kz portal, in parliament, and as files experts receive.

A portal draft's text is the document `legalacts:<id>`: each version is recorded through the same `Recorder`
as an adilet edition, so versions diff article by article and are flagged like laws. Every source's
sighting goes to `tracker.stages`, which keeps one draft per text and announces its moves. What was
announced is read back from the outbox, so following is idempotent: `draft.published` once per draft,
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

from scrapers import files, legalacts
from scrapers.legalacts import DraftCard, DraftSummary, LegalactsSource, PageFetcher, card_url, draft_page
from scrapers.parliament import Bill, BillSource
from scrapers.sites.legalacts import LegalactsSite
from storage import drafts as store
from storage import editions, health
from storage import events as outbox
from storage.db import Database
from tracker import stages, structure
from tracker.config import Settings
from tracker.errors import InputError, ParseError, ZanWatchError
from tracker.keys import check_languages, parse_key
from tracker.model import Sighting
from tracker.normalize import normalize
from tracker.notify import events
from tracker.pipeline import CheckResult, Recorder, polite_fetcher, shrink_reason

log = logging.getLogger("zanwatch.drafts")

LANGUAGE = "rus"
"""Drafts are read in Russian (`egovLang=ru`), the language the portal fills most completely."""
LIST_KEY = "legalacts:list"
"""The health row of the portal's list pages: a failing list degrades like a failing document."""
BILL_PAGES = 10
BILL_PAGE_SIZE = 50
"""Parliament's register is read newest first, up to this many bills a pass."""


@dataclass(frozen=True)
class DraftResult:
    key: str
    outcome: str  # new_edition | unchanged | listed (no card read) | error
    seq: int | None = None
    changes: int = 0
    announced: tuple[str, ...] = ()
    reason: str = ""
    language: str = LANGUAGE


def almaty_today(settings: Settings) -> date:
    """Deadlines are calendar days in Kazakhstan, not in UTC."""
    return datetime.now(ZoneInfo(settings.schedule.timezone)).date()


class DraftFollower:
    """Finds drafts by keyword and records each one's versions and announcements.

    Cards are read only with `[sources.legalacts] follow_cards` (robots.txt disallows them); without it a
    draft is known from its list entry alone: it is announced and its deadline watched, but it has no text.
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
        fetcher = fetcher or polite_fetcher(settings, db)
        portal = settings.site(LegalactsSite).config
        self.sources = [
            LegalactsSource(fetcher, portal.base_url, follow_cards=portal.follow_cards, language=language)
            for language in settings.drafts.languages
        ]
        self.recorder = recorder or Recorder(settings)
        self.today = today or (lambda: almaty_today(settings))

    def follow(self) -> list[DraftResult]:
        """One pass over the portal's list pages in each language (`egovLang=ru`, then `kk`), keywords of
        both languages alike; every matching draft in its own transaction. A draft the Russian pass found
        takes its stage from the Russian card; the Kazakh pass records its Kazakh text."""
        results: list[DraftResult] = []
        found_in_russian: set[str] = set()
        for source in self.sources:
            try:
                found = source.matching(self.settings.drafts.keywords)
            except ZanWatchError as exc:
                self._failed(source, LIST_KEY, str(exc))
                results.append(DraftResult(LIST_KEY, "error", reason=str(exc), language=source.language))
                continue
            with self.db.transaction() as session:
                health.succeeded(session, LIST_KEY, source.language)
            for summary in found:
                results.append(self.follow_one(source, summary, observe=summary.id not in found_in_russian))
            if source.language == LANGUAGE:
                found_in_russian = {summary.id for summary in found}
        return results

    def follow_one(
        self, source: LegalactsSource, summary: DraftSummary, *, observe: bool = True
    ) -> DraftResult:
        """Record a draft's new versions in the source's language; `observe` lets this sighting set its
        stage (not when the Russian pass already did, so the two languages' status words never alternate)."""
        key, language = f"legalacts:{summary.id}", source.language
        try:
            versions = self._versions(source, key, summary.id) if source.follow_cards else []
        except ZanWatchError as exc:
            self._failed(source, key, str(exc))
            return DraftResult(key, "error", reason=str(exc), language=language)
        with self.db.transaction() as session:
            draft = _draft(versions[-1][0], source.base_url) if versions else _listed(summary)
            known = store.by_source(session, key)
            if observe or known is None:
                observed = stages.observe(session, _sighting(key, draft), self.today())
                known, announced = observed.draft, observed.announced
            else:
                announced = ()
            draft.update(stage=known.stage, draft_id=known.id)
            result = None
            for card, paragraphs in versions:
                doc = structure.build(draft_page(card, paragraphs, language))
                result = self.recorder.record(
                    session,
                    key,
                    language,
                    doc,
                    origin="draft",
                    edition_date=card.created,
                    notify=card is versions[-1][0],
                    draft=draft,
                )
            if result is not None and result.outcome == "new_edition" and result.seq != 1:
                stages.moved(session, key, self.today())
            announced += self._announce(session, key, draft, language)
            if versions:
                health.succeeded(session, key, language)
        if result is None:
            return DraftResult(key, "listed", announced=announced, language=language)
        return DraftResult(key, result.outcome, result.seq, result.changes, announced, language=language)

    def _versions(
        self, source: LegalactsSource, key: str, draft_id: str
    ) -> list[tuple[DraftCard, list[str]]]:
        """The current card with its text; on first sight also the earlier versions, oldest first, so the
        first recorded change is already a diff between versions."""
        card = source.card(draft_id)
        with self.db.transaction() as session:
            seen = editions.latest_edition(session, key, source.language) is not None
        earlier = [] if seen else [source.history(v) for v in card.previous_versions]
        earlier.sort(key=lambda c: c.version or 0)
        return [(c, source.text(c)) for c in [*earlier, card]]

    def _announce(self, session: Session, key: str, draft: dict[str, Any], language: str) -> tuple[str, ...]:
        """`draft.published` once per draft, `draft.deadline_approaching` once per deadline, whichever
        language's pass saw it first."""
        document = {"key": key, "title": draft["title"], "language": language, "url": draft["url"]}
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

    def _failed(self, source: LegalactsSource, key: str, reason: str) -> None:
        _failed(self.settings, self.db, key, "legalacts", source.base_url, reason, source.language)


def _failed(
    settings: Settings, db: Database, key: str, site: str, url: str, reason: str, language: str = LANGUAGE
) -> None:
    """Count the failure; the operator hears once, when the count reaches the degraded threshold."""
    log.warning("drafts %s: %s", key, reason)
    with db.transaction() as session:
        failures = health.failed(session, key, language, "error", reason)
        if failures == settings.schedule.degraded_after_failures:
            health.mark_degraded(session, key, language)
            document = {"key": key, "title": "", "language": language, "url": url or None}
            events.publish(session, events.source_degraded(document, site, reason, failures))


class BillFollower:
    """Follows bills before parliament by keyword through a `BillSource` (the Mazhilis API now; a Kurultai
    adapter implements the same interface). A bill joins the portal draft of the same text; a bill that
    matches none is announced as a new draft."""

    def __init__(
        self, settings: Settings, db: Database, source: BillSource, *, today: Callable[[], date] | None = None
    ):
        self.settings = settings
        self.db = db
        self.source = source
        self.today = today or (lambda: almaty_today(settings))
        self.list_key = f"{source.site}:list"

    def follow(self) -> list[DraftResult]:
        try:
            bills = self._matching()
        except ZanWatchError as exc:
            _failed(self.settings, self.db, self.list_key, self.source.site, "", str(exc))
            return [DraftResult(self.list_key, "error", reason=str(exc))]
        results = []
        with self.db.transaction() as session:
            health.succeeded(session, self.list_key, LANGUAGE)
            for bill in bills:
                results.append(self._observe(session, bill))
        return results

    def _matching(self) -> list[Bill]:
        """Bills whose title contains a keyword, reading pages newest first until the register runs out."""
        stems = [normalize(k).casefold() for k in self.settings.drafts.keywords if k.strip()]
        found: list[Bill] = []
        for page in range(BILL_PAGES):
            bills = self.source.list_bills(limit=BILL_PAGE_SIZE, offset=page * BILL_PAGE_SIZE)
            found += [b for b in bills if any(s in normalize(b.title).casefold() for s in stems)]
            if len(bills) < BILL_PAGE_SIZE:
                break
        return found

    def _observe(self, session: Session, bill: Bill) -> DraftResult:
        key = f"{self.source.site}:{bill.id}"
        sighting = Sighting(key, bill.title, bill.status, bill.stage, bill.url)
        observed = stages.observe(session, sighting, self.today())
        announced = observed.announced
        if observed.new:
            document, draft = stages.describe(observed.draft)
            events.publish(session, events.draft_published(document, draft))
            announced += ("draft.published",)
        return DraftResult(key, "listed", announced=announced)


def review(settings: Settings, db: Database, today: date) -> list[int]:
    """After following: passed drafts are linked to the adilet act they became (and marked in force once
    its changes took effect), drafts that stopped moving get their `draft.stale`, initiatives still
    without a text their `initiative.waiting`. Returns the ids of the newly stale drafts."""
    with db.transaction() as session:
        stages.follow_to_law(session, today)
        stale = [d.id for d in stages.note_stale(session, settings.drafts, today)]
        stages.note_waiting(session, settings.drafts, today)
    return stale


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
        "stage": legalacts.stage(card.status, card.type, card.title),
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
        "stage": legalacts.stage(summary.status, title=summary.title),
    }


def _sighting(key: str, draft: dict[str, Any]) -> Sighting:
    return Sighting(
        key,
        draft["title"],
        draft["status"],
        draft["stage"],
        draft["url"],
        draft["developer"],
        draft["deadline"],
    )


def import_file(
    settings: Settings,
    db: Database,
    path: Path,
    key: str,
    *,
    language: str = "rus",
    edition_date: date | None = None,
    recorder: Recorder | None = None,
    force: bool = False,
) -> CheckResult:
    """Record a local HTML, text or DOCX file as the next edition of `key` (a draft version for
    `legalacts:` keys), keeping the file as a snapshot, all in one transaction. The gates a fetched page
    passes apply: a suspect page, or a text that lost most of the last edition, is refused (nothing is
    written) unless `force`."""
    source, ident = parse_key(key)
    check_languages((language,))
    body = files.read_checked(path, accept_suspect=force, ident=ident if source == "adilet" else None)
    doc = structure.build(files.parse_body(body, path, language))
    if not doc.provisions:
        raise ParseError(f"{path}: no text found to record; is it the right file?")
    recorder = recorder or Recorder(settings)
    with db.transaction() as session:
        previous = recorder.previous(session, key, language)
    latest = previous.latest.info if previous.latest else None
    if edition_date and latest and latest.edition_date and edition_date < latest.edition_date:
        raise InputError(
            f"{path}: dated {edition_date:%d.%m.%Y}, before edition {latest.seq} of {key} "
            f"({latest.edition_date:%d.%m.%Y}); an older text cannot follow a newer one"
        )
    shrunk = shrink_reason(previous.doc, doc) if previous.doc else None
    if shrunk and not force:
        raise ParseError(f"{path}: {shrunk} (`import --force` records it anyway)")
    if shrunk:
        log.warning("%s: %s; recorded anyway (--force)", path, shrunk)
    outcome = recorder.plan(
        previous,
        key,
        language,
        doc,
        origin="import",
        edition_date=edition_date,
        page=editions.Page(path.resolve().as_uri(), body),
    )
    with db.transaction() as session:
        return recorder.write(session, outcome)

"""Checking a watched document: fetch → gate → snapshot → parse → edition → diff → flags → events.

A check reads like that flow: the document's previous state is read once (`Recorder.previous`), the whole
outcome is computed in memory as plain values (`Recorder.plan` → `Outcome`), and storage writes it in one
transaction (`Recorder.write`), so a crash leaves nothing half-written and running the check again is
harmless. A suspect page is kept as a snapshot and never becomes an edition.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from scrapers.files import parse_body
from scrapers.http import Fetcher, Response
from scrapers.sites import Site
from scrapers.sites.adilet import AdiletSite
from storage import acts, editions, health, throttle, watchlist
from storage.db import Database
from storage.editions import Placement
from tracker import structure
from tracker.config import Settings
from tracker.diff import diff_documents
from tracker.errors import FetchError, InputError, NotFound
from tracker.model import ActRequisites, Amendment, Document, EditionInfo, ParsedPage
from tracker.normalize import squash
from tracker.notify import events
from tracker.render.json import change_to_dict
from tracker.rules.engine import RuleSet, load_rules
from tracker.timeline import act_key, mentions, relative_rule, today_in
from tracker.web import links

SHRINK_LIMIT = 0.5
"""A parse keeping less than this share of the previous edition's articles or text is suspect."""


@dataclass(frozen=True)
class CheckResult:
    key: str
    language: str
    outcome: str  # new_edition | unchanged | not_modified | suspect | error
    seq: int | None = None
    changes: int = 0
    flags: int = 0
    reason: str = ""


def polite_fetcher(settings: Settings, db: Database) -> Fetcher:
    """A fetcher whose per-host rate limit and circuit breaker are shared by every process using `db`
    (PostgreSQL), or its own (SQLite)."""
    return Fetcher(settings.politeness, throttle=throttle.for_database(db))


@dataclass(frozen=True)
class Previous:
    """A document's stored state, read once before anything is decided: its latest edition (with the
    content hash that says whether a text is new) rebuilt as a document, and its watch-list tags."""

    latest: editions.Link | None
    doc: Document | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """Everything one look at a document learned, as plain values computed in memory from its `Previous`
    state: the page to keep, the requisites of acts read meanwhile, the edition to write (None when the
    content is unchanged) with its changes and flags, and the acts the text mentions as of `seen_on`. A
    fetch, an import, a draft version, a re-parse and a queued check all produce this shape;
    `Recorder.write` stores it in one transaction."""

    key: str
    language: str
    doc: Document
    previous: EditionInfo | None
    edition: Placement | None
    seen_on: date
    tags: tuple[str, ...]
    page: editions.Page | None = None
    requisites: Mapping[str, ActRequisites] = field(default_factory=dict)

    @property
    def seq(self) -> int | None:
        if self.edition is not None:
            return self.previous.seq + 1 if self.previous else 1
        return self.previous.seq if self.previous else None


class Recorder:
    """Turns a parsed document into an edition with its changes, flags and events (any source)."""

    def __init__(self, settings: Settings, rules: RuleSet | None = None):
        self.settings = settings
        self.rules = rules or load_rules(settings.rules.packs)
        self.today: Callable[[], date] = lambda: today_in(settings.schedule.timezone)
        """Kazakhstan's calendar day, for in-force dates; tests move it."""

    def previous(self, session: Session, key: str, language: str) -> Previous:
        latest = editions.latest_link(session, key, language)
        doc = editions.load_document(session, latest.info) if latest else None
        return Previous(latest, doc, tuple(tags_of(session, key)))

    def plan(
        self,
        previous: Previous,
        key: str,
        language: str,
        doc: Document,
        *,
        origin: str,
        snapshot_id: int | None = None,
        edition_date: date | None = None,
        fetched_at: datetime | None = None,
        seen_on: date | None = None,
        page: editions.Page | None = None,
        requisites: Mapping[str, ActRequisites] | None = None,
    ) -> Outcome:
        """The outcome of seeing `doc`, in memory: no database involved. `seen_on` is the day the page
        showed this (default today), `fetched_at` when a new edition was first seen (default now)."""
        edition = None
        if previous.latest is None or previous.latest.content_hash != editions.content_hash(doc):
            changes = diff_documents(previous.doc, doc) if previous.doc else []
            self.rules.apply(changes, document_key=key, language=language, tags=previous.tags)
            edition = Placement(
                doc,
                edition_date=edition_date,
                origin=origin,
                snapshot_id=snapshot_id,
                changes=changes,
                fetched_at=fetched_at,
            )
        return Outcome(
            key,
            language,
            doc,
            previous.latest.info if previous.latest else None,
            edition,
            seen_on or self.today(),
            previous.tags,
            page,
            requisites or {},
        )

    def record(
        self,
        session: Session,
        key: str,
        language: str,
        doc: Document,
        *,
        origin: str,
        snapshot_id: int | None = None,
        edition_date: date | None = None,
        fetched_at: datetime | None = None,
        notify: bool = True,
        seen_on: date | None = None,
        draft: dict[str, Any] | None = None,
    ) -> CheckResult:
        """Plan and write in one go, the previous state read in this transaction (imports, drafts,
        re-parses)."""
        outcome = self.plan(
            self.previous(session, key, language),
            key,
            language,
            doc,
            origin=origin,
            snapshot_id=snapshot_id,
            edition_date=edition_date,
            fetched_at=fetched_at,
            seen_on=seen_on,
        )
        return self.write(session, outcome, notify=notify, draft=draft)

    def write(
        self, session: Session, outcome: Outcome, *, notify: bool = True, draft: dict[str, Any] | None = None
    ) -> CheckResult:
        """Store an outcome: the page, the acts' requisites, the edition if its content changed, and the
        acts the text names either way (a new pending notice is news even when no article changed), then
        the events. For a draft version (`draft` describes it for events) subscribers also get
        `draft.version_added` with the diff from the version before. Raises Conflict when another
        edition was written since the previous state was read."""
        key, language, doc = outcome.key, outcome.language, outcome.doc
        for act_id, found in outcome.requisites.items():
            acts.save_info(session, act_id, found, url=self.act_url(act_id, language))
        edition = outcome.edition
        if outcome.page is not None:
            snapshot_id = editions.keep_page(session, key, language, outcome.page)
            edition = edition and dataclasses.replace(edition, snapshot_id=snapshot_id)
        if edition is not None:
            start = outcome.previous.seq + 1 if outcome.previous else 1
            # the first-seen time written is the one the events' links name
            edition = dataclasses.replace(edition, fetched_at=edition.fetched_at or datetime.now(UTC))
            editions.write_chain(session, key, language, start, [edition])
        today = self.today()
        named = mentions(doc)
        timeline = acts.record(
            session,
            key,
            language,
            named,
            seen_on=outcome.seen_on,
            urls={i: self.act_url(i, language) for i in {m.amendment.act_id for m in named} if i},
        )
        document = self._document(key, language, doc.title, list(outcome.tags))
        if notify:
            self._announce(session, document, timeline, today)
        if edition is None:
            return CheckResult(key, language, "unchanged", outcome.seq)
        seq = outcome.seq
        assert seq is not None
        changes = edition.changes or []
        flags = sum(len(c.flags) for c in changes)
        if notify:
            created = {
                "seq": seq,
                "date": edition.edition_date,
                "fetched_at": edition.fetched_at,
                "title": doc.title,
                "status": doc.status,
            }
            events.publish(session, events.edition_created(document, created, len(changes), flags))
            for change in changes:
                payload = change_to_dict(change)
                for a in payload["amendments"]:
                    landed = (act_key(Amendment.from_dict(a)) or "", change.eid)
                    a["announced_on"] = timeline.landed.get(landed)
                assert edition.fetched_at is not None  # set above
                ref = links.change_ref(key, language, edition.fetched_at, change)
                url = links.change(self.settings.web.public_url, ref)
                events.publish(session, events.provision_changed(document, seq, payload, url=url))
            if draft is not None and outcome.previous is not None:
                diff = [change_to_dict(c) for c in changes]
                version = {"key": key, "title": doc.title, "language": language, "url": draft.get("url")}
                events.publish(
                    session, events.draft_version_added(version, {**draft, "version": seq}, seq, diff)
                )
        return CheckResult(key, language, "new_edition", seq, len(changes), flags)

    def _document(self, key: str, language: str, title: str, tags: list[str]) -> dict[str, Any]:
        return {
            "key": key,
            "title": title,
            "language": language,
            "url": self.url(key, language),
            "tags": tags,
        }

    def _announce(
        self, session: Session, document: dict[str, Any], timeline: acts.Recorded, today: date
    ) -> None:
        """`amendment.announced` for changes first seen pending (unless their date has passed), then
        `amendment.in_force_soon` for announced changes crossing a warning threshold."""
        for act, target in timeline.announced:
            if target.effective is not None and target.effective < today:
                continue
            amendment = {
                "kind": target.kind,
                "scheduled": True,
                "text": target.text,
                "act_id": act.source_id,
                "act_number": act.number,
                "act_date": act.adopted,
                "in_force": target.in_force,
                "effective": target.effective,
            }
            payload = events.amendment_announced(
                document,
                target.eid,
                act.to_dict(),
                amendment,
                kind=target.kind,
                effective_note=target.effective_note,
            )
            events.publish(session, payload)
        self._warn(session, document, self._due(session, document["key"], today, timeline.fresh))

    def warning_window(self) -> tuple[date, date]:
        """The days an announced change must bite between for an in-force warning to fall due."""
        today = self.today()
        return today, today + timedelta(days=max(self.settings.timeline.in_force_warning_days, default=0))

    def remind(self, session: Session, key: str, language: str, title: str) -> None:
        """`amendment.in_force_soon` as days pass, even when the page itself did not change (the
        document's tags are read only when a warning falls due)."""
        due = self._due(session, key, self.today(), [])
        if due:
            self._warn(session, self._document(key, language, title, tags_of(session, key)), due)

    def _due(self, session: Session, key: str, today: date, fresh: list[int]) -> list[acts.Due]:
        return acts.due_warnings(
            session, key, today, self.settings.timeline.in_force_warning_days, fresh=fresh
        )

    def _warn(self, session: Session, document: dict[str, Any], due: list[acts.Due]) -> None:
        for act, effective, days_left, eids in due:
            events.publish(
                session, events.amendment_in_force_soon(document, eids, act.to_dict(), effective, days_left)
            )

    def act_url(self, ident: str, language: str) -> str:
        """Amending acts are published on adilet, whatever site the document citing them is from."""
        return self.settings.site(AdiletSite).public_url(ident, language)

    def url(self, key: str, language: str) -> str | None:
        site, ident = self.settings.site_for(key)
        return site.public_url(ident, language)


class Checker:
    """Checks watched documents of the sites followed by `check`, through the shared, polite fetcher."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        fetcher: Fetcher | None = None,
        rules: RuleSet | None = None,
    ):
        self.settings = settings
        self.db = db
        self.fetcher = fetcher or polite_fetcher(settings, db)
        self.recorder = Recorder(settings, rules)

    def check(self, key: str, language: str) -> CheckResult:
        """Fetch, conditionally on the last good page; an unchanged page costs one read and one small
        write. A new page is parsed, the document's previous state read once, everything decided in
        memory (gates, edition, changes, flags), and the outcome written in one transaction."""
        site, ident = self.settings.site_for(key)
        today, until = self.recorder.warning_window()
        with self.db.transaction() as session:
            seen = editions.last_seen(session, key, language, today=today, until=until)
        fetcher = _KnownBody(self.fetcher, seen.digest)
        try:
            fetched = site.fetch(
                fetcher,
                ident,
                language,
                etag=seen.etag,
                last_modified=seen.last_modified,
                previous_size=seen.size,
            )
        except FetchError as exc:
            return self._failed(key, language, "error", str(exc))
        if fetched.not_modified:
            return self._unchanged(key, language, seen, fetcher.same)
        if fetched.suspect or fetched.page is None:
            return self._failed(key, language, "suspect", fetched.suspect or "no page", fetched)
        doc = structure.build(fetched.page)
        with self.db.transaction() as session:
            previous = self.recorder.previous(session, key, language)
        refused = previous.doc and (shrink_reason(previous.doc, doc) or foreign_reason(previous.doc, doc))
        if refused:
            return self._failed(key, language, "suspect", refused, fetched)
        outcome = self.recorder.plan(
            previous,
            key,
            language,
            doc,
            origin="fetch",
            page=editions.Page(
                fetched.url, fetched.body, fetched.status, fetched.etag, fetched.last_modified
            ),
            requisites=self._requisites(doc, language),
        )
        if outcome.edition is not None:  # only a new text asks the site for its date
            dated = dataclasses.replace(
                outcome.edition, edition_date=site.edition_date(self.fetcher, ident, language)
            )
            outcome = dataclasses.replace(outcome, edition=dated)
        with self.db.transaction() as session:
            result = self.recorder.write(session, outcome)
            health.succeeded(session, key, language)
        return result

    def _unchanged(self, key: str, language: str, seen: editions.Seen, same: Response | None) -> CheckResult:
        """A 304, or a 200 carrying the last good page byte for byte (`same`): nothing to parse or load.
        The check time is recorded, the page kept again only when it came with new validators (so the
        next request is conditional on them), and in-force warnings falling due are sent."""
        with self.db.transaction() as session:
            if same is not None and (same.etag, same.last_modified) != (seen.etag, seen.last_modified):
                page = editions.Page(same.url, same.body, same.status, same.etag, same.last_modified)
                editions.keep_page(session, key, language, page)
            health.succeeded(session, key, language)
            if seen.nearing and seen.title is not None:
                self.recorder.remind(session, key, language, seen.title)
        return CheckResult(key, language, "not_modified" if same is None else "unchanged", seen.seq)

    def _requisites(self, doc: Document, language: str) -> dict[str, ActRequisites]:
        """The requisites of acts whose pending change counts its in-force date from their publication:
        each act's `/info` is read once (and again a day later while it shows no publication date)."""
        wanted: set[str] = {
            m.amendment.act_id
            for m in mentions(doc)
            if m.pending
            and m.amendment.act_id
            and m.amendment.effective is None
            and relative_rule(m.amendment.in_force)
        }
        if not wanted:
            return {}
        with self.db.transaction() as session:
            ask = acts.needs_info(session, wanted)
        acts_site = self.settings.site(AdiletSite)
        return {act_id: acts_site.act_requisites(self.fetcher, act_id, language) for act_id in ask}

    def _failed(self, key: str, language: str, outcome: str, reason: str, fetched=None) -> CheckResult:  # type: ignore[no-untyped-def]
        """Keep the evidence, count the failure, and tell the operator once the source looks degraded."""
        with self.db.transaction() as session:
            if fetched is not None:
                editions.save_snapshot(
                    session,
                    key,
                    language,
                    fetched.url,
                    outcome=outcome,
                    http_status=fetched.status,
                    reason=reason,
                    body=fetched.body,
                )
            failures = health.failed(session, key, language, outcome, reason)
            if failures == self.settings.schedule.degraded_after_failures:
                health.mark_degraded(session, key, language)
                document = {
                    "key": key,
                    "title": "",
                    "language": language,
                    "url": self.recorder.url(key, language),
                }
                source = key.partition(":")[0]
                events.publish(session, events.source_degraded(document, source, reason, failures))
        return CheckResult(key, language, outcome, reason=reason)

    def check_all(self, keys: list[str] | None = None) -> list[CheckResult]:
        with self.db.transaction() as session:
            watches = watchlist.all_watches(session, enabled_only=not keys)
        if keys:
            known = {w.key for w in watches}
            for key in keys:
                if key not in known:
                    raise NotFound(f"{key} is not on the watch list: add it with `zanwatch watch add {key}`")
            watches = [w for w in watches if w.key in keys]
        return [self.check(w.key, lang) for w in watches for lang in w.languages]

    def reparse(self, key: str, language: str) -> int:
        """Re-derive the edition chain from the stored snapshots with today's parser, the pages a backfill
        kept merged in by adilet's dates; nobody is notified. Maintenance loses no fact: an edition made
        from a page keeps adilet's date and the time it was first seen that the page's edition had (a
        page that made none, its fetch time), and the day the page was fetched dates its acts."""
        from tracker import backfill  # it builds on this module
        from tracker.output import Clock  # Rich's import is no cost a check should pay

        with self.db.transaction() as session:
            if editions.has_unkept_editions(session, key, language):
                raise InputError(
                    f"{key} ({language}) has editions recorded without a stored page (draft versions read "
                    "from the portal): re-parsing would lose them, so nothing was changed"
                )
            dated = editions.dates_by_page(session, key, language)
            editions.drop_derived(session, key, language)
            site, _ = self.settings.site_for(key)
            clock = Clock(self.settings.schedule.timezone)
            count = 0
            for snap in editions.good_snapshots(session, key, language):
                assert snap.id is not None
                page = _page_from_snapshot(site, editions.snapshot_body(session, snap), snap.url, language)
                had = dated.get(snap.id) or editions.Dated(None, snap.fetched_at)
                result = self.recorder.record(
                    session,
                    key,
                    language,
                    structure.build(page),
                    origin="reparse",
                    snapshot_id=snap.id,
                    edition_date=had.edition_date,
                    fetched_at=had.fetched_at,
                    seen_on=clock.local(snap.fetched_at).date(),
                    notify=False,
                )
                count += result.outcome == "new_edition"
            count += backfill.rebuild(session, self.recorder, key, language, dated)
        return count


class _KnownBody:
    """The fetcher as a site sees it during one check. When the document's page (the first request, the
    conditional one) comes back as the last good page byte for byte, the site is answered as by a 304, so
    an unchanged page is neither gated nor parsed again; `same` keeps the real answer."""

    def __init__(self, fetcher: Fetcher, digest: str | None) -> None:
        self.fetcher, self.digest = fetcher, digest
        self.same: Response | None = None

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        reply = self.fetcher.get(url, etag=etag, last_modified=last_modified)
        digest, self.digest = self.digest, None
        if digest is None or reply.not_modified or hashlib.sha256(reply.body).hexdigest() != digest:
            return reply
        self.same = reply
        return dataclasses.replace(reply, body=b"", not_modified=True)


def _page_from_snapshot(site: Site[Any], body: bytes, url: str, language: str) -> ParsedPage:
    if url.startswith("file://"):
        return parse_body(body, Path(url.removeprefix("file://")), language)
    return site.parse(body, url, language)


def tags_of(session: Session, key: str) -> list[str]:
    try:
        return list(watchlist.get(session, key).tags)
    except NotFound:
        return []


def shrink_reason(before: Document, after: Document) -> str | None:
    """Why a parse looks like a broken page rather than a real repeal of most of the law, if it does."""
    old_n, new_n = len(before.articles()), len(after.articles())
    if old_n >= 4 and new_n < old_n * SHRINK_LIMIT:
        return f"parse kept {new_n} of {old_n} articles; not recorded as an edition"
    old_len = sum(len(p.text) for p in before.provisions)
    new_len = sum(len(p.text) for p in after.provisions)
    if old_len >= 2000 and new_len < old_len * SHRINK_LIMIT:
        return f"parse kept {new_len} of {old_len} characters of text; not recorded as an edition"
    return None


def foreign_reason(before: Document, after: Document) -> str | None:
    """Why a text looks like another document's rather than a new edition of this one, if it does: another
    title and fewer than half of the last edition's articles left as they were (a law restated in full
    keeps its title; a renamed one keeps most of its articles)."""
    old_title, new_title = squash(before.title).casefold(), squash(after.title).casefold()
    if not old_title or not new_title or old_title == new_title:
        return None
    old = before.articles()
    kept = {p.text for p in after.articles()}
    same = sum(p.text in kept for p in old)
    if old and same < len(old) * SHRINK_LIMIT:
        return (
            f"titled «{after.title}» (was «{before.title}») with {same} of {len(old)} articles as they were: "
            "another document's text, not recorded as an edition"
        )
    return None

"""History on day one: a document's past editions from adilet's `/history` table, recorded as editions
dated by adilet's own dates, oldest first, without telling anyone.

Two steps, so that a killed run resumes without fetching a page twice or recording an edition twice:

1. the `/history` page and then each dated page (`/{lang}/docs/{ID}/{dd.mm.yyyy}`) are fetched through the
   shared polite fetcher and kept as snapshots, one transaction per page; a page already kept is not
   fetched again;
2. one transaction merges the kept pages into the stored chain by date: a page whose text equals a
   neighbour's is that edition (a stored edition without adilet's date takes the page's), an older page
   slots in before newer stored editions (renumbered, their changes recomputed against their new
   predecessor), and a page that already made an edition is skipped — so a second run changes nothing.

No event is written: the outbox is what subscribers (webhooks, Telegram, digests, the events API) read,
and past editions are not news. Writing nothing there is the one rule every reader obeys without a filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from scrapers.adilet import AdiletSource, HistoryEntry, parse_history, parse_page
from scrapers.http import Fetcher
from scrapers.sites.adilet import AdiletSite, edition_url, history_url
from storage import acts, editions
from storage.db import Database
from storage.editions import BACKFILL, Dated, Link, Placement
from tracker import structure
from tracker.config import Settings
from tracker.diff import diff_documents
from tracker.errors import FetchError, InputError, ParseError
from tracker.keys import parse_key
from tracker.model import Change, Document
from tracker.pipeline import Recorder, polite_fetcher, tags_of
from tracker.rules.engine import RuleSet
from tracker.timeline import mentions


@dataclass(frozen=True)
class BackfillResult:
    """What one run did. `skipped` names the dated pages not kept this time ("dd.mm.yyyy: why"); a later
    run tries them again."""

    key: str
    language: str
    listed: int
    fetched: int
    recorded: int
    moved: int
    skipped: tuple[str, ...] = ()

    def line(self) -> str:
        moved = f", {self.moved} later editions renumbered" if self.moved else ""
        return (
            f"{self.key} ({self.language}): adilet lists {self.listed} editions; {self.fetched} pages read, "
            f"{self.recorded} editions recorded{moved}."
        )


@dataclass(frozen=True)
class _Page:
    """A kept dated page: one of adilet's editions, ready to merge (`fetched_at`: when the edition it
    made before a re-parse was recorded)."""

    day: date
    doc: Document
    content_hash: str
    snapshot_id: int
    acts: tuple[str, ...]
    fetched_at: datetime | None = None


def backfill(
    db: Database,
    settings: Settings,
    key: str,
    language: str,
    since: date | None = None,
    *,
    fetcher: Fetcher | None = None,
    rules: RuleSet | None = None,
) -> BackfillResult:
    """Record adilet's past editions of `key` in `language` (from the one in force on `since` on, when
    given). Pass the process's `fetcher` to share its rate limit; raises FetchError or ParseError when the
    history table cannot be read."""
    source, ident = parse_key(key)
    if source != AdiletSite.name:
        raise InputError(f"{key}: only adilet documents have a /history table to backfill from")
    recorder = Recorder(settings, rules)
    own = fetcher is None
    fetcher = fetcher or polite_fetcher(settings, db)
    try:
        site = settings.site(AdiletSite).config
        base = site.base_url
        reply = fetcher.get(history_url(base, ident, language))
        entries = wanted(_history(key, reply.body, language), since, recorder.today())
        with db.transaction() as session:
            editions.save_snapshot(session, key, language, reply.url, outcome="history", body=reply.body)
        adilet = AdiletSource(fetcher, base, site.api_url)
        fetched, skipped = 0, []
        for day in entries:
            url = edition_url(base, ident, language, day)
            with db.transaction() as session:
                if editions.kept(session, key, language, "dated", url) is not None:
                    continue
            try:
                page = adilet.fetch_text(ident, language, on=day)
            except FetchError as exc:
                skipped.append(f"{day:%d.%m.%Y}: {exc}")
                continue
            fetched += 1
            with db.transaction() as session:
                editions.save_snapshot(
                    session,
                    key,
                    language,
                    url,
                    outcome="suspect" if page.suspect else "dated",
                    http_status=page.status,
                    reason=page.suspect or "",
                    body=page.body,
                )
            if page.suspect:
                skipped.append(f"{day:%d.%m.%Y}: {page.suspect}")
        with db.transaction() as session:
            recorded, moved = merge(session, recorder, key, language, entries)
    finally:
        if own:
            fetcher.close()
    return BackfillResult(key, language, len(entries), fetched, recorded, moved, tuple(skipped))


def rebuild(session: Session, recorder: Recorder, key: str, language: str, dated: Mapping[int, Dated]) -> int:
    """Merge again every dated page a backfill kept, after a re-parse rebuilt the checked editions, each
    edition recorded when it was before (`dated`, by page); returns how many editions that recorded."""
    table = editions.kept(session, key, language, "history")
    if table is None:
        return 0
    entries = wanted(_history(key, editions.snapshot_body(session, table), language), None, recorder.today())
    return merge(session, recorder, key, language, entries, previously=dated)[0]


def _history(key: str, body: bytes, language: str) -> list[HistoryEntry]:
    try:
        entries = parse_history(body, language)
    except ParseError as exc:
        raise ParseError(f"{key}: adilet's history table could not be read ({exc})") from exc
    if not entries:
        raise ParseError(f"{key}: adilet's history table lists no editions")
    return entries


def wanted(entries: list[HistoryEntry], since: date | None, today: date) -> dict[date, tuple[str, ...]]:
    """adilet's edition days to record, oldest first, each with the acts its rows name: from the edition in
    force on `since` on, and none dated after `today` (a future edition is not the law yet, and the next
    check would take the current page for a change against it)."""
    days: dict[date, tuple[str, ...]] = {}
    for e in entries:
        if e.edition <= today:
            label = e.act_number or e.act
            days[e.edition] = days.get(e.edition, ()) + ((label,) if label else ())
    ordered = sorted(days)
    if since is not None:
        first = max((d for d in ordered if d <= since), default=ordered[0] if ordered else None)
        ordered = [d for d in ordered if first is not None and d >= first]
    return {d: days[d] for d in ordered}


def merge(
    session: Session,
    recorder: Recorder,
    key: str,
    language: str,
    days: dict[date, tuple[str, ...]],
    *,
    previously: Mapping[int, Dated] | None = None,
) -> tuple[int, int]:
    """Merge the kept pages of these days into the stored chain, a page's edition recorded now unless
    `previously` says when it was before a re-parse; returns (editions recorded, stored editions moved to a
    later number)."""
    _, ident = parse_key(key)
    base = recorder.settings.site(AdiletSite).config.base_url
    links = editions.chain(session, key, language)
    known = {link.snapshot_id for link in links}
    pages = []
    for day, named in days.items():
        snap = editions.kept(session, key, language, "dated", edition_url(base, ident, language, day))
        if snap is None or snap.id is None or snap.id in known:  # absent, or already an edition
            continue
        doc = structure.build(parse_page(editions.snapshot_body(session, snap), language))
        had = (previously or {}).get(snap.id)
        first_seen = had.fetched_at if had else None
        pages.append(_Page(day, doc, editions.content_hash(doc), snap.id, named, first_seen))
    order, dated = _order(links, pages)
    start = next(
        (i for i, item in enumerate(order) if i >= len(links) or item is not links[i] or id(item) in dated),
        len(order),
    )
    if start == len(order):
        return 0, 0
    docs: dict[int, Document] = {}

    def doc_of(item: Link | _Page) -> Document:
        if isinstance(item, _Page):
            return item.doc
        if item.info.id not in docs:
            docs[item.info.id] = editions.load_document(session, item.info)
        return docs[item.info.id]

    rules_tags = tags_of(session, key)
    placements = []
    for i in range(start, len(order)):
        item, before = order[i], order[i - 1] if i else None
        changes: list[Change] | None = None
        was_after = links[links.index(item) - 1] if isinstance(item, Link) and links.index(item) else None
        if isinstance(item, _Page) or before is not was_after:
            changes = diff_documents(doc_of(before), doc_of(item)) if before is not None else []
            recorder.rules.apply(changes, document_key=key, language=language, tags=rules_tags)
        if isinstance(item, _Page):
            placements.append(
                Placement(
                    item.doc,
                    edition_date=item.day,
                    origin=BACKFILL,
                    snapshot_id=item.snapshot_id,
                    acts=item.acts,
                    changes=changes,
                    fetched_at=item.fetched_at,
                )
            )
        else:
            page = dated.get(id(item))
            placements.append(
                Placement(
                    doc_of(item),
                    edition_id=item.info.id,
                    edition_date=item.info.edition_date or (page.day if page else None),
                    acts=page.acts if page else (),
                    changes=changes,
                )
            )
    editions.write_chain(session, key, language, start + 1, placements)
    _record_acts(session, recorder, key, language, order, start)
    new = sum(isinstance(item, _Page) for item in order)
    return new, sum(isinstance(item, Link) and item.info.seq != seq for seq, item in enumerate(order, 1))


def _order(links: list[Link], pages: list[_Page]) -> tuple[list[Link | _Page], dict[int, _Page]]:
    """The chain with the pages in their places by date: a page goes before the first edition dated on or
    after its day (a stored edition of the same day was fetched while that was adilet's newest edition, so
    it is the page as the site showed it later); a page whose text equals the edition before it, or the
    stored edition after it, is that edition (the stored one keeps its place and takes the page's date if
    it had none: the second mapping)."""
    order: list[Link | _Page] = list(links)
    for page in sorted(pages, key=lambda p: p.day):
        at = next((i for i, item in enumerate(order) if _day(item) >= page.day), len(order))
        order.insert(at, page)
    kept: list[Link | _Page] = []
    dated: dict[int, _Page] = {}
    for i, item in enumerate(order):
        if isinstance(item, _Page):
            after = order[i + 1] if i + 1 < len(order) else None
            if kept and _hash(kept[-1]) == item.content_hash:
                continue
            if isinstance(after, Link) and after.content_hash == item.content_hash:
                if after.info.edition_date is None or after.acts != item.acts:
                    dated[id(after)] = item
                continue
        kept.append(item)
    return kept, dated


def _day(item: Link | _Page) -> date:
    return item.day


def _hash(item: Link | _Page) -> str:
    return item.content_hash


def _record_acts(
    session: Session,
    recorder: Recorder,
    key: str,
    language: str,
    order: list[Link | _Page],
    start: int,
) -> None:
    """The acts each recorded page names, as of its day: a page newer than every stored edition moves the
    acts' states like a check would; an older one only dates back when a change was first seen."""
    newest_stored = max((i for i, item in enumerate(order) if isinstance(item, Link)), default=-1)
    for i in range(start, len(order)):
        item = order[i]
        if not isinstance(item, _Page):
            continue
        found = mentions(item.doc)
        urls = {i: recorder.act_url(i, language) for i in {m.amendment.act_id for m in found} if i}
        if i > newest_stored:
            acts.record(session, key, language, found, seen_on=item.day, urls=urls)
        else:
            acts.backdate(session, key, language, found, seen_on=item.day, urls=urls)

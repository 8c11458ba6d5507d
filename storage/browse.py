"""Read-only queries for the web view, the JSON API and the feeds: stored changes with their flags,
an article's versions across editions, amending acts and drafts.

Stored changes come back as `tracker.model.Change` (with provision stubs: no text) so the web page, the
feeds and e-mail render them with the same renderer.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, or_, select

from storage import models as m
from storage.editions import BACKFILL
from tracker.model import Amendment, Change, Direction, Flag, Provision

_KIND_BY_PREFIX = (("art_", "article"), ("preamble", "preamble"))


@dataclass(frozen=True)
class StoredChange:
    """A change as stored, with where it happened: the edition it led to and its document."""

    id: int
    document_key: str
    language: str
    edition_id: int
    edition_seq: int
    edition_date: date | None
    fetched_at: datetime
    change: Change
    in_order: bool = True
    """The edition it changed from was known when its own was first seen: the change as Zan Watch saw it
    (or a backfill found it) happen, which its permanent link names. False for the change a backfill made
    by slotting an older edition in before this one: the link sent for the change it replaced must not
    show it."""

    @property
    def when(self) -> datetime:
        """The edition's own date where the source gives one, else when it was fetched."""
        if self.edition_date is not None:
            return datetime.combine(self.edition_date, datetime.min.time(), self.fetched_at.tzinfo)
        return self.fetched_at


@dataclass(frozen=True)
class ArticleVersion:
    """One wording of an article, valid from edition `first_seq` up to (not including) `end_seq`."""

    first_seq: int
    end_seq: int | None
    num: str
    heading: str
    text: str
    repealed: bool
    amendments: tuple[Amendment, ...]


@dataclass
class Act:
    """An amending act as the footnotes of watched documents name it."""

    act_id: str
    number: str | None
    act_date: date | None
    effective: date | None = None
    provisions: dict[str, list[str]] = field(default_factory=dict)
    """document key → eIds the act amended or will amend."""
    scheduled: bool = False


def _provision(eid: str | None, num: str | None, heading: str) -> Provision | None:
    if eid is None:
        return None
    kind = next((k for prefix, k in _KIND_BY_PREFIX if eid.startswith(prefix)), "point")
    return Provision(eid=eid, kind=kind, num=num or "", heading=heading, text="")


def _flag(row: m.Flag) -> Flag:
    return Flag(
        rule_id=row.rule_id,
        theme=row.theme,
        severity=row.severity,
        side=row.side,
        matched=tuple(json.loads(row.matched)),
        eid=row.eid,
        snippet=row.snippet,
        direction=cast(Direction, row.direction),  # stored from the same Literal
        old_value=row.old_value,
        new_value=row.new_value,
        unit=row.unit,
    )


def changes(
    session: Session,
    *,
    document_key: str | None = None,
    document_keys: list[str] | None = None,
    language: str | None = None,
    edition_id: int | None = None,
    change_id: int | None = None,
    before_id: int | None = None,
    first_seen: datetime | None = None,
    eids: tuple[str | None, str | None] | None = None,
    theme: str | None = None,
    act_id: str | None = None,
    noticed: bool = False,
    limit: int | None = None,
) -> list[StoredChange]:
    """Stored changes, newest first (by id), each with its flags.

    With `noticed`, only those Zan Watch saw happen (the news of feeds): not those a backfill found in
    adilet's history, nor those of a first check's edition against an older one that a backfill slotted
    before it later (the edition it changed from was not known when this one was first seen); newest
    noticed first, by when their edition was first seen, as a re-parse or a backfill rewrites old changes
    under new ids but keeps that time. With `first_seen` and `eids` (old, new), the change a permanent link
    names: its edition first seen then, pairing those provisions (None: that side has none). `theme`: only
    changes flagged under it; `act_id`: only changes one of whose footnotes cites that amending act."""
    before = aliased(m.Edition)
    in_order = or_(col(before.id).is_(None), col(before.fetched_at) < col(m.Edition.fetched_at))
    query = (
        select(m.Change, m.Edition, in_order.label("in_order"))
        .join(m.Edition, col(m.Edition.id) == col(m.Change.to_edition_id))
        .outerjoin(before, col(before.id) == col(m.Change.from_edition_id))
    )
    if document_key is not None:
        query = query.where(m.Change.document_key == document_key)
    if document_keys is not None:
        query = query.where(col(m.Change.document_key).in_(document_keys))
    if language is not None:
        query = query.where(m.Change.language == language)
    if edition_id is not None:
        query = query.where(m.Change.to_edition_id == edition_id)
    if change_id is not None:
        query = query.where(m.Change.id == change_id)
    if before_id is not None:
        query = query.where(col(m.Change.id) < before_id)
    if first_seen is not None:
        query = query.where(m.Edition.fetched_at == first_seen)
    if eids is not None:
        old_eid, new_eid = eids
        query = query.where(_same(m.Change.old_eid, old_eid), _same(m.Change.new_eid, new_eid))
    if theme is not None:
        query = query.where(col(m.Change.id).in_(select(m.Flag.change_id).where(m.Flag.theme == theme)))
    if act_id is not None:
        cited = f'"act_id": {json.dumps(act_id, ensure_ascii=False)}'  # as `editions` writes `amendments`
        query = query.where(col(m.Change.amendments).contains(cited, autoescape=True))
    if noticed:
        query = query.where(m.Edition.origin != BACKFILL, in_order).order_by(
            col(m.Edition.fetched_at).desc(), col(m.Change.id).desc()
        )
    else:
        query = query.order_by(col(m.Change.id).desc())
    if limit is not None:
        query = query.limit(limit)
    rows = list(session.exec(query))
    ids = [c.id for c, _, _ in rows]
    flags: dict[int, list[Flag]] = defaultdict(list)
    for f in session.exec(select(m.Flag).where(col(m.Flag.change_id).in_(ids)).order_by(col(m.Flag.id))):
        flags[f.change_id].append(_flag(f))
    out = []
    for c, e, ordered in rows:
        assert c.id is not None and e.id is not None
        old = _provision(c.old_eid, c.old_num, c.heading)
        new = _provision(c.new_eid, c.new_num, c.heading)
        if new is not None:
            new.amendments = [Amendment.from_dict(a) for a in json.loads(c.amendments)]
        model = Change(
            kind=c.kind,
            old=old,
            new=new,
            similarity=c.similarity,
            ops=[(op, text) for op, text in json.loads(c.ops)],
            flags=flags.get(c.id, []),
        )
        out.append(
            StoredChange(
                c.id,
                c.document_key,
                c.language,
                e.id,
                e.seq,
                e.edition_date,
                e.fetched_at,
                model,
                bool(ordered),
            )
        )
    return out


def row_ids_reused(session: Session) -> bool:
    """Whether a deleted row's id may be given to a later row: SQLite gives the last row's id again (the
    tables have no AUTOINCREMENT); PostgreSQL's sequences never give an id twice."""
    return session.get_bind().dialect.name == "sqlite"


def _same(column: str | None, eid: str | None) -> Any:
    return col(column).is_(None) if eid is None else col(column) == eid


def article_history(session: Session, key: str, language: str, eid: str) -> list[ArticleVersion]:
    """Every stored wording of one provision, oldest first."""
    pv = m.ProvisionVersion
    rows = list(
        session.exec(
            select(pv, m.ProvisionText.text)
            .join(m.ProvisionText, col(m.ProvisionText.digest) == col(pv.text_digest))
            .where(pv.document_key == key, pv.language == language, pv.eid == eid)
            .order_by(col(pv.first_seq))
        )
    )
    return [
        ArticleVersion(
            first_seq=v.first_seq,
            end_seq=v.end_seq,
            num=v.num,
            heading=v.heading,
            text=text,
            repealed=v.repealed,
            amendments=tuple(Amendment.from_dict(a) for a in json.loads(v.amendments)),
        )
        for v, text in rows
    ]


def acts(session: Session, *, act_id: str | None = None, document_key: str | None = None) -> list[Act]:
    """Amending acts named in footnotes, newest act first, with the provisions each touched."""
    query = select(m.Amendment).where(col(m.Amendment.act_id).is_not(None))
    if act_id is not None:
        query = query.where(m.Amendment.act_id == act_id)
    if document_key is not None:
        query = query.where(m.Amendment.document_key == document_key)
    found: dict[str, Act] = {}
    for row in session.exec(query.order_by(col(m.Amendment.id))):
        assert row.act_id is not None
        act = found.setdefault(row.act_id, Act(row.act_id, row.act_number, row.act_date))
        act.effective = act.effective or row.effective
        act.scheduled = act.scheduled or row.scheduled
        eids = act.provisions.setdefault(row.document_key, [])
        if row.eid and row.eid not in eids:
            eids.append(row.eid)
    return sorted(found.values(), key=lambda a: (a.act_date or date.min, a.act_id), reverse=True)


def scheduled(session: Session, key: str, today: date) -> list[m.Amendment]:
    """Amendments adopted but not yet in force on `today` (or with no known date)."""
    return list(
        session.exec(
            select(m.Amendment)
            .where(
                m.Amendment.document_key == key,
                col(m.Amendment.scheduled).is_(True),
                or_(col(m.Amendment.effective).is_(None), col(m.Amendment.effective) > today),
            )
            .order_by(col(m.Amendment.effective), col(m.Amendment.id))
        )
    )


def drafts(session: Session) -> list[dict[str, Any]]:
    """Each draft as its newest `draft.*` event describes it, newest first."""
    latest: dict[str, dict[str, Any]] = {}
    query = select(m.Event).where(col(m.Event.type).startswith("draft.")).order_by(col(m.Event.id))
    for row in session.exec(query):
        payload = json.loads(row.payload)
        latest[payload["document"]["key"]] = {"key": payload["document"]["key"], **payload["draft"]}
    return list(reversed(latest.values()))

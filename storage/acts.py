"""Amending acts and what they touch: each act stored once, linked to every watched document and provision
it changes, with the verb and a state (announced → in_force, or superseded when a notice vanishes).

`record` is called for every check of a document, whether or not its text changed: a new pending notice is
news on its own. It reports what became announced and what landed, and the caller raises the events.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import BindParameter, ColumnElement, and_
from sqlmodel import Session, col, or_, select

from storage import models as m
from tracker.errors import NotFound
from tracker.model import Act, ActRequisites, ActTarget, Amendment, Change, Provision
from tracker.timeline import Mention, act_key, in_force

INFO_RETRY = timedelta(days=1)
"""An act's `/info` without a publication date is read again after this long (it may not be out yet)."""


Due = tuple[Act, date, int, list[str]]
"""An in-force warning falling due: the act, the day its changes bite, days left, the provisions' eids."""


@dataclass
class Recorded:
    """What one pass over a document's mentions changed."""

    announced: list[tuple[Act, ActTarget]] = field(default_factory=list)
    landed: dict[tuple[str, str], date | None] = field(default_factory=dict)
    """(act key, eid) → the day the change had been announced, for changes whose text is now in force."""
    fresh: list[int] = field(default_factory=list)


def record(
    session: Session,
    key: str,
    language: str,
    found: Iterable[Mention],
    *,
    seen_on: date,
    urls: Mapping[str, str] | None = None,
) -> Recorded:
    """Store the acts a document mentions and move their targets' states; `seen_on` is the day the page
    showed them (today for a check, adilet's edition date for a backfilled edition)."""
    outcome = Recorded()
    now = datetime.now(UTC)
    named, stored = _lookup(session, key, found, urls)
    present: set[tuple[int, str]] = set()
    announced: list[tuple[m.Act, m.ActTarget]] = []
    for mention, row in named:
        assert row.id is not None
        a, place = mention.amendment, (row.id, mention.eid)
        present.add(place)
        target = stored.get(place)
        if target is None:
            target = stored[place] = _new_target(
                row, key, language, mention, "announced" if mention.pending else "in_force"
            )
            target.announced_on = seen_on if mention.pending else None
            target.in_force_on = None if mention.pending else seen_on
            session.add(target)
            if mention.pending:
                announced.append((row, target))
            continue
        state, in_force_on = target.state, target.in_force_on
        effective, note = target.effective, target.effective_note
        if mention.pending and state == "superseded":
            state = "announced"
        elif not mention.pending and state != "in_force":
            outcome.landed[(row.key, mention.eid)] = target.announced_on
            state, in_force_on = "in_force", seen_on
        if mention.pending:
            when = in_force(a, row.published, row.info_note)
            effective, note = when.effective, when.reason
        if (state, in_force_on, effective, note) != (
            target.state,
            target.in_force_on,
            target.effective,
            target.effective_note,
        ):  # only what changed is written: a code names thousands of acts
            target.state, target.in_force_on = state, in_force_on
            target.effective, target.effective_note, target.updated_at = effective, note, now
    for place, stale in stored.items():
        if stale.language == language and stale.state == "announced" and place not in present:
            stale.state, stale.updated_at = "superseded", now
    session.flush()
    shown: dict[int | None, Act] = {}
    for row, target in announced:
        assert target.id is not None
        if row.id not in shown:
            shown[row.id] = _act(session, row)
        outcome.announced.append((shown[row.id], _target(target)))
        outcome.fresh.append(target.id)
    return outcome


def backdate(
    session: Session,
    key: str,
    language: str,
    found: Iterable[Mention],
    *,
    seen_on: date,
    urls: Mapping[str, str] | None = None,
) -> None:
    """A past edition's mentions, recorded after newer ones (a backfill): acts and targets it names are
    created if missing, and the day a change was first seen announced or in force moves back to `seen_on`.
    States stay as the newer editions set them; a pending change no newer edition names was superseded."""
    named, stored = _lookup(session, key, found, urls)
    for mention, row in named:
        assert row.id is not None
        target = stored.get((row.id, mention.eid))
        if target is None:
            target = stored[(row.id, mention.eid)] = _new_target(
                row, key, language, mention, "superseded" if mention.pending else "in_force"
            )
        if mention.pending:
            target.announced_on = min(d for d in (target.announced_on, seen_on) if d)
        elif target.state == "in_force":
            target.in_force_on = min(d for d in (target.in_force_on, seen_on) if d)
        session.add(target)
    session.flush()


def _new_target(row: m.Act, key: str, language: str, mention: Mention, state: str) -> m.ActTarget:
    """A first link between an act and a provision, with the day its change bites as far as it is known."""
    assert row.id is not None
    a = mention.amendment
    when = in_force(a, row.published, row.info_note)
    return m.ActTarget(
        act_id=row.id,
        document_key=key,
        language=language,
        eid=mention.eid,
        kind=mention.kind,
        state=state,
        text=a.text,
        in_force=a.in_force,
        effective=when.effective,
        effective_note=when.reason,
    )


def _lookup(
    session: Session, key: str, found: Iterable[Mention], urls: Mapping[str, str] | None
) -> tuple[list[tuple[Mention, m.Act]], dict[tuple[int, str], m.ActTarget]]:
    """Each mention with its act's row, and the document's stored links between an act and a provision
    by (act id, eid): two queries and one flush however many mentions a page has (a code has thousands).
    An act is found by adilet id, or by number and date; it is created on first sight."""
    named = list(found)
    acts = _Acts.load(session, [mention.amendment for mention in named])
    rows = [
        (mention, acts.row(mention.amendment, (urls or {}).get(mention.amendment.act_id or "")))
        for mention in named
    ]
    session.flush()
    stored = {
        (t.act_id, t.eid): t for t in session.exec(select(m.ActTarget).where(m.ActTarget.document_key == key))
    }
    return rows, stored


@dataclass
class _Acts:
    """The stored acts a page may name, indexed as `row` looks them up: by key, and (for acts first seen
    without an adilet link) by number and adoption date."""

    session: Session
    by_key: dict[str, m.Act]
    unlinked: dict[tuple[str, date | None], m.Act]

    @classmethod
    def load(cls, session: Session, named: list[Amendment]) -> _Acts:
        keys = {act_key(a) for a in named}
        numbers = {a.act_number for a in named if a.act_id and a.act_number}
        query = select(m.Act).where(
            or_(col(m.Act.key).in_(keys), col(m.Act.number).in_(numbers) & col(m.Act.source_id).is_(None))
        )
        acts = cls(session, {}, {})
        for row in session.exec(query.order_by(col(m.Act.id))):
            acts.index(row)
        return acts

    def index(self, row: m.Act) -> None:
        self.by_key[row.key] = row
        if row.source_id is None and row.number:
            self.unlinked.setdefault((row.number, row.adopted), row)

    def row(self, a: Amendment, url: str | None) -> m.Act:
        """The act's row, created (and added to the session) on first sight."""
        k = act_key(a)
        assert k is not None
        row = self.by_key.get(k)
        if row is None and a.act_id and a.act_number:
            row = self.unlinked.pop((a.act_number, a.act_date), None)
            if row is not None:  # first seen without a link; now we know its adilet id
                del self.by_key[row.key]
                row.key, row.source_id = k, a.act_id
        if row is None:
            row = m.Act(key=k, source_id=a.act_id, number=a.act_number, adopted=a.act_date, url=url)
            self.session.add(row)
        known = (row.number or a.act_number, row.adopted or a.act_date, row.url or url)
        if known != (row.number, row.adopted, row.url):
            row.number, row.adopted, row.url = known
        self.index(row)
        return row


def needs_info(session: Session, source_ids: Iterable[str]) -> list[str]:
    """Which of these acts' `/info` pages to read: never read, or read before the act was published."""
    wanted = sorted(set(source_ids))
    known = {
        row.source_id: row for row in session.exec(select(m.Act).where(col(m.Act.source_id).in_(wanted)))
    }
    retry_before = datetime.now(UTC) - INFO_RETRY
    return [
        s
        for s in wanted
        if s not in known
        or known[s].info_fetched_at is None
        or (known[s].published is None and _aware(known[s].info_fetched_at) < retry_before)  # type: ignore[arg-type]
    ]


def save_info(session: Session, source_id: str, info: ActRequisites, *, url: str | None) -> None:
    """Cache what the act's `/info` said; the act's targets get their in-force dates from it."""
    row = session.exec(select(m.Act).where(m.Act.source_id == source_id)).first()
    if row is None:
        row = m.Act(key=source_id, source_id=source_id, url=url)
    row.published = info.published or row.published
    row.adopted = row.adopted or info.adopted
    row.title = row.title or info.title
    row.info_note = "" if row.published else info.note
    row.info_fetched_at = datetime.now(UTC)
    session.add(row)
    session.flush()


def biting(
    key: str | BindParameter[str], today: date | BindParameter[date], until: date | BindParameter[date]
) -> ColumnElement[bool]:
    """Announced changes of the document `key` biting from `today` to `until`: a warning may fall due."""
    t = m.ActTarget
    return and_(
        col(t.document_key) == key, col(t.state) == "announced", col(t.effective).between(today, until)
    )


def due_warnings(
    session: Session, key: str, today: date, thresholds: Iterable[int], *, fresh: Iterable[int] = ()
) -> list[Due]:
    """Announced changes of a document now within a warning threshold (30 and 7 days by default), grouped
    by act and date: (act, effective, days left, eids). Each threshold is passed once; changes announced in
    this very pass count as warned (their announcement carries the date)."""
    steps = sorted(set(thresholds))
    if not steps:
        return []
    fresh_ids = set(fresh)
    groups: dict[tuple[int, date], list[m.ActTarget]] = {}
    until = today + timedelta(days=steps[-1])
    for target in session.exec(select(m.ActTarget).where(biting(key, today, until))):
        assert target.effective is not None
        days_left = (target.effective - today).days
        step = next((s for s in steps if s >= days_left), None)
        if step is None or (target.warned_days is not None and target.warned_days <= step):
            continue
        target.warned_days = step
        session.add(target)
        if target.id not in fresh_ids:
            groups.setdefault((target.act_id, target.effective), []).append(target)
    session.flush()
    out = []
    for (act_id, effective), targets in sorted(groups.items(), key=lambda item: item[0][1]):
        act = _act(session, session.get(m.Act, act_id))  # type: ignore[arg-type]
        out.append((act, effective, (effective - today).days, [t.eid for t in targets]))
    return out


def list_acts(
    session: Session,
    *,
    documents: Iterable[str] | None = None,
    state: str | None = None,
    since: date | None = None,
) -> list[Act]:
    """Acts touching watched documents, newest first (adoption date, else first seen); with `documents`,
    only their targets count."""
    query = select(m.ActTarget)
    if documents is not None:
        query = query.where(col(m.ActTarget.document_key).in_(list(documents)))
    by_act: dict[int, list[m.ActTarget]] = {}
    for target in session.exec(query.order_by(col(m.ActTarget.document_key), col(m.ActTarget.id))):
        by_act.setdefault(target.act_id, []).append(target)
    rows = session.exec(select(m.Act).where(col(m.Act.id).in_(list(by_act))))
    acts = [_act(session, row, by_act[row.id]) for row in rows if row.id is not None]  # type: ignore[index]
    if state is not None:
        acts = [a for a in acts if a.state == state]
    if since is not None:
        acts = [a for a in acts if (a.adopted or _first_seen(a)) >= since]
    return sorted(acts, key=lambda a: (a.adopted or _first_seen(a), a.id), reverse=True)


def _first_seen(act: Act) -> date:
    days = [d for t in act.targets for d in (t.announced_on, t.in_force_on) if d]
    return min(days, default=date.min)


def get_act(session: Session, ref: str) -> Act:
    """One act by its number in Zan Watch, its adilet id or its own number («296-VIII»)."""
    query = select(m.Act)
    if ref.isdigit():
        query = query.where(m.Act.id == int(ref))
    else:
        query = query.where(or_(m.Act.source_id == ref, m.Act.number == ref, m.Act.key == ref))
    row = session.exec(query.order_by(col(m.Act.id))).first()
    if row is None:
        raise NotFound(f"no act {ref!r} touches a watched document: see `zanwatch acts`")
    return _act(session, row)


def pending_on(session: Session, key: str, day: date) -> list[tuple[Act, ActTarget]]:
    """Changes to a document announced by `day` but not in force on it."""
    out = []
    for target in session.exec(
        select(m.ActTarget)
        .where(
            m.ActTarget.document_key == key,
            col(m.ActTarget.announced_on).is_not(None),
            col(m.ActTarget.announced_on) <= day,
            m.ActTarget.state != "superseded",
        )
        .order_by(col(m.ActTarget.id))
    ):
        if (target.effective and target.effective <= day) or (
            target.in_force_on and target.in_force_on <= day
        ):
            continue
        out.append((_act(session, session.get(m.Act, target.act_id), []), _target(target)))  # type: ignore[arg-type]
    return out


def _act(session: Session, row: m.Act, targets: list[m.ActTarget] | None = None) -> Act:
    assert row.id is not None
    if targets is None:
        targets = list(
            session.exec(
                select(m.ActTarget)
                .where(m.ActTarget.act_id == row.id)
                .order_by(col(m.ActTarget.document_key), col(m.ActTarget.id))
            )
        )
    return Act(
        id=row.id,
        key=row.key,
        source_id=row.source_id,
        number=row.number,
        adopted=row.adopted,
        title=row.title,
        url=row.url,
        published=row.published,
        targets=tuple(_target(t) for t in targets),
    )


def _target(row: m.ActTarget) -> ActTarget:
    return ActTarget(
        document_key=row.document_key,
        eid=row.eid,
        kind=row.kind,
        state=row.state,
        text=row.text,
        in_force=row.in_force,
        effective=row.effective,
        effective_note=row.effective_note,
        announced_on=row.announced_on,
        in_force_on=row.in_force_on,
    )


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def redlines(session: Session, act: Act) -> list[tuple[str, int, Change]]:
    """The stored changes a footnote attributes to this act: (document, edition seq, change)."""
    keys = sorted({t.document_key for t in act.targets})
    seqs = dict(
        session.exec(select(m.Edition.id, m.Edition.seq).where(col(m.Edition.document_key).in_(keys))).all()
    )
    out = []
    for row in session.exec(
        select(m.Change).where(col(m.Change.document_key).in_(keys)).order_by(col(m.Change.id))
    ):
        notes = [Amendment.from_dict(a) for a in json.loads(row.amendments)]
        if not any(act_key(a) == act.key or (a.act_number and a.act_number == act.number) for a in notes):
            continue
        old = Provision(row.old_eid, "article", row.old_num or "", row.heading, "") if row.old_eid else None
        new = (
            Provision(row.new_eid, "article", row.new_num or "", row.heading, "", amendments=notes)
            if row.new_eid
            else None
        )
        ops = [(op, text) for op, text in json.loads(row.ops)]
        change = Change(row.kind, old, new, row.similarity, ops)
        out.append((row.document_key, seqs.get(row.to_edition_id, 0), change))
    return out

"""Followed drafts, the sources that show them, their timelines, and initiatives still without a text.

A draft is one row however many sources show it (a portal card and a Mazhilis bill of the same text); each
source keeps its own words (`status`) beside the stage they map to. Only `tracker.stages` decides when a
draft moves; this module stores what it decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, func, select

from storage import models as m
from tracker.errors import NotFound
from tracker.model import DraftInfo, Initiative, Sighting, Stage, StageEntry


def _sighting(row: m.DraftSource) -> Sighting:
    return Sighting(row.key, row.title, row.status, Stage(row.stage), row.url)


def _info(row: m.Draft, sources: Iterable[m.DraftSource]) -> DraftInfo:
    assert row.id is not None
    return DraftInfo(
        id=row.id,
        title=row.title,
        stage=Stage(row.stage),
        stage_key=row.stage_key,
        source_status=row.source_status,
        developer=row.developer,
        deadline=row.deadline,
        moved_on=row.moved_on,
        stale_noted_on=row.stale_noted_on,
        act_key=row.act_key,
        sources=tuple(_sighting(s) for s in sources),
    )


def _row(session: Session, draft_id: int) -> m.Draft:
    row = session.get(m.Draft, draft_id)
    if row is None:
        raise NotFound(f"no draft {draft_id}: see `zanwatch drafts list`")
    return row


def _sources(session: Session, draft_id: int) -> list[m.DraftSource]:
    query = select(m.DraftSource).where(m.DraftSource.draft_id == draft_id).order_by(col(m.DraftSource.id))
    return list(session.exec(query))


def get(session: Session, draft_id: int) -> DraftInfo:
    return _info(_row(session, draft_id), _sources(session, draft_id))


def all_drafts(session: Session) -> list[DraftInfo]:
    """Every followed draft, oldest first."""
    sources: dict[int, list[m.DraftSource]] = {}
    for s in session.exec(select(m.DraftSource).order_by(col(m.DraftSource.id))):
        sources.setdefault(s.draft_id, []).append(s)
    rows = session.exec(select(m.Draft).order_by(col(m.Draft.id)))
    return [_info(row, sources.get(row.id or 0, [])) for row in rows]


def by_source(session: Session, key: str) -> DraftInfo | None:
    """The draft a source key belongs to, if that source was seen before."""
    source = session.exec(select(m.DraftSource).where(m.DraftSource.key == key)).first()
    return get(session, source.draft_id) if source else None


def create(session: Session, sighting: Sighting, day: date) -> DraftInfo:
    """A new draft first seen in `sighting`, with the first step of its timeline."""
    row = m.Draft(
        title=sighting.title,
        stage=sighting.stage.value,
        stage_key=sighting.key,
        source_status=sighting.status,
        developer=sighting.developer,
        deadline=sighting.deadline,
        moved_on=day,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    add_step(session, row.id, StageEntry(day, sighting.stage, sighting.status, sighting.key))
    save_source(session, row.id, sighting)
    return get(session, row.id)


def save_source(session: Session, draft_id: int, sighting: Sighting) -> None:
    """Attach a source to a draft, or refresh what it says now."""
    row = session.exec(select(m.DraftSource).where(m.DraftSource.key == sighting.key)).first()
    if row is None:
        row = m.DraftSource(draft_id=draft_id, key=sighting.key, title=sighting.title, stage=sighting.stage)
    row.draft_id, row.title, row.status = draft_id, sighting.title, sighting.status
    row.stage, row.url = sighting.stage.value, sighting.url
    session.add(row)
    session.flush()


def update(session: Session, draft_id: int, **values: object) -> None:
    """Set columns of a draft (stage, stage_key, source_status, developer, deadline, moved_on, …)."""
    row = _row(session, draft_id)
    for name, value in values.items():
        setattr(row, name, value.value if isinstance(value, Stage) else value)
    session.add(row)
    session.flush()


def add_step(session: Session, draft_id: int, step: StageEntry) -> None:
    session.add(
        m.DraftStage(
            draft_id=draft_id,
            day=step.day,
            stage=step.stage.value,
            source_status=step.source_status,
            source_key=step.source_key,
        )
    )
    session.flush()


def timeline(session: Session, draft_id: int) -> list[StageEntry]:
    query = select(m.DraftStage).where(m.DraftStage.draft_id == draft_id).order_by(col(m.DraftStage.id))
    return [StageEntry(r.day, Stage(r.stage), r.source_status, r.source_key) for r in session.exec(query)]


def move_steps(session: Session, from_id: int, to_id: int, source_key: str) -> None:
    """A source's steps follow it to the draft it is linked to."""
    query = select(m.DraftStage).where(
        m.DraftStage.draft_id == from_id, m.DraftStage.source_key == source_key
    )
    for step in session.exec(query):
        step.draft_id = to_id
        session.add(step)
    session.flush()


def delete_if_empty(session: Session, draft_id: int) -> bool:
    """Forget a draft left with no source and no initiative pointing at it (after a link moved them)."""
    if _sources(session, draft_id):
        return False
    linked = session.exec(select(m.Initiative).where(m.Initiative.draft_id == draft_id)).first()
    if linked is not None:
        return False
    for step in session.exec(select(m.DraftStage).where(m.DraftStage.draft_id == draft_id)):
        session.delete(step)
    session.delete(_row(session, draft_id))
    session.flush()
    return True


def version_counts(session: Session, keys: Iterable[str], language: str) -> dict[str, int]:
    """How many versions (editions) each source key has in `language`."""
    keys = list(keys)
    if not keys:
        return {}
    query = (
        select(m.Edition.document_key, func.count())
        .where(col(m.Edition.document_key).in_(keys), m.Edition.language == language)
        .group_by(col(m.Edition.document_key))
    )
    return {key: count for key, count in session.exec(query)}


def _initiative(row: m.Initiative) -> Initiative:
    assert row.id is not None
    return Initiative(
        id=row.id,
        title=row.title,
        url=row.url,
        tags=tuple(t for t in row.tags.split(",") if t),
        note=row.note,
        created_on=row.created_on,
        draft_id=row.draft_id,
        reminded_on=row.reminded_on,
    )


def add_initiative(
    session: Session, title: str, day: date, *, url: str | None, tags: tuple[str, ...], note: str
) -> Initiative:
    row = m.Initiative(title=title, url=url, tags=",".join(tags), note=note, created_on=day)
    session.add(row)
    session.flush()
    return _initiative(row)


def initiatives(session: Session) -> list[Initiative]:
    return [_initiative(r) for r in session.exec(select(m.Initiative).order_by(col(m.Initiative.id)))]


def _initiative_row(session: Session, initiative_id: int) -> m.Initiative:
    row = session.get(m.Initiative, initiative_id)
    if row is None:
        raise NotFound(f"no initiative {initiative_id}: see `zanwatch initiatives list`")
    return row


def update_initiative(session: Session, initiative_id: int, **values: object) -> Initiative:
    """Set columns of an initiative (draft_id, reminded_on)."""
    row = _initiative_row(session, initiative_id)
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    return _initiative(row)


def amendments_by_act(
    session: Session, act_ident: str
) -> list[tuple[str, str, str, date | None, date | None, str]]:
    """What an act changed in the stored documents, from their footnotes: (document key, provision eid,
    kind, in-force date, the act's date, footnote text), one row per document and provision."""
    query = (
        select(m.Amendment)
        .where(m.Amendment.act_id == act_ident, m.Amendment.language == "rus")
        .order_by(col(m.Amendment.id))
    )
    return [(a.document_key, a.eid, a.kind, a.effective, a.act_date, a.text) for a in session.exec(query)]


def adilet_titles(session: Session) -> list[tuple[str, str]]:
    """(key, title) of each stored adilet document, its latest Russian edition's title."""
    latest = (
        select(m.Edition.document_key, func.max(m.Edition.seq).label("seq"))
        .where(col(m.Edition.document_key).startswith("adilet:"), m.Edition.language == "rus")
        .group_by(col(m.Edition.document_key))
        .subquery()
    )
    query = select(m.Edition.document_key, m.Edition.title).join(
        latest,
        (col(m.Edition.document_key) == latest.c.document_key) & (col(m.Edition.seq) == latest.c.seq),
    )
    return [(key, title) for key, title in session.exec(query.where(m.Edition.language == "rus"))]


def amending_acts(
    session: Session, *, ident: str | None = None, number: str | None = None
) -> list[tuple[str, str | None, date | None]]:
    """Acts known from the footnotes of stored documents, by adilet id or by number («305-VIII»):
    (id, number, date), once each."""
    query = select(col(m.Amendment.act_id), col(m.Amendment.act_number), col(m.Amendment.act_date)).where(
        col(m.Amendment.act_id).is_not(None)
    )
    if ident is not None:
        query = query.where(m.Amendment.act_id == ident)
    if number is not None:
        query = query.where(m.Amendment.act_number == number)
    return [(act_id, num, day) for act_id, num, day in session.exec(query.distinct()) if act_id]

"""The outbox: events appended inside the transaction that caused them, read back by id order."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, func, select

from storage.models import Event

OUTBOX_LOCK = 0x7A616E03
"""Advisory lock namespace ("zan" + 3) of the writers of events not yet committed."""
_LAST_ID = "CASE WHEN is_called THEN last_value ELSE last_value - 1 END"
"""The last id the sequence handed out (sequences are not transactional: every session sees it)."""
_HANDED_OUT = text(f"SELECT {_LAST_ID} FROM event_id_seq")
_ANNOUNCE = text(  # once per transaction: a local setting reverts when the transaction ends
    f"SELECT pg_advisory_xact_lock_shared(:ns, ({_LAST_ID})::int), "
    "set_config('zanwatch.outbox_writer', 'on', true) FROM event_id_seq "
    "WHERE coalesce(current_setting('zanwatch.outbox_writer', true), '') <> 'on'"
)
_OLDEST_WRITER = text(
    "SELECT min(objid::bigint) FROM pg_locks WHERE locktype = 'advisory' AND classid = :ns AND objsubid = 2 "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@dataclass(frozen=True)
class StoredEvent:
    id: int
    type: str
    document_key: str | None
    payload: dict[str, Any]
    created_at: datetime


def append(session: Session, type: str, payload: dict[str, Any], document_key: str | None = None) -> int:
    """Add an event to the outbox and return its id.

    On PostgreSQL, ids come from a sequence: writers never wait for one another, but they may commit out of
    id order. So the first event of a transaction announces its writer with a shared advisory lock keyed by
    the last id handed out before its own (held to the end of the transaction); readers stop below every
    announced key (`published_id`). SQLite has a single writer already.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(_ANNOUNCE, {"ns": OUTBOX_LOCK})
    event = Event(type=type, document_key=document_key, payload=json.dumps(payload, ensure_ascii=False))
    session.add(event)
    session.flush()
    assert event.id is not None
    return event.id


def after(
    session: Session, event_id: int, *, types: Iterable[str] | None = None, limit: int | None = None
) -> list[StoredEvent]:
    """Published events with an id above `event_id`, oldest first: what a watermark has not yet passed."""
    top = published_id(session)
    query = select(Event).where(col(Event.id) > event_id, col(Event.id) <= top).order_by(col(Event.id))
    if types is not None:
        query = query.where(col(Event.type).in_(list(types)))
    if limit is not None:
        query = query.limit(limit)
    return [_stored(row) for row in session.exec(query)]


def by_ids(session: Session, ids: Iterable[int]) -> dict[int, StoredEvent]:
    rows = session.exec(select(Event).where(col(Event.id).in_(list(ids))))
    return {row.id: _stored(row) for row in rows if row.id is not None}


def published_id(session: Session) -> int:
    """The newest id below which every event that will ever commit is visible now (0 for an empty outbox):
    a watermark may move up to it and never miss an event that commits later.

    On PostgreSQL: the last id handed out, read first, or else just below the key of the oldest writer still
    announced — whichever is lower. A writer not yet committed whose id is at most the former took its id
    after its announcement, so it still holds its announcement while the locks are read; one that committed
    before the events are read is seen by that read.
    """
    if session.get_bind().dialect.name != "postgresql":
        return session.exec(select(func.max(Event.id))).one() or 0
    conn = session.connection()
    handed_out = int(conn.execute(_HANDED_OUT).scalar_one())
    announced = conn.execute(_OLDEST_WRITER, {"ns": OUTBOX_LOCK}).scalar_one()
    return handed_out if announced is None else min(handed_out, int(announced))


def _stored(row: Event) -> StoredEvent:
    assert row.id is not None
    return StoredEvent(row.id, row.type, row.document_key, json.loads(row.payload), row.created_at)

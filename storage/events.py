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


@dataclass(frozen=True)
class StoredEvent:
    id: int
    type: str
    document_key: str | None
    payload: dict[str, Any]
    created_at: datetime


def append(session: Session, type: str, payload: dict[str, Any], document_key: str | None = None) -> int:
    """Add an event to the outbox and return its id.

    On PostgreSQL, sequence values are handed out before commit, so two writers could commit ids out of
    order and a reader's watermark could pass an id that becomes visible later. The table lock (held to the
    end of the transaction, and not blocking readers) makes writers of events commit one after another.
    SQLite has a single writer already.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("LOCK TABLE event IN SHARE ROW EXCLUSIVE MODE"))  # type: ignore[call-overload]
    event = Event(type=type, document_key=document_key, payload=json.dumps(payload, ensure_ascii=False))
    session.add(event)
    session.flush()
    assert event.id is not None
    return event.id


def after(
    session: Session, event_id: int, *, types: Iterable[str] | None = None, limit: int | None = None
) -> list[StoredEvent]:
    """Events with an id above `event_id`, oldest first: what a watermark has not yet passed."""
    query = select(Event).where(col(Event.id) > event_id).order_by(col(Event.id))
    if types is not None:
        query = query.where(col(Event.type).in_(list(types)))
    if limit is not None:
        query = query.limit(limit)
    return [_stored(row) for row in session.exec(query)]


def by_ids(session: Session, ids: Iterable[int]) -> dict[int, StoredEvent]:
    rows = session.exec(select(Event).where(col(Event.id).in_(list(ids))))
    return {row.id: _stored(row) for row in rows if row.id is not None}


def latest_id(session: Session) -> int:
    """The newest event id, 0 for an empty outbox."""
    return session.exec(select(func.max(Event.id))).one() or 0


def _stored(row: Event) -> StoredEvent:
    assert row.id is not None
    return StoredEvent(row.id, row.type, row.document_key, json.loads(row.payload), row.created_at)

"""Subscribers: who gets which events, by webhook or e-mail digest. Validation lives in tracker.notify."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, delete, select

from storage import events
from storage import models as m
from tracker.errors import Conflict, NotFound

CHANNELS = ("webhook", "email")


@dataclass(frozen=True)
class Subscriber:
    name: str
    email: str | None = None
    webhook_url: str | None = None
    secret: str | None = field(default=None, repr=False)
    documents: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    min_severity: str = "info"
    digest: str = "daily"
    languages: tuple[str, ...] = ()
    language: str = "rus"
    """The language digests are written in; `languages` filters which documents' events are included."""
    enabled: bool = True
    webhook_enabled: bool = True
    dead_letters: int = 0
    id: int | None = None
    created_at: datetime | None = None


def add(session: Session, sub: Subscriber) -> Subscriber:
    """Store a subscriber whose watermarks start at the newest event: it is told about what comes next."""
    if session.exec(select(m.Subscriber.id).where(m.Subscriber.name == sub.name)).first() is not None:
        raise Conflict(f"a subscriber named {sub.name!r} already exists")
    row = m.Subscriber(
        name=sub.name,
        email=sub.email,
        webhook_url=sub.webhook_url,
        secret=sub.secret,
        documents=",".join(sub.documents),
        tags=",".join(sub.tags),
        themes=",".join(sub.themes),
        min_severity=sub.min_severity,
        digest=sub.digest,
        languages=",".join(sub.languages),
        language=sub.language,
        enabled=sub.enabled,
        webhook_enabled=sub.webhook_enabled,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    start = events.latest_id(session)
    for channel in CHANNELS:
        session.add(m.Watermark(subscriber_id=row.id, channel=channel, event_id=start))
    return _view(row)


def get(session: Session, name: str) -> Subscriber:
    return _view(_row(session, name))


def by_id(session: Session, subscriber_id: int) -> Subscriber:
    row = session.get(m.Subscriber, subscriber_id)
    if row is None:
        raise NotFound(f"no subscriber with id {subscriber_id}")
    return _view(row)


def all_subscribers(session: Session, *, enabled_only: bool = False) -> list[Subscriber]:
    query = select(m.Subscriber).order_by(col(m.Subscriber.name))
    if enabled_only:
        query = query.where(col(m.Subscriber.enabled).is_(True))
    return [_view(row) for row in session.exec(query)]


def remove(session: Session, name: str) -> None:
    """Forget the subscriber with its delivery log and watermarks."""
    row = _row(session, name)
    for table in (m.Delivery, m.Watermark):
        session.exec(delete(table).where(col(table.subscriber_id) == row.id))  # type: ignore[call-overload]
    session.delete(row)


def set_secret(session: Session, name: str, secret: str) -> None:
    row = _row(session, name)
    row.secret = secret
    session.add(row)


def set_webhook_enabled(session: Session, name: str, enabled: bool) -> None:
    """Re-enabling also clears the dead-letter count that disabled it."""
    row = _row(session, name)
    row.webhook_enabled = enabled
    if enabled:
        row.dead_letters = 0
    session.add(row)


def count_dead_letter(session: Session, subscriber_id: int, disable_at: int) -> bool:
    """Count one more consecutive dead letter; True when this one disabled the webhook."""
    row = session.get(m.Subscriber, subscriber_id)
    assert row is not None
    row.dead_letters += 1
    newly_disabled = row.webhook_enabled and row.dead_letters >= disable_at
    if newly_disabled:
        row.webhook_enabled = False
    session.add(row)
    return newly_disabled


def clear_dead_letters(session: Session, subscriber_id: int) -> None:
    row = session.get(m.Subscriber, subscriber_id)
    if row is not None and row.dead_letters:
        row.dead_letters = 0
        session.add(row)


def _row(session: Session, name: str) -> m.Subscriber:
    row = session.exec(select(m.Subscriber).where(m.Subscriber.name == name)).first()
    if row is None:
        raise NotFound(f"no subscriber named {name!r}: see `zanwatch subscribers list`")
    return row


def _split(value: str) -> tuple[str, ...]:
    return tuple(x for x in value.split(",") if x)


def _view(row: m.Subscriber) -> Subscriber:
    return Subscriber(
        id=row.id,
        name=row.name,
        email=row.email,
        webhook_url=row.webhook_url,
        secret=row.secret,
        documents=_split(row.documents),
        tags=_split(row.tags),
        themes=_split(row.themes),
        min_severity=row.min_severity,
        digest=row.digest,
        languages=_split(row.languages),
        language=row.language,
        enabled=row.enabled,
        webhook_enabled=row.webhook_enabled,
        dead_letters=row.dead_letters,
        created_at=row.created_at,
    )

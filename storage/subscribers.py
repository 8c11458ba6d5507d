"""Subscribers: who gets which events, and their endpoints (one row per channel: an e-mail address, a
webhook URL with its secret, a Telegram chat). Validation lives in tracker.notify."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, delete, select

from storage import events
from storage import models as m
from tracker.errors import Conflict, NotFound


@dataclass(frozen=True)
class Endpoint:
    """Where a subscriber is reached on one channel; `enabled` goes off after repeated dead letters."""

    channel: str
    address: str
    secret: str | None = field(default=None, repr=False)
    enabled: bool = True
    dead_letters: int = 0


@dataclass(frozen=True)
class Subscriber:
    name: str
    endpoints: tuple[Endpoint, ...] = ()
    documents: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    min_severity: str = "info"
    digest: str = "daily"
    languages: tuple[str, ...] = ()
    language: str = "rus"
    """The language digests are written in; `languages` filters which documents' events are included."""
    enabled: bool = True
    id: int | None = None
    created_at: datetime | None = None

    def endpoint(self, channel: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.channel == channel), None)

    def address(self, channel: str) -> str | None:
        """The address on a channel, if the subscriber has one there and it is enabled."""
        found = self.endpoint(channel)
        return found.address if found and found.enabled else None

    @property
    def email(self) -> str | None:
        return self.address("email")

    @property
    def webhook_url(self) -> str | None:
        found = self.endpoint("webhook")
        return found.address if found else None

    @property
    def secret(self) -> str | None:
        found = self.endpoint("webhook")
        return found.secret if found else None

    @property
    def webhook_enabled(self) -> bool:
        found = self.endpoint("webhook")
        return found.enabled if found else False

    @property
    def dead_letters(self) -> int:
        found = self.endpoint("webhook")
        return found.dead_letters if found else 0


def add(session: Session, sub: Subscriber) -> Subscriber:
    """Store a subscriber with its endpoints; each channel's watermark starts at the newest event: it is
    told about what comes next."""
    if session.exec(select(m.Subscriber.id).where(m.Subscriber.name == sub.name)).first() is not None:
        raise Conflict(f"a subscriber named {sub.name!r} already exists")
    row = m.Subscriber(
        name=sub.name,
        documents=",".join(sub.documents),
        tags=",".join(sub.tags),
        themes=",".join(sub.themes),
        min_severity=sub.min_severity,
        digest=sub.digest,
        languages=",".join(sub.languages),
        language=sub.language,
        enabled=sub.enabled,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    for e in sub.endpoints:
        session.add(
            m.Endpoint(
                subscriber_id=row.id,
                channel=e.channel,
                address=e.address,
                secret=e.secret,
                enabled=e.enabled,
                dead_letters=e.dead_letters,
            )
        )
    start = events.published_id(session)
    for channel in {e.channel for e in sub.endpoints}:
        session.add(m.Watermark(subscriber_id=row.id, channel=channel, event_id=start))
    session.flush()
    return _view(session, row)


def get(session: Session, name: str) -> Subscriber:
    return _view(session, _row(session, name))


def by_id(session: Session, subscriber_id: int) -> Subscriber:
    row = session.get(m.Subscriber, subscriber_id)
    if row is None:
        raise NotFound(f"no subscriber with id {subscriber_id}")
    return _view(session, row)


def all_subscribers(session: Session, *, enabled_only: bool = False) -> list[Subscriber]:
    query = select(m.Subscriber).order_by(col(m.Subscriber.name))
    if enabled_only:
        query = query.where(col(m.Subscriber.enabled).is_(True))
    return [_view(session, row) for row in session.exec(query)]


def remove(session: Session, name: str) -> None:
    """Forget the subscriber with its delivery log and watermarks."""
    row = _row(session, name)
    for table in (m.Delivery, m.Watermark, m.Endpoint):
        session.exec(delete(table).where(col(table.subscriber_id) == row.id))  # type: ignore[call-overload]
    session.delete(row)


def set_secret(session: Session, name: str, channel: str, secret: str) -> None:
    row = _endpoint_row(session, _row(session, name).id, channel)
    row.secret = secret
    session.add(row)


def set_endpoint_enabled(session: Session, name: str, channel: str, enabled: bool) -> None:
    """Re-enabling also clears the dead-letter count that disabled it."""
    row = _endpoint_row(session, _row(session, name).id, channel)
    row.enabled = enabled
    if enabled:
        row.dead_letters = 0
    session.add(row)


def count_dead_letter(session: Session, subscriber_id: int, channel: str, disable_at: int) -> bool:
    """Count one more consecutive dead letter; True when this one disabled the endpoint."""
    row = _endpoint_row(session, subscriber_id, channel)
    row.dead_letters += 1
    newly_disabled = row.enabled and row.dead_letters >= disable_at
    if newly_disabled:
        row.enabled = False
    session.add(row)
    return newly_disabled


def clear_dead_letters(session: Session, subscriber_id: int, channel: str) -> None:
    row = _endpoint_row(session, subscriber_id, channel)
    if row.dead_letters:
        row.dead_letters = 0
        session.add(row)


def _endpoint_row(session: Session, subscriber_id: int | None, channel: str) -> m.Endpoint:
    row = session.exec(
        select(m.Endpoint).where(m.Endpoint.subscriber_id == subscriber_id, m.Endpoint.channel == channel)
    ).first()
    if row is None:
        raise NotFound(f"the subscriber has no {channel} endpoint")
    return row


def _row(session: Session, name: str) -> m.Subscriber:
    row = session.exec(select(m.Subscriber).where(m.Subscriber.name == name)).first()
    if row is None:
        raise NotFound(f"no subscriber named {name!r}: see `zanwatch subscribers list`")
    return row


def _split(value: str) -> tuple[str, ...]:
    return tuple(x for x in value.split(",") if x)


def _view(session: Session, row: m.Subscriber) -> Subscriber:
    rows = session.exec(
        select(m.Endpoint).where(m.Endpoint.subscriber_id == row.id).order_by(col(m.Endpoint.channel))
    )
    return Subscriber(
        id=row.id,
        name=row.name,
        endpoints=tuple(Endpoint(e.channel, e.address, e.secret, e.enabled, e.dead_letters) for e in rows),
        documents=_split(row.documents),
        tags=_split(row.tags),
        themes=_split(row.themes),
        min_severity=row.min_severity,
        digest=row.digest,
        languages=_split(row.languages),
        language=row.language,
        enabled=row.enabled,
        created_at=row.created_at,
    )

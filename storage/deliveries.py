"""The delivery log and per-channel watermarks.

A `Delivery` row exists before anything is sent, so a crash mid-send leaves a pending row that the next
run sends again with the same event id; it says "delivered" only after the receiver confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from storage import models as m
from tracker.errors import NotFound

STATUSES = ("pending", "delivered", "failed", "dead")


@dataclass(frozen=True)
class Delivery:
    id: int
    subscriber_id: int
    subscriber: str
    channel: str
    event_id: int
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    last_status_code: int | None
    delivered_at: datetime | None
    created_at: datetime


def ensure(session: Session, subscriber_id: int, channel: str, event_id: int) -> Delivery:
    """The row for (subscriber, channel, event), created pending if it does not exist yet."""
    row = session.exec(
        select(m.Delivery).where(
            m.Delivery.subscriber_id == subscriber_id,
            m.Delivery.channel == channel,
            m.Delivery.event_id == event_id,
        )
    ).first()
    if row is None:
        row = m.Delivery(subscriber_id=subscriber_id, channel=channel, event_id=event_id)
        session.add(row)
        session.flush()
    return _one(session, row)


def known_events(session: Session, channel: str, above: int) -> set[tuple[int, int]]:
    """(subscriber id, event id) pairs that already have a row: enqueuing again must not duplicate."""
    query = select(m.Delivery.subscriber_id, m.Delivery.event_id).where(
        m.Delivery.channel == channel, m.Delivery.event_id > above
    )
    return {(s, e) for s, e in session.exec(query)}


def add_pending(session: Session, channel: str, pairs: list[tuple[int, int]]) -> None:
    session.add_all(m.Delivery(subscriber_id=s, channel=channel, event_id=e) for s, e in pairs)


def due(session: Session, channel: str, now: datetime, limit: int | None = None) -> list[Delivery]:
    """Pending rows whose time has come, for subscribers whose endpoint on the channel is enabled, oldest
    event first."""
    query = (
        select(m.Delivery, m.Subscriber.name)
        .join(m.Subscriber, col(m.Subscriber.id) == col(m.Delivery.subscriber_id))
        .join(
            m.Endpoint,
            (col(m.Endpoint.subscriber_id) == col(m.Delivery.subscriber_id))
            & (col(m.Endpoint.channel) == col(m.Delivery.channel)),
        )
        .where(
            m.Delivery.channel == channel,
            m.Delivery.status == "pending",
            col(m.Delivery.next_attempt_at) <= now,
            col(m.Subscriber.enabled).is_(True),
            col(m.Endpoint.enabled).is_(True),
        )
        .order_by(col(m.Delivery.event_id), col(m.Delivery.id))
    )
    if limit is not None:
        query = query.limit(limit)
    return [_view(row, name) for row, name in session.exec(query)]


def record(
    session: Session,
    delivery_id: int,
    *,
    status: str,
    now: datetime,
    error: str = "",
    status_code: int | None = None,
    next_attempt_at: datetime | None = None,
) -> Delivery:
    """Store the outcome of one attempt."""
    row = _row(session, delivery_id)
    row.status = status
    row.attempts += 1
    row.last_error = error
    row.last_status_code = status_code
    if next_attempt_at is not None:
        row.next_attempt_at = next_attempt_at
    if status == "delivered":
        row.delivered_at = now
    session.add(row)
    return _one(session, row)


def requeue(session: Session, delivery_id: int, now: datetime) -> Delivery:
    """Give a failed or dead delivery a fresh set of attempts, due now."""
    row = _row(session, delivery_id)
    row.status = "pending"
    row.attempts = 0
    row.next_attempt_at = now
    session.add(row)
    return _one(session, row)


def get(session: Session, delivery_id: int) -> Delivery:
    return _one(session, _row(session, delivery_id))


def listing(
    session: Session, *, status: str | None = None, subscriber_id: int | None = None, limit: int = 100
) -> list[Delivery]:
    """The delivery log, newest first."""
    query = select(m.Delivery, m.Subscriber.name).join(
        m.Subscriber, col(m.Subscriber.id) == col(m.Delivery.subscriber_id)
    )
    if status is not None:
        query = query.where(m.Delivery.status == status)
    if subscriber_id is not None:
        query = query.where(m.Delivery.subscriber_id == subscriber_id)
    query = query.order_by(col(m.Delivery.id).desc()).limit(limit)
    return [_view(row, name) for row, name in session.exec(query)]


def lowest_pending_event(session: Session, subscriber_id: int, channel: str) -> int | None:
    return session.exec(
        select(func.min(m.Delivery.event_id)).where(
            m.Delivery.subscriber_id == subscriber_id,
            m.Delivery.channel == channel,
            m.Delivery.status == "pending",
        )
    ).one()


def watermarks(session: Session, channel: str) -> dict[int, tuple[int, datetime]]:
    """subscriber id → (last event id handled, when it last moved) for one channel."""
    query = select(m.Watermark).where(m.Watermark.channel == channel)
    return {w.subscriber_id: (w.event_id, w.updated_at) for w in session.exec(query)}


def set_watermark(session: Session, subscriber_id: int, channel: str, event_id: int, now: datetime) -> None:
    """Move the watermark forward (never back) and note when the channel was last served."""
    row = session.get(m.Watermark, (subscriber_id, channel))
    if row is None:
        row = m.Watermark(subscriber_id=subscriber_id, channel=channel, event_id=event_id)
    row.event_id = max(row.event_id, event_id)
    row.updated_at = now
    session.add(row)


def _row(session: Session, delivery_id: int) -> m.Delivery:
    row = session.get(m.Delivery, delivery_id)
    if row is None:
        raise NotFound(f"no delivery with id {delivery_id}: see `zanwatch deliveries list`")
    return row


def _one(session: Session, row: m.Delivery) -> Delivery:
    sub = session.get(m.Subscriber, row.subscriber_id)
    return _view(row, sub.name if sub else "?")


def _view(row: m.Delivery, subscriber: str) -> Delivery:
    assert row.id is not None
    return Delivery(
        id=row.id,
        subscriber_id=row.subscriber_id,
        subscriber=subscriber,
        channel=row.channel,
        event_id=row.event_id,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        last_status_code=row.last_status_code,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
    )

"""At-least-once delivery of outbox events, shared by every per-event channel (webhook, Telegram).

Each run first records a pending `Delivery` per (subscriber, matching event) — committed before any
attempt — then sends what is due through the channel's `Sender`. A row turns "delivered" only after the
receiver confirmed, so a process killed mid-run re-sends on restart exactly the rows not yet marked.
Subscribers are served in parallel, each one's events in order. Transient failures are retried with
exponential backoff and jitter (a receiver's own retry-after is honoured); the last retry makes a dead
letter, and repeated dead letters disable that endpoint and tell the operator.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from storage import deliveries, events, subscribers, watchlist
from storage.db import Database
from storage.events import StoredEvent
from storage.subscribers import Subscriber
from tracker.notify.events import publish, subscriber_disabled
from tracker.notify.subscribers import matches


@dataclass(frozen=True)
class Outcome:
    """One attempt's result: "delivered", "retry" (transient) or "failed" (permanent)."""

    kind: Literal["delivered", "retry", "failed"]
    status_code: int | None = None
    error: str = ""
    retry_after_s: float | None = None


class Policy(Protocol):
    """The retry settings a channel's config section provides ([webhooks], [telegram])."""

    @property
    def max_attempts(self) -> int: ...
    @property
    def backoff_base_s(self) -> float: ...
    @property
    def backoff_max_s(self) -> float: ...
    @property
    def disable_after_dead_letters(self) -> int: ...
    @property
    def concurrency(self) -> int: ...


class Sender(Protocol):
    """Sends one event to one subscriber's endpoint; called from several threads at once."""

    def send(self, sub: Subscriber, event: StoredEvent) -> Outcome: ...
    def close(self) -> None: ...


@dataclass
class EventSummary:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    dead: int = 0
    disabled: list[str] = field(default_factory=list)

    def tally(self, status: str, disabled: str | None) -> None:
        name = "retrying" if status == "pending" else status
        setattr(self, name, getattr(self, name) + 1)
        if disabled:
            self.disabled.append(disabled)

    def line(self, channel: str) -> str:
        off = f", endpoints disabled: {', '.join(self.disabled)}" if self.disabled else ""
        return (
            f"{channel}: {self.delivered} delivered, {self.retrying} to retry, {self.failed} failed, "
            f"{self.dead} dead{off}"
        )


def deliver_events(
    channel: str, policy: Policy, sender: Sender, db: Database, wants: Callable[[dict[str, Any]], bool]
) -> EventSummary:
    """Enqueue new matching events the channel `wants`, send every due delivery once, then move the
    watermarks."""
    rng = random.Random()
    scanned = enqueue(channel, db, wants)
    started = datetime.now(UTC)  # rows enqueued above are due; rows rescheduled below are not
    summary = EventSummary()
    with ThreadPoolExecutor(max_workers=max(1, policy.concurrency)) as pool:
        while True:
            with db.transaction() as session:
                batch = deliveries.due(session, channel, started, limit=policy.concurrency * 32)
                payloads = events.by_ids(session, {d.event_id for d in batch})
                subs = {s.id: s for s in subscribers.all_subscribers(session)}
            if not batch:
                break
            per_subscriber: dict[int, list[deliveries.Delivery]] = defaultdict(list)
            for delivery in batch:
                per_subscriber[delivery.subscriber_id].append(delivery)
            futures = [
                pool.submit(_serve, db, channel, sender, subs[sid], rows, payloads, policy, rng)
                for sid, rows in per_subscriber.items()
            ]
            for future in futures:
                for status, disabled in future.result():
                    summary.tally(status, disabled)
    _advance_watermarks(db, channel, scanned)
    return summary


def retry(
    channel: str, policy: Policy, sender: Sender, db: Database, delivery_id: int
) -> deliveries.Delivery:
    """Give a delivery a fresh set of attempts and make the first one now."""
    with db.transaction() as session:
        delivery = deliveries.requeue(session, delivery_id, datetime.now(UTC))
        sub = subscribers.by_id(session, delivery.subscriber_id)
        event = events.by_ids(session, [delivery.event_id])[delivery.event_id]
    _record(db, channel, delivery, sub, sender.send(sub, event), policy, random.Random())
    with db.transaction() as session:
        return deliveries.get(session, delivery_id)


def enqueue(channel: str, db: Database, wants: Callable[[dict[str, Any]], bool]) -> dict[int, int]:
    """Create pending rows for matching events past each watermark; return id → scanned-up-to."""
    with db.transaction() as session:
        subs = [
            s
            for s in subscribers.all_subscribers(session, enabled_only=True)
            if s.address(channel) and s.id is not None
        ]
        if not subs:
            return {}
        marks = {sid: mark for sid, (mark, _) in deliveries.watermarks(session, channel).items()}
        low = min(marks.get(s.id, 0) for s in subs)  # type: ignore[arg-type]
        top = events.published_id(session)
        new_events = [e for e in events.after(session, low) if e.id <= top and wants(e.payload)]
        known = deliveries.known_events(session, channel, low)
        tags = {w.key: w.tags for w in watchlist.all_watches(session)}
        audience = _audience(subs)
        pending = [
            (s.id, e.id)
            for e in new_events
            for s in audience(e.document_key)
            if e.id > marks.get(s.id, 0)  # type: ignore[arg-type]
            and (s.id, e.id) not in known
            and matches(s, e.payload, tags)
        ]
        deliveries.add_pending(session, channel, pending)  # type: ignore[arg-type]
        return {s.id: top for s in subs}  # type: ignore[misc]


def _audience(subs: list[Subscriber]) -> Callable[[str | None], list[Subscriber]]:
    """Who may want an event of a document: those who follow it by key, and those who follow no list.
    Matching then looks at these few instead of every subscriber for every event."""
    followers: dict[str, list[Subscriber]] = defaultdict(list)
    everyone = [s for s in subs if not s.documents]
    for s in subs:
        for key in s.documents:
            followers[key].append(s)
    return lambda key: everyone + followers.get(key or "", [])


def backoff_s(attempts: int, policy: Policy, rng: random.Random, retry_after_s: float | None = None) -> float:
    """Exponential backoff with equal jitter; a receiver's retry-after is honoured up to backoff_max_s."""
    delay = min(policy.backoff_max_s, policy.backoff_base_s * 2 ** (attempts - 1))
    jittered = delay / 2 + rng.uniform(0, delay / 2)
    if retry_after_s is not None:
        jittered = max(jittered, min(retry_after_s, policy.backoff_max_s))
    return jittered


def _record(
    db: Database,
    channel: str,
    delivery: deliveries.Delivery,
    sub: Subscriber,
    outcome: Outcome,
    policy: Policy,
    rng: random.Random,
) -> tuple[str, str | None]:
    """Store one attempt in its own transaction: what was confirmed stays confirmed if we die next.

    Returns the new status and the subscriber's name if this dead letter disabled its endpoint.
    """
    now = datetime.now(UTC)
    status: str = outcome.kind
    next_at = None
    if outcome.kind == "retry":
        if delivery.attempts + 1 >= policy.max_attempts:
            status = "dead"
        else:
            status = "pending"
            delay = backoff_s(delivery.attempts + 1, policy, rng, outcome.retry_after_s)
            next_at = now + timedelta(seconds=delay)
    with db.transaction() as session:
        deliveries.record(
            session,
            delivery.id,
            status=status,
            now=now,
            error=outcome.error,
            status_code=outcome.status_code,
            next_attempt_at=next_at,
        )
        if status == "delivered":
            subscribers.clear_dead_letters(session, delivery.subscriber_id, channel)
        elif status == "dead" and subscribers.count_dead_letter(
            session, delivery.subscriber_id, channel, policy.disable_after_dead_letters
        ):
            reason = (
                f"{channel}: {policy.disable_after_dead_letters} dead letters in a row; last: {outcome.error}"
            )
            publish(session, subscriber_disabled(sub.name, policy.disable_after_dead_letters, reason))
            return status, sub.name
    return status, None


def _serve(
    db: Database,
    channel: str,
    sender: Sender,
    sub: Subscriber,
    rows: list[deliveries.Delivery],
    payloads: dict[int, StoredEvent],
    policy: Policy,
    rng: random.Random,
) -> list[tuple[str, str | None]]:
    """One subscriber's due deliveries in event order, stopping if the endpoint gets disabled."""
    results = []
    for delivery in rows:
        outcome = sender.send(sub, payloads[delivery.event_id])
        results.append(_record(db, channel, delivery, sub, outcome, policy, rng))
        if results[-1][1]:
            break
    return results


def _advance_watermarks(db: Database, channel: str, scanned: dict[int, int]) -> None:
    """Move each watermark to just below its oldest pending delivery (or to what was scanned)."""
    now = datetime.now(UTC)
    with db.transaction() as session:
        for sub_id, top in scanned.items():
            oldest = deliveries.lowest_pending_event(session, sub_id, channel)
            mark = top if oldest is None else min(top, oldest - 1)
            deliveries.set_watermark(session, sub_id, channel, mark, now)

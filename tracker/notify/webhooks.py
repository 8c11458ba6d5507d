"""Webhook delivery per Standard Webhooks, at least once.

Each run first records a pending `Delivery` per (subscriber, matching event) — committed before any
request — then sends what is due. A row turns "delivered" only after a 2xx, so a process killed mid-run
re-sends on restart exactly the rows not yet marked, with the same `webhook-id` (the event id): receivers
de-duplicate on it. Endpoints are served in parallel, each one's events in order. Network errors, 5xx and
429 are retried with exponential backoff and jitter; other 4xx fail at once; the last retry makes a dead
letter, and repeated dead letters disable the endpoint.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
from standardwebhooks import Webhook

from storage import deliveries, events, subscribers, watchlist
from storage.db import Database
from storage.events import StoredEvent
from storage.subscribers import Subscriber
from tracker.config import Settings
from tracker.config import Webhooks as WebhookConfig
from tracker.errors import InputError
from tracker.notify import targets
from tracker.notify.events import publish, subscriber_disabled, with_id
from tracker.notify.subscribers import matches

CHANNEL = "webhook"
USER_AGENT = "ZanWatch-Webhooks/1"

log = logging.getLogger("zanwatch.webhooks")


@dataclass(frozen=True)
class Outcome:
    """One attempt's result: "delivered", "retry" (transient) or "failed" (permanent)."""

    kind: str
    status_code: int | None = None
    error: str = ""
    retry_after_s: float | None = None


@dataclass
class WebhookSummary:
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


def deliver_webhooks(settings: Settings, db: Database) -> WebhookSummary:
    """Enqueue new matching events, send every due delivery once, then move the watermarks."""
    cfg, rng = settings.webhooks, random.Random()
    scanned = enqueue(db)
    started = datetime.now(UTC)  # rows enqueued above are due; rows rescheduled below are not
    summary = WebhookSummary()
    with _Clients(cfg) as clients, ThreadPoolExecutor(max_workers=max(1, cfg.concurrency)) as pool:
        while True:
            with db.transaction() as session:
                batch = deliveries.due(session, CHANNEL, started, limit=cfg.concurrency * 32)
                payloads = events.by_ids(session, {d.event_id for d in batch})
                subs = {s.id: s for s in subscribers.all_subscribers(session)}
            if not batch:
                break
            per_subscriber: dict[int, list[deliveries.Delivery]] = defaultdict(list)
            for delivery in batch:
                per_subscriber[delivery.subscriber_id].append(delivery)
            futures = [
                pool.submit(_serve, db, clients, subs[sid], rows, payloads, cfg, rng)
                for sid, rows in per_subscriber.items()
            ]
            for future in futures:
                for status, disabled in future.result():
                    summary.tally(status, disabled)
    _advance_watermarks(db, scanned)
    return summary


def retry(settings: Settings, db: Database, delivery_id: int) -> deliveries.Delivery:
    """Give a delivery a fresh set of attempts and make the first one now."""
    with db.transaction() as session:
        delivery = deliveries.get(session, delivery_id)
        if delivery.channel != CHANNEL:
            raise InputError(f"delivery {delivery_id} is an e-mail digest: use `zanwatch digest send`")
        delivery = deliveries.requeue(session, delivery_id, datetime.now(UTC))
        sub = subscribers.by_id(session, delivery.subscriber_id)
        event = events.by_ids(session, [delivery.event_id])[delivery.event_id]
    with _Clients(settings.webhooks) as clients:
        outcome = send(clients, sub, event, settings.webhooks)
    _record(db, delivery, sub, outcome, settings.webhooks, random.Random())
    with db.transaction() as session:
        return deliveries.get(session, delivery_id)


def enqueue(db: Database) -> dict[int, int]:
    """Create pending rows for matching events past each webhook watermark; return id → scanned-up-to."""
    with db.transaction() as session:
        subs = [
            s
            for s in subscribers.all_subscribers(session, enabled_only=True)
            if s.webhook_url and s.webhook_enabled and s.id is not None
        ]
        if not subs:
            return {}
        marks = {sid: mark for sid, (mark, _) in deliveries.watermarks(session, CHANNEL).items()}
        low = min(marks.get(s.id, 0) for s in subs)  # type: ignore[arg-type]
        top = events.latest_id(session)
        new_events = [e for e in events.after(session, low) if e.id <= top]
        known = deliveries.known_events(session, CHANNEL, low)
        tags = {w.key: w.tags for w in watchlist.all_watches(session)}
        pending = [
            (s.id, e.id)
            for s in subs
            if s.id is not None
            for e in new_events
            if e.id > marks.get(s.id, 0) and (s.id, e.id) not in known and matches(s, e.payload, tags)
        ]
        deliveries.add_pending(session, CHANNEL, pending)
        return {s.id: top for s in subs}  # type: ignore[misc]


def send(clients: _Clients, sub: Subscriber, event: StoredEvent, cfg: WebhookConfig) -> Outcome:
    """POST one signed event, following redirects by hand so every hop passes the address check."""
    if not sub.webhook_url or not sub.secret:
        return Outcome("failed", error="the subscriber has no webhook URL or secret")
    body = json.dumps(with_id(event), ensure_ascii=False, separators=(",", ":"))
    msg_id = str(event.id)
    now = datetime.now(UTC)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(sub.secret).sign(msg_id, now, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
    try:
        url = targets.parse(sub.webhook_url)
        for _ in range(cfg.max_redirects + 1):
            response = clients.post(url, body.encode(), headers)
            location = response.headers.get("location")
            if not (response.is_redirect and location):
                return _classify(response)
            url = url.join(location)
        return Outcome("failed", response.status_code, f"more than {cfg.max_redirects} redirects")
    except (targets.Refused, httpx.InvalidURL) as exc:
        return Outcome("failed", error=f"refused: {exc}")
    except (httpx.TransportError, OSError) as exc:
        return Outcome("retry", error=f"{type(exc).__name__}: {exc}".strip())
    except Exception as exc:  # one endpoint's surprise must never stop delivery to the others
        log.exception("webhook %s: unexpected failure", sub.name)
        return Outcome("failed", error=f"{type(exc).__name__}: {exc}".strip())


def backoff_s(
    attempts: int, cfg: WebhookConfig, rng: random.Random, retry_after_s: float | None = None
) -> float:
    """Exponential backoff with equal jitter; a server's Retry-After is honoured up to backoff_max_s."""
    delay = min(cfg.backoff_max_s, cfg.backoff_base_s * 2 ** (attempts - 1))
    jittered = delay / 2 + rng.uniform(0, delay / 2)
    if retry_after_s is not None:
        jittered = max(jittered, min(retry_after_s, cfg.backoff_max_s))
    return jittered


class _Clients:
    """One HTTP client per target host: a pooled TLS connection is never reused for another name."""

    def __init__(self, cfg: WebhookConfig):
        self._cfg = cfg
        self._clients: dict[str, httpx.Client] = {}
        self._lock = threading.Lock()

    def post(self, url: httpx.URL, body: bytes, headers: dict[str, str]) -> httpx.Response:
        """Connect to the checked address of the host, keeping its name for Host and TLS SNI."""
        if url.scheme not in ("http", "https"):
            raise targets.Refused(f"{url} is not an http(s) URL")
        port = url.port or (443 if url.scheme == "https" else 80)
        address = targets.resolve(url.host, port, self._cfg.allow_hosts)
        extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
        return self._client(url.host).post(
            url.copy_with(host=address),
            content=body,
            headers={**headers, "host": url.netloc.decode("ascii")},
            extensions=extensions,
        )

    def _client(self, host: str) -> httpx.Client:
        with self._lock:
            if host not in self._clients:
                self._clients[host] = httpx.Client(timeout=self._cfg.timeout_s, follow_redirects=False)
            return self._clients[host]

    def __enter__(self) -> _Clients:
        return self

    def __exit__(self, *_: object) -> None:
        for client in self._clients.values():
            client.close()


def _classify(response: httpx.Response) -> Outcome:
    code = response.status_code
    if 200 <= code < 300:
        return Outcome("delivered", code)
    error = f"HTTP {code} {response.reason_phrase}".strip()
    if code == 429 or code >= 500:
        return Outcome("retry", code, error, _retry_after_s(response.headers.get("retry-after")))
    return Outcome("failed", code, error)


def _retry_after_s(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds()) if when.tzinfo else None


def _record(
    db: Database,
    delivery: deliveries.Delivery,
    sub: Subscriber,
    outcome: Outcome,
    cfg: WebhookConfig,
    rng: random.Random,
) -> tuple[str, str | None]:
    """Store one attempt in its own transaction: what was confirmed stays confirmed if we die next.

    Returns the new status and the subscriber's name if this dead letter disabled its endpoint.
    """
    now = datetime.now(UTC)
    status, next_at = outcome.kind, None
    if outcome.kind == "retry":
        if delivery.attempts + 1 >= cfg.max_attempts:
            status = "dead"
        else:
            status = "pending"
            next_at = now + timedelta(
                seconds=backoff_s(delivery.attempts + 1, cfg, rng, outcome.retry_after_s)
            )
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
            subscribers.clear_dead_letters(session, delivery.subscriber_id)
        elif status == "dead" and subscribers.count_dead_letter(
            session, delivery.subscriber_id, cfg.disable_after_dead_letters
        ):
            reason = f"{cfg.disable_after_dead_letters} dead letters in a row; last: {outcome.error}"
            publish(session, subscriber_disabled(sub.name, cfg.disable_after_dead_letters, reason))
            return status, sub.name
    return status, None


def _serve(
    db: Database,
    clients: _Clients,
    sub: Subscriber,
    rows: list[deliveries.Delivery],
    payloads: dict[int, StoredEvent],
    cfg: WebhookConfig,
    rng: random.Random,
) -> list[tuple[str, str | None]]:
    """One endpoint's due deliveries in event order, stopping if the endpoint gets disabled."""
    results = []
    for delivery in rows:
        outcome = send(clients, sub, payloads[delivery.event_id], cfg)
        results.append(_record(db, delivery, sub, outcome, cfg, rng))
        if results[-1][1]:
            break
    return results


def _advance_watermarks(db: Database, scanned: dict[int, int]) -> None:
    """Move each watermark to just below its oldest pending delivery (or to what was scanned)."""
    now = datetime.now(UTC)
    with db.transaction() as session:
        for sub_id, top in scanned.items():
            oldest = deliveries.lowest_pending_event(session, sub_id, CHANNEL)
            mark = top if oldest is None else min(top, oldest - 1)
            deliveries.set_watermark(session, sub_id, CHANNEL, mark, now)

"""Webhooks per Standard Webhooks: each event POSTed signed, through the shared at-least-once engine
(`tracker.notify.delivery`), which logs, retries and dead-letters.

Receivers de-duplicate on `webhook-id` (the event id). Network errors, 5xx and 429 are retried (honouring
Retry-After); other 4xx fail at once.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime

import httpx
from standardwebhooks import Webhook

from storage import deliveries
from storage.db import Database
from storage.events import StoredEvent
from storage.subscribers import Endpoint, Subscriber
from tracker.config import Settings
from tracker.config import Webhooks as WebhookConfig
from tracker.notify import targets
from tracker.notify.channels import EventChannel, register
from tracker.notify.delivery import EventSummary, Outcome
from tracker.notify.events import with_id
from tracker.notify.subscribers import new_secret, validate_webhook_url
from tracker.retry_after import retry_after_s

CHANNEL = "webhook"
USER_AGENT = "ZanWatch-Webhooks/1"

log = logging.getLogger("zanwatch.webhooks")


@register
class WebhookChannel(EventChannel):
    name = CHANNEL

    @property
    def policy(self) -> WebhookConfig:
        return self.settings.webhooks

    def endpoint(self, address: str) -> Endpoint:
        url = validate_webhook_url(address, self.settings.webhooks.allow_hosts)
        return Endpoint(CHANNEL, url, secret=new_secret())

    def sender(self) -> _Sender:
        return _Sender(self.settings.webhooks)


class _Sender:
    def __init__(self, cfg: WebhookConfig):
        self.cfg = cfg
        self.clients = _Clients(cfg)

    def send(self, sub: Subscriber, event: StoredEvent) -> Outcome:
        return send(self.clients, sub, event, self.cfg)

    def close(self) -> None:
        self.clients.close()


def deliver_webhooks(settings: Settings, db: Database) -> EventSummary:
    """Send every due webhook delivery once."""
    return WebhookChannel(settings).deliver(db)


def retry(settings: Settings, db: Database, delivery_id: int) -> deliveries.Delivery:
    """Give a webhook delivery a fresh set of attempts and make the first one now."""
    return WebhookChannel(settings).retry(db, delivery_id)


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

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


def _classify(response: httpx.Response) -> Outcome:
    code = response.status_code
    if 200 <= code < 300:
        return Outcome("delivered", code)
    error = f"HTTP {code} {response.reason_phrase}".strip()
    if code == 429 or code >= 500:
        return Outcome("retry", code, error, retry_after_s(response.headers))
    return Outcome("failed", code, error)

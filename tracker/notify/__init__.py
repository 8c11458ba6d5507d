"""Outbox events, webhooks and e-mail digests. `deliver_once` is what the daemon calls on each tick."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from tracker.config import Settings
from tracker.notify import digests, webhooks


@dataclass(frozen=True)
class DeliverySummary:
    webhooks: webhooks.WebhookSummary
    digests: digests.DigestSummary

    def line(self) -> str:
        w, d = self.webhooks, self.digests
        disabled = f", endpoints disabled: {', '.join(w.disabled)}" if w.disabled else ""
        return (
            f"webhooks: {w.delivered} delivered, {w.retrying} to retry, {w.failed} failed, {w.dead} dead"
            f"{disabled}; digests: {d.sent} sent, {d.failed} failed"
        )


def deliver_once(settings: Settings, db: Database, now: datetime | None = None) -> DeliverySummary:
    """Send every due webhook delivery once, then every due digest."""
    return DeliverySummary(
        webhooks.deliver_webhooks(settings, db),
        digests.send_digests(settings, db, now=now),
    )

"""Outbox events and their delivery on every registered channel (`tracker.notify.channels`).
`deliver_once` is what the daemon calls on each tick."""

from __future__ import annotations

from storage.db import Database
from tracker.config import Settings
from tracker.notify import digests, telegram, webhooks  # noqa: F401  (register the channels)
from tracker.notify.channels import CHANNELS, Summary


class DeliverySummary(dict[str, Summary]):
    """Channel name → what one pass did on it."""

    def line(self) -> str:
        return "; ".join(summary.line(name) for name, summary in self.items())


def deliver_once(settings: Settings, db: Database) -> DeliverySummary:
    """One pass over every channel: due events on per-event channels, then due digests."""
    return DeliverySummary((name, cls(settings).deliver(db)) for name, cls in CHANNELS.items())

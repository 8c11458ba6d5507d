"""Delivery channels as registered classes (modelled on urlwatch's reporters).

A channel is one module with one class: it validates the address a subscriber gives on the command line
(`subscribers add NAME --<channel> ADDRESS`), and delivers. Per-event channels (webhook, Telegram) only
say how to send one event; the shared engine in `tracker.notify.delivery` does the rest: the delivery log,
at-least-once delivery, retries, dead letters. Adding a channel is adding one module and importing it in
`tracker/notify/__init__.py`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Protocol

from storage import deliveries
from storage.db import Database
from storage.subscribers import Endpoint
from tracker.config import Settings
from tracker.errors import InputError
from tracker.notify import delivery
from tracker.notify.delivery import EventSummary, Policy, Sender


class Summary(Protocol):
    def line(self, channel: str) -> str: ...


class Channel(ABC):
    name: ClassVar[str]

    def __init__(self, settings: Settings):
        self.settings = settings

    @abstractmethod
    def endpoint(self, address: str) -> Endpoint:
        """A validated endpoint for `address`; InputError says what is wrong with it."""

    @abstractmethod
    def deliver(self, db: Database) -> Summary:
        """Send whatever is due on this channel, once."""

    def retry(self, db: Database, delivery_id: int) -> deliveries.Delivery:
        raise InputError(f"{self.name} deliveries are not retried one by one")


class EventChannel(Channel):
    """A channel that sends each matching event on its own, through the shared delivery engine."""

    @property
    @abstractmethod
    def policy(self) -> Policy: ...

    def wants(self, payload: dict[str, Any]) -> bool:
        """Whether this channel tells of such an event at all (before any subscriber filter)."""
        return True

    @abstractmethod
    def sender(self) -> Sender:
        """A sender for one run, closed when the run ends."""

    def deliver(self, db: Database) -> EventSummary:
        sender = self.sender()
        try:
            return delivery.deliver_events(self.name, self.policy, sender, db, self.wants)
        finally:
            sender.close()

    def retry(self, db: Database, delivery_id: int) -> deliveries.Delivery:
        with db.transaction() as session:
            found = deliveries.get(session, delivery_id)
        if found.channel != self.name:
            raise InputError(f"delivery {delivery_id} was made on {found.channel}, not {self.name}")
        sender = self.sender()
        try:
            return delivery.retry(self.name, self.policy, sender, db, delivery_id)
        finally:
            sender.close()


CHANNELS: dict[str, type[Channel]] = {}


def register(cls: type[Channel]) -> type[Channel]:
    CHANNELS[cls.name] = cls
    return cls


def channel(name: str, settings: Settings) -> Channel:
    if name not in CHANNELS:
        raise InputError(f"unknown channel {name!r} (known: {', '.join(sorted(CHANNELS))})")
    return CHANNELS[name](settings)

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field

import storage.tables.subscriber  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base, utcnow


class Delivery(Base, table=True):
    """One attempt history for one event (webhook) or one digest (email) to one subscriber."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("subscriber_id", "channel", "event_id"),)
    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    channel: str = Field(max_length=16)
    event_id: int = Field(index=True)
    status: str = Field(default="pending", index=True, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    last_status_code: int | None = None
    delivered_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)

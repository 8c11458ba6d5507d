from datetime import datetime

from sqlmodel import Field

import storage.tables.subscriber  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base, utcnow


class Watermark(Base, table=True):
    """The last event id delivered to a subscriber on a channel; advanced only after success."""

    __tablename__ = "watermark"
    subscriber_id: int = Field(foreign_key="subscriber.id", primary_key=True)
    channel: str = Field(primary_key=True, max_length=16)
    event_id: int = 0
    updated_at: datetime = Field(default_factory=utcnow)

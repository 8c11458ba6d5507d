from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field

import storage.tables.subscriber  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base, utcnow


class Endpoint(Base, table=True):
    """Where one subscriber is reached on one channel: an e-mail address, a webhook URL, a Telegram chat.

    `enabled` and `dead_letters` belong to the endpoint: repeated dead letters disable one channel only.
    """

    __tablename__ = "endpoint"
    __table_args__ = (UniqueConstraint("subscriber_id", "channel"),)
    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    channel: str = Field(max_length=16)
    address: str = Field(sa_column=Column(Text, nullable=False))
    secret: str | None = Field(default=None, max_length=128)
    enabled: bool = True
    dead_letters: int = 0
    created_at: datetime = Field(default_factory=utcnow)

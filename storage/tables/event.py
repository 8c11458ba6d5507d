from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field

from storage.tables import Base, utcnow


class Event(Base, table=True):
    """The outbox: written in the same transaction as what caused it; ids only grow."""

    __tablename__ = "event"
    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(index=True, max_length=48)
    document_key: str | None = Field(default=None, index=True, max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)

from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field

from storage.tables import Base, utcnow


class Act(Base, table=True):
    """An amending act, stored once however many documents and provisions it touches."""

    __tablename__ = "act"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=96)
    source_id: str | None = Field(default=None, index=True, max_length=32)
    number: str | None = Field(default=None, max_length=32)
    adopted: date | None = None
    title: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    published: date | None = None
    info_fetched_at: datetime | None = None
    info_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    first_seen_at: datetime = Field(default_factory=utcnow)

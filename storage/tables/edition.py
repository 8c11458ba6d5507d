from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field

import storage.tables.snapshot  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base, utcnow


class Edition(Base, table=True):
    """A version of one language expression whose normalised content differs from the one before."""

    __tablename__ = "edition"
    __table_args__ = (UniqueConstraint("document_key", "language", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    seq: int
    edition_date: date | None = None
    fetched_at: datetime = Field(default_factory=utcnow)
    content_hash: str = Field(max_length=64)
    title: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="", max_length=32)
    requisites: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    origin: str = Field(default="fetch", max_length=16)
    snapshot_id: int | None = Field(default=None, foreign_key="snapshot.id")
    meta: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field

import storage.tables.blob  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base, utcnow


class Snapshot(Base, table=True):
    """One fetch of a source page and how it was judged (ok, not_modified, suspect, error)."""

    __tablename__ = "snapshot"
    id: int | None = Field(default=None, primary_key=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    url: str = Field(sa_column=Column(Text, nullable=False))
    fetched_at: datetime = Field(default_factory=utcnow, index=True)
    http_status: int | None = None
    outcome: str = Field(max_length=16)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    blob_digest: str | None = Field(default=None, foreign_key="blob.digest", max_length=64)
    etag: str | None = Field(default=None, max_length=256)
    last_modified: str | None = Field(default=None, max_length=64)

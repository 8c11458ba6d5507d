from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field

from storage.tables import Base, utcnow


class WatchedDocument(Base, table=True):
    __tablename__ = "watched_document"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=64)
    source: str = Field(max_length=16)
    ident: str = Field(max_length=48)
    title: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    languages: str = Field(default="rus", max_length=32)
    tags: str = Field(default="", max_length=256)
    enabled: bool = True
    meta: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    created_at: datetime = Field(default_factory=utcnow)

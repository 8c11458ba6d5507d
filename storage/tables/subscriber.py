from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field

from storage.tables import Base, utcnow


class Subscriber(Base, table=True):
    __tablename__ = "subscriber"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=128)
    documents: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    tags: str = Field(default="", max_length=256)
    themes: str = Field(default="", max_length=512)
    min_severity: str = Field(default="info", max_length=16)
    digest: str = Field(default="daily", max_length=16)
    languages: str = Field(default="", max_length=32)
    language: str = Field(default="rus", max_length=8, sa_column_kwargs={"server_default": "rus"})
    enabled: bool = True
    created_at: datetime = Field(default_factory=utcnow)

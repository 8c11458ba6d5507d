from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field

import storage.tables.change  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base, utcnow


class Flag(Base, table=True):
    __tablename__ = "flag"
    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(foreign_key="change.id", index=True)
    document_key: str = Field(index=True, max_length=64)
    rule_id: str = Field(max_length=64)
    theme: str = Field(index=True, max_length=32)
    severity: str = Field(max_length=16)
    side: str = Field(max_length=16)
    matched: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    eid: str = Field(max_length=128)
    snippet: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    direction: str = Field(default="neutral", max_length=16)
    old_value: float | None = None
    new_value: float | None = None
    unit: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, index=True)

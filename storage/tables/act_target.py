from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field

import storage.tables.act  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base, utcnow


class ActTarget(Base, table=True):
    """What one act does to one provision of one watched document (eid "" = the whole document), and where
    that stands: announced (a pending notice), in_force (its footnote is on the current text), superseded
    (the notice vanished without the change landing)."""

    __tablename__ = "act_target"
    __table_args__ = (UniqueConstraint("act_id", "document_key", "eid"),)
    id: int | None = Field(default=None, primary_key=True)
    act_id: int = Field(foreign_key="act.id", index=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    eid: str = Field(default="", max_length=128)
    kind: str = Field(max_length=16)
    state: str = Field(index=True, max_length=16)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    in_force: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    effective: date | None = Field(default=None, index=True)
    effective_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    announced_on: date | None = None
    in_force_on: date | None = None
    warned_days: int | None = None
    updated_at: datetime = Field(default_factory=utcnow)

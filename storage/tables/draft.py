from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field

from storage.tables import Base, utcnow


class Draft(Base, table=True):
    """A draft followed from its first word to law: one row however many sources show the same text."""

    __tablename__ = "draft"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_column=Column(Text, nullable=False))
    stage: str = Field(max_length=24)
    stage_key: str = Field(default="", max_length=64)
    """The source whose status set the stage: only it may move the draft back."""
    source_status: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    developer: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    deadline: date | None = None
    moved_on: date
    stale_noted_on: date | None = None
    """The `moved_on` a `draft.stale` was sent for: one per stall."""
    act_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)

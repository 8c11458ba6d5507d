from datetime import date

from sqlalchemy import Column, Text
from sqlmodel import Field

import storage.tables.draft  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base


class DraftStage(Base, table=True):
    """The draft's timeline: a row each time its stage, or the status that set it, moved."""

    __tablename__ = "draft_stage"
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    day: date
    stage: str = Field(max_length=24)
    source_status: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source_key: str = Field(default="", max_length=64)

from datetime import date

from sqlalchemy import Column, Text
from sqlmodel import Field

import storage.tables.draft  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base


class Initiative(Base, table=True):
    """An announced initiative with no text yet; a draft is linked to it once one appears."""

    __tablename__ = "initiative"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_column=Column(Text, nullable=False))
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    tags: str = Field(default="", max_length=256)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_on: date
    draft_id: int | None = Field(default=None, foreign_key="draft.id")
    reminded_on: date | None = None

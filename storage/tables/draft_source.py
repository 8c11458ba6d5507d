from sqlalchemy import Column, Text
from sqlmodel import Field

import storage.tables.draft  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base


class DraftSource(Base, table=True):
    """One place a draft appears (a portal card `legalacts:ID`, a bill `mazhilis:ID`), in its own words."""

    __tablename__ = "draft_source"
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    key: str = Field(unique=True, max_length=64)
    title: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    stage: str = Field(max_length=24)
    url: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))

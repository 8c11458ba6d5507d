from datetime import date

from sqlalchemy import Boolean, Column, Text, UniqueConstraint, false
from sqlmodel import Field

import storage.tables.edition  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base


class Amendment(Base, table=True):
    """A parsed footnote or pending notice, stored once per document and provision."""

    __tablename__ = "amendment"
    __table_args__ = (UniqueConstraint("document_key", "language", "eid", "digest"),)
    id: int | None = Field(default=None, primary_key=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    eid: str = Field(default="", max_length=128)
    digest: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    scheduled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    text: str = Field(sa_column=Column(Text, nullable=False))
    act_id: str | None = Field(default=None, max_length=32)
    act_number: str | None = Field(default=None, max_length=32)
    act_date: date | None = None
    in_force: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    effective: date | None = Field(default=None, index=True)
    first_edition_id: int | None = Field(default=None, foreign_key="edition.id")

from sqlalchemy import Column, Text
from sqlmodel import Field

import storage.tables.edition  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base


class Change(Base, table=True):
    __tablename__ = "change"
    id: int | None = Field(default=None, primary_key=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    from_edition_id: int | None = Field(default=None, foreign_key="edition.id")
    to_edition_id: int = Field(foreign_key="edition.id", index=True)
    kind: str = Field(max_length=16)
    old_eid: str | None = Field(default=None, max_length=128)
    new_eid: str | None = Field(default=None, max_length=128)
    old_num: str | None = Field(default=None, max_length=32)
    new_num: str | None = Field(default=None, max_length=32)
    heading: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    similarity: float = 0.0
    ops: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    amendments: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    pairs: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    """JSON: for a run of articles renumbered alike, every (old_eid, new_eid, old_num, new_num)."""

from sqlalchemy import Column, Text
from sqlmodel import Field

import storage.tables.provision_text  # noqa: F401  (its foreign key's table, registered first)
from storage.tables import Base


class ProvisionVersion(Base, table=True):
    """A provision as it stood from edition `first_seq` up to (not including) `end_seq`; open if None."""

    __tablename__ = "provision_version"
    id: int | None = Field(default=None, primary_key=True)
    document_key: str = Field(index=True, max_length=64)
    language: str = Field(max_length=3)
    first_seq: int = Field(index=True)
    end_seq: int | None = Field(default=None, index=True)
    position: float
    eid: str = Field(max_length=128)
    kind: str = Field(max_length=16)
    num: str = Field(default="", max_length=32)
    heading: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    path: str = Field(default="", max_length=512)
    text_digest: str = Field(foreign_key="provision_text.digest", max_length=64)
    repealed: bool = False
    amendments: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field

from storage.tables import Base


class Blob(Base, table=True):
    """A raw body, zlib-compressed, stored once by the SHA-256 of the uncompressed bytes."""

    __tablename__ = "blob"
    digest: str = Field(primary_key=True, max_length=64)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))

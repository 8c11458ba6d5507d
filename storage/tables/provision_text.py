from sqlalchemy import Column, Text
from sqlmodel import Field

from storage.tables import Base


class ProvisionText(Base, table=True):
    __tablename__ = "provision_text"
    digest: str = Field(primary_key=True, max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))

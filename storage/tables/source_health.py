from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field

from storage.tables import Base


class SourceHealth(Base, table=True):
    """Per document-language (or host) check outcome, for `status`, degradation and the circuit breaker."""

    __tablename__ = "source_health"
    key: str = Field(primary_key=True, max_length=128)
    last_check_at: datetime | None = None
    last_outcome: str = Field(default="", max_length=16)
    last_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    consecutive_failures: int = 0
    degraded: bool = False
    last_success_at: datetime | None = None

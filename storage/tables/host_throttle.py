from datetime import datetime

from sqlmodel import Field

from storage.tables import Base, utcnow


class HostThrottle(Base, table=True):
    """A host's politeness state shared by every worker of a cluster (PostgreSQL): the next free request
    slot of its rate limit and its circuit breaker. Times are the database server's clock."""

    __tablename__ = "host_throttle"
    host: str = Field(primary_key=True, max_length=255)
    next_slot: datetime = Field(default_factory=utcnow)
    failures: int = 0
    open_until: datetime | None = None

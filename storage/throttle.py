"""The per-host rate limit and circuit breaker kept in PostgreSQL, shared by every worker of a cluster.

Each reservation is one atomic upsert on the host's row: the row lock orders concurrent workers, and the
database server's clock is the only clock, so machines with skewed clocks still space requests correctly.
Every statement commits on its own, outside any check's transaction, so a slot is never held for long.
"""

from __future__ import annotations

from sqlalchemy import text

from scrapers.throttle import Circuit, Throttle
from storage.db import Database

_RESERVE = text(
    """
    INSERT INTO host_throttle AS t (host, next_slot, failures)
    VALUES (:host, clock_timestamp() + make_interval(secs => :step), 0)
    ON CONFLICT (host) DO UPDATE
       SET next_slot = GREATEST(t.next_slot, clock_timestamp()) + make_interval(secs => :step)
    RETURNING EXTRACT(EPOCH FROM (t.next_slot - clock_timestamp()))::float8 - :step
    """
)
_CIRCUIT = text(
    """
    SELECT failures, GREATEST(0, EXTRACT(EPOCH FROM (open_until - clock_timestamp())))::float8
      FROM host_throttle WHERE host = :host
    """
)
_SUCCEEDED = text(
    "UPDATE host_throttle SET failures = 0, open_until = NULL "
    "WHERE host = :host AND (failures > 0 OR open_until IS NOT NULL)"
)
_FAILED = text(
    """
    INSERT INTO host_throttle AS t (host, next_slot, failures, open_until)
    VALUES (:host, clock_timestamp(), 1,
            CASE WHEN :threshold <= 1 THEN clock_timestamp() + make_interval(secs => :cooldown) END)
    ON CONFLICT (host) DO UPDATE
       SET failures = t.failures + 1,
           open_until = CASE WHEN t.failures + 1 >= :threshold
                             THEN clock_timestamp() + make_interval(secs => :cooldown)
                             ELSE t.open_until END
    """
)


class SharedThrottle:
    """`scrapers.throttle.Throttle` on the `host_throttle` table of a PostgreSQL database."""

    def __init__(self, db: Database) -> None:
        self._engine = db.engine

    def reserve(self, host: str, interval_s: float) -> float:
        with self._engine.begin() as conn:
            wait = conn.execute(_RESERVE, {"host": host, "step": interval_s}).scalar_one()
        return max(0.0, float(wait))

    def circuit(self, host: str) -> Circuit:
        with self._engine.begin() as conn:
            row = conn.execute(_CIRCUIT, {"host": host}).first()
        return Circuit(row[0], float(row[1] or 0.0)) if row else Circuit()

    def record(self, host: str, *, failed: bool, threshold: int, cooldown_s: float) -> None:
        with self._engine.begin() as conn:
            if failed:
                conn.execute(_FAILED, {"host": host, "threshold": threshold, "cooldown": cooldown_s})
            else:
                conn.execute(_SUCCEEDED, {"host": host})


def for_database(db: Database) -> Throttle | None:
    """The cluster-wide throttle on PostgreSQL; None (the fetcher's own, in-process) on SQLite, where one
    process does all the fetching."""
    return SharedThrottle(db) if db.engine.dialect.name == "postgresql" else None

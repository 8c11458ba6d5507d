"""What the PostgreSQL queue needs from the database besides procrastinate's own queries: its schema,
the scheduler's leadership lock, which checks are due or already queued, and how many jobs are where."""

from __future__ import annotations

import os
from datetime import datetime

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import Database

SCHEMA_LOCK = 0x7A616E01
"""Advisory lock ids ("zan" + n): one process installs the queue schema at a time…"""
LEADER_LOCK = 0x7A616E02
"""…and one scheduler is active at a time."""
DEAD_PEER_S = 10
"""The server drops a silent scheduler's session (and its lock) after about 2 × this plus 5 s."""


def conninfo(db: Database) -> str:
    """The libpq URL of a `postgresql+psycopg://` database (procrastinate connects with psycopg itself)."""
    return make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False)


def install_schema(db: Database, schema_sql: str) -> None:
    """Create procrastinate's tables once; concurrent starters wait for the first one."""
    with db.engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": SCHEMA_LOCK})
        if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            raw = conn.connection.driver_connection
            assert isinstance(raw, psycopg.Connection)
            raw.execute(schema_sql)  # no parameters: psycopg sends the whole script as it is


def queued_locks(db: Database, prefix: str) -> set[str]:
    """Queueing locks of jobs waiting or running whose lock starts with `prefix`."""
    with db.engine.begin() as conn:
        rows = conn.execute(
            text(
                "SELECT queueing_lock FROM procrastinate_jobs "
                "WHERE status IN ('todo', 'doing') AND queueing_lock LIKE :pattern"
            ),
            {"pattern": prefix.replace("%", r"\%").replace("_", r"\_") + "%"},
        )
        return {row[0] for row in rows}


def installed(db: Database) -> bool:
    """Has a worker or scheduler created the queue's tables in this database?"""
    with db.engine.begin() as conn:
        return conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None


def job_counts(db: Database) -> dict[str, dict[str, int]]:
    """Task name → status → jobs waiting (`todo`), running (`doing`) or `failed`; {} before the queue's
    tables exist (no worker or scheduler has started yet)."""
    counts: dict[str, dict[str, int]] = {}
    if not installed(db):
        return counts
    with db.engine.begin() as conn:
        rows = conn.execute(
            text(
                "SELECT task_name, status, count(*) FROM procrastinate_jobs "
                "WHERE status IN ('todo', 'doing', 'failed') GROUP BY task_name, status"
            )
        )
        for task, status, n in rows:
            counts.setdefault(task, {})[status] = n
    return counts


def checked_since(db: Database, since: datetime) -> set[str]:
    """`key/language` names of sources whose last check (of any outcome) is not older than `since`."""
    with db.engine.begin() as conn:
        rows = conn.execute(
            text("SELECT key FROM source_health WHERE last_check_at >= :since"), {"since": since}
        )
        return {row[0] for row in rows}


def leader(db: Database) -> str | None:
    """The application name (with its process id) of the session holding the scheduler lock, if any."""
    with db.engine.begin() as conn:
        return conn.execute(
            text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = :id"
            ),
            {"id": LEADER_LOCK},
        ).scalar()


class Leadership:
    """The scheduler's advisory lock, held by one dedicated connection for as long as it lives.

    A process that dies loses its session and so the lock at once; a machine that vanishes is noticed by
    the server's TCP keepalives (set short for this session), so a standby takes over within a minute.
    """

    def __init__(self, db: Database) -> None:
        self._conn = psycopg.connect(
            conninfo(db), autocommit=True, application_name=f"zanwatch scheduler pid {os.getpid()}"
        )
        for name, value in (("idle", DEAD_PEER_S), ("interval", 5), ("count", 2)):
            self._conn.execute(f"SET tcp_keepalives_{name} = {value}")

    def acquire(self) -> bool:
        row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (LEADER_LOCK,)).fetchone()
        return bool(row and row[0])

    def held(self) -> bool:
        """Still ours: the session is alive (a lost connection means another scheduler may lead now)."""
        try:
            self._conn.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def close(self) -> None:
        """Closing the session releases the lock."""
        self._conn.close()

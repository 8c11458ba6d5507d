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


def due_sources(db: Database, since: datetime, lock_prefix: str) -> list[tuple[str, str]]:
    """(key, language) of every enabled watch not checked since `since` and without a check waiting or
    running (queueing lock `lock_prefix` + `key/language`), found in one query: the scheduler asks this
    every tick, and at 10,000 laws reading the whole watch list, health table and queue into Python cost
    a sixth of a core."""
    with db.engine.begin() as conn:
        rows = conn.execute(
            text(
                "SELECT w.key, lang FROM watched_document w "
                "CROSS JOIN LATERAL unnest(string_to_array(w.languages, ',')) AS lang "
                "WHERE w.enabled AND lang <> '' "
                "AND NOT EXISTS (SELECT 1 FROM source_health h "
                "  WHERE h.key = w.key || '/' || lang AND h.last_check_at >= :since) "
                "AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs j "
                "  WHERE j.queueing_lock = :prefix || w.key || '/' || lang "
                "  AND j.status IN ('todo', 'doing')) "
                "ORDER BY w.id"
            ),
            {"since": since, "prefix": lock_prefix},
        )
        return [(key, lang) for key, lang in rows]


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

"""Engines, transactions and schema migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, create_engine

from tracker.errors import ConfigError, StorageError, ZanWatchError
from tracker.output import redact

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Database:
    """One database: `transaction()` commits everything inside it or nothing."""

    def __init__(self, url: str):
        self.url = _normalise_url(url)
        self.shown_url = redact(self.url)
        """The URL as messages show it: never with its password."""
        if self.url.startswith("sqlite:///"):
            _private_file(Path(self.url.removeprefix("sqlite:///")).expanduser())
        try:
            self.engine: Engine = create_engine(self.url, pool_pre_ping=True)
        except Exception as exc:
            raise ConfigError(f"cannot use database URL {self.shown_url!r}: {redact(str(exc))}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                raise StorageError(
                    f"database error ({exc.orig}); nothing was written: check that {self.shown_url} is "
                    "reachable, not locked by another process and has free space, then retry"
                ) from exc
            except BaseException:
                session.rollback()
                raise

    def init(self) -> None:
        """Create the schema or upgrade it to the newest migration."""
        try:
            with self.engine.begin() as conn:
                cfg = _alembic_config(self.url)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except DBAPIError as exc:
            raise ZanWatchError(
                f"cannot open database {self.shown_url}: {redact(str(exc.orig))}"
                + (" (is it a Zan Watch database?)" if "not a database" in str(exc.orig) else "")
            ) from None

    def dispose(self) -> None:
        self.engine.dispose()


def _private_file(path: Path) -> None:
    """A new SQLite file and its folder readable by their owner only: the file holds webhook secrets."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise ConfigError(f"cannot create the database file {path}: {exc.strerror}") from None


def _normalise_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()

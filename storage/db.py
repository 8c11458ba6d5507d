"""Engines, transactions and schema migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlmodel import Session, create_engine

from tracker.errors import ConfigError, InputError, StorageError, ZanWatchError
from tracker.output import redact

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


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
            except OverflowError:  # SQLite's integers are 64-bit: a typed id or count beyond that
                session.rollback()
                raise InputError(
                    f"a number given is too large (the largest id or count is {2**63 - 1}); "
                    "nothing was written"
                ) from None
            except DataError as exc:  # PostgreSQL's word for the same, or another value it cannot store
                session.rollback()
                raise InputError(
                    f"the database refused a value given ({exc.orig}); nothing was written"
                ) from None
            except BaseException:
                session.rollback()
                raise

    def init(self) -> None:
        """Create the schema or upgrade it to the newest migration. A schema already at the newest costs
        one query: alembic (a third of a second to import) is only loaded when there is work for it."""
        revisions = self._schema_revisions()
        if revisions == {head_revision()}:
            return
        unknown = revisions - known_revisions()
        if unknown:
            raise StorageError(
                f"database {self.shown_url} has schema revision {', '.join(sorted(unknown))}, which this "
                "version of zanwatch does not know: upgrade zanwatch (or is it not a Zan Watch database?)"
            )
        self._upgrade()

    def _schema_revisions(self) -> set[str]:
        """The revisions alembic recorded; empty for a new database (or one that cannot be read: the
        upgrade then says why)."""
        try:
            with self.engine.connect() as conn:
                return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        except DBAPIError:
            return set()

    def _upgrade(self) -> None:
        from alembic import command

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


def known_revisions() -> frozenset[str]:
    return frozenset(_migrations())


@cache
def head_revision() -> str:
    """The newest migration: the one no other migration follows from."""
    graph = _migrations()
    heads = sorted(set(graph) - set().union(*graph.values()))
    if len(heads) != 1:
        raise StorageError(f"the migrations have {len(heads)} heads ({', '.join(heads)}); expected one")
    return heads[0]


@cache
def _migrations() -> dict[str, frozenset[str]]:
    """Each migration's revision and the revisions it follows, read from the `revision = "…"` and
    `down_revision = "…"` lines of its script, without importing alembic."""
    graph: dict[str, frozenset[str]] = {}
    for script in (MIGRATIONS / "versions").glob("*.py"):
        lines = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        (revision,) = _QUOTED.findall(lines["revision"])
        graph[revision] = frozenset(_QUOTED.findall(lines.get("down_revision", "")))
    return graph


def _alembic_config(url: str) -> Config:
    from alembic.config import Config

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

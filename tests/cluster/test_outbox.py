"""The outbox on PostgreSQL: writers of events do not wait for one another, yet a reader's watermark never
passes an event that commits later (ids are handed out before commit, so they may commit out of order)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlmodel import Session

from storage import events
from storage.db import Database

pytestmark = pytest.mark.skipif(not os.environ.get("ZANWATCH_TEST_DB"), reason="needs PostgreSQL")


@pytest.fixture
def sessions(db: Database) -> Iterator[tuple[Session, Session]]:
    with Session(db.engine) as slow, Session(db.engine) as fast:
        yield slow, fast


def _append(session: Session, n: int) -> int:
    return events.append(session, "edition.created", {"n": n}, document_key=f"adilet:Z{n}")


def _ids(db: Database, above: int = 0) -> list[int]:
    with db.transaction() as session:
        return [e.id for e in events.after(session, above)]


def test_a_later_writer_commits_without_waiting_and_stays_unread_until_the_earlier_one_commits(
    db: Database, sessions: tuple[Session, Session]
) -> None:
    slow, fast = sessions
    first = _append(slow, 1)  # not committed yet: a check still at work
    fast.connection().execute(text("SET lock_timeout = '2s'"))  # waiting for `slow` would fail here
    second, third = _append(fast, 2), _append(fast, 3)
    fast.commit()
    assert first < second < third

    with db.transaction() as session:
        mark = events.published_id(session)
    assert mark < first and _ids(db) == []  # a watermark moved now could not skip `first`

    slow.commit()
    assert _ids(db, mark) == [first, second, third]
    with db.transaction() as session:
        assert events.published_id(session) == third


def test_a_writer_that_rolls_back_holds_no_reader_back(
    db: Database, sessions: tuple[Session, Session]
) -> None:
    slow, fast = sessions
    _append(slow, 1)
    kept = _append(fast, 2)
    fast.commit()
    assert _ids(db) == []
    slow.rollback()
    assert _ids(db) == [kept]


def test_many_events_in_one_transaction_announce_their_writer_once(
    db: Database, sessions: tuple[Session, Session]
) -> None:
    slow, _ = sessions
    for n in range(200):
        _append(slow, n)
    locks = slow.connection().execute(
        text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
    )
    assert locks.scalar_one() == 1
    slow.commit()
    assert len(_ids(db)) == 200

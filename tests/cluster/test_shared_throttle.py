"""The per-host rate limit and circuit breaker held in PostgreSQL: two processes (two `Database` objects,
two connection pools) share one budget and one breaker per host."""

from __future__ import annotations

import os

import pytest

from storage.db import Database
from storage.throttle import SharedThrottle, for_database

pytestmark = pytest.mark.skipif(not os.environ.get("ZANWATCH_TEST_DB"), reason="needs PostgreSQL")


@pytest.fixture
def second(db_url: str, db: Database):
    other = Database(db_url)
    yield other
    other.dispose()


def test_two_processes_take_turns_in_one_budget_per_host(db: Database, second: Database) -> None:
    a, b = SharedThrottle(db), SharedThrottle(second)
    waits = [(a if i % 2 else b).reserve("adilet.zan.kz", 10.0) for i in range(6)]
    # one slot every 10 s, whoever asks: the k-th reservation waits about 10·k s (less the time spent asking)
    assert [round(w / 10) for w in waits] == [0, 1, 2, 3, 4, 5]
    assert a.reserve("legalacts.egov.kz", 10.0) == 0.0  # another host has its own budget


def test_a_circuit_opened_by_one_process_is_open_for_the_other(db: Database, second: Database) -> None:
    a, b = SharedThrottle(db), SharedThrottle(second)
    for _ in range(3):
        a.record("adilet.zan.kz", failed=True, threshold=3, cooldown_s=600)
    circuit = b.circuit("adilet.zan.kz")
    assert circuit.failures == 3 and 590 < circuit.open_s <= 600
    b.record("adilet.zan.kz", failed=False, threshold=3, cooldown_s=600)
    assert a.circuit("adilet.zan.kz").open_s == 0.0


def test_sqlite_keeps_the_fetchers_own_throttle(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path}/one.db")
    assert for_database(db) is None
    db.dispose()

"""A scheduler and two `zanwatch worker` processes on PostgreSQL check one set of documents served by a
local replay of adilet: one worker is SIGKILLed in the middle of a check; every document still gets each
edition exactly once, every event reaches the webhook subscriber, and the replay server's log shows the
two workers together never went above the host's rate limit."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import procrastinate
import pytest
from sqlalchemy import text
from sqlmodel import select

from storage import models as m
from storage import subscribers, watchlist
from storage.db import Database
from storage.subscribers import Endpoint
from tests.daemon.test_run import Receiver, receiver, wait_for  # noqa: F401  (fixture)
from tracker.model import Watch
from tracker.notify.subscribers import new_secret, new_subscriber
from tracker.queue import app_for, defer_checks
from tracker.replay import ReplayServer, Reply

pytestmark = pytest.mark.skipif(not os.environ.get("ZANWATCH_TEST_DB"), reason="needs PostgreSQL")

ADILET = Path(__file__).resolve().parents[1] / "fixtures" / "adilet"
REAL = (ADILET / "Z950002592_.rus.html").read_text(encoding="utf-8")
EDITED = REAL.replace("исключительно за счет республиканского бюджета", "за счет республиканского бюджета")
IDS = [f"Z95000{n:04d}_" for n in range(2590, 2598)]
RATE = 2.0
"""Requests per second allowed to the replayed host, for both workers together."""
ZANWATCH = Path(sys.executable).with_name("zanwatch")
WORKERS = "SELECT count(*) FROM procrastinate_workers"
CHECKING = (
    "SELECT count(*) FROM procrastinate_jobs "
    "WHERE status = 'doing' AND worker_id = {} AND task_name = 'zanwatch:check'"
)


def config_for(tmp_path: Path, site: ReplayServer, timeout_s: float = 5.0) -> Path:
    path = tmp_path / "zanwatch.toml"
    path.write_text(
        f"""
[sources]
adilet_base_url = "{site.url}"
adilet_api_url = "{site.url}"
[politeness]
timeout_s = {timeout_s}
retries = 1
backoff_base_s = 0.0
[politeness.rate_per_host]
default = {RATE}
[schedule]
jitter_seconds = 0
[webhooks]
allow_hosts = ["127.0.0.1"]
backoff_base_s = 0.1
[queue]
tick_seconds = 0.5
heartbeat_seconds = 0.5
""",
        encoding="utf-8",
    )
    return path


def serve(site: ReplayServer, body: str) -> None:
    """Every document answers slowly, so that a worker killed at any moment is in the middle of a check;
    each page's share links name its own document (a page naming another is suspect)."""
    for ident in IDS:
        site.sequence(f"/rus/docs/{ident}", [Reply(body.replace("Z950002592_", ident), delay_s=0.2)])


class Cluster:
    def __init__(self, config: Path, db_url: str) -> None:
        self.base = [str(ZANWATCH), "--config", str(config), "--db", db_url]
        self.processes: list[subprocess.Popen[str]] = []

    def start(self, *args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [*self.base, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.processes.append(process)
        return process

    def stop(self) -> list[str]:
        """SIGTERM everything still running; return the stderr of every process."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        errors = []
        for process in self.processes:
            try:
                errors.append(process.communicate(timeout=20)[1])
            except subprocess.TimeoutExpired:
                process.kill()
                errors.append(process.communicate()[1])
        return errors


@pytest.fixture
def cluster(tmp_path: Path, db_url: str, site: ReplayServer) -> Iterator[Cluster]:
    running = Cluster(config_for(tmp_path, site), db_url)
    yield running
    running.stop()


@pytest.fixture
def site() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        yield server


def test_two_workers_one_killed_no_duplicate_no_loss_within_the_rate(
    db: Database,
    cluster: Cluster,
    site: ReplayServer,
    receiver: Receiver,  # noqa: F811
) -> None:
    with db.transaction() as session:
        for ident in IDS:
            watchlist.add(session, Watch(f"adilet:{ident}", ident, ("rus",), ()))
        subscribers.add(
            session, new_subscriber("partner", endpoints=[Endpoint("webhook", receiver.url, new_secret())])
        )

    def scalar(sql: str) -> int:
        with db.engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar() or 0)

    def editions(seq: int) -> int:
        return scalar(f"SELECT count(*) FROM edition WHERE seq = {seq}")

    app_for(db)  # the queue's tables, which every process would otherwise race to install
    serve(site, REAL)
    cluster.start("scheduler", "--interval-seconds", "3", "--delivery-seconds", "0.5")
    doomed = cluster.start("worker", "--concurrency", "4")
    wait_for("the first worker to register", lambda: scalar(WORKERS) == 1)
    first = scalar("SELECT min(id) FROM procrastinate_workers")
    cluster.start("worker", "--concurrency", "4")
    wait_for("every document's first edition", lambda: editions(1) == len(IDS), timeout_s=60)

    serve(site, EDITED)
    wait_for("the first worker to be in the middle of a check", lambda: scalar(CHECKING.format(first)) > 0)
    doomed.send_signal(signal.SIGKILL)
    wait_for("every document's second edition", lambda: editions(2) == len(IDS), timeout_s=60)
    with db.transaction() as session:
        stored = {str(e.id) for e in session.exec(select(m.Event))}
    wait_for("every event delivered", lambda: stored <= set(receiver.ids), timeout_s=30)
    errors = cluster.stop()

    assert doomed.returncode == -signal.SIGKILL
    with db.transaction() as session:
        chains = {}
        for e in session.exec(select(m.Edition).order_by(m.Edition.seq)):
            chains.setdefault(e.document_key, []).append(e.seq)
        types = [e.type for e in session.exec(select(m.Event))]
    assert chains == {f"adilet:{ident}": [1, 2] for ident in IDS}  # no duplicate, none missing
    assert types.count("edition.created") == 2 * len(IDS)
    assert types.count("provision.changed") == len(IDS)
    assert stored <= set(receiver.ids)  # no event lost
    # the killed worker's check went back to the queue, and another worker did it
    assert "requeued zanwatch:check" in errors[0], errors[0]
    assert scalar("SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'") == 0
    # both workers together: never more requests in two seconds than the limit allows, give or take one
    # at each edge of the window (a thread woken late); each worker on its own budget sends about twice as
    # many (9 measured)
    assert site.peak(2.0) <= 2 * RATE + 2
    assert all("Traceback" not in err for err in errors), errors


def test_sigterm_stops_a_worker_in_the_middle_of_a_fetch_and_the_check_goes_back_to_the_queue(
    db: Database, tmp_path: Path, db_url: str, site: ReplayServer
) -> None:
    """The page takes ten minutes to answer and the fetch would wait for it: the worker does not."""
    key, path = f"adilet:{IDS[0]}", f"/rus/docs/{IDS[0]}"
    with db.transaction() as session:
        watchlist.add(session, Watch(key, IDS[0], ("rus",), ()))
    site.sequence(path, [Reply(REAL, delay_s=600)])
    app = app_for(db)
    asyncio.run(_defer(app, key))
    cluster = Cluster(config_for(tmp_path, site, timeout_s=900), db_url)
    worker = cluster.start("worker", "--concurrency", "1")
    try:
        wait_for("the page to be asked for", lambda: any(r.path == path for r in site.requests), 120)
        worker.send_signal(signal.SIGTERM)
        err = worker.communicate(timeout=120)[1]  # the page would take 600 s
    except subprocess.TimeoutExpired:
        pytest.fail("the worker still waits for the page after SIGTERM")
    finally:
        cluster.stop()
    assert worker.returncode == 0, err
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM edition")).scalar() == 0  # nothing half-recorded…
        waiting = conn.execute(
            text("SELECT status, args FROM procrastinate_jobs WHERE task_name = 'zanwatch:check'")
        ).all()
    assert [(status, args["key"]) for status, args in waiting] == [("todo", key)]  # …and the check waits


async def _defer(app: procrastinate.App, key: str) -> None:
    async with app.open_async():
        await defer_checks(app, [(key, "rus")])

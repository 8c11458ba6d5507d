"""`zanwatch run` as a real process against local replay servers: it records editions, delivers their
events to a webhook receiver, and on SIGTERM finishes cleanly with exit code 0."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlmodel import select

from storage import models as m
from storage import subscribers, watchlist
from storage.db import Database
from tracker.model import Watch
from tracker.notify.subscribers import new_subscriber
from tracker.replay import ReplayServer, Reply

ADILET = Path(__file__).resolve().parents[1] / "fixtures" / "adilet"
KEY = "adilet:Z950002592_"
PATH = "/rus/docs/Z950002592_"
REAL = (ADILET / "Z950002592_.rus.html").read_text(encoding="utf-8")
EDITED = REAL.replace("исключительно за счет республиканского бюджета", "за счет республиканского бюджета")
ZANWATCH = Path(sys.executable).with_name("zanwatch")


class Receiver(ThreadingHTTPServer):
    """A partner's webhook endpoint: keeps the event types it was sent."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.types: list[str] = []
        self.ids: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.types.append(json.loads(body)["type"])
        self.server.ids.append(self.headers["webhook-id"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def wait_for(what: str, condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def config_for(tmp_path: Path, site: ReplayServer, timeout_s: float = 2.0) -> Path:
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
default = 1000.0
[schedule]
jitter_seconds = 0
[webhooks]
allow_hosts = ["127.0.0.1"]
backoff_base_s = 0.1
""",
        encoding="utf-8",
    )
    return path


def test_run_records_delivers_and_stops_cleanly_on_sigterm(
    tmp_path: Path, db: Database, db_url: str, receiver: Receiver
) -> None:
    with db.transaction() as session:
        watchlist.add(session, Watch(KEY, "Referendum law", ("rus",), ("constitution",)))
        subscribers.add(
            session, new_subscriber("partner", webhook_url=receiver.url, allow_hosts=["127.0.0.1"])
        )

    def editions() -> int:
        with db.transaction() as session:
            return len(session.exec(select(m.Edition)).all())

    with ReplayServer() as site:
        site.route(PATH, REAL)
        args = ["--config", str(config_for(tmp_path, site)), "--db", db_url, "run"]
        daemon = subprocess.Popen(
            [str(ZANWATCH), *args, "--interval-seconds", "1", "--delivery-seconds", "0.5"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_for("the first edition to be delivered", lambda: "edition.created" in receiver.types)
            site.route(PATH, EDITED)
            wait_for("the edit to be delivered", lambda: "provision.changed" in receiver.types)
            daemon.send_signal(signal.SIGTERM)
            out, err = daemon.communicate(timeout=20)
        finally:
            if daemon.poll() is None:
                daemon.kill()
                daemon.communicate()
    assert daemon.returncode == 0, err
    assert "Stopped." in out
    assert editions() == 2
    with db.transaction() as session:
        stored = [e.type for e in session.exec(select(m.Event).order_by(m.Event.id))]
        delivered = session.exec(select(m.Delivery).where(m.Delivery.status == "delivered")).all()
    assert stored == ["edition.created", "edition.created", "provision.changed"]
    assert receiver.types == stored  # each event once, in order, though checks ran every second
    assert len(delivered) == 3
    assert "Traceback" not in err


def test_sigterm_stops_run_within_seconds_while_a_fetch_trickles(
    tmp_path: Path, db: Database, db_url: str
) -> None:
    """The page trickles in a byte every 0.2 s (an hour's worth) under a 10-minute timeout: SIGTERM still
    ends `run` at once, and the half-read page leaves no trace."""
    with db.transaction() as session:
        watchlist.add(session, Watch(KEY, "Referendum law", ("rus",), ("constitution",)))
    with ReplayServer() as site:
        site.sequence(PATH, [Reply(REAL, trickle_s=0.2)])
        args = ["--config", str(config_for(tmp_path, site, timeout_s=600.0)), "--db", db_url, "run"]
        daemon = subprocess.Popen(
            [str(ZANWATCH), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            wait_for("the fetch to start", lambda: bool(site.requests))
            daemon.send_signal(signal.SIGTERM)
            out, err = daemon.communicate(timeout=10)
        finally:
            if daemon.poll() is None:
                daemon.kill()
                daemon.communicate()
    assert daemon.returncode == 0, err
    assert "Stopped." in out and "Traceback" not in err
    with db.transaction() as session:
        assert session.exec(select(m.Snapshot)).all() == []
        assert [h.consecutive_failures for h in session.exec(select(m.SourceHealth))] in ([], [0])

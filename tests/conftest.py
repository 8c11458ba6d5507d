"""Shared fixtures: a real database (SQLite by default; PostgreSQL when ZANWATCH_TEST_DB names a server)
and an in-process `zanwatch` runner that captures exit code, stdout and stderr."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text

from storage.db import Database
from tracker.replay import ReplayServer

FIXTURES = Path(__file__).parent / "fixtures"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
"""Screenshots and other test output a reader looks at; CI keeps the folder (gitignored)."""
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")

settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")
"""Hypothesis's per-example deadline is a timing assertion: on two shared cores it failed the differ's
property test at random. Speed is measured in bench/, not asserted here."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never `playwright install`), one per test module: Playwright's
    sync API keeps an asyncio loop running in the main thread while it is open, and the queue's tests, later
    in the same run, need `asyncio.run`.

    Skipped, saying why, only where Chromium is not installed; `.ci/run` installs it.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}: apt-get install chromium (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    args += ["--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield chromium
        chromium.close()


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    server = os.environ.get("ZANWATCH_TEST_DB")
    if not server:
        yield f"sqlite:///{tmp_path}/zanwatch.db"
        return
    name = f"zw_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.init()
    yield database
    database.dispose()


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_url: str, monkeypatch: pytest.MonkeyPatch):
    """Run `zanwatch ARGS…` in this process against the test database."""
    from tracker.cli import main

    monkeypatch.setenv("ZANWATCH_DB", db_url)
    monkeypatch.delenv("ZANWATCH_CONFIG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> CliResult:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


class Clock:
    """Monotonic time a test can move forward, e.g. past the fetcher's circuit-breaker cool-down."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    """A loopback replay server: the sites' pages as a test routes them."""
    with ReplayServer() as s:
        yield s


@pytest.fixture
def clock() -> Clock:
    return Clock()


@dataclass(frozen=True)
class DemoRun:
    code: int
    out: str
    report: Path
    db_url: str


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    """`zanwatch demo`, run once per session: what it printed, its HTML report and its database."""
    from tracker.cli import main

    home = tmp_path_factory.mktemp("demo")
    report = home / "report.html"
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out):
        mp.setenv("XDG_DATA_HOME", str(home / "data"))
        mp.delenv("ZANWATCH_CONFIG", raising=False)
        mp.delenv("ZANWATCH_DB", raising=False)
        mp.setenv("COLUMNS", "200")
        try:
            main(["demo", "--output", str(report)])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    yield DemoRun(code, out.getvalue(), report, f"sqlite:///{home / 'data' / 'zanwatch' / 'demo.db'}")

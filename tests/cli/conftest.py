"""The offline demo, run once per session: its report, its database and what it printed."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class DemoRun:
    code: int
    out: str
    report: Path
    db_url: str


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
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

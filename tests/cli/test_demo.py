"""`zanwatch demo`, the README's main job: offline, two editions, the changes, a flag and a report."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_demo_runs_offline_and_shows_changes(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    report = tmp_path / "report.html"
    result = cli("demo", "--output", str(report))
    assert result.code == 0, result.err
    assert "edition 2, 3 changed articles" in result.out
    assert "Статья 7-1" in result.out and "109-VIII" in result.out
    assert "draft.deadline_approaching" in result.out
    assert "⚑" in result.out  # a flagged change in the draft
    html = report.read_text(encoding="utf-8")
    assert "<del" in html and "Статья 32" in html
    assert (tmp_path / "data" / "zanwatch" / "demo.db").exists()

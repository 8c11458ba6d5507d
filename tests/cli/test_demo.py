"""`zanwatch demo`, the README's main job: offline, two editions, the changes, a flag and a report."""

from __future__ import annotations

from pathlib import Path


def test_demo_runs_offline_and_shows_changes(demo_run) -> None:
    assert demo_run.code == 0, demo_run.out
    out = demo_run.out
    assert "edition 2, 3 changed articles" in out
    assert "Статья 7-1" in out and "109-VIII" in out
    assert "draft.deadline_approaching" in out
    assert "⚑" in out  # a flagged change in the draft, with the rule's reason in the draft's language
    assert "Приостановление деятельности организации (до шести месяцев" in " ".join(out.split())
    html = demo_run.report.read_text(encoding="utf-8")
    assert "<del" in html and "Статья 32" in html
    assert Path(demo_run.db_url.removeprefix("sqlite:///")).exists()

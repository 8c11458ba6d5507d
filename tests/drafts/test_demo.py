"""The draft part of the offline demo shows the diff between two versions and the deadline warning."""

from __future__ import annotations

from rich.console import Console
from sqlmodel import select

from storage import models as m
from storage.db import Database
from tracker import config
from tracker.demo import drafts as demo


def test_the_demo_diffs_two_versions_and_warns_of_the_deadline(db: Database) -> None:
    console = Console(record=True, width=160)
    demo.run_draft_demo(console, db, config.load())
    shown = console.export_text()
    assert "десяти" in shown and "шестидесяти" in shown  # the redline of article 2
    assert "draft.deadline_approaching" in shown
    with db.transaction() as session:
        types = [e.type for e in session.exec(select(m.Event).order_by(m.Event.id))]
    assert types.count("draft.published") == 1 and types.count("draft.deadline_approaching") == 1

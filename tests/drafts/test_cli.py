"""`zanwatch drafts` and `zanwatch initiatives` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_after_the_demo_drafts_list_shows_its_draft_with_stage_and_deadline(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert cli("demo", "--output", str(tmp_path / "report.html")).code == 0
    demo_db = f"sqlite:///{tmp_path / 'data' / 'zanwatch' / 'demo.db'}"
    listed = cli("--db", demo_db, "drafts", "list", "--format", "json")
    assert listed.code == 0, listed.err
    (draft,) = json.loads(listed.out)
    assert draft["sources"] == ["legalacts:15900101"] and draft["versions"] == 2
    assert draft["stage"] == "public_discussion" and draft["source_status"] == "На публичном обсуждении"
    assert draft["deadline"] is not None and draft["developer"] == "Министерство культуры и информации РК"
    table = cli("--db", demo_db, "drafts", "list")
    assert "public_discussion" in table.out and "О внесении изменений" in table.out  # the title, cut
    diff = cli("--db", demo_db, "drafts", "diff", str(draft["id"]))
    assert diff.code == 0 and "десяти" in diff.out


def test_initiatives_without_a_text(cli) -> None:
    added = cli(
        "initiatives",
        "add",
        "Закон об «иностранных агентах» (депутат Смирнова)",
        "--url",
        "https://example.org/news/1",
        "--tag",
        "ngo,media",
        "--note",
        "announced Feb 2025, never a text",
    )
    assert added.code == 0, added.err
    (item,) = json.loads(cli("initiatives", "list", "--format", "json").out)
    assert (item["id"], item["tags"], item["draft"], item["days_without_text"]) == (
        1,
        ["ngo", "media"],
        None,
        0,
    )
    assert "иностранных агентах" in cli("initiatives", "list").out
    for args, message in (
        (("initiatives", "add", "x", "--tag", "Agents!"), "invalid tag 'Agents!'"),
        (("initiatives", "add", "x", "--url", "example.org"), "not a web address"),
        (("initiatives", "link", "1", "5"), "no draft 5"),
    ):
        failed = cli(*args)
        assert failed.code != 0 and message in failed.err and failed.err.count("\n") == 1
    assert len(json.loads(cli("initiatives", "list", "--format", "json").out)) == 1

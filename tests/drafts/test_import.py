"""`zanwatch import`: a draft version received by e-mail becomes the next version of its document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from storage import models as m
from storage.db import Database

from .conftest import KEY, make_docx

V1 = [
    "Статья 1. Внести изменения в Закон «О некоммерческих организациях».",
    "Статья 2. Настоящий Закон вводится в действие по истечении шестидесяти календарных дней.",
]
V2 = [V1[0], "Статья 2. Настоящий Закон вводится в действие по истечении десяти календарных дней."]


def test_two_imported_versions_diff_by_article(cli, db_url: str, tmp_path: Path) -> None:
    first = tmp_path / "draft_v1.txt"
    first.write_text("\n".join(V1), encoding="utf-8")
    second = tmp_path / "draft_v2.docx"
    second.write_bytes(make_docx(*V2))
    r1 = cli("import", str(first), "--as", KEY, "--date", "15.08.2026")
    assert r1.code == 0 and "edition 1 recorded" in r1.out
    r2 = cli("import", str(second), "--as", KEY, "--date", "01.09.2026")
    assert r2.code == 0 and "edition 2 recorded" in r2.out and "1 changed articles" in r2.out
    assert "nothing recorded" in cli("import", str(second), "--as", KEY).out
    db = Database(db_url)
    with db.transaction() as session:
        (change,) = session.exec(select(m.Change)).all()
        snapshots = session.exec(select(m.Snapshot).order_by(m.Snapshot.id)).all()
        dates = [e.edition_date.isoformat() for e in session.exec(select(m.Edition).order_by(m.Edition.seq))]
    db.dispose()
    assert (change.kind, change.new_eid) == ("substituted", "art_2")
    assert ["+", "десяти"] in json.loads(change.ops)
    assert [(s.outcome, s.url.startswith("file://")) for s in snapshots] == [("ok", True)] * 3
    assert dates == ["2026-08-15", "2026-09-01"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("missing.docx", "--as", KEY), "cannot read the file"),
        (("draft.pdf", "--as", KEY), "unsupported file type"),
        (("draft.txt", "--as", "legalacts:abc"), "invalid legalacts id"),
        (("draft.txt", "--as", KEY, "--date", "2026-09-41"), "expected a date"),
        (("draft.txt", "--as", KEY, "--lang", "fra"), "unknown language"),
        (("empty.txt", "--as", KEY), "no text found"),
    ],
)
def test_a_bad_file_or_key_is_one_clear_line(cli, tmp_path: Path, monkeypatch, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "draft.txt").write_text("\n".join(V1), encoding="utf-8")
    (tmp_path / "draft.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "empty.txt").write_text("\n\n", encoding="utf-8")
    result = cli("import", *args)
    assert result.code != 0
    assert result.err.count("\n") == 1 and message in result.err, result.err


def test_reparse_rederives_an_imported_docx(cli, tmp_path: Path) -> None:
    path = tmp_path / "draft.docx"
    path.write_bytes(make_docx(*V1))
    assert cli("import", str(path), "--as", KEY).code == 0
    result = cli("reparse", KEY, "--lang", "rus")
    assert result.code == 0 and "1 editions re-derived" in result.out, result.err

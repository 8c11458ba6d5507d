"""Every command against a table of bad inputs (issue #10, case 9): one line on stderr, a non-zero exit,
no traceback, and the database exactly as it was. Plus what a new user hit: both date forms, free tags,
a pasted adilet URL, `--version`, `check` failing loudly, `diff --article` naming a missing article,
and local files that are not what they claim (FIFO, zip bomb, stray bytes)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from scrapers.files import read_file
from storage import models
from storage.db import Database
from tracker.errors import InputError

FIXTURES = Path(__file__).parents[1] / "fixtures"
REAL = FIXTURES / "adilet" / "Z950002592_.rus.html"
KEY = "adilet:Z950002592_"


def fingerprint(db_url: str) -> str:
    """Every row of every table, hashed: any write at all changes it."""
    models.load_all()
    db = Database(db_url)
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            digest.update(f"{table.name}:{rows}".encode())
    db.dispose()
    return digest.hexdigest()


@pytest.fixture
def populated(cli, tmp_path: Path) -> Path:
    """The default watch list and one imported edition; returns a scratch folder for input files."""
    assert cli("init").code == 0
    assert cli("watch", "add", KEY, "--tag", "referendum").code == 0
    assert cli("import", str(REAL), "--as", KEY, "--date", "2025-01-01").code == 0
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "noise.txt").write_bytes(os.urandom(4096))
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "page.pdf").write_bytes(b"%PDF-1.4")
    os.mkfifo(tmp_path / "pipe.txt")
    return tmp_path


def bad_inputs(d: Path) -> list[tuple[str, ...]]:
    return [
        ("nosuch",),
        ("watch", "add"),
        ("watch", "add", "adilet:not-an-id"),
        ("watch", "add", KEY),  # already watched
        ("watch", "add", "adilet:Z9900000001", "--lang", "fr"),
        ("watch", "add", "adilet:Z9900000001", "--tag", "Bad Tag!"),
        ("watch", "remove", "adilet:Z9900000001"),
        ("watch", "enable", "nosuch:1"),
        ("watch", "list", "--format", "xml"),
        ("history", "adilet:??"),
        ("history", KEY, "--lang", "fr"),
        ("diff", KEY),  # only one edition
        ("diff", KEY, "--from", "7", "--to", "1"),
        ("diff", KEY, "--from", "1", "--to", "1", "--format", "pdf"),
        ("show", KEY, "--at", "31.02.2026"),
        ("show", KEY, "--article", "999"),
        ("show", "adilet:Z9900000001"),
        ("compare", str(d / "empty.txt"), str(REAL)),
        ("compare", str(d / "missing.html"), str(REAL)),
        ("compare", str(d / "page.pdf"), str(REAL)),
        ("parse", str(d / "bad.docx")),
        ("parse", str(d / "pipe.txt")),
        ("parse", str(REAL), "--format", "yaml"),
        ("parse", str(REAL), "--lang", "de"),
        ("import", str(d / "noise.txt"), "--as", KEY),
        ("import", str(d / "empty.txt"), "--as", KEY),
        ("import", str(REAL), "--as", KEY, "--date", "2026-13-01"),
        ("import", str(REAL), "--as", "nosuch:1"),
        ("import", str(d / "pipe.txt"), "--as", KEY),
        ("check", "adilet:Z9900000001"),
        ("flags", "--since", "yesterday"),
        ("flags", "--theme", "weather"),
        ("rules", "test", "--pack", str(d / "missing.toml")),
        ("rules", "explain", "no-such-rule"),
        ("subscribers", "add", "x", "--email", "not-an-address"),
        ("subscribers", "add", "x", "--webhook", "http://2130706433/"),
        ("subscribers", "remove", "nobody"),
        ("subscribers", "rotate-secret", "nobody"),
        ("deliveries", "retry", "999999"),
        ("digest", "preview", "nobody"),
        ("digest", "preview", "nobody", "--since", "someday"),
        ("reparse", "adilet:Z9900000001"),
        ("--config", str(d / "missing.toml"), "status"),
        ("--db", "", "status"),
        ("--db", f"sqlite:///{d / 'noise.txt'}", "status"),
        ("run", "--interval-seconds", "0"),
    ]


def test_every_command_refuses_bad_input_in_one_line_and_changes_nothing(cli, db_url, populated) -> None:
    before = fingerprint(db_url)
    for args in bad_inputs(populated):
        result = cli(*args)
        assert result.code != 0, (args, result.out)
        assert result.err.startswith("zanwatch: error: "), (args, result.err)
        assert result.err.count("\n") == 1, (args, result.err)
        assert "Traceback" not in result.err + result.out, args
    assert fingerprint(db_url) == before


def test_both_date_forms_everywhere(cli, populated) -> None:
    for args in (("flags", "--since", "01.11.2026"), ("flags", "--since", "2026-11-01")):
        assert cli(*args).code == 0, args
    shown_iso = cli("show", KEY, "--at", "2025-06-01", "--article", "1")
    shown_ru = cli("show", KEY, "--at", "01.06.2025", "--article", "1")
    assert shown_iso.code == 0 and shown_iso.out == shown_ru.out


def test_tags_are_free_labels_and_a_pasted_url_is_a_key(cli) -> None:
    cli("init")
    url = "https://adilet.zan.kz/rus/docs/Z950002592_"
    assert cli("watch", "add", url, "--tag", "referendum,elections-2026").code == 0
    rows = {w["key"]: w for w in json.loads(cli("watch", "list", "--format", "json").out)}
    assert rows[KEY]["tags"] == ["referendum", "elections-2026"]


def test_version(cli) -> None:
    result = cli("--version")
    assert result.code == 0 and result.out.startswith("zanwatch ")


def test_check_fails_when_a_check_failed(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[sources]\nadilet_base_url = "http://127.0.0.1:9"\nadilet_api_url = "http://127.0.0.1:9"\n'
        "[politeness]\nretries = 0\ntimeout_s = 2.0\n",
        encoding="utf-8",
    )
    cli("--config", str(config), "watch", "add", KEY)
    result = cli("--config", str(config), "check", KEY)
    assert result.code != 0 and "1 of 1 checks failed" in result.err
    assert f"{KEY} (rus): GET http://127.0.0.1:9/" in result.err  # why, whole, though the table cuts it


def test_diff_names_a_missing_article(cli, populated) -> None:
    edited = populated / "edited.html"
    edited.write_text(
        REAL.read_text(encoding="utf-8").replace("исключительно за счет", "за счет"), encoding="utf-8"
    )
    assert cli("import", str(edited), "--as", KEY, "--date", "2026-01-01").code == 0
    result = cli("diff", KEY, "--article", "99")
    assert result.code != 0 and "has no article 99" in result.err


def test_a_docx_zip_bomb_is_refused_before_unzipping(tmp_path: Path) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(packed.getvalue())
    with pytest.raises(InputError, match="zip bomb"):
        read_file(bomb, "rus")


def test_a_few_stray_bytes_do_not_garble_a_utf8_text(tmp_path: Path) -> None:
    text = tmp_path / "law.txt"
    first, second = "Статья 1. Общественные объединения\n", "Статья 2. Цели\n"
    text.write_bytes(first.encode() + b"\xff\xfe" + second.encode())
    blocks = [b.text for b in read_file(text, "rus").blocks]
    assert blocks[0] == "Статья 1. Общественные объединения"
    assert "Статья 2. Цели" in blocks[1]

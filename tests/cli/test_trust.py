"""What reaches a user's terminal and files (issue #10): a page's control characters are dropped when it is
parsed and made visible if any still reach the console; every format of `compare` runs (the `--format md`
TypeError); output without colour marks insertions and deletions; passwords in URLs are hidden; the
SQLite file is private; a file that is not a database is one line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from scrapers.files import read_file
from tracker.output import SafeConsole, http_link, redact
from tracker.structure import build

FIXTURES = Path(__file__).parents[1] / "fixtures"
REAL = (FIXTURES / "adilet" / "Z950002592_.rus.html").read_text(encoding="utf-8")
WORDS = "производятся исключительно за счет"
EDITED = REAL.replace(WORDS, "производятся за счет")
ESCAPES = "&#27;[2J&#27;]0;owned&#7;\x1b[31m"


def _write(tmp_path: Path, name: str, html: str) -> str:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return str(path)


def test_control_characters_never_reach_stored_text(tmp_path: Path) -> None:
    poisoned = REAL.replace(WORDS, f"производятся {ESCAPES}исключительно за счет")
    document = build(read_file(_write(tmp_path, "p.html", poisoned), "rus"))
    texts = [p.text for p in document.provisions] + [document.title]
    assert any("исключительно" in t for t in texts)
    assert not any(ch in t for t in texts for ch in "\x1b\x07")


def test_the_console_makes_leftover_control_characters_visible() -> None:
    console = SafeConsole(color_system="truecolor", width=80, record=True)
    with console.capture() as capture:
        console.print("title\x1b[2J\x9b31m", style="bold")
    out = capture.get()
    assert "\\x1b" in out and "\\x9b" in out and "\x1b[2J" not in out
    assert "\x1b[1m" in out  # Rich's own styling still works


@pytest.mark.parametrize("fmt", ["term", "json", "md", "html"])
def test_every_compare_format_runs(cli, tmp_path: Path, fmt: str) -> None:
    old, new = _write(tmp_path, "a.html", REAL), _write(tmp_path, "b.html", EDITED)
    result = cli("compare", old, new, "--format", fmt)
    assert result.code == 0, result.err
    assert "исключительно" in result.out


def test_output_without_colour_marks_insertions_and_deletions(cli, tmp_path: Path) -> None:
    target = tmp_path / "diff.txt"
    old, new = _write(tmp_path, "a.html", REAL), _write(tmp_path, "b.html", EDITED)
    assert cli("compare", old, new, "--output", str(target)).code == 0
    written = " ".join(target.read_text(encoding="utf-8").split())
    assert "[-исключительно -]" in written and "\x1b[" not in written
    piped = " ".join(cli("compare", old, new).out.split())  # captured: no terminal, so no colour
    assert "[-исключительно -]" in piped


def test_passwords_in_urls_are_hidden() -> None:
    assert redact("cannot reach postgresql+psycopg://zan:s3cret@db:5432/zw now") == (
        "cannot reach postgresql+psycopg://zan:***@db:5432/zw now"
    )
    assert redact("https://example.org/a:b@c") == "https://example.org/a:b@c"


def test_config_check_hides_the_database_password(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZANWATCH_DB", "postgresql://zan:s3cret@127.0.0.1:1/zw")
    for args in (("config", "check"), ("watch", "list")):
        result = cli(*args)
        assert "s3cret" not in result.out + result.err
        assert "zan:***@" in result.out + result.err


def test_only_http_links_are_rendered() -> None:
    assert http_link("javascript:alert(1)") is None
    assert http_link(" JaVaScRiPt:alert(1)") is None
    assert http_link("data:text/html,x") is None
    assert (
        http_link("https://adilet.zan.kz/rus/docs/Z950002592_")
        == "https://adilet.zan.kz/rus/docs/Z950002592_"
    )


def test_a_new_sqlite_database_is_private(cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/private/data/zanwatch.db"
    assert cli("--db", url, "init").code == 0
    assert stat.S_IMODE(os.stat(tmp_path / "private" / "data").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "private" / "data" / "zanwatch.db").st_mode) == 0o600


def test_a_file_that_is_not_a_database_is_one_line(cli, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 100, encoding="utf-8")
    result = cli("--db", f"sqlite:///{notes}", "watch", "list")
    assert result.code != 0
    assert result.err.count("\n") == 1 and "not a database" in result.err
    assert notes.read_text(encoding="utf-8") == "shopping list\n" * 100

"""A hostile user at the command line: odd keys, dates, numbers, paths, configs and database URLs against a
copy of the demo database (two editions, a draft with two versions, events). Each is one line on stderr
starting `zanwatch: error: `, a non-zero exit, no traceback, and every row of the database as it was, so no
event or delivery either. The first cases are the ones that failed before; the rest stand for the many that
already held."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CliResult

KEY = "adilet:Z950002592_"
HUGE = "99999999999999999999999"
REAL = Path(__file__).parents[1] / "fixtures" / "adilet" / "Z950002592_.rus.html"

FAILED_BEFORE = [
    ("flags", "--document", "foo:bar"),  # any key was an empty list
    ("flags", "--document", "adilet:../../x"),
    ("compare", "{real}", "{real}", "--document", ""),  # an empty key was ignored
    ("subscribers", "add", "x", "--email", "a@example.org", "--documents", ""),  # an empty filter: everything
    ("subscribers", "add", "x", "--email", "a@example.org", "--themes", " , "),
    ("subscribers", "add", "x", "--email", "a@example.org", "--lang", ""),
    ("watch", "add", "adilet:Z9900000001", "--tag", ""),
    ("reparse", KEY, "--lang", ""),  # re-derived every language
    ("drafts", "diff", "1", "--from", "0"),  # 0 meant the default
    ("drafts", "diff", "1", "--to", "0"),
    ("act", HUGE),  # OverflowError tracebacks
    ("deliveries", "retry", HUGE),
    ("deliveries", "list", "--limit", HUGE),
    ("drafts", "show", HUGE),
    ("drafts", "link", HUGE, KEY),
    ("initiatives", "link", "1", HUGE),
    ("diff", KEY, "--from", HUGE),
    ("diff", KEY, "--output", "{dir}"),  # IsADirectoryError, FileNotFoundError tracebacks
    ("compare", "{real}", "{real}", "--output", "{dir}/missing/out.html"),
    ("rules", "test", "{dir}/binary.toml"),  # UnicodeDecodeError traceback
    ("--db", "sqlite:///", "watch", "add", "adilet:Z9900000001"),  # "Watching …" into memory, then lost
    ("--db", "sqlite://", "status"),
    ("--db", "sqlite:///", "config", "check"),
    ("--db", "nosuch://x", "config", "check"),  # config check said OK
    ("watch", "add", "adilet:Z9900000001\n"),  # `$` let a trailing newline into the stored key
    ("subscribers", "add", "x", "--email", "a@example.org\n"),
    ("subscribers", "add", "x", "--telegram", "12345\n"),
    ("initiatives", "add", "x", "--tag", ""),
    ("show", KEY, "--article", ""),  # the preamble, whose number is empty
    ("diff", KEY, "--article", ""),
    ("deliveries", "list", "--subscriber", ""),  # every subscriber's
    ("watch", "add", "adilet:Z9900000001", "--tag", ",".join(f"tag{i}" for i in range(60))),  # PostgreSQL: a
    ("initiatives", "add", "x", "--tag", ",".join(f"tag{i}" for i in range(60))),  # DataError traceback
    ("import", "{real}", "--as", "file:" + "a" * 70),  # longer than the key column: PostgreSQL DataError
]
HELD_BEFORE = [
    ("watch", "add", "adilet:"),
    ("watch", "add", "adilet:" + "Z" * 500),
    ("history", "adilet:Закон№1"),
    ("show", "foo:bar"),
    ("show", KEY, "--at", "2026-13-45"),
    ("flags", "--since", "yesterday"),
    ("acts", "--since", ""),
    ("diff", KEY, "--to", "abc"),
    ("act", "-1"),
    ("deliveries", "list", "--limit", "0"),
    ("digest", "preview", "ngo", "--last", "-1"),
    ("history", KEY, "--lang", "fr"),
    ("rules", "list", "--format", "xml"),
    ("flags", "--theme", "weather"),
    ("flags", "--min-severity", "extreme"),
    ("subscribers", "add", "x", "--email", "a@example.org", "--digest", "hourly"),
    ("parse", "{dir}/missing.html"),
    ("parse", "{dir}"),
    ("compare", "{dir}/empty.txt", "{real}"),
    ("rules", "test", "{dir}"),
    ("--config", "{dir}/missing.toml", "status"),
    ("--config", "{dir}/syntax.toml", "status"),
    ("--config", "{dir}/unknown.toml", "status"),
    ("--config", "{dir}/missing-pack.toml", "rules", "list"),
    ("--db", "sqlite:///{dir}/notadb.db", "status"),
    ("--db", "postgresql+psycopg://x@127.0.0.1:1/x", "status"),
    ("serve", "--port", "0"),
]


def fingerprint(path: Path) -> str:
    """Every row of every table, hashed: any write at all changes it."""
    digest = hashlib.sha256()
    with sqlite3.connect(path) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in sorted(tables):
            rows = sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{table}"'))
            digest.update(f"{table}:{rows}".encode())
    return digest.hexdigest()


@pytest.fixture
def seeded(cli, demo_run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo database with a subscriber, as ZANWATCH_DB; returns the copy's path."""
    copy = tmp_path / "zanwatch.db"
    with sqlite3.connect(demo_run.db_url.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as to:
        source.backup(to)
    monkeypatch.setenv("ZANWATCH_DB", f"sqlite:///{copy}")
    assert cli("subscribers", "add", "ngo", "--email", "a@example.org").code == 0
    return copy


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.txt").write_text("", encoding="utf-8")
    (d / "binary.toml").write_bytes(bytes(range(128, 256)) * 16)
    (d / "notadb.db").write_text("not a database", encoding="utf-8")
    (d / "syntax.toml").write_text("[schedule\n", encoding="utf-8")
    (d / "unknown.toml").write_text("[schedul]\nx = 1\n", encoding="utf-8")
    (d / "missing-pack.toml").write_text('[rules]\npacks = ["nosuchpack"]\n', encoding="utf-8")
    return d


def refused(result: CliResult) -> bool:
    return (
        result.code != 0
        and result.err.startswith("zanwatch: error: ")
        and result.err.count("\n") == 1
        and "Traceback" not in result.out + result.err
    )


@pytest.mark.parametrize("args", FAILED_BEFORE + HELD_BEFORE, ids=" ".join)
def test_bad_input_is_one_line_and_changes_nothing(cli, seeded: Path, inputs: Path, args) -> None:
    before = fingerprint(seeded)
    result = cli(*(a.format(dir=inputs, real=REAL) for a in args))
    assert refused(result), result
    assert fingerprint(seeded) == before


def test_a_host_that_does_not_resolve_or_a_port_in_use_is_one_line(cli, seeded: Path, offline) -> None:
    assert "cannot listen on nosuch.invalid:8000" in cli("serve", "--host", "nosuch.invalid").err
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        result = cli("serve", "--port", port)
    assert refused(result) and "choose another --host or --port" in result.err, result


def test_a_huge_number_names_the_limit(cli, seeded: Path) -> None:
    result = cli("drafts", "show", HUGE)
    assert "a number given is too large" in result.err and "9223372036854775807" in result.err


def test_a_day_before_utc_can_count_is_named_not_called_a_number(cli, seeded: Path) -> None:
    result = cli("flags", "--since", "0001-01-01")  # it began before UTC can count, east of Greenwich
    assert refused(result) and "since: 0001-01-01 is out of range" in result.err, result


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "args", [("--config", "{fifo}", "status"), ("rules", "test", "{fifo}")], ids=" ".join
)
def test_a_fifo_for_a_config_or_a_rule_pack_is_refused_not_waited_on(
    fifo: Path, db_url: str, args: tuple[str, ...]
) -> None:
    """In a child process with a time limit: reading a FIFO with no writer used to block for ever."""
    argv = [a.format(fifo=fifo) for a in args]
    env = {**os.environ, "ZANWATCH_DB": db_url}
    env.pop("ZANWATCH_CONFIG", None)
    run = subprocess.run(
        [sys.executable, "-c", "from tracker.cli import main; main()", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert refused(CliResult(run.returncode, run.stdout, run.stderr)), run
    assert "is not a regular file" in run.stderr


@pytest.fixture
def unknown_revision(seeded: Path) -> Iterator[Path]:
    with sqlite3.connect(seeded) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'deadbeef0000'")
    yield seeded


@pytest.mark.parametrize(
    "args", [("init",), ("watch", "add", "adilet:Z9900000001"), ("flags",)], ids=" ".join
)
def test_a_database_of_an_unknown_revision_is_refused_untouched(cli, unknown_revision: Path, args) -> None:
    before = fingerprint(unknown_revision)
    result = cli(*args)
    assert refused(result) and "deadbeef0000" in result.err, result
    assert fingerprint(unknown_revision) == before


def test_brackets_in_a_title_or_heading_are_shown_as_written(cli, seeded: Path, tmp_path: Path) -> None:
    """Rich markup in a user's or a law's text was obeyed: `[/]` a traceback after the row was stored,
    `[foo]` silently dropped from the heading shown."""
    added = cli("initiatives", "add", "[/] law [b]x")
    assert added.code == 0 and "law [b]x" in added.out, added
    law = tmp_path / "law.txt"
    law.write_text("Статья 1. Заголовок [foo] и [/]\nТекст статьи.\n", encoding="utf-8")
    assert cli("import", str(law), "--as", "file:law").code == 0
    shown = cli("show", "file:law", "--article", "1")
    assert "Заголовок [foo] и [/]" in shown.out, shown


def test_a_config_saved_with_a_byte_order_mark_loads(cli, seeded: Path, tmp_path: Path) -> None:
    config = tmp_path / "bom.toml"
    config.write_bytes(b'\xef\xbb\xbf[schedule]\ntimezone = "Asia/Almaty"\n')
    assert cli("--config", str(config), "config", "check").code == 0


def test_the_options_that_were_refused_still_work_when_given_properly(cli, seeded: Path) -> None:
    """The fixes refuse empty and out-of-range values only: real ones go on working."""
    assert cli("flags", "--document", KEY).code == 0
    assert cli("drafts", "diff", "1", "--from", "1", "--to", "2").code == 0
    assert cli("subscribers", "add", "x", "--email", "b@example.org", "--themes", "media, assembly").code == 0
    assert cli("watch", "add", "adilet:Z9900000001", "--tag", "media,", "--lang", "rus,kaz,rus").code == 0
    watched = {w["key"]: w for w in json.loads(cli("watch", "list", "--format", "json").out)}
    assert watched["adilet:Z9900000001"]["languages"] == ["rus", "kaz"]
    assert cli("act", "1").code == 0

"""A command loads only what it uses, and the cheap schema check knows the migrations alembic knows."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

import tracker.cli
from storage.db import Database, _alembic_config, head_revision, known_revisions
from tracker.cli import COMMANDS
from tracker.cli.app import app


def _loaded_after(args: list[str], db_url: str) -> set[str]:
    """The modules a fresh `zanwatch ARGS…` process has imported when it exits."""
    probe = (
        "import sys\nfrom tracker.cli import main\n"
        f"try:\n    main({args!r})\nfinally:\n    print(' '.join(sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "ZANWATCH_DB": db_url}
    env.pop("ZANWATCH_CONFIG", None)
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split())


def test_help_and_version_load_no_database_code(db_url: str) -> None:
    database = {"sqlalchemy", "alembic", "storage.db", "apscheduler", "fastapi"}
    for args in (["--help"], ["--version"]):  # nor pydantic (Typer loads it to coerce a command's options)
        assert not (database | {"pydantic"}) & _loaded_after(args, db_url), args
    assert not database & _loaded_after(["watch", "--help"], db_url)


def test_a_database_command_on_a_current_schema_does_not_load_alembic(db: Database) -> None:
    loaded = _loaded_after(["--db", db.url, "watch", "list"], db.url)
    assert "storage.watchlist" in loaded
    unused = {
        "alembic",
        "apscheduler",
        "babel",
        "tracker.schedule",
        "fastapi",
        "tracker.notify",
        "tracker.rules",
    }
    assert not unused & loaded
    assert {m for m in loaded if m.startswith("tracker.cli.")} == {"tracker.cli.app", "tracker.cli.watch"}
    assert {m for m in loaded if m.startswith("storage.tables.")} == {"storage.tables.watched_document"}


def test_commands_names_where_every_command_is_registered() -> None:
    package = Path(tracker.cli.__file__).parent
    assert set(COMMANDS) == {p.stem for p in package.glob("*.py")} - {"__init__", "app"}
    for module in COMMANDS:
        importlib.import_module(f"tracker.cli.{module}")
    registered: dict[str, set[str]] = {}
    for c in app.registered_commands:
        assert c.callback is not None
        name = c.name or c.callback.__name__.replace("_", "-")
        registered.setdefault(c.callback.__module__.removeprefix("tracker.cli."), set()).add(name)
    for g in app.registered_groups:
        modules = {c.callback.__module__ for c in g.typer_instance.registered_commands if c.callback}
        assert g.name is not None and len(modules) == 1
        registered.setdefault(modules.pop().removeprefix("tracker.cli."), set()).add(g.name)
    assert registered == {module: set(names) for module, names in COMMANDS.items()}


@pytest.mark.parametrize("args", [["--help"], ["--db", "sqlite://", "--help", "watch"]])
def test_help_lists_every_command(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"from tracker.cli import main; main({args!r})"],
        env={**os.environ, "COLUMNS": "200"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    listed = {line.split()[1] for line in done.stdout.splitlines() if line.startswith("│ ")}
    assert listed >= {name for names in COMMANDS.values() for name in names}


def test_head_revision_is_the_head_alembic_finds() -> None:
    scripts = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    assert [head_revision()] == scripts.get_heads()
    assert known_revisions() == {s.revision for s in scripts.walk_revisions()}


def test_an_older_schema_is_upgraded_on_first_use(cli, db: Database) -> None:
    with db.engine.begin() as conn:
        cfg = _alembic_config(db.url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")
    assert cli("watch", "list").code == 0
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()


@pytest.mark.parametrize("args", [["watch", "list"], ["init"]])
def test_a_schema_from_a_newer_zanwatch_is_one_line(cli, db: Database, args: list[str]) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    result = cli(*args)
    assert result.code != 0
    assert result.err.count("\n") == 1
    assert "9999_future" in result.err and "upgrade zanwatch" in result.err

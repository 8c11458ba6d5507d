"""The Typer application and the global options every command shares."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import typer

from storage.db import Database
from tracker import config
from tracker.output import SafeConsole

app = typer.Typer(
    name="zanwatch",
    help="Zan Watch: track Kazakhstan's laws and drafts, diff their editions, flag civic-freedom changes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = SafeConsole()
_options: dict[str, str | None] = {"config": None, "db": None}


@app.callback()
def _global_options(
    config_path: Path | None = typer.Option(
        None, "--config", help="Configuration file (default: ZANWATCH_CONFIG or the bundled config.toml)."
    ),
    db: str | None = typer.Option(None, "--db", help="Database URL (default: ZANWATCH_DB or config)."),
) -> None:
    _options["config"] = str(config_path) if config_path else None
    _options["db"] = db
    if database.cache_info().currsize:
        database().dispose()
    settings.cache_clear()
    database.cache_clear()


@lru_cache(maxsize=1)
def settings() -> config.Settings:
    return config.load(_options["config"], _options["db"])


@lru_cache(maxsize=1)
def database() -> Database:
    """The configured database, schema created or upgraded on first use."""
    db = Database(settings().database_url)
    db.init()
    return db

"""The Typer application and the global options every command shares."""

from __future__ import annotations

import gc
import sys
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from tracker.errors import ConfigError, InputError
from tracker.output import Clock, SafeConsole, json_text

if TYPE_CHECKING:  # the database and the configuration are imported by the commands that use them
    from storage.db import Database
    from tracker import config

app = typer.Typer(
    name="zanwatch",
    help="Zan Watch: track Kazakhstan's laws and drafts, diff their editions, flag civic-freedom changes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = SafeConsole(emoji=False)  # `:name:` in a law's text stays as written; Rich's emoji table unloaded
_options: dict[str, str | None] = {"config": None, "db": None}


def _version(value: bool) -> None:
    if value:
        from importlib import metadata

        typer.echo(f"zanwatch {metadata.version('zanwatch')}")
        raise typer.Exit()


@app.callback()
def _global_options(
    config_path: Path | None = typer.Option(
        None, "--config", help="Configuration file (default: ZANWATCH_CONFIG or the bundled config.toml)."
    ),
    db: str | None = typer.Option(None, "--db", help="Database URL (default: ZANWATCH_DB or config)."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    _options["config"] = str(config_path) if config_path else None
    _options["db"] = db
    if database.cache_info().currsize:
        database().dispose()
    settings.cache_clear()
    database.cache_clear()


def parse_day(text: str) -> date | None:
    """A date as adilet writes it (dd.mm.yyyy) or ISO (yyyy-mm-dd); None if it is not a date."""
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def day_option(text: str | None, option: str) -> date | None:
    """Every date option accepts both forms; anything else is one line naming the option."""
    if text is None:
        return None
    found = parse_day(text)
    if found is None:
        raise InputError(f"{option} {text!r}: expected a date as YYYY-MM-DD or dd.mm.yyyy, e.g. 2026-09-16")
    return found


def comma_list(value: str | None, option: str) -> tuple[str, ...]:
    """`a, b,c,a` → ("a", "b", "c"); left out → (). Given but empty is refused: an empty filter would
    silently mean everything."""
    if value is None:
        return ()
    items = tuple(dict.fromkeys(x.strip() for x in value.split(",") if x.strip()))
    if not items:
        raise InputError(f"{option} {value!r} is empty: give comma-separated values or leave the option out")
    return items


def interval_option() -> float | None:
    """`run` and `scheduler` take the same test-friendly check interval."""
    return typer.Option(
        None,
        "--interval-seconds",
        min=0.1,
        help="Check every N seconds instead of schedule.check_interval_minutes.",
    )


def delivery_option() -> float | None:
    return typer.Option(None, "--delivery-seconds", min=0.1, help="Deliver every N seconds (default 30).")


@lru_cache(maxsize=1)
def settings() -> config.Settings:
    """The configuration. Loading it ends a command's start-up, so the garbage collector, which `main` turns
    off, runs again from here, with what start-up built frozen out of its passes: modules, classes and the
    schema live until exit, and collecting over them frees nothing and costs ~4% of a short command."""
    from tracker import config

    loaded = config.load(_options["config"], _options["db"])
    gc.freeze()
    gc.enable()
    return loaded


def database_url() -> str:
    """The configured URL; SQLite in memory is refused: a command's writes would be lost as it exits
    (`sqlite:///` is a path left out, not a wish)."""
    from sqlalchemy.engine import make_url

    url = settings().database_url
    parts = make_url(url)
    if parts.get_backend_name() == "sqlite" and parts.database in (None, "", ":memory:"):
        raise ConfigError(
            f"database URL {url!r} names no file, so nothing would be kept: "
            "give one, e.g. sqlite:////path/zanwatch.db"
        )
    return url


@lru_cache(maxsize=1)
def database() -> Database:
    """The configured database, schema created or upgraded on first use."""
    from storage.db import Database

    db = Database(database_url())
    db.init()
    return db


TABLE_OR_JSON = ("table", "json")


def format_option(*formats: str) -> Any:
    """`--format`, the first of `formats` (default: table, json) being the default."""
    formats = formats or TABLE_OR_JSON
    return typer.Option(formats[0], "--format", help=f"{', '.join(formats[:-1])} or {formats[-1]}.")


def wants_json(fmt: str, formats: tuple[str, ...] = TABLE_OR_JSON) -> bool:
    """Checked before anything is read, so a wrong format is one line and changes nothing."""
    if fmt not in formats:
        raise InputError(f"unknown format {fmt!r}: use {', '.join(formats[:-1])} or {formats[-1]}")
    return fmt == "json"


def clock() -> Clock:
    return Clock(settings().schedule.timezone)


def print_json(data: Any) -> None:
    sys.stdout.write(json_text(data, clock()) + "\n")

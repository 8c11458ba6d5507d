"""How every list, show and status command prints: `--format table` (a `Listing`, identifiers never cut)
or `--format json` (`tracker.output.json_text`), with times in the configured zone either way."""

from __future__ import annotations

import sys
from typing import Any

import typer

from tracker.cli.app import settings
from tracker.errors import InputError
from tracker.output import Clock, json_text

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

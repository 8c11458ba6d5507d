"""`zanwatch`: every user-facing error becomes one line on stderr and a non-zero exit code."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from tracker.errors import ZanWatchError
from tracker.output import shown


def main(argv: list[str] | None = None) -> None:
    from tracker.cli import (  # noqa: F401  (register commands)
        acts,
        cluster,
        daemon,
        delivery,
        drafts,
        editions,
        initiatives,
        parse,
        rules,
        serve,
        watch,
    )
    from tracker.cli.app import app

    try:
        code = app(args=argv, prog_name="zanwatch", standalone_mode=False)
    except ZanWatchError as exc:
        _fail(str(exc), exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        _fail("interrupted", 130)
    except typer.TyperException as exc:  # a missing argument, an unknown option: one line, and where to look
        message = getattr(exc, "format_message", exc.__str__)()
        if not message.strip():  # a bare command group: its help was shown, which is what was asked
            sys.exit(0)
        ctx = getattr(exc, "ctx", None)
        hint = f" (see `{ctx.command_path} --help`)" if ctx else ""
        _fail(f"{message}{hint}", getattr(exc, "exit_code", 2))
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, exit_code: int) -> NoReturn:
    line = message.strip().splitlines()[0] if message.strip() else "failed"
    sys.stderr.write(f"zanwatch: error: {shown(line)}\n")
    sys.exit(exit_code)

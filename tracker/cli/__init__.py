"""`zanwatch`: every user-facing error becomes one line on stderr and a non-zero exit code."""

from __future__ import annotations

import atexit
import gc
import importlib
import sys
from typing import NoReturn

import typer

from tracker.errors import ZanWatchError
from tracker.output import shown

COMMANDS = {
    "acts": ("acts", "act"),
    "cluster": ("worker", "scheduler"),
    "daemon": ("run", "status", "import"),
    "delivery": ("deliver", "subscribers", "deliveries", "digest"),
    "drafts": ("drafts",),
    "editions": ("check", "backfill", "history", "diff", "show", "compare", "reparse", "demo"),
    "initiatives": ("initiatives",),
    "parse": ("parse",),
    "rules": ("flags", "rules"),
    "serve": ("serve",),
    "watch": ("init", "watch", "config"),
}
"""The commands and command groups each module of `tracker.cli` registers. A command imports only its own
module: Typer builds the parameters of every registered command on each run, and a small command should not
pay for all of them. `--version` needs none; help, completion and an unknown name get every module."""
_MODULE_OF = {name: module for module, names in COMMANDS.items() for name in names}
_VALUED_OPTIONS = ("--config", "--db")
atexit.register(gc.freeze)  # at exit, no collector pass over every object left: ~0.1-0.3 s of a short command


def _modules_for(argv: list[str]) -> list[str]:
    args = iter(argv)
    for arg in args:
        if arg == "--version":
            return []
        if arg == "--help":
            break
        if arg in _VALUED_OPTIONS:
            next(args, None)
        elif not arg.startswith("-"):
            return [_MODULE_OF[arg]] if arg in _MODULE_OF else list(COMMANDS)
    return list(COMMANDS)


def main(argv: list[str] | None = None) -> None:
    gc.disable()  # until the command has loaded its modules and configuration: see `app.settings`
    try:
        _run(argv)
    finally:  # as it was, for a caller that goes on (tests run many commands in one process)
        gc.unfreeze()
        gc.enable()


def _run(argv: list[str] | None) -> None:
    from tracker.cli.app import app

    for module in _modules_for(sys.argv[1:] if argv is None else argv):
        importlib.import_module(f"tracker.cli.{module}")  # registers its commands
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

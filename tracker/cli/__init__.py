"""`zanwatch`: every user-facing error becomes one line on stderr and a non-zero exit code."""

from __future__ import annotations

import sys

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
        app(args=argv, prog_name="zanwatch")
    except ZanWatchError as exc:
        message = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(f"zanwatch: error: {shown(message)}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("zanwatch: interrupted\n")
        sys.exit(130)

"""`zanwatch`: every user-facing error becomes one line on stderr and a non-zero exit code."""

from __future__ import annotations

import sys

from tracker.errors import ZanWatchError


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
        sys.stderr.write(f"zanwatch: error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("zanwatch: interrupted\n")
        sys.exit(130)

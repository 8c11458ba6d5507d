"""`run` (the daemon), `status` (how sources and deliveries are doing), `import` (a file as an edition)."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.markup import escape
from rich.text import Text

from tracker.cli.app import (
    app,
    clock,
    console,
    database,
    day_option,
    delivery_option,
    format_option,
    interval_option,
    print_json,
    settings,
    wants_json,
)
from tracker.keys import parse_key

PENDING_LIMIT = 100_000
NEXT_RUNS_SHOWN = 12


@app.command()
def run(
    interval_seconds: float | None = interval_option(),
    delivery_seconds: float | None = delivery_option(),
) -> None:
    """Run the scheduler: checks, drafts, delivery (webhooks, Telegram, digests), until SIGTERM or Ctrl-C."""
    from tracker.schedule import Daemon, timing

    cfg = settings()
    from tracker.output import log_to_stderr

    log_to_stderr(clock())
    # A job still running at its next turn is skipped by design (max_instances=1): not worth a warning.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    daemon = Daemon(cfg, database(), timing=timing(cfg, interval_seconds, delivery_seconds))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    daemon.start()
    console.print(f"Zan Watch running: {len(daemon.scheduler.get_jobs())} jobs; SIGTERM or Ctrl-C stops it.")
    while not stop.wait(1.0):
        pass
    console.print("Stopping: finishing the running job…")
    daemon.stop()
    console.print("Stopped.")


@app.command()
def status(fmt: str = format_option()) -> None:
    """Last check and outcome per source, failures in a row, degradation, pending deliveries, the queue
    (PostgreSQL), next runs."""
    from storage import deliveries, health, watchlist
    from tracker.cli.cluster import queue_state
    from tracker.schedule import next_runs

    as_json = wants_json(fmt)
    cfg = settings()
    db = database()
    with db.transaction() as session:
        rows = health.all_health(session)
        watches = watchlist.all_watches(session)
        pending = len(deliveries.listing(session, status="pending", limit=PENDING_LIMIT))
    runs = next_runs(cfg, watches, rows, datetime.now(UTC))
    if as_json:
        sources = [
            {
                "source": h.key,
                "last_check_at": h.last_check_at,
                "outcome": h.last_outcome,
                "failures": h.consecutive_failures,
                "degraded": h.degraded,
                "reason": h.last_reason,
            }
            for h in rows
        ]
        next_up = [{"job": r.job, "at": r.at} for r in runs]
        print_json({"sources": sources, "pending_deliveries": pending, "next_runs": next_up})
        return
    when = clock()
    from tracker.render.listing import Column, Listing

    checks = Listing(
        Column("source", "id"),
        Column("last check"),
        Column("outcome"),
        Column("reason", "text"),
        caption=f"{when.note} ×N: failures in a row.",
    )
    for h in rows:
        failures = f" ×{h.consecutive_failures}" if h.consecutive_failures else ""
        outcome = Text(f"{h.last_outcome}{failures}").append(" DEGRADED" if h.degraded else "", "bold red")
        checks.add(h.key, when.text(h.last_check_at, named=False), outcome, h.last_reason)
    console.print(checks if rows else "No checks yet: run `zanwatch check` or `zanwatch run`.")
    console.print(f"Pending deliveries: {pending}")
    if (queue := queue_state(db)) is not None:
        console.print(queue)
    plan = Listing(Column("next run", "id"), Column("at"), caption=when.note)
    for planned in runs[:NEXT_RUNS_SHOWN]:
        plan.add(planned.job, when.text(planned.at, named=False))
    console.print(plan)
    if len(runs) > NEXT_RUNS_SHOWN:
        console.print(f"… and {len(runs) - NEXT_RUNS_SHOWN} more runs later.")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="An HTML, text or DOCX file."),
    key: str = typer.Option(..., "--as", help="The document it is a version of, e.g. legalacts:15900101."),
    lang: str = typer.Option("rus", "--lang", help="rus, kaz or eng."),
    on: str | None = typer.Option(None, "--date", help="The edition's date, YYYY-MM-DD or dd.mm.yyyy."),
    force: bool = typer.Option(
        False, "--force", help="Record even a suspect page or a text that lost most articles (warns)."
    ),
) -> None:
    """Record a local file as the next edition of a document (a draft version for legalacts: keys)."""
    from tracker.drafts import import_file

    parse_key(key)
    edition_date = day_option(on, "--date")
    result = import_file(
        settings(), database(), file, key, language=lang, edition_date=edition_date, force=force
    )
    if result.outcome == "unchanged":
        console.print(f"{key} ({lang}): same content as edition {result.seq}; nothing recorded.")
        return
    console.print(
        f"{key} ({lang}): edition {result.seq} recorded from {escape(str(file))}, "
        f"{result.changes} changed articles, {result.flags} flags."
    )

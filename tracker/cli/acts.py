"""`acts` and `act`: the amending acts that touch watched documents, each stored once with its targets."""

from __future__ import annotations

import json

import typer
from rich.table import Table
from rich.text import Text

from tracker.cli.app import app, console, database, parse_day
from tracker.errors import InputError
from tracker.keys import check_tags, parse_key
from tracker.model import Act, ActTarget


def _when(target: ActTarget) -> str:
    if target.effective:
        return f"{target.effective:%d.%m.%Y}"
    return f"unknown: {target.effective_note}" if target.effective_note else "unknown"


def _documents(act: Act) -> str:
    by_doc: dict[str, list[str]] = {}
    for t in act.targets:
        by_doc.setdefault(t.document_key, []).append(t.eid or "whole act")
    return "\n".join(f"{key}: {', '.join(eids)}" for key, eids in by_doc.items())


@app.command("acts")
def acts_list(
    document: str = typer.Option(None, "--document", help="Only acts touching this document (KEY)."),
    tag: str = typer.Option(None, "--tag", help="Only acts touching documents with this tag."),
    state: str = typer.Option(None, "--state", help="announced, in_force or superseded."),
    since: str = typer.Option(None, "--since", help="Acts adopted on or after this date."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Amending acts touching watched documents, newest first, with the documents and articles they touch."""
    from storage import acts, watchlist
    from tracker.timeline import ACT_STATES

    if fmt not in ("table", "json"):
        raise InputError(f"unknown format {fmt!r}: use table or json")
    if state is not None and state not in ACT_STATES:
        raise InputError(f"unknown state {state!r}: use one of {', '.join(ACT_STATES)}")
    day = parse_day(since) if since is not None else None
    if since is not None and day is None:
        raise InputError(f"--since {since!r} is not a date: use dd.mm.yyyy or yyyy-mm-dd")
    if document is not None:
        parse_key(document)
    if tag is not None:
        check_tags((tag,))
    with database().transaction() as session:
        keys: set[str] | None = None
        if tag is not None:
            keys = {w.key for w in watchlist.all_watches(session) if tag in w.tags}
        if document is not None:
            watchlist.get(session, document)
            keys = {document} & keys if keys is not None else {document}
        found = acts.list_acts(session, documents=keys, state=state, since=day)
    if fmt == "json":
        typer.echo(json.dumps([a.to_dict() for a in found], ensure_ascii=False, indent=2))
        return
    if not found:
        console.print("No amending acts recorded for these documents yet: run `zanwatch check`.")
        return
    table = Table("id", "act", "adopted", "state", "in force", "documents and articles")
    for a in found:
        pending = [t for t in a.targets if t.state == "announced"]
        table.add_row(
            str(a.id),
            a.label,
            f"{a.adopted:%d.%m.%Y}" if a.adopted else "",
            a.state,
            ", ".join(sorted({_when(t) for t in pending})) if pending else "",
            _documents(a),
        )
    console.print(table)


@app.command("act")
def act_show(
    ref: str = typer.Argument(..., help="The act's id in Zan Watch, its adilet id or its number."),
) -> None:
    """One act: every watched document and article it changes, kinds, dates, state and its redlines."""
    from storage import acts
    from tracker.render.terminal import change_text

    with database().transaction() as session:
        act = acts.get_act(session, ref)
        changes = acts.redlines(session, act)
    console.print(Text(f"Act {act.id}: {act.label}", style="bold"))
    for label, value in (
        ("title", act.title),
        ("adilet", act.url or act.source_id or ""),
        ("adopted", f"{act.adopted:%d.%m.%Y}" if act.adopted else ""),
        ("published", f"{act.published:%d.%m.%Y}" if act.published else "not known yet"),
        ("state", act.state),
    ):
        if value:
            console.print(Text.assemble((f"{label:>10}  ", "dim"), value))
    table = Table("document", "article", "kind", "state", "in force", "announced", "landed")
    for t in act.targets:
        table.add_row(
            t.document_key,
            t.eid or "whole act",
            t.kind,
            t.state,
            _when(t) if t.state != "in_force" or t.effective else "",
            f"{t.announced_on:%d.%m.%Y}" if t.announced_on else "",
            f"{t.in_force_on:%d.%m.%Y}" if t.in_force_on else "",
        )
    console.print(table)
    for key, seq, change in changes:
        console.print(Text(f"\n{key}, edition {seq}", style="dim"))
        console.print(change_text(change))

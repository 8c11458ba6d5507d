"""`acts` and `act`: the amending acts that touch watched documents, each stored once with its targets."""

from __future__ import annotations

import typer
from rich.text import Text

from tracker.cli.app import app, console, database, format_option, parse_day, print_json, wants_json
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
    fmt: str = format_option(),
) -> None:
    """Amending acts touching watched documents, newest first, with the documents and articles they touch."""
    from storage import acts, watchlist
    from tracker.timeline import ACT_STATES

    as_json = wants_json(fmt)
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
    if as_json:
        print_json([a.to_dict() for a in found])
        return
    if not found:
        console.print("No amending acts recorded for these documents yet: run `zanwatch check`.")
        return
    from tracker.render.listing import Column, Listing

    listing = Listing(
        Column("id", "id"),
        Column("act", "id"),
        Column("adopted"),
        Column("state"),
        Column("in force", "ids"),
        Column("documents and articles", "ids"),
    )
    for a in found:
        pending = [t for t in a.targets if t.state == "announced"]
        listing.add(
            str(a.id),
            a.label,
            f"{a.adopted:%d.%m.%Y}" if a.adopted else "",
            a.state,
            ", ".join(sorted({_when(t) for t in pending})) if pending else "",
            _documents(a),
        )
    console.print(listing)


@app.command("act")
def act_show(
    ref: str = typer.Argument(..., help="The act's id in Zan Watch, its adilet id or its number."),
    fmt: str = format_option(),
) -> None:
    """One act: every watched document and article it changes, kinds, dates, state and its redlines."""
    from storage import acts
    from tracker.render.json import change_to_dict
    from tracker.render.terminal import change_text

    as_json = wants_json(fmt)
    with database().transaction() as session:
        act = acts.get_act(session, ref)
        changes = acts.redlines(session, act)
    if as_json:
        redlines = [
            {"document_key": key, "edition": seq, **change_to_dict(change)} for key, seq, change in changes
        ]
        print_json({**act.to_dict(), "changes": redlines})
        return
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
    from tracker.render.listing import Column, Listing

    listing = Listing(
        Column("document", "id"),
        Column("article", "id"),
        Column("kind"),
        Column("state"),
        Column("in force", "ids"),
        Column("announced"),
        Column("landed"),
    )
    for t in act.targets:
        listing.add(
            t.document_key,
            t.eid or "whole act",
            t.kind,
            t.state,
            _when(t) if t.state != "in_force" or t.effective else "",
            f"{t.announced_on:%d.%m.%Y}" if t.announced_on else "",
            f"{t.in_force_on:%d.%m.%Y}" if t.in_force_on else "",
        )
    console.print(listing)
    for key, seq, change in changes:
        console.print(Text(f"\n{key}, edition {seq}", style="dim"))
        console.print(change_text(change))

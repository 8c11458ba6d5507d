"""`initiatives …`: announced initiatives with no text yet (a proposal in the news, a promised law)."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from tracker.cli.app import app, console, database, settings
from tracker.errors import InputError
from tracker.keys import check_tags

initiatives_app = typer.Typer(
    help="Initiatives announced without a text; link the draft once one appears.", no_args_is_help=True
)
app.add_typer(initiatives_app, name="initiatives")


@initiatives_app.command("add")
def initiatives_add(
    title: str = typer.Argument(..., help="What was announced, e.g. 'Foreign agents law (Smirnova, 2025)'."),
    url: str = typer.Option(None, "--url", help="Where it was announced."),
    tag: list[str] = typer.Option([], "--tag", help="A tag such as ngo or media; repeatable."),
    note: str = typer.Option("", "--note", help="Anything worth remembering about it."),
) -> None:
    """Track an initiative that has no text yet; digests remind you while it stays without one."""
    from storage import drafts as store
    from tracker.drafts import almaty_today

    if not title.strip():
        raise InputError("an initiative needs a title")
    if url is not None and not url.startswith(("http://", "https://")):
        raise InputError(f"--url {url!r} is not a web address (http:// or https://)")
    tags = check_tags(tuple(t.strip() for value in tag for t in value.split(",") if t.strip()))
    with database().transaction() as session:
        added = store.add_initiative(
            session, title.strip(), almaty_today(settings()), url=url, tags=tags, note=note
        )
    console.print(f"Initiative {added.id} added: {added.title}")


@initiatives_app.command("list")
def initiatives_list(fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """The tracked initiatives, and the draft each became if one did."""
    from storage import drafts as store
    from tracker.drafts import almaty_today

    if fmt not in ("table", "json"):
        raise InputError(f"unknown format {fmt!r}: use table or json")
    today = almaty_today(settings())
    with database().transaction() as session:
        found = store.initiatives(session)
    rows = [
        {
            "id": i.id,
            "title": i.title,
            "url": i.url,
            "tags": list(i.tags),
            "note": i.note,
            "added": i.created_on.isoformat(),
            "days_without_text": None if i.draft_id else (today - i.created_on).days,
            "draft": i.draft_id,
        }
        for i in found
    ]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        console.print("No initiatives tracked: add one with `zanwatch initiatives add TITLE`.")
        return
    table = Table("id", "title", "tags", "added", "draft", "note")
    for i in found:
        draft = f"draft {i.draft_id}" if i.draft_id else f"no text for {(today - i.created_on).days} days"
        table.add_row(str(i.id), i.title, ", ".join(i.tags), i.created_on.isoformat(), draft, i.note)
    console.print(table)


@initiatives_app.command("link")
def initiatives_link(
    initiative_id: int = typer.Argument(..., metavar="ID"),
    draft_id: int = typer.Argument(..., metavar="DRAFT", help="The draft's id from `zanwatch drafts list`."),
) -> None:
    """The initiative now has a text: the followed draft DRAFT."""
    from storage import drafts as store

    with database().transaction() as session:
        draft = store.get(session, draft_id)
        store.update_initiative(session, initiative_id, draft_id=draft.id)
    console.print(f"Initiative {initiative_id} is now followed as draft {draft.id}: {draft.title}")

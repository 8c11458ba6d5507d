"""`initiatives …`: announced initiatives with no text yet (a proposal in the news, a promised law)."""

from __future__ import annotations

import typer
from rich.markup import escape

from tracker.cli.app import (
    app,
    comma_list,
    console,
    database,
    format_option,
    print_json,
    settings,
    wants_json,
)
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
    tags = check_tags(tuple(t for value in tag for t in comma_list(value, "--tag")))
    with database().transaction() as session:
        added = store.add_initiative(
            session, title.strip(), almaty_today(settings()), url=url, tags=tags, note=note
        )
    console.print(f"Initiative {added.id} added: {escape(added.title)}", highlight=False)


@initiatives_app.command("list")
def initiatives_list(fmt: str = format_option()) -> None:
    """The tracked initiatives, and the draft each became if one did."""
    from storage import drafts as store
    from tracker.drafts import almaty_today

    as_json = wants_json(fmt)
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
            "added": i.created_on,
            "days_without_text": None if i.draft_id else (today - i.created_on).days,
            "draft": i.draft_id,
        }
        for i in found
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No initiatives tracked: add one with `zanwatch initiatives add TITLE`.")
        return
    from tracker.render.listing import Column, Listing

    listing = Listing(
        Column("id", "id"),
        Column("added"),
        Column("draft"),
        Column("tags", "ids"),
        Column("title", "text"),
        Column("note", "text"),
    )
    for i in found:
        draft = f"draft {i.draft_id}" if i.draft_id else f"no text for {(today - i.created_on).days} days"
        listing.add(str(i.id), i.created_on.isoformat(), draft, ", ".join(i.tags), i.title, i.note)
    console.print(listing)


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
    console.print(
        f"Initiative {initiative_id} is now followed as draft {draft.id}: {escape(draft.title)}",
        highlight=False,
    )

"""`drafts …`: the followed drafts, their stages and timelines, the diff between versions, linking by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.markup import escape
from rich.text import Text

from tracker.cli.app import app, console, database, format_option, print_json, settings, wants_json
from tracker.cli.editions import emit
from tracker.errors import InputError
from tracker.model import DraftInfo, EditionInfo, Stage

drafts_app = typer.Typer(
    help="Drafts followed from the first word to law: stages, timelines, versions.", no_args_is_help=True
)
app.add_typer(drafts_app, name="drafts")

STAGE_CHOICES = (*(s.value for s in Stage), "parliament")


def _row(draft: DraftInfo, versions: int, today: date) -> dict[str, Any]:
    from tracker import stages

    return {
        "id": draft.id,
        "title": draft.title,
        "stage": draft.stage.value,
        "source_status": draft.source_status,
        "developer": draft.developer,
        "deadline": draft.deadline,
        "last_movement": draft.moved_on,
        "versions": versions,
        "stale": stages.is_stale(settings().drafts, draft, today),
        "sources": [s.key for s in draft.sources],
        "act": draft.act_key or None,
    }


@drafts_app.command("list")
def drafts_list(
    stage: list[str] = typer.Option(
        [], "--stage", help=f"Only drafts at this stage (repeatable): {', '.join(STAGE_CHOICES)}."
    ),
    stale: bool = typer.Option(False, "--stale", help="Only drafts that have not moved for too long."),
    fmt: str = format_option(),
) -> None:
    """The followed drafts: stage, the source's own status, developer, deadline, last movement, versions."""
    from storage import drafts as store
    from tracker import stages
    from tracker.drafts import LANGUAGE, almaty_today

    for value in stage:
        if value not in STAGE_CHOICES:
            raise InputError(f"unknown stage {value!r}: use one of {', '.join(STAGE_CHOICES)}")
    as_json = wants_json(fmt)
    today = almaty_today(settings())
    with database().transaction() as session:
        found = store.all_drafts(session)
        counts = store.version_counts(session, [s.key for d in found for s in d.sources], LANGUAGE)
    rows = [
        _row(d, sum(counts.get(s.key, 0) for s in d.sources), today)
        for d in found
        if (not stage or d.stage.value in stage or d.stage.phase in stage)
        and (not stale or stages.is_stale(settings().drafts, d, today))
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No drafts match." if stage or stale else "No drafts followed yet: see `zanwatch run`.")
        return
    from tracker.render.listing import Column, Listing

    listing = Listing(
        Column("id", "id"),
        Column("sources", "ids"),
        Column("stage"),
        Column("deadline"),
        Column("moved"),
        Column("versions"),
        Column("title", "text"),
        Column("source status", "text"),
        Column("developer", "text"),
    )
    for r in rows:
        listing.add(
            str(r["id"]),
            ", ".join(r["sources"]),
            Text(r["stage"]).append(" (stale)" if r["stale"] else "", style="yellow"),
            r["deadline"].isoformat() if r["deadline"] else "",
            r["last_movement"].isoformat(),
            str(r["versions"]),
            r["title"],
            r["source_status"],
            r["developer"],
        )
    console.print(listing)


@drafts_app.command("show")
def drafts_show(
    draft_id: int = typer.Argument(..., metavar="ID"),
    fmt: str = format_option(),
) -> None:
    """One draft's whole timeline: stages, versions of its text, the law it became and what that changed."""
    from storage import drafts as store
    from tracker import stages
    from tracker.drafts import almaty_today

    as_json = wants_json(fmt)
    with database().transaction() as session:
        draft = store.get(session, draft_id)
        moments = stages.timeline(session, draft)
        count = len(stages.versions(session, draft))
    if as_json:
        data = _row(draft, count, almaty_today(settings()))
        data["timeline"] = [{"day": m.day, "what": m.what, "key": m.key, "text": m.text} for m in moments]
        print_json(data)
        return
    title, status = escape(draft.title), escape(draft.source_status)
    console.print(f"[bold]{title}[/] — draft {draft.id}, {draft.stage.value}: {status}", highlight=False)
    for s in draft.sources:
        console.print(f"  {s.key}  {s.stage.value}: {escape(s.status)}  {escape(s.url)}", highlight=False)
    if draft.act_key:
        console.print(f"  became {draft.act_key}")
    from tracker.render.listing import Column, Listing

    listing = Listing(Column("date"), Column("source", "id"), Column("what", "text"), Column("", "text"))
    for m in moments:
        listing.add(m.day.isoformat() if m.day else "", m.key, m.what, m.text)
    console.print(listing)


def _version(found: list[EditionInfo], n: int, draft_id: int) -> EditionInfo:
    if not 1 <= n <= len(found):
        raise InputError(f"draft {draft_id} has versions 1 to {len(found)}, not {n}")
    return found[n - 1]


@drafts_app.command("diff")
def drafts_diff(
    draft_id: int = typer.Argument(..., metavar="ID"),
    from_n: int = typer.Option(None, "--from", help="Version number (default: the one before --to)."),
    to_n: int = typer.Option(None, "--to", help="Version number (default: the latest)."),
    fmt: str = typer.Option("term", "--format", help="term, html, md or json."),
) -> None:
    """The article-level redline between two versions of a draft's text (across its sources)."""
    from storage import drafts as store
    from storage import editions
    from tracker import stages
    from tracker.diff import diff_documents
    from tracker.drafts import LANGUAGE
    from tracker.render import Side
    from tracker.rules.engine import load_rules

    with database().transaction() as session:
        draft = store.get(session, draft_id)
        found = stages.versions(session, draft)
        if len(found) < 2:
            raise InputError(f"draft {draft_id} has {len(found)} version(s): nothing to compare yet")
        to_ed = _version(found, len(found) if to_n is None else to_n, draft_id)
        from_ed = _version(found, found.index(to_ed) if from_n is None else from_n, draft_id)
        old, new = editions.load_document(session, from_ed), editions.load_document(session, to_ed)
    changes = diff_documents(old, new)
    load_rules(settings().rules.packs).apply(changes, document_key=to_ed.key, language=LANGUAGE)
    sides = [
        Side(f"draft {draft_id} version {found.index(e) + 1} ({e.key})", e.title, e.edition_date)
        for e in (from_ed, to_ed)
    ]
    emit(changes, sides[0], sides[1], fmt, None)


@drafts_app.command("link")
def drafts_link(
    draft_id: int = typer.Argument(..., metavar="ID"),
    key: str = typer.Argument(..., help="Another draft's source (mazhilis:ID, legalacts:ID) or adilet:ID."),
) -> None:
    """Join a bill and a portal draft of the same text, or record the adilet act the draft became."""
    from tracker import stages
    from tracker.drafts import almaty_today

    with database().transaction() as session:
        draft = stages.link(session, draft_id, key, almaty_today(settings()))
    console.print(f"Draft {draft.id}: {', '.join(s.key for s in draft.sources)}" + _act(draft))


@drafts_app.command("unlink")
def drafts_unlink(
    draft_id: int = typer.Argument(..., metavar="ID"),
    key: str = typer.Argument(..., help="The source (or adilet act) that is not this draft after all."),
) -> None:
    """Split a wrongly joined source off into a draft of its own, or forget the linked act."""
    from tracker import stages
    from tracker.drafts import almaty_today

    with database().transaction() as session:
        draft = stages.unlink(session, draft_id, key, almaty_today(settings()))
    if draft.id == draft_id:
        console.print(f"Draft {draft_id} is no longer linked to {key}.")
    else:
        console.print(f"{key} is now draft {draft.id}.")


def _act(draft: DraftInfo) -> str:
    return f"; became {draft.act_key}" if draft.act_key else ""

"""`check`, `history`, `diff`, `show`, `compare`, `reparse` and `demo`: editions and how they differ."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from tracker.cli.app import (
    app,
    clock,
    comma_list,
    console,
    database,
    day_option,
    format_option,
    parse_day,
    print_json,
    settings,
    wants_json,
)
from tracker.errors import FetchError, InputError, NotFound, ParseError
from tracker.keys import check_languages, check_tags, parse_key
from tracker.model import Change, Document, EditionInfo
from tracker.output import SafeConsole, json_text
from tracker.userfiles import write_text

if TYPE_CHECKING:
    from tracker.render import Side

FORMATS = ("term", "html", "md", "json")


def _edition(key: str, language: str, ref: str | None, recorded: bool = False) -> EditionInfo:
    """An edition by sequence number, the one in force on a date (`recorded`: the latest Zan Watch had
    recorded by then), or the latest."""
    from storage import editions

    with database().transaction() as session:
        if ref is None:
            return editions.find_edition(session, key, language)
        if ref.isdigit():
            return editions.find_edition(session, key, language, seq=int(ref))
        day = parse_day(ref)
        if day is None:
            raise InputError(f"{ref!r} is neither an edition number nor a date (dd.mm.yyyy or yyyy-mm-dd)")
        return editions.find_edition(session, key, language, on=day, recorded=recorded)


def _dated(edition: EditionInfo) -> str:
    """«edition 2, adilet's edition of 10.03.2022 (105-VII)», or the day Zan Watch recorded it."""
    if edition.edition_date:
        when = f"adilet's edition of {edition.edition_date:%d.%m.%Y}"
    else:
        when = f"recorded {edition.fetched_at:%d.%m.%Y} (adilet gave no date)"
    acts = f" ({', '.join(edition.acts)})" if edition.acts else ""
    return f"edition {edition.seq}, {when}{acts}"


def _load(edition: EditionInfo) -> Document:
    from storage import editions

    with database().transaction() as session:
        return editions.load_document(session, edition)


def _side(edition: EditionInfo) -> Side:
    from tracker.render import Side

    day = edition.edition_date or edition.fetched_at.date()
    site, ident = settings().site_for(edition.key)
    url = site.public_url(ident, edition.language)
    return Side(f"{edition.key} edition {edition.seq}", edition.title, day, edition.language, url)


def _check_article(num: str | None) -> None:
    """An empty --article would pick the preamble (its number is empty), not an article."""
    if num is not None and not num.strip():
        raise InputError("--article is empty: give an article number, e.g. 5 or 10-1")


def _only_article(changes: list[Change], num: str | None) -> list[Change]:
    if num is None:
        return changes
    return [c for c in changes if num in {c.old.num if c.old else None, c.new.num if c.new else None}]


def _flagged(
    changes: list[Change], key: str, language: str, tags: tuple[str, ...] | None = None
) -> list[Change]:
    """Flags from the configured packs; document- and tag-scoped rules see `key` and `tags` (by default
    the watch list's tags for a watched key)."""
    from tracker.rules.engine import load_rules

    if tags is None:
        tags = _watched_tags(key)
    load_rules(settings().rules.packs).apply(changes, document_key=key, language=language, tags=tags)
    return changes


def _watched_tags(key: str) -> tuple[str, ...]:
    from storage import watchlist

    if not key:
        return ()
    with database().transaction() as session:
        try:
            return watchlist.get(session, key).tags
        except NotFound:
            return ()


def emit(changes: list[Change], from_side: Side, to_side: Side, fmt: str, output: Path | None) -> None:
    """Print or write one diff in the chosen format."""
    from tracker.render import html as render_html
    from tracker.render import json as render_json
    from tracker.render import markdown as render_md
    from tracker.render import terminal as render_term
    from tracker.render.words import Words

    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "term" and output is None:
        render_term.render(changes, console, from_side=from_side, to_side=to_side)
        return
    if fmt == "json":
        text = json_text(render_json.to_dict(changes, from_side=from_side, to_side=to_side), clock())
    elif fmt in ("md", "html"):
        title = Words(to_side.language).title(from_side, to_side)
        page = render_md.render if fmt == "md" else render_html.render
        text = page(
            changes, from_side=from_side, to_side=to_side, title=title, acts_base=settings().public_url
        )
    else:  # a file gets plain text, its insertions and deletions marked [+…+] and [-…-]
        buffer = io.StringIO()
        plain = SafeConsole(file=buffer, color_system=None, width=console.width)
        render_term.render(changes, plain, from_side=from_side, to_side=to_side)
        text = buffer.getvalue()
    if output is None:
        typer.echo(text)
        return
    write_text(output, text)
    console.print(f"Wrote {len(changes)} change{'' if len(changes) == 1 else 's'} to {output}")


def _language(lang: str) -> str:
    return check_languages((lang,))[0]


@app.command()
def check(
    keys: list[str] = typer.Argument(None, help="Documents to check (default: every enabled watch)."),
    fmt: str = format_option(),
) -> None:
    """Fetch watched documents now and record new editions with their changes and flags."""
    from rich.progress import Progress

    from tracker.pipeline import Checker

    as_json = wants_json(fmt)
    for key in keys or []:
        parse_key(key)
    checker = Checker(settings(), database())
    results = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Checking", total=None)
        results = checker.check_all(list(keys) if keys else None)
        progress.update(task, completed=1, total=1)
    if as_json:
        print_json([dataclasses.asdict(r) for r in results])
    else:
        from tracker.render.listing import Column, Listing

        listing = Listing(
            Column("document", "id"),
            Column("lang"),
            Column("outcome"),
            Column("edition"),
            Column("changes"),
            Column("flags"),
            Column("note", "text"),
        )
        for r in results:
            counts = (str(r.seq or ""), str(r.changes), str(r.flags))
            listing.add(r.key, r.language, r.outcome, *counts, r.reason)
        console.print(listing)
    failed = [r for r in results if r.outcome in ("error", "suspect")]
    if failed:  # cron and monitoring must notice; the table cuts notes, so the first reason is given whole
        first = failed[0]
        raise FetchError(
            f"{len(failed)} of {len(results)} checks failed; {first.key} ({first.language}): {first.reason}"
            + ("" if len(failed) == 1 else " (`--format json` gives every reason)")
        )


@app.command()
def backfill(
    key: str,
    lang: str = typer.Option("rus", "--lang", help="rus, kaz or eng."),
    since: str = typer.Option(
        None, "--since", help="From the edition in force on this date on (dd.mm.yyyy or yyyy-mm-dd)."
    ),
) -> None:
    """Record the document's past editions from adilet's /history, dated by adilet, oldest first.
    Politely paced, resumable, harmless to run twice; nobody is notified."""
    parse_key(key)
    run_backfill(key, (_language(lang),), day_option(since, "--since"))


def run_backfill(key: str, languages: tuple[str, ...], since: date | None = None) -> None:
    """Backfill each language and say what was done; dated pages left unread fail the command (cron and
    scripts must notice; the next run reads them)."""
    from tracker.backfill import backfill as run
    from tracker.queue import queue_backfill

    db = database()
    if queue_backfill(db, key, languages, since):
        console.print(
            f"Backfill of {key} ({', '.join(languages)}) queued for the workers: see `zanwatch status`."
        )
        return
    skipped: list[str] = []
    for language in languages:
        result = run(db, settings(), key, language, since)
        console.print(result.line())
        skipped += result.skipped
    if skipped:
        raise FetchError(
            f"{len(skipped)} dated pages not recorded (run it again later): " + "; ".join(skipped)
        )


@app.command()
def history(key: str, lang: str = typer.Option("rus", "--lang"), fmt: str = format_option()) -> None:
    """The editions of a document, oldest first: adilet's dates, amending acts, how many articles changed."""
    from storage import editions

    as_json = wants_json(fmt)
    parse_key(key)
    with database().transaction() as session:
        rows = editions.list_editions(session, key, _language(lang))
    if as_json:
        print_json(
            [
                {
                    "seq": e.seq,
                    "edition_date": e.edition_date,
                    "fetched_at": e.fetched_at,
                    "acts": list(e.acts),
                    "changes": e.changes,
                    "origin": e.origin,
                }
                for e in rows
            ]
        )
        return
    if not rows:
        console.print(f"No editions of {key} ({lang}) yet: run `zanwatch check {key}`.")
        return
    when = clock()
    from tracker.render.listing import Column, Listing

    listing = Listing(
        Column("edition"),
        Column("adilet's date"),
        Column("fetched"),
        Column("changed"),
        Column("origin"),
        Column("amending acts", "ids"),
        caption=when.note,
    )
    for e in rows:
        listing.add(
            str(e.seq),
            f"{e.edition_date:%d.%m.%Y}" if e.edition_date else "",
            when.text(e.fetched_at, named=False),
            str(e.changes),
            e.origin,
            ", ".join(e.acts),
        )
    console.print(listing)


@app.command()
def diff(
    key: str,
    from_ref: str = typer.Option(
        None, "--from", help="Edition number or date (default: the one before --to)."
    ),
    to_ref: str = typer.Option(None, "--to", help="Edition number or date (default: the latest)."),
    article: str = typer.Option(None, "--article", help="Only this article number, e.g. 5 or 10-1."),
    fmt: str = typer.Option("term", "--format", help="term, html, md or json."),
    output: Path = typer.Option(None, "--output", help="Write to this file instead of the terminal."),
    recorded: bool = typer.Option(
        False, "--recorded", help="Dates name what Zan Watch had recorded by then, not what was in force."
    ),
    lang: str = typer.Option("rus", "--lang"),
) -> None:
    """The article-level redline between any two editions of a document; a date names the edition in force
    on it (by adilet's edition dates)."""
    from tracker.diff import diff_documents

    parse_key(key)
    _check_article(article)
    language = _language(lang)
    to_ed = _edition(key, language, to_ref, recorded)
    if from_ref is None:
        if to_ed.seq == 1:
            raise InputError(f"{key} has only one edition so far: nothing to compare it with")
        from_ed = _edition(key, language, str(to_ed.seq - 1))
    else:
        from_ed = _edition(key, language, from_ref, recorded)
    old, new = _load(from_ed), _load(to_ed)
    if article is not None and not any(
        p.num == article and p.kind != "chapter" for doc in (old, new) for p in doc.provisions
    ):
        raise NotFound(f"{key} has no article {article} in edition {from_ed.seq} or {to_ed.seq}")
    changes = _flagged(diff_documents(old, new), key, language)
    emit(_only_article(changes, article), _side(from_ed), _side(to_ed), fmt, output)


@app.command()
def show(
    key: str,
    at: str = typer.Option(
        None, "--at", help="In force on this date (dd.mm.yyyy or yyyy-mm-dd); default: the latest."
    ),
    recorded: bool = typer.Option(
        False, "--recorded", help="With --at: as Zan Watch had recorded it by that date instead."
    ),
    article: str = typer.Option(None, "--article", help="Only this article number."),
    lang: str = typer.Option("rus", "--lang"),
    fmt: str = format_option("text", "json"),
) -> None:
    """A document, or one article, as in force on a date by adilet's edition dates: which edition that
    is, and the changes announced by then but not yet in force."""
    from storage import acts, editions

    as_json = wants_json(fmt, ("text", "json"))
    parse_key(key)
    _check_article(article)
    day = day_option(at, "--at")
    if recorded and day is None:
        raise InputError("--recorded needs --at DATE")
    edition = _edition(key, _language(lang), at, recorded)
    with database().transaction() as session:
        doc = editions.load_document(session, edition)
        pending = acts.pending_on(session, key, day) if day and not recorded else []
    provisions = [p for p in doc.provisions if article is None or (p.kind != "chapter" and p.num == article)]
    if not provisions:
        raise InputError(f"{key} edition {edition.seq} has no article {article}")
    if as_json:
        from tracker.cli.parse import document_json

        shown = document_json(dataclasses.replace(doc, provisions=provisions))
        announced = [{"act": act.number or act.key, **target.to_dict()} for act, target in pending]
        print_json(
            {
                "key": key,
                "edition": edition.seq,
                "date": edition.edition_date,
                **shown,
                "announced": announced,
            }
        )
        return
    if day is None:
        when = "latest"
    else:
        when = f"{'recorded by' if recorded else 'in force on'} {day:%d.%m.%Y}"
    console.print(f"[bold]{escape(doc.title)}[/] — {when}: {escape(_dated(edition))}", highlight=False)
    eids = {p.eid for p in provisions}
    for act, target in pending:
        if article is not None and target.eid and target.eid.split("__")[0] not in eids:
            continue
        where = target.eid or "the whole act"
        effective = f"{target.effective:%d.%m.%Y}" if target.effective else target.effective_note or "unknown"
        what = f"{act.number or act.key} — {target.kind} {where}, in force {effective}"
        console.print(f"announced, not yet in force: {what}", highlight=False)
    for p in provisions:
        console.print(
            f"\n[bold]{p.kind} {p.num}. {escape(p.heading)}[/]"
            + (" [red](repealed)[/]" if p.repealed else "")
        )
        if p.text:
            console.print(p.text, markup=False, highlight=False)


_REF = re.compile(r"^(?P<key>[a-z]+:[^@]+?)(?:@(?P<ref>.+))?$")


def _compared(ref: str, lang: str) -> tuple[Document, Side, str]:
    """A file (HTML, text, DOCX) or a stored edition KEY[@N|@DATE]."""
    from tracker.render import Side

    path = Path(ref)
    if path.exists():
        from scrapers.files import read_file
        from tracker import structure

        doc = structure.build(read_file(path, lang))
        if not doc.provisions:
            raise ParseError(f"{path}: no text found to compare; is it the right file?")
        return doc, Side(path.name, doc.title, None, lang), ""
    match = _REF.match(ref)
    if not match:
        raise InputError(f"{ref!r} is neither a file nor a stored edition such as adilet:Z010000142_@3")
    key = match["key"]
    parse_key(key)
    edition = _edition(key, lang, match["ref"])
    return _load(edition), _side(edition), key


@app.command()
def compare(
    a: str = typer.Argument(..., help="A file (HTML, text, DOCX) or a stored edition KEY[@N|@DATE]."),
    b: str = typer.Argument(..., help="The same for the newer side."),
    fmt: str = typer.Option("term", "--format", help="term, html, md or json."),
    output: Path = typer.Option(None, "--output"),
    lang: str = typer.Option("rus", "--lang"),
    tags: str = typer.Option(None, "--tags", help="Apply tag-scoped rules as for a document tagged T,…"),
    document: str = typer.Option(None, "--document", help="Apply rules scoped to this document KEY."),
) -> None:
    """Compare two texts article by article, even two different documents (renumbering is recognised)."""
    from tracker.diff import diff_documents

    language = _language(lang)
    if document is not None:
        parse_key(document)
    old, old_side, _ = _compared(a, language)
    new, new_side, key = _compared(b, language)
    key = document or key
    chosen = check_tags(comma_list(tags, "--tags")) if tags is not None else None
    changes = _flagged(diff_documents(old, new), key, language, chosen)
    emit(changes, old_side, new_side, fmt, output)


@app.command()
def reparse(
    key: str, lang: str = typer.Option(None, "--lang", help="Default: every watched language.")
) -> None:
    """Re-derive editions from stored snapshots with the current parser. Nobody is notified."""
    from storage import watchlist
    from tracker.pipeline import Checker

    parse_key(key)
    if lang is not None:
        languages: tuple[str, ...] = (_language(lang),)
    else:
        with database().transaction() as session:
            languages = watchlist.get(session, key).languages
    checker = Checker(settings(), database())
    for language in languages:
        count = checker.reparse(key, language)
        console.print(f"{key} ({language}): {count} editions re-derived from stored snapshots.")


@app.command()
def demo(
    output: Path = typer.Option(
        Path("zanwatch-demo-report.html"), "--output", help="Where the HTML report goes."
    ),
) -> None:
    """The whole flow offline: replay recorded adilet pages locally, check twice, show what changed."""
    from tracker.demo import run_demo

    run_demo(console, output, settings())

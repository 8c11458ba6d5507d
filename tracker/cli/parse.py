"""`zanwatch parse FILE|URL|KEY`: show what the parser makes of a page, a file or a watched act."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.tree import Tree

from tracker.cli.app import app, console, settings
from tracker.errors import InputError, ParseError
from tracker.keys import check_languages, key_from
from tracker.model import Document, ParsedPage


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def document_json(document: Document) -> dict[str, Any]:
    """The `--format json` shape: provisions in document order, dates left for the encoder (ISO)."""
    return {
        "title": document.title,
        "status": document.status,
        "status_label": document.status_label,
        "requisites": document.requisites,
        "language": document.language,
        "provisions": [
            {
                "eid": p.eid,
                "kind": p.kind,
                "num": p.num,
                "heading": p.heading,
                "path": list(p.path),
                "text": p.text,
                "repealed": p.repealed,
                "amendments": [a.to_dict() for a in p.amendments],
            }
            for p in document.provisions
        ],
        "scheduled": [a.to_dict() for a in document.scheduled],
        "amendments": [a.to_dict() for a in document.amendments],
    }


def _fetch(source: str, language: str) -> ParsedPage:
    """A key, a site's document address or any URL of an adilet-style page, through the shared polite
    fetcher; a suspect answer is an error here."""
    from scrapers import adilet
    from scrapers.http import Fetcher

    source = key_from(source)
    with Fetcher(settings().politeness) as fetcher:
        if source.startswith(("http://", "https://")):
            reply = fetcher.get(source)
            if "/api/documents/" in source:
                return adilet.parse_api(reply.body, language)
            reason = adilet.suspect_reason(reply.body)
            if reason:
                raise ParseError(f"{source}: suspect page ({reason})")
            return adilet.parse_page(reply.body, language)
        site, ident = settings().site_for(source)
        fetched = site.fetch(fetcher, ident, language)
        if fetched.page is None:
            raise ParseError(f"{fetched.url}: suspect page ({fetched.suspect})")
        return fetched.page


def _outline(document: Document) -> Tree:
    status = document.status_label or document.status or "no status"
    tree = Tree(f"[bold]{escape(document.title)}[/] [dim]({escape(status)}, {document.language})[/]")
    nodes: dict[str, Tree] = {}
    for provision in document.provisions:
        parent = nodes.get(provision.path[-1], tree) if provision.path else tree
        label = f"[cyan]{provision.eid}[/] {escape(provision.heading or provision.text[:80])}"
        if provision.repealed:
            label += " [red](repealed)[/]"
        scheduled = sum(1 for a in provision.amendments if a.scheduled)
        if len(provision.amendments) > scheduled:
            label += f" [dim]{len(provision.amendments) - scheduled} amendment(s)[/]"
        if scheduled:
            label += f" [yellow]{scheduled} scheduled[/]"
        nodes[provision.eid] = parent.add(label)
    for amendment in document.scheduled:
        when = amendment.effective.isoformat() if amendment.effective else "date unknown"
        tree.add(f"[yellow]scheduled {when}[/] {escape(amendment.text[:100])}")
    return tree


@app.command()
def parse(
    source: str = typer.Argument(..., help="A local .html/.txt/.docx file, a URL, or a key like adilet:ID."),
    lang: str = typer.Option("rus", "--lang", help="Language of the text: rus, kaz or eng."),
    fmt: str = typer.Option("text", "--format", help="text (an outline) or json."),
) -> None:
    """Print the parsed document: provisions, footnote amendments and scheduled changes."""
    from scrapers.files import read_file
    from tracker.structure import build

    check_languages((lang,))
    if fmt not in ("text", "json"):
        raise InputError(f"unknown format {fmt!r}: use text or json")
    looks_remote = source.startswith(("http://", "https://")) or (":" in source and not Path(source).exists())
    document = build(_fetch(source, lang) if looks_remote else read_file(source, lang))
    if fmt == "json":
        typer.echo(json.dumps(document_json(document), ensure_ascii=False, indent=2, default=_json_default))
    else:
        console.print(_outline(document))

"""`zanwatch rules …` to inspect and test rule packs, and `zanwatch flags` to list stored flags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.text import Text

from tracker.cli.app import (
    app,
    clock,
    console,
    database,
    day_option,
    format_option,
    print_json,
    settings,
    wants_json,
)
from tracker.errors import InputError
from tracker.keys import parse_key
from tracker.model import LANGUAGES

if TYPE_CHECKING:
    from tracker.rules import Rule

rules_app = typer.Typer(help="Keyword rule packs: list, test and explain rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def _language_option(what: str) -> Any:
    return typer.Option("rus", "--lang", help=f"Language of {what}: {', '.join(LANGUAGES)}.")


def _checked(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang


def _rule_dict(rule: Rule, lang: str) -> dict[str, Any]:
    return {
        "id": rule.id,
        "pack": rule.pack,
        "kind": rule.kind,
        "theme": rule.theme,
        "severity": rule.severity,
        "side": rule.side,
        "effect": rule.effect,
        "description": rule.description.text(lang),
        "languages": list(rule.languages),
        "documents": list(rule.documents),
        "tags": list(rule.tags),
        **rule.body.describe(),
        "examples": len(rule.examples),
    }


@rules_app.command("list")
def list_rules(fmt: str = format_option(), lang: str = _language_option("the rules' reasons")) -> None:
    """List the rules of the configured packs."""
    from tracker.rules import load_rules

    as_json = wants_json(fmt)
    _checked(lang)
    rules = load_rules(settings().rules.packs).rules
    if as_json:
        print_json([_rule_dict(rule, lang) for rule in rules])
        return
    from tracker.render.listing import Column, Listing

    listing = Listing(
        Column("rule", "id"),
        Column("theme", "id"),
        Column("severity"),
        Column("side"),
        Column("effect"),
        Column("languages"),
        Column("description", "text"),
    )
    for r in rules:
        reason = r.description.text(lang)
        listing.add(r.id, r.theme, r.severity, r.side, r.effect, ",".join(r.languages), reason)
    console.print(listing)


@rules_app.command("test")
def test_rules(
    pack: str | None = typer.Argument(None, help="A bundled pack name or a .toml path (default: config)."),
) -> None:
    """Run every example of the packs; exit 1 and print a line per failure if any fails."""
    from tracker.rules import load_rules

    ruleset = load_rules([pack] if pack else settings().rules.packs)
    failures = ruleset.run_examples()
    for failure in failures:
        typer.echo(f"FAIL {failure}")
    gaps = ruleset.coverage_gaps()
    for gap in gaps:
        typer.echo(f"GAP {gap}")
    examples = sum(len(rule.examples) for rule in ruleset.rules)
    typer.echo(
        f"{examples - len(failures)} of {examples} examples passed in {len(ruleset.rules)} rules; "
        f"{len(ruleset.themes)} themes; {len(gaps)} gaps in rus, kaz or eng (a theme without positive, "
        "negative and direction examples, a rule without a description)"
    )
    if failures or gaps:
        raise typer.Exit(1)


@rules_app.command("explain")
def explain_rule(
    rule_id: str = typer.Argument(..., metavar="RULE"),
    text: str = typer.Argument(...),
    lang: str = _language_option("the text and of the rule's reason"),
) -> None:
    """Show which of a rule's patterns match a text, and where."""
    from tracker.rules import load_rules

    _checked(lang)
    ruleset = load_rules(settings().rules.packs)
    rule = ruleset.rule(rule_id)
    hits = ruleset.explain(rule_id, text, lang)
    reason = rule.description.text(lang)
    console.print(Text(f"{rule.id} ({rule.theme}, {rule.severity}, side {rule.side}): {reason}"))
    if not hits:
        console.print(Text(f"no {lang} pattern of {rule.id} matches this text"))
        return
    from tracker.render.listing import Column, Listing

    listing = Listing(Column("pattern", "ids"), Column("matched", "ids"), Column("context", "text"))
    for h in hits:
        listing.add(h.pattern, h.text, h.snippet)
    console.print(listing)


@app.command("flags")
def flags(
    since: str | None = typer.Option(
        None, "--since", help="From this day on (YYYY-MM-DD or dd.mm.yyyy, in [schedule] timezone)."
    ),
    theme: list[str] = typer.Option([], "--theme", help="Only these themes (repeat the option)."),
    min_severity: str | None = typer.Option(None, "--min-severity", help="Lowest severity shown."),
    document: str | None = typer.Option(None, "--document", help="Only this document key."),
    fmt: str = format_option(),
) -> None:
    """List stored flags, newest first."""
    from storage.flags import list_flags
    from tracker.rules import check_themes

    as_json = wants_json(fmt)
    check_themes(theme)
    if document is not None:
        parse_key(document)
    day = day_option(since, "--since")
    when = clock()
    with database().transaction() as session:
        rows = list_flags(
            session,
            since=when.start_of(day) if day else None,
            themes=theme,
            min_severity=min_severity,
            document_key=document,
        )
    if as_json:
        print_json(rows)
        return
    from tracker.render.listing import Column, Listing

    listing = Listing(
        Column("document", "id"),
        Column("rule", "id"),
        Column("date"),
        Column("article"),
        Column("severity"),
        Column("direction"),
        Column("theme"),
        Column("side"),
        Column("matched", "text"),
        Column("snippet", "text"),
        caption=when.note,
    )
    for r in rows:
        listing.add(
            r["document_key"],
            r["rule_id"],
            when.text(r["created_at"], named=False),
            r["article"],
            r["severity"],
            r["direction"],
            r["theme"],
            r["side"],
            ", ".join(r["matched"]),
            r["snippet"],
        )
    console.print(listing)

"""`zanwatch rules …` to inspect and test rule packs, and `zanwatch flags` to list stored flags."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from rich.text import Text

from tracker.cli.app import app, console, database, day_option, settings
from tracker.errors import InputError
from tracker.model import LANGUAGES

if TYPE_CHECKING:
    from tracker.rules import Rule

rules_app = typer.Typer(help="Keyword rule packs: list, test and explain rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


FORMATS = ("table", "json")


def _wants_json(fmt: str) -> bool:
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}: use table or json")
    return fmt == "json"


def _table(columns: list[str], rows: list[list[Any]]) -> Table:
    """Cells as plain Text: rule patterns and snippets hold brackets that rich would read as markup."""
    table = Table(*columns)
    for row in rows:
        table.add_row(*(Text(str(cell)) for cell in row))
    return table


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "pack": rule.pack,
        "kind": rule.kind,
        "theme": rule.theme,
        "severity": rule.severity,
        "side": rule.side,
        "effect": rule.effect,
        "description": rule.description,
        "languages": list(rule.languages),
        "documents": list(rule.documents),
        "tags": list(rule.tags),
        **rule.body.describe(),
        "examples": len(rule.examples),
    }


@rules_app.command("list")
def list_rules(fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """List the rules of the configured packs."""
    from tracker.rules import load_rules

    as_json = _wants_json(fmt)
    rules = load_rules(settings().rules.packs).rules
    if as_json:
        _print_json([_rule_dict(rule) for rule in rules])
        return
    rows = [
        [r.id, r.theme, r.severity, r.side, r.effect, ",".join(r.languages), r.description] for r in rules
    ]
    columns = ["rule", "theme", "severity", "side", "effect", "languages", "description"]
    console.print(_table(columns, rows))


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
        f"{len(ruleset.themes)} themes, {len(gaps)} without positive, negative and direction examples "
        "in every language"
    )
    if failures or gaps:
        raise typer.Exit(1)


@rules_app.command("explain")
def explain_rule(
    rule_id: str = typer.Argument(..., metavar="RULE"),
    text: str = typer.Argument(...),
    lang: str = typer.Option("rus", "--lang", help=f"Language of the text: {', '.join(LANGUAGES)}."),
) -> None:
    """Show which of a rule's patterns match a text, and where."""
    from tracker.rules import load_rules

    if lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    ruleset = load_rules(settings().rules.packs)
    rule = ruleset.rule(rule_id)
    hits = ruleset.explain(rule_id, text, lang)
    console.print(Text(f"{rule.id} ({rule.theme}, {rule.severity}, side {rule.side}): {rule.description}"))
    if not hits:
        console.print(Text(f"no {lang} pattern of {rule.id} matches this text"))
        return
    console.print(_table(["pattern", "matched", "context"], [[h.pattern, h.text, h.snippet] for h in hits]))


@app.command("flags")
def flags(
    since: str | None = typer.Option(
        None, "--since", help="From this day on (YYYY-MM-DD or dd.mm.yyyy, Almaty time)."
    ),
    theme: list[str] = typer.Option([], "--theme", help="Only these themes (repeat the option)."),
    min_severity: str | None = typer.Option(None, "--min-severity", help="Lowest severity shown."),
    document: str | None = typer.Option(None, "--document", help="Only this document key."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """List stored flags, newest first."""
    from storage.flags import list_flags
    from tracker.rules import check_themes

    as_json = _wants_json(fmt)
    check_themes(theme)
    with database().transaction() as session:
        rows = list_flags(
            session,
            since=day_option(since, "--since"),
            themes=theme,
            min_severity=min_severity,
            document_key=document,
        )
    if as_json:
        _print_json(rows)
        return
    local = ZoneInfo(settings().schedule.timezone)
    table_rows = [
        [
            datetime.fromisoformat(r["created_at"]).astimezone(local).strftime("%Y-%m-%d %H:%M"),
            r["document_key"],
            r["article"],
            r["severity"],
            r["direction"],
            r["theme"],
            r["side"],
            r["rule_id"],
            ", ".join(r["matched"]),
            r["snippet"],
        ]
        for r in rows
    ]
    columns = ["date", "document", "article", "severity", "direction", "theme", "side", "rule", "matched"]
    columns.append("snippet")
    console.print(_table(columns, table_rows))

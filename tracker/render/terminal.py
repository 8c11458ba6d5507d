"""Colour redlines for analysts at a terminal: green inserted, red struck-through deleted words.

Law text is passed as `rich.text.Text`, never as markup, so brackets in a law print as they are.
"""

from __future__ import annotations

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from tracker.model import Change
from tracker.render import (
    CONTEXT,
    Side,
    change_name,
    describe_amendment,
    direction_note,
    highlighted,
    run_note,
    shortened,
)

_OP_STYLES = {"=": "", "+": "green", "-": "red strike"}
_KIND_STYLES = {"inserted": "green", "repealed": "red", "substituted": "yellow", "renumbered": "cyan"}
_SEVERITY_STYLES = {"critical": "bold white on red", "high": "bold red", "medium": "yellow"}
_RELAXES_STYLE = "bold green"
"""Good news is never red, whatever the rule's severity."""


def render(
    changes: list[Change],
    console: Console,
    *,
    from_side: Side,
    to_side: Side,
    context: int | None = CONTEXT,
) -> None:
    console.print(Text.assemble(("from ", "dim"), from_side.describe()))
    console.print(Text.assemble(("to   ", "dim"), to_side.describe()))
    if not changes:
        console.print("No changes.", style="dim")
        return
    console.print(Text(f"{len(changes)} changed provision(s)", style="bold"))
    markers = console.color_system is None  # piped or --output: colour cannot tell old from new
    for change in changes:
        console.print(Rule(style="dim"))
        console.print(change_text(change, language=to_side.language, context=context, markers=markers))


def change_text(
    change: Change, *, language: str = "rus", context: int | None = CONTEXT, markers: bool = False
) -> Text:
    """One change as Rich text: name and heading, kind, amendments, redline, flags with the rule's reason in
    `language` (the document's). With `markers`, inserted words are also wrapped in `[+…+]` and deleted
    ones in `[-…-]`, as the digest's text part does, for output without colour."""
    out = Text()
    out.append(change_name(change, language), style="bold")
    if change.heading:
        out.append(f" {change.heading}", style="bold")
    out.append(f"  [{change.kind}", style=_KIND_STYLES.get(change.kind, ""))
    if change.kind == "renumbered":
        out.append(f", similarity {change.similarity:.2f}", style=_KIND_STYLES["renumbered"])
    out.append("]\n", style=_KIND_STYLES.get(change.kind, ""))
    for amendment in change.amendments:
        out.append(f"  ↳ {describe_amendment(amendment)}\n", style="dim")
    if change.pairs:
        out.append(run_note(change), style="dim")
    for op, text in shortened(change.ops, context):
        marked = markers and op != "="
        if marked:
            out.append(f"[{op}", style=_OP_STYLES[op])
        for piece, matched in highlighted(op, text, change.flags):
            style = _OP_STYLES[op]
            out.append(piece, style=f"{style} bold reverse".strip() if matched else style)
        if marked:
            out.append(f"{op}]", style=_OP_STYLES[op])
    for flag in change.flags:
        relaxes = flag.direction == "relaxes"
        style = _RELAXES_STYLE if relaxes else _SEVERITY_STYLES.get(flag.severity, "dim")
        out.append("\n✓ " if relaxes else "\n⚑ ")
        out.append(flag.severity, style=style)
        note = direction_note(flag)
        if note:
            out.append(f" {note}", style=_RELAXES_STYLE if relaxes else "bold")
        out.append(f" {flag.rule_id} [{flag.theme}] on {flag.side}: {', '.join(flag.matched)}")
        reason = flag.description.text(language)
        if reason:
            out.append(f"\n  {reason}", style="dim")
    return out

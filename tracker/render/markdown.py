"""Markdown redlines, for issues, chats and wikis.

Inserted words are `<ins>…</ins>` and deleted `<del>…</del>` (GitHub and most renderers show both; `++x++`
is not standard Markdown), flag matches `<mark>`. Law text is HTML-escaped and its Markdown
punctuation backslash-escaped, so a law never turns into markup.
"""

from __future__ import annotations

import re
from html import escape

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

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_TAGS = {"+": "ins", "-": "del"}


def render(
    changes: list[Change],
    *,
    from_side: Side,
    to_side: Side,
    title: str,
    context: int | None = CONTEXT,
) -> str:
    lines = [
        f"# {_text(title)}",
        "",
        f"from {_text(from_side.describe())}  ",
        f"to {_text(to_side.describe())}",
        "",
        f"{len(changes)} changed provision(s)" if changes else "No changes.",
    ]
    for change in changes:
        lines += ["", change_markdown(change, language=to_side.language, context=context)]
    return "\n".join(lines) + "\n"


def change_markdown(change: Change, *, language: str = "rus", context: int | None = CONTEXT) -> str:
    similarity = f", similarity {change.similarity:.2f}" if change.kind == "renumbered" else ""
    heading = f" {_text(change.heading)}" if change.heading else ""
    lines = [f"## {_text(change_name(change, language))}{heading} \\[{change.kind}{similarity}\\]", ""]
    lines += [f"- {_text(describe_amendment(a))}" for a in change.amendments]
    if change.amendments:
        lines.append("")
    lines.append(_text(run_note(change)) if change.pairs else _redline(change, context))
    if change.flags:
        lines.append("")
    for f in change.flags:
        matched = ", ".join(f"<mark>{_text(w)}</mark>" for w in f.matched)
        note = direction_note(f)
        marker = "✓ " if f.direction == "relaxes" else ""
        note_md = f" *{_text(note)}*" if note else ""
        rule = f"`{f.rule_id}` \\[{f.theme}\\] on {f.side}"
        lines.append(f"- {marker}**{f.severity}**{note_md} {rule}: {matched}")
    return "\n".join(lines)


def _redline(change: Change, context: int | None) -> str:
    out = []
    for op, text in shortened(change.ops, context):
        inner = "".join(
            f"<mark>{_text(piece)}</mark>" if matched else _text(piece)
            for piece, matched in highlighted(op, text, change.flags)
        )
        tag = _TAGS.get(op)
        out.append(f"<{tag}>{inner}</{tag}>" if tag else inner)
    # A hard line break keeps the article's paragraphs apart.
    return "".join(out).replace("\n", "  \n")


def _text(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False))

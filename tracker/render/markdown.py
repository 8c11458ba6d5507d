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
    highlighted,
    run_note,
    shortened,
    values_note,
    without_heading,
)
from tracker.render.html import summary
from tracker.render.words import ADILET, Words

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_TAGS = {"+": "ins", "-": "del"}


def render(
    changes: list[Change],
    *,
    from_side: Side,
    to_side: Side,
    title: str,
    context: int | None = CONTEXT,
    acts_base: str = ADILET,
) -> str:
    """The HTML report's structure in Markdown: title, editions with dates and links, summary, changes."""
    words = Words(to_side.language)
    _ = words.gettext
    lines = [f"# {_text(title)}", ""]
    for word, side in ((_("from"), from_side), (_("to"), to_side)):
        parts = [_text(p) for p in (side.label, side.title, words.date(side.date)) if p]
        link = f" · <{side.url}>" if side.url else ""
        lines.append(f"{_text(word)}: {' · '.join(parts)}{link}  ")
    lines.append("")
    lines += [f"- **{_text(label)}:** {_text(value)}" for label, value in summary(changes, words)]
    lines += [
        "",
        _text(
            _("Inserted text is underlined, deleted text struck through; «…» marks unchanged text left out.")
        ),
    ]
    for change in changes:
        lines += [
            "",
            change_markdown(change, language=to_side.language, context=context, acts_base=acts_base),
        ]
    return "\n".join(lines) + "\n"


def change_markdown(
    change: Change, *, language: str = "rus", context: int | None = CONTEXT, acts_base: str = ADILET
) -> str:
    words = Words(language)
    heading = f". {_text(change.heading)}" if change.heading else ""
    lines = [
        f"## {_text(change_name(change, language))}{heading}",
        "",
        f"*{_text(words.kind(change.kind))}*",
        "",
    ]
    for a in change.amendments:
        act = words.act(a, acts_base, language)
        label = f"[{_text(act.label)}]({act.url})" if act.url else _text(act.label)
        lines.append(
            f"- {_text(act.kind_label)} {label}" + (f"; {_text(act.in_force)}" if act.in_force else "")
        )
    if change.amendments:
        lines.append("")
    lines.append(_text(run_note(change, language)) if change.pairs else _redline(change, context))
    if change.flags:
        lines.append("")
    for f in change.flags:
        view = words.flag(
            severity=f.severity,
            direction=f.direction,
            theme=f.theme,
            description=f.description,
            matched=list(f.matched),
        )
        matched = ", ".join(f"<mark>{_text(w)}</mark>" for w in view.matched)
        marker = "✓ " if f.direction == "relaxes" else ""
        values = f" {_text(values_note(f))}" if values_note(f) else ""
        reason = f": {_text(view.reason)}" if view.reason else ""
        lines.append(
            f"- {marker}**{_text(view.severity_label)} · {_text(view.direction_label)}{values}** "
            f"{_text(view.theme_label)}{reason} (`{f.rule_id}`) — {matched}"
        )
    return "\n".join(lines)


def _redline(change: Change, context: int | None) -> str:
    out = []
    for op, text in shortened(without_heading(change.ops, change.heading), context):
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

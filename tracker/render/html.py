"""Standalone HTML for reports and e-mail digests.

Styles are inline only, because e-mail clients strip `<style>` blocks; every piece of law text is
escaped, because a law may quote markup. `render_change` is the building block digests reuse.
"""

from __future__ import annotations

from html import escape

from tracker.model import Change, Flag
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

_INS = "background:#e6ffec;color:#116329;text-decoration:underline"
_DEL = "background:#ffebe9;color:#82071e;text-decoration:line-through"
_MARK = "background:#fff8c5;color:inherit;font-weight:bold"
_KIND_COLOURS = {
    "inserted": "#116329",
    "repealed": "#82071e",
    "substituted": "#9a6700",
    "renumbered": "#0550ae",
}
_LANG_TAGS = {"rus": "ru", "kaz": "kk", "eng": "en"}
_SEVERITY_COLOURS = {"critical": "#82071e", "high": "#cf222e", "medium": "#9a6700", "low": "#57606a"}
_RELAXES_COLOUR = "#116329"
"""Good news is green, whatever the rule's severity."""


def render(changes: list[Change], *, from_side: Side, to_side: Side, title: str) -> str:
    body = "\n".join(render_change(c, language=to_side.language) for c in changes) or (
        '<p style="color:#57606a">No changes.</p>'
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{_LANG_TAGS.get(to_side.language, "ru")}">\n<head>\n'
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n</head>\n"
        '<body style="margin:0;padding:16px;font-family:Georgia,serif;color:#1f2328;background:#ffffff">\n'
        '<div style="max-width:860px;margin:0 auto">\n'
        f'<h1 style="font-size:22px;margin:0 0 8px">{escape(title)}</h1>\n'
        f'<p style="margin:0 0 16px;color:#57606a;font-size:14px">from {escape(from_side.describe())}<br>'
        f"to {escape(to_side.describe())}<br>{len(changes)} changed provision(s)</p>\n"
        f"{body}\n</div>\n</body>\n</html>\n"
    )


def render_change(change: Change, *, language: str = "rus", context: int | None = CONTEXT) -> str:
    """One change as a self-contained `<div>`: name, kind, amendments, redline, flags."""
    colour = _KIND_COLOURS.get(change.kind, "#57606a")
    similarity = f", similarity {change.similarity:.2f}" if change.kind == "renumbered" else ""
    name = escape(change_name(change, language)) + (f" {escape(change.heading)}" if change.heading else "")
    kind_style = f"font-size:13px;font-weight:normal;color:{colour}"
    kind = f'<span style="{kind_style}">[{change.kind}{similarity}]</span>'
    parts = [
        '<div style="border-top:1px solid #d0d7de;padding:12px 0">',
        f'<h2 style="font-size:17px;margin:0 0 4px">{name} {kind}</h2>',
    ]
    if change.amendments:
        items = "".join(f"<li>{escape(describe_amendment(a))}</li>" for a in change.amendments)
        style = "margin:0 0 8px;padding-left:18px;color:#57606a;font-size:13px"
        parts.append(f'<ul style="{style}">{items}</ul>')
    body = escape(run_note(change)) if change.pairs else _redline(change, context)
    parts.append(f'<p style="margin:0;line-height:1.5;white-space:pre-wrap">{body}</p>')
    if change.flags:
        items = "".join(_flag_item(f) for f in change.flags)
        parts.append(f'<ul style="margin:8px 0 0;padding-left:18px;font-size:14px">{items}</ul>')
    parts.append("</div>")
    return "\n".join(parts)


def _redline(change: Change, context: int | None) -> str:
    out = []
    for op, text in shortened(change.ops, context):
        inner = "".join(
            f'<mark style="{_MARK}">{escape(piece)}</mark>' if matched else escape(piece)
            for piece, matched in highlighted(op, text, change.flags)
        )
        if op == "+":
            out.append(f'<ins style="{_INS}">{inner}</ins>')
        elif op == "-":
            out.append(f'<del style="{_DEL}">{inner}</del>')
        else:
            out.append(inner)
    return "".join(out)


def _flag_item(flag: Flag) -> str:
    relaxes = flag.direction == "relaxes"
    colour = _RELAXES_COLOUR if relaxes else _SEVERITY_COLOURS.get(flag.severity, "#57606a")
    matched = ", ".join(f'<mark style="{_MARK}">{escape(w)}</mark>' for w in flag.matched)
    description = f" — {escape(flag.description)}" if flag.description else ""
    note = direction_note(flag)
    note_html = f' <strong style="color:{colour}">{escape(note)}</strong>' if note else ""
    return (
        f'<li><strong style="color:{colour}">{escape(flag.severity)}</strong>{note_html} '
        f"<code>{escape(flag.rule_id)}</code> [{escape(flag.theme)}] on {escape(flag.side)}: "
        f"{matched}{description}</li>"
    )

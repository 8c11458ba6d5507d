"""Standalone HTML for reports and e-mail digests.

Styles are inline only, because e-mail clients strip `<style>` blocks; every piece of law text is
escaped, because a law may quote markup. `render_change` is the building block digests reuse.
"""

from __future__ import annotations

from html import escape

from tracker.i18n import locale_tag
from tracker.model import Change, Flag
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
from tracker.render.words import ADILET, ActView, Words

_INS = "background:#e6ffec;color:#116329;text-decoration:underline"
_DEL = "background:#ffebe9;color:#82071e;text-decoration:line-through"
_MARK = "background:#fff8c5;color:inherit;font-weight:bold"
_KIND_COLOURS = {
    "inserted": "#116329",
    "repealed": "#82071e",
    "substituted": "#9a6700",
    "renumbered": "#0550ae",
}
_TABLE = "border-collapse:collapse;margin:0 0 12px;font-size:14px"
_TH = "text-align:left;vertical-align:top;padding:2px 12px 2px 0"
_TD = "padding:2px 0;vertical-align:top"
_SEVERITY_COLOURS = {"critical": "#82071e", "high": "#cf222e", "medium": "#9a6700", "low": "#57606a"}
_RELAXES_COLOUR = "#116329"
"""Good news is green, whatever the rule's severity."""


def render(
    changes: list[Change], *, from_side: Side, to_side: Side, title: str, acts_base: str = ADILET
) -> str:
    """A report to forward: title, both editions with dates and source links, a summary, each change."""
    words = Words(to_side.language)
    _ = words.gettext
    body = "\n".join(render_change(c, language=to_side.language, acts_base=acts_base) for c in changes)
    rows = "".join(
        f'<tr><th scope="row" style="{_TH}">{escape(label)}</th><td style="{_TD}">{escape(value)}</td></tr>'
        for label, value in summary(changes, words)
    )
    sides = "<br>".join(
        f"{escape(word)}: {_side(side, words)}" for word, side in ((_("from"), from_side), (_("to"), to_side))
    )
    legend = _("Inserted text is underlined, deleted text struck through; «…» marks unchanged text left out.")
    return (
        f'<!DOCTYPE html>\n<html lang="{locale_tag(to_side.language)}">\n<head>\n'
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n</head>\n"
        '<body style="margin:0;padding:16px;font-family:Georgia,serif;color:#1f2328;background:#ffffff">\n'
        '<div style="max-width:860px;margin:0 auto">\n'
        f'<h1 style="font-size:22px;margin:0 0 8px">{escape(title)}</h1>\n'
        f'<p style="margin:0 0 12px;color:#57606a;font-size:14px">{sides}</p>\n'
        f'<table role="presentation" style="{_TABLE}">{rows}</table>\n'
        f'<p style="margin:0 0 12px;color:#57606a;font-size:13px">{escape(legend)}</p>\n'
        f"{body}\n</div>\n</body>\n</html>\n"
    )


def render_change(
    change: Change, *, language: str = "rus", context: int | None = CONTEXT, acts_base: str = ADILET
) -> str:
    """One change as a self-contained `<div>`: name and heading, kind, amending acts, redline, flags."""
    words = Words(language)
    colour = _KIND_COLOURS.get(change.kind, "#57606a")
    name = escape(change_name(change, language)) + (f". {escape(change.heading)}" if change.heading else "")
    kind = f'<span style="font-size:13px;color:{colour}">{escape(words.kind(change.kind))}</span>'
    anchor = escape(change.eid)
    parts = [
        f'<div id="{anchor}" style="border-top:1px solid #d0d7de;padding:12px 0">',
        f'<h2 style="font-size:17px;margin:0 0 4px">{name}</h2>',
        f'<p style="margin:0 0 6px">{kind}</p>',
    ]
    if change.amendments:
        items = "".join(f"<li>{_act(words.act(a, acts_base, language))}</li>" for a in change.amendments)
        style = "margin:0 0 8px;padding-left:18px;color:#57606a;font-size:13px"
        parts.append(f'<ul style="{style}">{items}</ul>')
    body = escape(run_note(change, language)) if change.pairs else _redline(change, context)
    parts.append(
        f'<p style="margin:0;line-height:1.5;white-space:pre-wrap;overflow-wrap:break-word">{body}</p>'
    )
    if change.flags:
        items = "".join(_flag_item(f, words) for f in change.flags)
        parts.append(f'<ul style="margin:8px 0 0;padding-left:18px;font-size:14px">{items}</ul>')
    parts.append("</div>")
    return "\n".join(parts)


def summary(changes: list[Change], words: Words) -> list[tuple[str, str]]:
    """(label, value) lines a report opens with: what changed and whether any rule fired."""
    _ = words.gettext
    kinds: dict[str, int] = {}
    for c in changes:
        kinds[words.kind(c.kind)] = kinds.get(words.kind(c.kind), 0) + 1
    counted = ", ".join(f"{kind}: {n}" for kind, n in kinds.items())
    flagged = [c for c in changes if c.flags]
    restricts = sum(1 for c in flagged if any(f.direction == "restricts" for f in c.flags))
    relaxes = sum(1 for c in flagged if any(f.direction == "relaxes" for f in c.flags))
    return [
        (_("Changed articles"), f"{len(changes)} ({counted})" if changes else _("no changes")),
        (
            _("Flagged by rules"),
            _("{flagged}: restrict {restricts}, relax {relaxes}").format(
                flagged=len(flagged), restricts=restricts, relaxes=relaxes
            )
            if flagged
            else _("no rule fired"),
        ),
    ]


def _side(side: Side, words: Words) -> str:
    parts = [escape(side.label), escape(side.title), escape(words.date(side.date))]
    text = " · ".join(p for p in parts if p)
    if side.url:
        text += f' · <a href="{escape(side.url)}" style="color:#0969da">{escape(side.url)}</a>'
    return text


def _act(act: ActView) -> str:
    label = escape(act.label)
    linked = f'<a href="{escape(act.url)}" style="color:#0969da">{label}</a>' if act.url else label
    return f"{escape(act.kind_label)} {linked}" + (f"; {escape(act.in_force)}" if act.in_force else "")


def _redline(change: Change, context: int | None) -> str:
    out = []
    for op, text in shortened(without_heading(change.ops, change.heading), context):
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


def _flag_item(flag: Flag, words: Words) -> str:
    """Severity and direction (good news green, never red), rule, theme and reason, the matched words."""
    view = words.flag(
        severity=flag.severity,
        direction=flag.direction,
        theme=flag.theme,
        description=flag.description,
        matched=list(flag.matched),
    )
    relaxes = flag.direction == "relaxes"
    colour = _RELAXES_COLOUR if relaxes else _SEVERITY_COLOURS.get(flag.severity, "#57606a")
    matched = ", ".join(f'<mark style="{_MARK}">{escape(w)}</mark>' for w in view.matched)
    values = f" {values_note(flag)}" if values_note(flag) else ""
    reason = f": {escape(view.reason)}" if view.reason else ""
    return (
        f'<li><strong style="color:{colour}">{escape(view.severity_label)} · {escape(view.direction_label)}'
        f"{escape(values)}</strong> <strong>{escape(view.theme_label)}</strong>{reason}"
        f" (<code>{escape(flag.rule_id)}</code>) — {matched}</li>"
    )

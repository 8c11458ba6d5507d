"""Renderings of one diff model: terminal, HTML, Markdown, JSON.

Every renderer takes the `list[Change]` from `tracker.diff.diff_documents` and a `Side` for each of the
two compared texts. The helpers here are what they share: how an article is named in the document's
language, which words a flag highlights, and how long unchanged passages are shortened for reading
(JSON always keeps the full ops).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date

from tracker.i18n import format_date, provision_label, translator
from tracker.model import Amendment, Change, Flag, Op, Provision

CONTEXT = 200
"""Characters of unchanged text kept on each side of an edit; None in a renderer's call keeps all."""

_RUN_NAMES = {"rus": "Статьи {}", "kaz": "{}-баптар", "eng": "Articles {}"}
"""A run of renumbered articles, named by both ranges."""
_OP_SIDES = {"+": ("inserted", "any"), "-": ("deleted", "any")}


@dataclass(frozen=True)
class Side:
    """One of the two compared texts, as a reader should recognise it.

    label: what identifies it (a document key and edition, or a file name); date: the edition date.
    language picks how articles are named ("Статья 5", "5-бап", "Article 5").
    """

    label: str
    title: str = ""
    date: date | None = None
    language: str = "rus"
    url: str | None = None
    """The source page, linked from reports."""

    def describe(self) -> str:
        parts = [self.label, self.title, format_date(self.date, self.language)]
        return " · ".join(p for p in parts if p)


def provision_name(provision: Provision, language: str = "rus") -> str:
    """«Статья 5», «5-бап», «Article 5»: as the law's own page labels it."""
    return provision_label(provision.kind, provision.num, language) or provision.eid


def change_name(change: Change, language: str = "rus") -> str:
    """'Статья 5', 'Статья 5 → Статья 6' for a renumbered article, 'Статьи 10–16 → 11–17' for a run."""
    if change.pairs:
        (first_old, first_new), (last_old, last_new) = change.pairs[0], change.pairs[-1]
        pattern = _RUN_NAMES.get(language, _RUN_NAMES["rus"])
        olds, news = f"{first_old.num}–{last_old.num}", f"{first_new.num}–{last_new.num}"
        return pattern.format(f"{olds} → {news}")
    if change.kind == "renumbered" and change.old and change.new:
        return f"{provision_name(change.old, language)} → {provision_name(change.new, language)}"
    return provision_name(change.new or change.old, language)  # type: ignore[arg-type]


def run_note(change: Change, language: str = "eng") -> str:
    """'7 articles renumbered alike, text unchanged' for a run (see `Change.pairs`), else ''."""
    if not change.pairs:
        return ""
    n = len(change.pairs)
    note = translator(language).ngettext(
        "{n} article renumbered alike, text unchanged", "{n} articles renumbered alike, text unchanged", n
    )
    return note.format(n=n)


def describe_amendment(a: Amendment) -> str:
    """'new_wording by № 123-VII of 2024-06-05 (in force …)', falling back to the footnote's own text."""
    act = " ".join(
        part
        for part in (
            f"№ {a.act_number}" if a.act_number else "",
            f"of {a.act_date.isoformat()}" if a.act_date else "",
        )
        if part
    )
    if not act:
        return f"{a.kind}: {a.text}"
    line = f"{a.kind} by {act}"
    if a.effective:
        line += f", effective {a.effective.isoformat()}"
    return f"{line} ({a.in_force})" if a.in_force else line


def direction_note(flag: Flag) -> str:
    """'restricts: 50 → 250 mci', 'relaxes (good news): 10 → 3 persons', or '' for a neutral flag."""
    label = {"restricts": "restricts", "relaxes": "relaxes (good news)"}.get(flag.direction, "")
    values = values_note(flag)
    if not values:
        return label
    return f"{label}: {values}" if label else values


def values_note(flag: Flag) -> str:
    """'50 → 250 mci' for a quantity flag, else ''."""
    if flag.old_value is None or flag.new_value is None:
        return ""
    return f"{_number(flag.old_value)} → {_number(flag.new_value)}" + (f" {flag.unit}" if flag.unit else "")


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def highlighted(op: str, text: str, flags: list[Flag]) -> Iterator[tuple[str, bool]]:
    """Split an op's text into (piece, matched) where matched pieces are words a flag found on that side."""
    return marked_words(text, {w for f in flags if f.side in _OP_SIDES.get(op, ()) for w in f.matched})


def marked_words(text: str, words: Collection[str]) -> Iterator[tuple[str, bool]]:
    """Split text into (piece, matched) pieces, matched where one of `words` occurs (case-insensitive)."""
    words = {w for w in words if w.strip()}
    if not words:
        yield text, False
        return
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            yield text[pos : m.start()], False
        yield m.group(), True
        pos = m.end()
    if pos < len(text):
        yield text[pos:], False


def without_heading(ops: list[Op], heading: str) -> list[Op]:
    """The redline from the article's body on, when its heading is unchanged: the heading is already the
    section's title, and repeating it reads as if it were part of the text."""
    if heading and ops and ops[0][1].startswith(heading + "\n"):
        op, text = ops[0]
        rest = text[len(heading) + 1 :]
        return ([(op, rest)] if rest else []) + ops[1:]
    return ops


def shortened(ops: list[Op], context: int | None = CONTEXT) -> list[Op]:
    """Long unchanged passages cut to `context` characters next to each edit, joined by '…'."""
    if context is None:
        return ops
    out: list[Op] = []
    last = len(ops) - 1
    for k, (op, text) in enumerate(ops):
        if op != "=" or len(text) <= 2 * context + 20:
            out.append((op, text))
            continue
        if k == 0 and k == last:
            text = f"{_cut_after(text, 2 * context)} …"
        elif k == 0:
            text = f"… {_cut_before(text, context)}"
        elif k == last:
            text = f"{_cut_after(text, context)} …"
        else:
            text = f"{_cut_after(text, context)} … {_cut_before(text, context)}"
        out.append((op, text))
    return out


def _cut_after(text: str, n: int) -> str:
    """The first ~n characters, ending at a word boundary."""
    space = text.rfind(" ", 0, n)
    return text[: space if space > n // 2 else n]


def _cut_before(text: str, n: int) -> str:
    space = text.find(" ", len(text) - n)
    start = space + 1 if 0 <= space < len(text) - n // 2 else len(text) - n
    return text[start:]

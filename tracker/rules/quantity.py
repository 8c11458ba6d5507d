"""The quantity kind: an amount in one unit, named in a context, that moved between two texts.

Read on both sides of an aligned pair (`tracker.quantities`), in digits or words; amounts whose clause
matches the rule's context are paired in order, and each pair whose value changed is a flag carrying both
values. `restricts_when` says which way restricts: a fine going "up", a follower threshold going "down".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from tracker import quantities
from tracker.model import LANGUAGES, Change, Flag
from tracker.rules.base import Fail, Header, Hit, clause, compile_context, fold, pair_texts, snippet

KEYS = frozenset({"unit", "context", "restricts_when"})


@dataclass(frozen=True)
class Amounts:
    unit: str
    context: dict[str, tuple[re.Pattern[str], ...]]
    restricts_when: str

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in LANGUAGES if lang in self.context)

    def read(self, text: str, language: str) -> list[quantities.Quantity]:
        """The rule's amounts in a text: its unit, with a context word in the same clause."""
        patterns = self.context.get(language, ())
        folded = fold(text, language)
        return [
            q
            for q in quantities.read(text, language)
            if q.unit == self.unit and any(p.search(clause(folded, q.start, q.end)) for p in patterns)
        ]

    def explain(self, text: str, language: str) -> list[Hit]:
        return [
            Hit(f"{self.unit} = {q.value:g}", q.text, snippet(text, q.start, q.end))
            for q in self.read(text, language)
        ]

    def describe(self) -> dict[str, Any]:
        context = {lang: [p.pattern for p in items] for lang, items in self.context.items()}
        return {"unit": self.unit, "restricts_when": self.restricts_when, "context": context}

    def flags(self, rule: Header, change: Change, language: str) -> list[Flag]:
        old, new = pair_texts(change)
        if old is None or new is None:
            return []
        flags = []
        for a, b in _paired(self.read(old, language), self.read(new, language)):
            up = b.value > a.value
            restricts = up == (self.restricts_when == "up")
            flags.append(
                rule.flag(
                    "any",
                    (a.text, b.text),
                    change.eid,
                    snippet(new, b.start, b.end),
                    direction="restricts" if restricts else "relaxes",
                    old_value=a.value,
                    new_value=b.value,
                    unit=self.unit,
                )
            )
        return flags


def _paired(
    old: list[quantities.Quantity], new: list[quantities.Quantity]
) -> list[tuple[quantities.Quantity, quantities.Quantity]]:
    """Amounts whose value changed, paired in order once those found on both sides are set aside."""
    if len(old) != len(new):
        common = Counter(q.value for q in old) & Counter(q.value for q in new)
        old, new = _without(old, common), _without(new, common)
        if len(old) != len(new):
            return []
    return [(a, b) for a, b in zip(old, new, strict=True) if a.value != b.value]


def _without(amounts: list[quantities.Quantity], values: Counter[float]) -> list[quantities.Quantity]:
    left = Counter(values)
    kept = []
    for q in amounts:
        if left[q.value] > 0:
            left[q.value] -= 1
        else:
            kept.append(q)
    return kept


def parse(item: dict[str, Any], fail: Fail) -> Amounts:
    unit = item.get("unit")
    if unit not in quantities.UNITS:
        raise fail(f"unknown unit {unit!r} (known: {', '.join(quantities.UNITS)})")
    restricts_when = item.get("restricts_when")
    if restricts_when not in ("up", "down"):
        raise fail('restricts_when must be "up" or "down"')
    return Amounts(unit, compile_context(item.get("context"), fail), restricts_when)

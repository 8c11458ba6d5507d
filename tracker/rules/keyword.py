"""The keyword kind: regular expressions per language, judged on the net change of an article.

A match counts only where it touches the words a change inserted or deleted, and only if the article as a
whole gained (inserted side) or lost (deleted side) matches of the rule: words moved within a rewritten
article, such as «Цензура запрещается» kept in a new sentence, are no change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tracker.model import LANGUAGES, Change, Flag
from tracker.rules.base import (
    Fail,
    Header,
    Hit,
    clause,
    compile_context,
    compile_pattern,
    fold,
    pair_texts,
    snippet,
    strings,
)

KEYS = frozenset({"patterns", "context"})
Compiled = tuple[tuple[str, re.Pattern[str]], ...]
"""Each pattern as written in the pack, and compiled."""


@dataclass(frozen=True)
class Keywords:
    patterns: dict[str, Compiled]
    context: dict[str, tuple[re.Pattern[str], ...]] | None = None
    """When given, a match counts only with one of these in its clause: who is restricted, what is
    punished (e.g. spreading false information, not officials informing a deputy)."""

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in LANGUAGES if lang in self.patterns)

    def hits(self, text: str, language: str) -> list[tuple[str, re.Match[str]]]:
        """Every match of every pattern for the language, in text order."""
        folded = fold(text, language)
        found = [(source, m) for source, p in self.patterns.get(language, ()) for m in p.finditer(folded)]
        if self.context is not None:
            needed = self.context.get(language, ())
            found = [hit for hit in found if any(p.search(clause(folded, *hit[1].span())) for p in needed)]
        return sorted(found, key=lambda hit: hit[1].start())

    def explain(self, text: str, language: str) -> list[Hit]:
        return [
            Hit(source, m.group(), snippet(text, m.start(), m.end()))
            for source, m in self.hits(text, language)
        ]

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "patterns": {lang: [s for s, _ in items] for lang, items in self.patterns.items()}
        }
        if self.context is not None:
            out["context"] = {lang: [p.pattern for p in items] for lang, items in self.context.items()}
        return out

    def flags(self, rule: Header, change: Change, language: str) -> list[Flag]:
        """At most one flag per side, where the article's matches grew (inserted) or shrank (deleted)."""
        old, new = pair_texts(change)
        before = len(self.hits(old, language)) if old is not None else 0
        after = len(self.hits(new, language)) if new is not None else 0
        flags = []
        for side, text, op, grew in (
            ("inserted", new, "+", after > before),
            ("deleted", old, "-", before > after),
        ):
            if text is None or not grew or rule.side not in (side, "any"):
                continue
            spans = (
                _changed_spans(change, op)
                if change.kind not in ("inserted", "repealed")
                else [(0, len(text))]
            )
            found = [
                m
                for _, m in self.hits(text, language)
                if any(m.start() < e and s < m.end() for s, e in spans)
            ]
            if found:
                matched = tuple(dict.fromkeys(" ".join(m.group().split()) for m in found))
                first = found[0]
                flags.append(rule.flag(side, matched, change.eid, snippet(text, first.start(), first.end())))
        return flags


def _changed_spans(change: Change, changed: str) -> list[tuple[int, int]]:
    """Where, in the text of one side, the words this side changed are."""
    at, spans = 0, []
    for op, part in change.ops:
        if op not in ("=", changed):
            continue
        if op == changed:
            spans.append((at, at + len(part)))
        at += len(part)
    return spans


def parse(item: dict[str, Any], fail: Fail) -> Keywords:
    patterns = item.get("patterns")
    if not isinstance(patterns, dict) or not patterns:
        raise fail(f"no patterns (give patterns.rus and, where you can, {', '.join(LANGUAGES[1:])})")
    compiled = {}
    for lang, items in patterns.items():
        if lang not in LANGUAGES:
            raise fail(f"patterns: unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
        sources = strings(items, f"patterns.{lang}", fail)
        if not sources:
            raise fail(f"patterns.{lang} is empty")
        compiled[lang] = tuple(
            (source, compile_pattern(lang, source, f"patterns.{lang}", fail)) for source in sources
        )
    context = compile_context(item["context"], fail) if "context" in item else None
    return Keywords(compiled, context)

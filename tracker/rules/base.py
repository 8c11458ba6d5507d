"""What every rule kind shares: the rule's header, how a flag gets its direction, and text helpers.

A rule kind (`tracker.rules.kinds`) is one module with `KEYS` (the pack keys it reads) and
`parse(item, fail) -> Matcher`; its matcher turns a change into flags.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from tracker.diff import compared_text
from tracker.errors import RuleError
from tracker.model import LANGUAGES, Change, Description, Direction, Flag

SNIPPET_CHARS = 120
EFFECTS = ("restriction", "safeguard", "topic")
"""What a rule's words are: a restriction (a ban, a duty, a sanction, a ground to refuse or suspend), a
safeguard (a right, a guarantee, a treaty's priority, a court's control, a deadline the state must meet),
or just a topic worth a look."""
_DIRECTIONS: dict[tuple[str, str], Direction] = {
    ("restriction", "inserted"): "restricts",
    ("restriction", "deleted"): "relaxes",
    ("safeguard", "inserted"): "relaxes",
    ("safeguard", "deleted"): "restricts",
}
_FOLDS = {
    "rus": str.maketrans("ёЁ", "еЕ"),
    "kaz": str.maketrans("ёЁiI", "еЕіІ"),  # older adilet texts type Latin i for Kazakh і
}
Fail = Callable[[str], RuleError]
_CLAUSE_END = re.compile(r"[.;\n]")


@dataclass(frozen=True)
class Header:
    """The part of a rule every kind has."""

    id: str
    pack: str
    theme: str
    severity: str
    side: str
    effect: str
    description: Description

    def flag(self, side: str, matched: tuple[str, ...], eid: str, snippet: str, **values: Any) -> Flag:
        """A flag on `side`; its direction follows from the rule's effect unless given in `values`."""
        values.setdefault("direction", _DIRECTIONS.get((self.effect, side), "neutral"))
        return Flag(
            self.id, self.theme, self.severity, side, matched, eid, snippet, self.description, **values
        )


@dataclass(frozen=True)
class Hit:
    """One pattern's match in a text, for `explain`."""

    pattern: str
    text: str
    snippet: str


class Matcher(Protocol):
    """A parsed rule body: which languages it reads, the flags a change raises, what a text matches."""

    @property
    def languages(self) -> tuple[str, ...]: ...

    def flags(self, rule: Header, change: Change, language: str) -> list[Flag]: ...

    def explain(self, text: str, language: str) -> list[Hit]: ...

    def describe(self) -> dict[str, Any]:
        """The body's pack keys as written, for `rules list --format json`."""
        ...


@lru_cache(maxsize=256)
def fold(text: str, language: str) -> str:
    """Spelling variants made one, keeping every offset, so snippets can be cut from the original text."""
    return text.translate(_FOLDS.get(language, {}))


def compile_pattern(lang: str, source: str, where: str, fail: Fail) -> re.Pattern[str]:
    """Wrap a pattern in Unicode word boundaries; a space in it stands for any run of whitespace."""
    body = fold(source, lang).replace(" ", r"\s+")
    try:
        pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    except re.error as exc:
        raise fail(f"{where}: bad regex {source!r} ({exc})") from None
    if pattern.search("") is not None:
        raise fail(f"{where}: regex {source!r} matches empty text")
    return pattern


def clause(text: str, start: int, end: int) -> str:
    """The sentence or clause (between «.», «;» and line ends) holding text[start:end]."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = _CLAUSE_END.search(text, end)
    return text[left : right.start() if right else len(text)]


def compile_context(value: Any, fail: Fail) -> dict[str, tuple[re.Pattern[str], ...]]:
    """`context.<lang>`: patterns of which one must stand in the same clause as the rule's match."""
    if not isinstance(value, dict) or not value:
        raise fail("context needs patterns per language (context.rus = [...])")
    compiled = {}
    for lang, items in value.items():
        if lang not in LANGUAGES:
            raise fail(f"context: unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
        sources = strings(items, f"context.{lang}", fail)
        compiled[lang] = tuple(compile_pattern(lang, source, f"context.{lang}", fail) for source in sources)
    return compiled


def strings(value: Any, key: str, fail: Fail) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise fail(f"{key} must be a list of non-empty strings")
    return tuple(value)


def pair_texts(change: Change) -> tuple[str | None, str | None]:
    """The article's text before and after the change (None where there is no such side)."""
    if change.kind == "inserted" and change.new is not None:
        return None, compared_text(change.new)
    if change.kind == "repealed" and change.old is not None:
        return compared_text(change.old), None
    old = "".join(text for op, text in change.ops if op != "+")
    new = "".join(text for op, text in change.ops if op != "-")
    return old, new


def snippet(text: str, start: int, end: int) -> str:
    """About SNIPPET_CHARS around text[start:end], cut at spaces, with … where text was left out."""
    margin = max(0, (SNIPPET_CHARS - (end - start)) // 2)
    left, right = max(0, start - margin), min(len(text), end + margin)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    return ("…" if left > 0 else "") + " ".join(text[left:right].split()) + ("…" if right < len(text) else "")

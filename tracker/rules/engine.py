"""Keyword rules as data: load TOML packs, validate them, and evaluate changes on their changed words.

A match counts only where it touches the words a change inserted or deleted: a pattern is searched in the
provision as it reads after the change (for the inserted side) or before it (for the deleted side), and is
kept if it overlaps a changed span. So a phrase that loses or gains one word is still caught, while a
sensitive article left untouched by an edit elsewhere raises nothing.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tracker.diff import compared_text
from tracker.errors import InputError, RuleError
from tracker.keys import TAGS, parse_key
from tracker.model import DIRECTIONS, LANGUAGES, SEVERITIES, Change, Direction, Flag

THEMES = (
    "association",
    "ngo_reporting",
    "foreign_funding",
    "liquidation",
    "assembly",
    "expression",
    "media",
    "online",
    "internet_shutdown",
    "extremism",
    "religion",
    "lgbt",
    "privacy",
    "international_law",
    "participation",
    "charity",
    "trade_unions",
)
SIDES = ("inserted", "deleted", "any")
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
SNIPPET_CHARS = 120
_RULE_KEYS = {
    "id",
    "theme",
    "severity",
    "side",
    "effect",
    "description",
    "documents",
    "tags",
    "patterns",
    "example",
}
_EXAMPLE_KEYS = {"lang", "text", "match"}
_EXAMPLE_OPTIONAL_KEYS = {"side", "direction"}
_FOLDS = {
    "rus": str.maketrans("ёЁ", "еЕ"),
    "kaz": str.maketrans("ёЁiI", "еЕіІ"),  # older adilet texts type Latin i for Kazakh і
}
Fail = Callable[[str], RuleError]


@dataclass(frozen=True)
class Example:
    """A provision's text, tested as inserted whole (or repealed, `side = "deleted"`).

    `direction`, when given, is what the flag must say: a direction example.
    """

    lang: str
    text: str
    match: bool
    side: str = "inserted"
    direction: Direction | None = None


@dataclass(frozen=True)
class Hit:
    """One pattern's match in a text, for `explain`."""

    pattern: str
    text: str
    snippet: str


@dataclass(frozen=True)
class ExampleFailure:
    pack: str
    rule_id: str
    example: Example
    matched: tuple[str, ...]

    directions: tuple[str, ...] = ()

    def __str__(self) -> str:
        example = self.example
        want = "a match" if example.match else "no match"
        if example.direction:
            want += f" that {example.direction}"
        got = f"matched {', '.join(self.matched)}" if self.matched else "nothing matched"
        if example.direction and self.directions:
            got += f" ({', '.join(self.directions)})"
        side = ", repealed" if example.side == "deleted" else ""
        where = f"{self.pack}: {self.rule_id} [{example.lang}{side}]"
        return f"{where} expected {want}, {got}: {example.text}"


@dataclass(frozen=True)
class Rule:
    id: str
    pack: str
    theme: str
    severity: str
    side: str
    effect: str
    description: str
    patterns: dict[str, tuple[tuple[str, re.Pattern[str]], ...]]
    """Per language: each pattern as written in the pack, and compiled."""
    examples: tuple[Example, ...]
    documents: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in LANGUAGES if lang in self.patterns)

    def applies_to(self, document_key: str, tags: Sequence[str]) -> bool:
        """A rule with no document filter applies everywhere; otherwise a key or a tag must match."""
        if not self.documents and not self.tags:
            return True
        return document_key in self.documents or bool(set(tags) & set(self.tags))

    def hits(self, text: str, language: str) -> list[tuple[str, re.Match[str]]]:
        """Every match of every pattern for the language, in text order."""
        folded = _fold(text, language)
        patterns = self.patterns.get(language, ())
        found = [(source, m) for source, pattern in patterns for m in pattern.finditer(folded)]
        return sorted(found, key=lambda hit: hit[1].start())


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise InputError(f"unknown rule {rule_id!r}: see `zanwatch rules list`")

    def evaluate(
        self, change: Change, *, document_key: str = "", language: str = "rus", tags: Sequence[str] = ()
    ) -> list[Flag]:
        """The flags a change raises: at most one per rule and side, where the match was found."""
        sides = _side_texts(change)
        return [
            flag
            for rule in self.rules
            if rule.applies_to(document_key, tags)
            for flag in _flags(rule, change.eid, sides, language)
        ]

    def apply(
        self,
        changes: Iterable[Change],
        *,
        document_key: str = "",
        language: str = "rus",
        tags: Sequence[str] = (),
    ) -> None:
        for change in changes:
            change.flags = self.evaluate(change, document_key=document_key, language=language, tags=tags)

    def run_examples(self) -> list[ExampleFailure]:
        """Test each example as a whole provision inserted or repealed, and its direction if it gives one."""
        failures = []
        for rule in self.rules:
            for example in rule.examples:
                sides = {example.side: (example.text, [(0, len(example.text))])}
                flags = _flags(rule, "", sides, example.lang)
                directions = tuple(flag.direction for flag in flags)
                wrong_way = example.direction is not None and example.direction not in directions
                if bool(flags) != example.match or (flags and wrong_way):
                    matched = tuple(word for flag in flags for word in flag.matched)
                    failures.append(ExampleFailure(rule.pack, rule.id, example, matched, directions))
        return failures

    def explain(self, rule_id: str, text: str, language: str = "rus") -> list[Hit]:
        """What each of a rule's patterns matched in a text, regardless of side and document filters."""
        rule = self.rule(rule_id)
        if language not in rule.patterns:
            raise InputError(
                f"rule {rule_id} has no {language} patterns (it covers {', '.join(rule.languages)})"
            )
        return [Hit(source, m.group(), _snippet(text, m)) for source, m in rule.hits(text, language)]


def load_rules(packs: Sequence[str]) -> RuleSet:
    """Load packs by bundled name (`civic`) or file path; any defect raises a one-line RuleError."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for pack in packs:
        name, raw = _read_pack(pack)
        items = raw.get("rule")
        if not isinstance(items, list) or not items:
            raise RuleError(f"rule pack {name!r}: no [[rule]] tables")
        for index, item in enumerate(items, 1):
            rule = _parse_rule(name, index, item)
            if rule.id in seen:
                raise RuleError(f"rule pack {name!r}: rule {rule.id!r} is also defined in {seen[rule.id]!r}")
            seen[rule.id] = name
            rules.append(rule)
    return RuleSet(tuple(rules))


def _read_pack(pack: str) -> tuple[str, dict[str, Any]]:
    if pack.endswith(".toml") or "/" in pack or "\\" in pack:
        path = Path(pack)
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleError(f"rule pack {name!r}: cannot read file ({exc.strerror})") from None
    else:
        name = pack
        resource = resources.files("tracker.rules") / "packs" / f"{pack}.toml"
        if not resource.is_file():
            raise RuleError(f"rule pack {pack!r}: no bundled pack of that name (bundled: {_bundled()})")
        text = resource.read_text(encoding="utf-8")
    try:
        return name, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"rule pack {name!r}: not valid TOML ({exc})") from None


def _bundled() -> str:
    names = (p.name for p in (resources.files("tracker.rules") / "packs").iterdir())
    return ", ".join(sorted(name.removesuffix(".toml") for name in names if name.endswith(".toml")))


def _parse_rule(pack: str, index: int, item: Any) -> Rule:
    if not isinstance(item, dict):
        raise RuleError(f"rule pack {pack!r}: rule #{index} is not a table")
    rule_id = item.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise RuleError(f"rule pack {pack!r}: rule #{index} has no id")

    def fail(what: str) -> RuleError:
        return RuleError(f"rule pack {pack!r}: rule {rule_id!r}: {what}")

    unknown = sorted(set(item) - _RULE_KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_RULE_KEYS))})")

    def choice(key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value = item.get(key, default)
        if not isinstance(value, str) or value not in allowed:
            raise fail(f"unknown {key} {value!r} (known: {', '.join(allowed)})")
        return value

    theme, severity = choice("theme", THEMES), choice("severity", SEVERITIES)
    side, effect = choice("side", SIDES, "any"), choice("effect", EFFECTS, "topic")
    description = item.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail("missing description")
    documents = _strings(item.get("documents", []), "documents", fail)
    for key in documents:
        try:
            parse_key(key)
        except InputError as exc:
            raise fail(f"documents: {exc}") from None
    tags = _strings(item.get("tags", []), "tags", fail)
    for tag in tags:
        if tag not in TAGS:
            raise fail(f"unknown tag {tag!r} (known: {', '.join(TAGS)})")
    patterns = _compile(item.get("patterns"), fail)
    examples = _examples(item.get("example", []), patterns, side, fail)
    return Rule(
        id=rule_id,
        pack=pack,
        theme=theme,
        severity=severity,
        side=side,
        effect=effect,
        description=description.strip(),
        patterns=patterns,
        examples=examples,
        documents=documents,
        tags=tags,
    )


def _strings(value: Any, key: str, fail: Fail) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise fail(f"{key} must be a list of non-empty strings")
    return tuple(value)


def _compile(patterns: Any, fail: Fail) -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    if not isinstance(patterns, dict) or not patterns:
        raise fail(f"no patterns (give patterns.rus and, where you can, {', '.join(LANGUAGES[1:])})")
    compiled = {}
    for lang, items in patterns.items():
        if lang not in LANGUAGES:
            raise fail(f"patterns: unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
        sources = _strings(items, f"patterns.{lang}", fail)
        if not sources:
            raise fail(f"patterns.{lang} is empty")
        compiled[lang] = tuple((source, _compile_one(lang, source, fail)) for source in sources)
    return compiled


def _compile_one(lang: str, source: str, fail: Fail) -> re.Pattern[str]:
    """Wrap a pattern in Unicode word boundaries; a space in it stands for any run of whitespace."""
    body = _fold(source, lang).replace(" ", r"\s+")
    try:
        pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    except re.error as exc:
        raise fail(f"patterns.{lang}: bad regex {source!r} ({exc})") from None
    if pattern.search("") is not None:
        raise fail(f"patterns.{lang}: regex {source!r} matches empty text")
    return pattern


def _examples(items: Any, patterns: dict[str, Any], rule_side: str, fail: Fail) -> tuple[Example, ...]:
    if not isinstance(items, list):
        raise fail("example must be an array of [[rule.example]] tables")
    examples = []
    for item in items:
        keys = set(item) if isinstance(item, dict) else set()
        if not _EXAMPLE_KEYS <= keys <= _EXAMPLE_KEYS | _EXAMPLE_OPTIONAL_KEYS:
            raise fail("each [[rule.example]] needs lang, text and match, and may give side and direction")
        lang, text, match = item["lang"], item["text"], item["match"]
        if lang not in patterns:
            raise fail(f"example in {lang!r}, a language the rule has no patterns for")
        if not isinstance(text, str) or not text.strip() or not isinstance(match, bool):
            raise fail("an example needs a non-empty text and match = true or false")
        side = item.get("side", "deleted" if rule_side == "deleted" else "inserted")
        if side not in ("inserted", "deleted"):
            raise fail(f"example side {side!r}: use inserted or deleted")
        direction = item.get("direction")
        if direction is not None and direction not in DIRECTIONS:
            raise fail(f"example direction {direction!r} (known: {', '.join(DIRECTIONS)})")
        examples.append(Example(lang, text, match, side, direction))
    for lang in patterns:
        for expected, kind in ((True, "positive"), (False, "negative")):
            if not any(e.lang == lang and e.match is expected for e in examples):
                raise fail(f"no {kind} {lang} example (each language needs a match and a non-match)")
    return tuple(examples)


def _fold(text: str, language: str) -> str:
    """Spelling variants made one, keeping every offset, so snippets can be cut from the original text."""
    return text.translate(_FOLDS.get(language, {}))


Side = tuple[str, list[tuple[int, int]]]
"""The text of a provision on one side of a change, and the character spans that changed."""


def _side_texts(change: Change) -> dict[str, Side]:
    if change.kind == "inserted" and change.new is not None:
        text = compared_text(change.new)
        return {"inserted": (text, [(0, len(text))])}
    if change.kind == "repealed" and change.old is not None:
        text = compared_text(change.old)
        return {"deleted": (text, [(0, len(text))])}
    return {"inserted": _from_ops(change, "+"), "deleted": _from_ops(change, "-")}


def _from_ops(change: Change, changed: str) -> Side:
    text = ""
    spans = []
    for op, part in change.ops:
        if op not in ("=", changed):
            continue
        if op == changed:
            spans.append((len(text), len(text) + len(part)))
        text += part
    return text, spans


def _flags(rule: Rule, eid: str, sides: dict[str, Side], language: str) -> list[Flag]:
    flags = []
    for side, (text, spans) in sides.items():
        if rule.side not in (side, "any") or not spans:
            continue
        hits = rule.hits(text, language)
        found = [m for _, m in hits if any(m.start() < end and start < m.end() for start, end in spans)]
        if found:
            matched = tuple(dict.fromkeys(" ".join(m.group().split()) for m in found))
            snippet = _snippet(text, found[0])
            flags.append(
                Flag(
                    rule.id,
                    rule.theme,
                    rule.severity,
                    side,
                    matched,
                    eid,
                    snippet,
                    rule.description,
                    direction=_DIRECTIONS.get((rule.effect, side), "neutral"),
                )
            )
    return flags


def _snippet(text: str, match: re.Match[str]) -> str:
    """About SNIPPET_CHARS around the match, cut at spaces, with … where text was left out."""
    margin = max(0, (SNIPPET_CHARS - (match.end() - match.start())) // 2)
    start, end = max(0, match.start() - margin), min(len(text), match.end() + margin)
    if start > 0:
        space = text.find(" ", start, match.start())
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", match.end(), end)
        end = space if space >= 0 else end
    return ("…" if start > 0 else "") + " ".join(text[start:end].split()) + ("…" if end < len(text) else "")

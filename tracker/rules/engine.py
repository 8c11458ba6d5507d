"""Rules as data: load TOML packs, validate them, and evaluate changes with the rule kinds.

A pack declares its themes (`[themes]`: name = what it covers) and its rules (`[[rule]]`). Every rule has
a header (id, theme, severity, side, effect, description), optional document filters, examples, and a
body its kind reads (`tracker.rules.kinds`: keyword patterns, quantities …). A description is one English
line (`description = "…"`) or one line per language (`description.eng`, `.rus`, `.kaz`), so each reader
sees why a flag matters in their own language.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from tracker.diff import redline
from tracker.errors import InputError, RuleError, ZanWatchError
from tracker.keys import check_tags, parse_key
from tracker.model import (
    DIRECTIONS,
    LANGUAGES,
    SEVERITIES,
    Change,
    Description,
    Direction,
    Flag,
    Provision,
)
from tracker.rules.base import EFFECTS, Fail, Header, Hit, Matcher, strings
from tracker.rules.kinds import KINDS
from tracker.userfiles import read_text

SIDES = ("inserted", "deleted", "any")
_HEADER_KEYS = {
    "id",
    "kind",
    "theme",
    "severity",
    "side",
    "effect",
    "description",
    "documents",
    "tags",
    "example",
}
_EXAMPLE_KEYS = {"lang", "match", "text", "side", "old", "new", "direction"}


@dataclass(frozen=True)
class Example:
    """A provision inserted whole (`text`), repealed (`text` with `side = "deleted"`) or reworded
    (`old` → `new`). `direction`, when given, is what the flag must say: a direction example."""

    lang: str
    match: bool
    text: str = ""
    side: str = "inserted"
    old: str = ""
    new: str = ""
    direction: Direction | None = None

    def change(self) -> Change:
        if self.old:
            ops = redline(self.old, self.new)
            return Change("substituted", _provision(self.old), _provision(self.new), ops=ops)
        if self.side == "deleted":
            return Change("repealed", _provision(self.text), None)
        return Change("inserted", None, _provision(self.text))

    def __str__(self) -> str:
        return self.text or f"{self.old} → {self.new}"


def _provision(text: str) -> Provision:
    return Provision("art_1", "article", "1", "", text)


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
        side = ", repealed" if example.side == "deleted" and not example.old else ""
        return f"{self.pack}: {self.rule_id} [{example.lang}{side}] expected {want}, {got}: {example}"


@dataclass(frozen=True)
class Rule(Header):
    kind: str
    body: Matcher
    examples: tuple[Example, ...]
    documents: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        return self.body.languages

    def applies_to(self, document_key: str, tags: Sequence[str]) -> bool:
        """A rule with no document filter applies everywhere; otherwise a key or a tag must match."""
        if not self.documents and not self.tags:
            return True
        return document_key in self.documents or bool(set(tags) & set(self.tags))

    def flags(self, change: Change, language: str) -> list[Flag]:
        return self.body.flags(self, change, language)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    themes: dict[str, str]
    """Every theme the packs declare, with what it covers."""

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise InputError(f"unknown rule {rule_id!r}: see `zanwatch rules list`")

    def evaluate(
        self, change: Change, *, document_key: str = "", language: str = "rus", tags: Sequence[str] = ()
    ) -> list[Flag]:
        """The flags a change raises, rule by rule."""
        return [
            flag
            for rule in self.rules
            if rule.applies_to(document_key, tags)
            for flag in rule.flags(change, language)
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
        """Test each example, and its direction if it gives one."""
        failures = []
        for rule in self.rules:
            for example in rule.examples:
                flags = rule.flags(example.change(), example.lang)
                directions = tuple(flag.direction for flag in flags)
                wrong_way = example.direction is not None and example.direction not in directions
                if bool(flags) != example.match or (flags and wrong_way):
                    matched = tuple(word for flag in flags for word in flag.matched)
                    failures.append(ExampleFailure(rule.pack, rule.id, example, matched, directions))
        return failures

    def coverage_gaps(self) -> list[str]:
        """Themes lacking a positive, a negative or a direction example in one of the three languages, and
        rules whose description a reader of one of them would not read in their own language."""
        gaps = []
        for theme in self.themes:
            examples = [e for r in self.rules if r.theme == theme for e in r.examples]
            for lang in LANGUAGES:
                mine = [e for e in examples if e.lang == lang]
                for what, ok in (
                    ("positive", any(e.match for e in mine)),
                    ("negative", any(not e.match for e in mine)),
                    ("direction", any(e.direction in ("restricts", "relaxes") for e in mine)),
                ):
                    if not ok:
                        gaps.append(f"theme {theme}: no {what} {lang} example")
        for rule in self.rules:
            gaps += [
                f"rule {rule.id}: no {lang} description"
                for lang in LANGUAGES
                if lang not in rule.description.languages
            ]
        return gaps

    def explain(self, rule_id: str, text: str, language: str = "rus") -> list[Hit]:
        """What a rule matches in a text, regardless of side and document filters."""
        rule = self.rule(rule_id)
        if language not in rule.languages:
            raise InputError(
                f"rule {rule_id} has no {language} patterns (it covers {', '.join(rule.languages)})"
            )
        return rule.body.explain(text, language)


def load_rules(packs: Sequence[str]) -> RuleSet:
    """Load packs by bundled name (`civic`) or file path; any defect raises a one-line RuleError."""
    rules: list[Rule] = []
    themes: dict[str, str] = {}
    seen: dict[str, str] = {}
    for pack in packs:
        name, raw = _read_pack(pack)
        themes.update(_themes(name, raw.get("themes", {})))
        items = raw.get("rule")
        if not isinstance(items, list) or not items:
            raise RuleError(f"rule pack {name!r}: no [[rule]] tables")
        for index, item in enumerate(items, 1):
            rule = _parse_rule(name, index, item, themes)
            if rule.id in seen:
                raise RuleError(f"rule pack {name!r}: rule {rule.id!r} is also defined in {seen[rule.id]!r}")
            seen[rule.id] = name
            rules.append(rule)
    return RuleSet(tuple(rules), themes)


@cache
def descriptions(packs: tuple[str, ...]) -> Mapping[str, Description]:
    """Rule id → description, for flags read back from storage (which keeps only the rule id). Empty when
    the packs cannot load: a broken pack then costs readers the reasons, not their digest."""
    try:
        return {rule.id: rule.description for rule in load_rules(packs).rules}
    except ZanWatchError:
        return {}


def bundled_themes() -> tuple[str, ...]:
    """The themes the bundled `civic` pack declares: what subscribers may choose from."""
    return tuple(_themes("civic", _read_pack("civic")[1].get("themes")))


def _themes(pack: str, table: Any) -> dict[str, str]:
    if not isinstance(table, dict) or not table:
        raise RuleError(f'rule pack {pack!r}: no [themes] table (theme = "what it covers")')
    for theme, about in table.items():
        if not isinstance(about, str) or not about.strip():
            raise RuleError(f"rule pack {pack!r}: theme {theme!r} needs a description")
    return dict(table)


def _read_pack(pack: str) -> tuple[str, dict[str, Any]]:
    if pack.endswith(".toml") or "/" in pack or "\\" in pack:
        path = Path(pack)
        name = str(path)
        text = read_text(path, "rule pack", RuleError)
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


def _parse_rule(pack: str, index: int, item: Any, themes: dict[str, str]) -> Rule:
    if not isinstance(item, dict):
        raise RuleError(f"rule pack {pack!r}: rule #{index} is not a table")
    rule_id = item.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise RuleError(f"rule pack {pack!r}: rule #{index} has no id")

    def fail(what: str) -> RuleError:
        return RuleError(f"rule pack {pack!r}: rule {rule_id!r}: {what}")

    def choice(key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value = item.get(key, default)
        if not isinstance(value, str) or value not in allowed:
            raise fail(f"unknown {key} {value!r} (known: {', '.join(allowed)})")
        return value

    kind = choice("kind", tuple(KINDS), "keyword")
    module = KINDS[kind]
    known = _HEADER_KEYS | module.KEYS
    unknown = sorted(set(item) - known)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")

    theme, severity = choice("theme", tuple(themes)), choice("severity", SEVERITIES)
    side, effect = choice("side", SIDES, "any"), choice("effect", EFFECTS, "topic")
    description = _description(item.get("description"), fail)
    documents = strings(item.get("documents", []), "documents", fail)
    for key in documents:
        try:
            parse_key(key)
        except InputError as exc:
            raise fail(f"documents: {exc}") from None
    tags = strings(item.get("tags", []), "tags", fail)
    try:
        check_tags(tags)
    except InputError as exc:
        raise fail(str(exc)) from None
    body: Matcher = module.parse(item, fail)
    examples = _examples(item.get("example", []), body.languages, side, fail)
    return Rule(
        rule_id,
        pack,
        theme,
        severity,
        side,
        effect,
        description,
        kind,
        body,
        examples,
        documents,
        tags,
    )


def _description(value: Any, fail: Fail) -> Description:
    """`description = "…"` is English; `description.rus = "…"` and the like give a line per language."""
    if value is None or isinstance(value, str) and not value.strip():
        raise fail("missing description")
    lines = {"eng": value} if isinstance(value, str) else value
    if not isinstance(lines, dict):
        raise fail('description must be a line of text, or one per language (description.rus = "…")')
    for lang, line in lines.items():
        if lang not in LANGUAGES:
            raise fail(f"description: unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
        if not isinstance(line, str) or not line.strip():
            raise fail(f"description.{lang} must be a line of text")
    if "eng" not in lines:
        raise fail("description.eng is missing: readers of other languages fall back to English")
    return Description(**{lang: line.strip() for lang, line in lines.items()})


def _examples(items: Any, languages: tuple[str, ...], rule_side: str, fail: Fail) -> tuple[Example, ...]:
    if not isinstance(items, list):
        raise fail("example must be an array of [[rule.example]] tables")
    examples = [_example(item, languages, rule_side, fail) for item in items]
    for lang in languages:
        for expected, kind in ((True, "positive"), (False, "negative")):
            if not any(e.lang == lang and e.match is expected for e in examples):
                raise fail(f"no {kind} {lang} example (each language needs a match and a non-match)")
    return tuple(examples)


def _example(item: Any, languages: tuple[str, ...], rule_side: str, fail: Fail) -> Example:
    keys = set(item) if isinstance(item, dict) else set()
    reworded = {"old", "new"} <= keys
    if not {"lang", "match"} <= keys or keys - _EXAMPLE_KEYS or reworded == ("text" in keys):
        raise fail("each [[rule.example]] needs lang, match and either text or old and new")
    lang, match = item["lang"], item["match"]
    if lang not in languages:
        raise fail(f"example in {lang!r}, a language the rule has no patterns for")
    texts = [item[k] for k in ("old", "new", "text") if k in item]
    if not all(isinstance(t, str) and t.strip() for t in texts) or not isinstance(match, bool):
        raise fail("an example needs non-empty texts and match = true or false")
    side = item.get("side", "deleted" if rule_side == "deleted" else "inserted")
    if side not in ("inserted", "deleted"):
        raise fail(f"example side {side!r}: use inserted or deleted")
    direction = item.get("direction")
    if direction is not None and direction not in DIRECTIONS:
        raise fail(f"example direction {direction!r} (known: {', '.join(DIRECTIONS)})")
    if reworded:
        return Example(lang, match, side=side, old=item["old"], new=item["new"], direction=direction)
    return Example(lang, match, text=item["text"], side=side, direction=direction)

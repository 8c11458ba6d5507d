"""Rules as data: TOML packs of themes and rules, validated, evaluated on changes by rule kind."""

from collections.abc import Iterable

from tracker.errors import InputError
from tracker.rules.base import EFFECTS, Hit
from tracker.rules.engine import (
    SIDES,
    Example,
    ExampleFailure,
    Rule,
    RuleSet,
    bundled_themes,
    descriptions,
    load_rules,
)

THEMES = bundled_themes()
"""The bundled pack's themes (a pack declares its own in `[themes]`)."""


def check_themes(themes: Iterable[str]) -> None:
    """A filter on a theme no rule has is a typo: say so rather than show nothing."""
    for theme in themes:
        if theme not in THEMES:
            raise InputError(f"unknown theme {theme!r}: use one of {', '.join(THEMES)}")


__all__ = [
    "EFFECTS",
    "SIDES",
    "THEMES",
    "Example",
    "ExampleFailure",
    "Hit",
    "Rule",
    "RuleSet",
    "check_themes",
    "descriptions",
    "load_rules",
]

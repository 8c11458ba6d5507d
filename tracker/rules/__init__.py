"""Rules as data: TOML packs of themes and rules, validated, evaluated on changes by rule kind."""

from tracker.rules.base import EFFECTS, Hit
from tracker.rules.engine import SIDES, Example, ExampleFailure, Rule, RuleSet, bundled_themes, load_rules

THEMES = bundled_themes()
"""The bundled pack's themes (a pack declares its own in `[themes]`)."""

__all__ = ["EFFECTS", "SIDES", "THEMES", "Example", "ExampleFailure", "Hit", "Rule", "RuleSet", "load_rules"]

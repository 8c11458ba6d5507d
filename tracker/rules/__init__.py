"""Keyword rules as data: TOML packs, validated, compiled, evaluated on changes."""

from tracker.rules.engine import SIDES, THEMES, Example, ExampleFailure, Hit, Rule, RuleSet, load_rules

__all__ = ["SIDES", "THEMES", "Example", "ExampleFailure", "Hit", "Rule", "RuleSet", "load_rules"]

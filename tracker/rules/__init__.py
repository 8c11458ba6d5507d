"""Keyword rules as data: TOML packs, validated, compiled, evaluated on changes."""

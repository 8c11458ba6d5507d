"""Validation of what identifies a watched document: its key `<source>:<id>` (e.g. `adilet:Z010000142_`,
the trailing underscore is part of the id), its languages and its tags."""

from __future__ import annotations

import re

from tracker.errors import InputError
from tracker.model import LANGUAGES

TAGS = (
    "ngo",
    "charity",
    "media",
    "online",
    "assembly",
    "constitution",
    "criminal",
    "administrative",
    "tax",
    "privacy",
)

ID_PATTERNS = {
    "adilet": re.compile(r"^[A-Z][A-Z0-9]{9,10}_?$"),
    "legalacts": re.compile(r"^[0-9]{1,12}$"),
    "mazhilis": re.compile(r"^[0-9]{1,12}$"),
    "file": re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$"),
}


def parse_key(key: str) -> tuple[str, str]:
    """Split and validate a key; raise InputError naming what is wrong."""
    source, sep, ident = key.partition(":")
    if not sep:
        raise InputError(f"invalid key {key!r}: expected SOURCE:ID, e.g. adilet:Z010000142_")
    if source not in ID_PATTERNS:
        raise InputError(f"unknown source {source!r} in {key!r}: use one of {', '.join(ID_PATTERNS)}")
    if not ID_PATTERNS[source].match(ident):
        hint = " (adilet ids look like Z010000142_ or K1400000226)" if source == "adilet" else ""
        raise InputError(f"invalid {source} id {ident!r} in {key!r}{hint}")
    return source, ident


def check_languages(languages: tuple[str, ...]) -> tuple[str, ...]:
    if not languages:
        raise InputError(f"no language given: use one or more of {', '.join(LANGUAGES)}")
    for lang in languages:
        if lang not in LANGUAGES:
            raise InputError(f"unknown language {lang!r}: use one or more of {', '.join(LANGUAGES)}")
    return languages


def check_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    for tag in tags:
        if tag not in TAGS:
            raise InputError(f"unknown tag {tag!r}: use any of {', '.join(TAGS)}")
    return tags

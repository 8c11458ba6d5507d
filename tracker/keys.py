"""Validation of what identifies a watched document: its key `<source>:<id>` (e.g. `adilet:Z010000142_`,
the trailing underscore is part of the id), its languages and its tags."""

from __future__ import annotations

import re

from tracker.errors import InputError
from tracker.model import LANGUAGES

TAGS = (  # the tags of the bundled watch list; any other label is welcome too
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


_ADILET_URL = re.compile(r"^https?://(?:old\.)?adilet\.zan\.kz/(?:rus|kaz|eng)/docs/([A-Za-z0-9_]+)/?(?:[?#].*)?$")


def key_from(text: str) -> str:
    """A key as typed, or the key of a pasted adilet URL (https://adilet.zan.kz/rus/docs/Z010000142_)."""
    found = _ADILET_URL.match(text.strip())
    return f"adilet:{found.group(1)}" if found else text


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


TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def check_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Tags are free labels (`referendum`, `media`): lower-case letters, digits, `-` and `_`."""
    for tag in tags:
        if not TAG.match(tag):
            raise InputError(
                f"invalid tag {tag!r}: a tag is up to 40 lower-case latin letters, digits, '-' or '_', "
                f"e.g. {', '.join(TAGS[:3])}"
            )
    return tags

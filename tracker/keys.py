"""Validation of what identifies a watched document: its key `<source>:<id>` (e.g. `adilet:Z010000142_`,
the trailing underscore is part of the id; each registered site in `scrapers.sites` says what its ids look
like), its languages and its tags."""

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


def key_from(text: str) -> str:
    """A key as typed, or the key of a pasted document address (https://adilet.zan.kz/rus/docs/Z010000142_)."""
    from scrapers.sites import key_from_url  # the sites load pydantic: `zanwatch --help` must not

    return key_from_url(text) or text


def parse_key(key: str) -> tuple[str, str]:
    """Split and validate a key against its site's id pattern; raise InputError naming what is wrong."""
    source, sep, ident = key.partition(":")
    if not sep:
        raise InputError(f"invalid key {key!r}: expected SOURCE:ID, e.g. adilet:Z010000142_")
    from scrapers.sites import registered

    sites = registered()
    if source not in sites:
        raise InputError(f"unknown source {source!r} in {key!r}: use one of {', '.join(sites)}")
    site = sites[source]
    if not site.id_pattern.fullmatch(ident):  # `$` alone lets a trailing newline in
        raise InputError(
            f"invalid {source} id {ident!r} in {key!r} ({source} ids look like {site.id_example})"
        )
    if len(key) > KEY_STORED:
        raise InputError(f"key {key!r} is {len(key)} characters long: keys are at most {KEY_STORED}")
    return source, ident


KEY_STORED = 64
"""Characters of the stored document key columns."""


def check_languages(languages: tuple[str, ...]) -> tuple[str, ...]:
    if not languages:
        raise InputError(f"no language given: use one or more of {', '.join(LANGUAGES)}")
    for lang in languages:
        if lang not in LANGUAGES:
            raise InputError(f"unknown language {lang!r}: use one or more of {', '.join(LANGUAGES)}")
    return languages


TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
TAGS_STORED = 256
"""Characters of the stored tags columns: the labels joined by commas."""


def check_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Tags are free labels (`referendum`, `media`): lower-case letters, digits, `-` and `_`."""
    for tag in tags:
        if not TAG.fullmatch(tag):
            raise InputError(
                f"invalid tag {tag!r}: a tag is up to 40 lower-case latin letters, digits, '-' or '_', "
                f"e.g. {', '.join(TAGS[:3])}"
            )
    if len(",".join(tags)) > TAGS_STORED:
        raise InputError(
            f"too many tags ({len(tags)}): together, commas included, they may be {TAGS_STORED} characters"
        )
    return tags

"""Text normalisation applied before hashing and diffing, so typography never looks like a change."""

from __future__ import annotations

import hashlib
import re

_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u00ad": "",
        "«": '"',
        "»": '"',
        "„": '"',
        "“": '"',
        "”": '"',
        "‟": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "–": "-",
        "—": "-",
        "‒": "-",
        "―": "-",
        "−": "-",
        "‐": "-",
        "‑": "-",
    }
)
_TYPOGRAPHY = re.compile("[" + re.escape("".join(map(chr, _TRANSLATE))) + "]")
_REPLACEMENTS = tuple((chr(code), replacement) for code, replacement in _TRANSLATE.items())


def normalize(text: str) -> str:
    """NBSP → space, quotes and dashes unified, whitespace collapsed, ends trimmed.

    Equal to `str.translate` + `re.sub(r"\\s+", " ")` + `strip`, several times faster. Most texts arrive
    clean (a scraper has squashed them) and come back as they are: `isprintable` rules out every whitespace
    character but the plain space. Otherwise `str.replace` runs in C where `str.translate` with a dict looks
    up every character in Python (no replacement brings back a character of the table, so order is free),
    and `str.split` splits on the same Unicode whitespace as `re`'s `\\s`.
    """
    if _TYPOGRAPHY.search(text) is None:
        if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
            return text
    else:
        for char, replacement in _REPLACEMENTS:
            if char in text:
                text = text.replace(char, replacement)
    return " ".join(text.split())


def digest(text: str) -> str:
    """The content hash used for provision texts and editions."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

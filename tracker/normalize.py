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
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
"""Control characters that are not whitespace (`str.split` already treats the others as spaces)."""
_REPLACEMENTS = tuple((chr(code), replacement) for code, replacement in _TRANSLATE.items())


def squash(text: str) -> str:
    """Whitespace runs → one space, C0/C1 control characters dropped (source text never carries a terminal
    escape into storage), ends trimmed: like `re.sub(r"\\s+", " ", text).strip()`, several times faster.

    Most texts have whitespace only at their ends and single spaces inside, and `isprintable` (a C loop)
    rules out every whitespace character but the plain space, so they skip splitting into words.
    `str.split` splits on the same Unicode whitespace as `re`'s `\\s`.
    """
    text = text.strip()
    if text.isprintable() and "  " not in text:
        return text
    joined = " ".join(text.split())
    if joined.isprintable():
        return joined  # no control character either: dropping none first would have split it the same
    return " ".join(_CONTROL.sub("", text).split())


def normalize(text: str) -> str:
    """NBSP → space, quotes and dashes unified, whitespace collapsed, ends trimmed.

    `str.translate` with a dict looks every character up in Python; most texts hold no typographic
    character, and the rest get one `str.replace` (in C) per character present. No replacement brings back
    a character of the table, so the order of replacements is free.
    """
    if _TYPOGRAPHY.search(text) is not None:
        for char, replacement in _REPLACEMENTS:
            if char in text:
                text = text.replace(char, replacement)
    return squash(text)


def digest(text: str) -> str:
    """The content hash used for provision texts and editions."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

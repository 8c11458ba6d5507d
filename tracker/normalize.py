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
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NBSP → space, quotes and dashes unified, whitespace collapsed, ends trimmed."""
    return _SPACE.sub(" ", text.translate(_TRANSLATE)).strip()


def digest(text: str) -> str:
    """The content hash used for provision texts and editions."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

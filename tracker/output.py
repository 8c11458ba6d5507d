"""The one way text leaves for a terminal, a log line or an error: control characters a page may carry
(`ESC [2J`, OSC sequences) are made visible instead of obeyed, and a password in any URL is hidden.

The CLI's console redacts every string it prints and makes visible every control character it renders
(never Rich's own styling), and every error line goes through `shown`, so no command has to remember to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1, but tab and newline
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s/:@]*:)[^\s/@]*@")


def visible(text: str) -> str:
    """`\\x1b` instead of an escape the terminal would obey."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def redact(text: str) -> str:
    """`postgresql://zan:***@db/zanwatch`: the password of every URL in the text hidden."""
    return _URL_PASSWORD.sub(r"\1***@", text)


def http_link(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) one, else None: a source page's `javascript:` or `data:` link
    never becomes a link in anything Zan Watch renders."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def shown(text: str) -> str:
    return visible(redact(text))


class SafeConsole(Console):
    """A Rich console that redacts every string it is given (before highlighting splits a URL into
    pieces) and renders every piece of text through `visible`; Rich's own control codes pass unchanged."""

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(redact(text), **options)

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(visible(segment.text), segment.style)
            for segment in buffer
        )

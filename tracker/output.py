"""The one way text leaves for a terminal, a log line or an error: control characters a page may carry
(`ESC [2J`, OSC sequences) are made visible instead of obeyed, and a password in any URL is hidden.

The CLI's console redacts every string it prints and makes visible every control character it renders
(never Rich's own styling), and every error line goes through `shown`, so no command has to remember to.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import Enum
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from tracker.errors import InputError

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1, but tab and newline
_C1 = re.compile("[\x7f-\x9f]")  # json.dumps escapes C0 itself, never DEL and C1
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


@dataclass(frozen=True)
class Clock:
    """Every time a user is shown, in one zone (`[schedule] timezone`, Asia/Almaty by default) and named:
    stored times are UTC, and a naive one is read as UTC."""

    zone: str = "Asia/Almaty"

    def local(self, when: datetime) -> datetime:
        aware = when if when.tzinfo else when.replace(tzinfo=UTC)
        return aware.astimezone(ZoneInfo(self.zone))

    def text(self, when: datetime | None, *, named: bool = True) -> str:
        """`2026-12-02 21:19 (Asia/Almaty)`; without the zone where a caption names it (`note`)."""
        if when is None:
            return "never"
        shown_at = f"{self.local(when):%Y-%m-%d %H:%M}"
        return f"{shown_at} ({self.zone})" if named else shown_at

    def start_of(self, day: date) -> datetime:
        """The instant `day` begins in the clock's zone, in UTC as storage compares it: what "since DAY"
        means to the reader. A day at the calendar's edge (year 1 east of Greenwich) begins before UTC can
        count: the reader's mistake."""
        try:
            return datetime.combine(day, time(), ZoneInfo(self.zone)).astimezone(UTC)
        except OverflowError:
            raise InputError(f"since: {day} is out of range") from None

    def iso(self, when: datetime) -> str:
        """`2026-12-02T21:19:00+05:00`, for JSON."""
        return self.local(when).isoformat(timespec="seconds")

    @property
    def note(self) -> str:
        return f"Times in {self.zone}."


class ClockFormatter(logging.Formatter):
    """Log lines stamped like every other time Zan Watch shows: ISO in the clock's zone, with its offset."""

    def __init__(self, clock: Clock) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.clock = clock

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return self.clock.iso(datetime.fromtimestamp(record.created, UTC))


def log_to_stderr(clock: Clock) -> None:
    """The daemons' logging: INFO and up on stderr, times in the clock's zone."""
    handler = logging.StreamHandler()
    handler.setFormatter(ClockFormatter(clock))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


def json_text(data: Any, clock: Clock) -> str:
    """The one JSON every `--format json` prints: UTF-8 text as it is, dates ISO, times ISO in the
    clock's zone with their offset, enums by value; passwords in URLs hidden and no raw C1 control."""

    def plain(value: object) -> object:
        if isinstance(value, datetime):
            return clock.iso(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, set | frozenset):
            return sorted(value)
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    text = json.dumps(data, ensure_ascii=False, indent=2, default=plain)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", redact(text))

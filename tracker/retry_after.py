"""Retry-After (RFC 9110 §10.2.3), read one way for every client: the fetcher, webhooks, Telegram."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def http_date(value: str | None) -> datetime | None:
    """An HTTP date; a date without a zone is taken as UTC, as HTTP dates are. None when unreadable."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def retry_after_s(headers: Mapping[str, str]) -> float | None:
    """Seconds a server asked us to wait (`headers` with lower-case names, as httpx gives them): a number of
    seconds, or an HTTP date measured against the server's own `date` header when it sent one, so that our
    clock's skew does not matter. None when absent or unreadable."""
    value = (headers.get("retry-after") or "").strip()
    if value.isascii() and value.isdigit():  # alone, `isdigit` also takes «²», which `float` refuses
        return float(value)
    when = http_date(value)
    if when is None:
        return None
    now = http_date(headers.get("date")) or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())

"""Retry-After is read one way by the fetcher, webhooks and Telegram."""

from __future__ import annotations

import pytest

from tracker.retry_after import retry_after_s


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": " 120 "}, 120.0),
        # a date is measured against the server's own clock, however far ours is off
        ({"retry-after": "Mon, 02 Mar 2026 10:00:30 GMT", "date": "Mon, 02 Mar 2026 10:00:00 GMT"}, 30.0),
        # a date without a zone is UTC, as HTTP dates are
        ({"retry-after": "Mon, 02 Mar 2026 10:01:00", "date": "Mon, 02 Mar 2026 10:00:00 GMT"}, 60.0),
        ({"retry-after": "Mon, 02 Mar 2026 09:00:00 GMT", "date": "Mon, 02 Mar 2026 10:00:00 GMT"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after": "-5"}, None),
        ({}, None),
    ],
)
def test_retry_after_in_seconds_or_as_a_date(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after_s(headers) == seconds

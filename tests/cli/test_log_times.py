"""Daemon log lines carry their time in the configured zone, like everything else shown."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from tracker.output import Clock, ClockFormatter


def test_log_lines_are_stamped_in_the_zone_too() -> None:
    record = logging.LogRecord("zanwatch", logging.INFO, __file__, 1, "checked", None, None)
    record.created = datetime(2026, 12, 2, 16, 19, tzinfo=UTC).timestamp()
    line = ClockFormatter(Clock("Asia/Almaty")).format(record)
    assert line == "2026-12-02T21:19:00+05:00 INFO zanwatch: checked"

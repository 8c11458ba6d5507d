"""Stored flags, read back for `zanwatch flags`, joined with their change for article numbers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Change, Flag
from tracker.errors import InputError
from tracker.model import SEVERITIES


def list_flags(
    session: Session,
    *,
    since: datetime | None = None,
    themes: Sequence[str] = (),
    min_severity: str | None = None,
    document_key: str | None = None,
) -> list[dict[str, Any]]:
    """Flags newest first, created at `since` or later (an instant: the caller knows the reader's zone and
    day, storage only UTC). Callers check `themes` against the rules (`tracker.rules.check_themes`): storage
    knows no rules."""
    if min_severity is not None and min_severity not in SEVERITIES:
        raise InputError(f"unknown severity {min_severity!r}: use one of {', '.join(SEVERITIES)}")
    query = select(Flag, Change).join(Change, col(Flag.change_id) == col(Change.id))
    if since is not None:
        query = query.where(col(Flag.created_at) >= since.astimezone(UTC))
    if themes:
        query = query.where(col(Flag.theme).in_(themes))
    if min_severity is not None:
        query = query.where(col(Flag.severity).in_(SEVERITIES[SEVERITIES.index(min_severity) :]))
    if document_key:
        query = query.where(Flag.document_key == document_key)
    query = query.order_by(col(Flag.created_at).desc(), col(Flag.id).desc())
    return [_row(flag, change) for flag, change in session.exec(query)]


def _row(flag: Flag, change: Change) -> dict[str, Any]:
    return {
        "id": flag.id,
        "created_at": flag.created_at,
        "document_key": flag.document_key,
        "language": change.language,
        "change": change.kind,
        "article": change.new_num or change.old_num or "",
        "heading": change.heading,
        "eid": flag.eid,
        "rule_id": flag.rule_id,
        "theme": flag.theme,
        "severity": flag.severity,
        "side": flag.side,
        "matched": json.loads(flag.matched),
        "snippet": flag.snippet,
        "direction": flag.direction,
        "old_value": flag.old_value,
        "new_value": flag.new_value,
        "unit": flag.unit,
    }

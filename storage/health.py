"""How each watched source answered lately: for `status`, degradation alerts and recovery."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import SourceHealth, utcnow


def _row(session: Session, key: str, language: str) -> SourceHealth:
    name = f"{key}/{language}"
    return session.get(SourceHealth, name) or SourceHealth(key=name)


def succeeded(session: Session, key: str, language: str) -> None:
    row = _row(session, key, language)
    row.last_check_at = row.last_success_at = utcnow()
    row.last_outcome, row.last_reason = "ok", ""
    row.consecutive_failures, row.degraded = 0, False
    session.add(row)


def failed(session: Session, key: str, language: str, outcome: str, reason: str) -> int:
    """Count one more failure in a row and return the count."""
    row = _row(session, key, language)
    row.last_check_at = utcnow()
    row.last_outcome, row.last_reason = outcome, reason
    row.consecutive_failures += 1
    session.add(row)
    return row.consecutive_failures


def mark_degraded(session: Session, key: str, language: str) -> None:
    row = _row(session, key, language)
    row.degraded = True
    session.add(row)


def all_health(session: Session) -> list[SourceHealth]:
    return list(session.exec(select(SourceHealth).order_by(col(SourceHealth.key))))

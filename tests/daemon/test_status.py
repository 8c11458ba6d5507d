"""`zanwatch status`: what an operator looks at when a source goes quiet."""

from __future__ import annotations

from storage import deliveries, events, health, subscribers, watchlist
from storage.db import Database
from storage.subscribers import Endpoint
from tracker.model import Watch
from tracker.notify.subscribers import new_secret, new_subscriber

KEY = "adilet:Z950002592_"


def test_status_shows_failures_degradation_pending_deliveries_and_next_runs(cli, db_url: str) -> None:
    db = Database(db_url)
    db.init()
    with db.transaction() as session:
        watchlist.add(session, Watch(KEY, "Referendum law", ("rus", "kaz"), ()))
        health.succeeded(session, KEY, "kaz")
        for _ in range(3):
            health.failed(session, KEY, "rus", "suspect", "CAPTCHA page")
        health.mark_degraded(session, KEY, "rus")
        sub = subscribers.add(
            session,
            new_subscriber(
                "partner", endpoints=[Endpoint("webhook", "https://partner.example/hook", new_secret())]
            ),
        )
        event_id = events.append(session, "edition.created", {"document": {"key": KEY}}, KEY)
        deliveries.add_pending(session, "webhook", [(sub.id, event_id)])
    db.dispose()
    result = cli("status")
    assert result.code == 0, result.err
    rus = next(line for line in result.out.splitlines() if f"{KEY}/rus" in line)
    assert "suspect" in rus and "3" in rus and "DEGRADED" in rus and "CAPTCHA page" in rus
    kaz = next(line for line in result.out.splitlines() if f"{KEY}/kaz" in line and "ok" in line)
    assert "DEGRADED" not in kaz
    assert "Pending deliveries: 1" in result.out
    assert f"check {KEY}/rus" in result.out and "digest daily" in result.out

"""Following a draft on a local replay of the portal: versions diff article by article, the deadline is
announced once, robots.txt is respected without `follow_cards`, and a failing portal degrades once."""

from __future__ import annotations

import json

from sqlmodel import select

from scrapers.http import BREAKER_COOLDOWN_S, Fetcher
from storage import editions
from storage import models as m
from storage.db import Database
from tracker.drafts import LIST_KEY, DraftFollower
from tracker.replay import ReplayServer

from .conftest import CARD, DOCX, HISTORY, KEY, TODAY, V1_CARD, V2_DOCX, draft_settings, page


def stored_events(db: Database) -> list[tuple[str, dict]]:
    with db.transaction() as session:
        return [(e.type, json.loads(e.payload)) for e in session.exec(select(m.Event).order_by(m.Event.id))]


def changes(db: Database) -> list[m.Change]:
    with db.transaction() as session:
        return list(session.exec(select(m.Change).order_by(m.Change.id)))


def test_two_versions_diff_by_article_and_warn_of_the_deadline(
    follower: DraftFollower, portal: ReplayServer, db: Database
) -> None:
    portal.route(CARD, V1_CARD)  # version 1, deadline 30/08: already past
    (first,) = follower.follow()
    assert (first.key, first.outcome, first.seq) == (KEY, "new_edition", 1)
    assert first.announced == ("draft.published",)

    portal.route(CARD, page("card_ru_handmade.html"))  # version 2, deadline 16/09: two days left
    portal.route(DOCX, V2_DOCX, content_type="application/octet-stream")
    (second,) = follower.follow()
    assert (second.outcome, second.seq, second.changes) == ("new_edition", 2, 2)
    assert second.announced == ("draft.deadline_approaching",)
    art2 = next(c for c in changes(db) if c.new_eid == "art_2")
    assert art2.kind == "substituted"
    assert ["-", "шестидесяти"] in json.loads(art2.ops) and ["+", "десяти"] in json.loads(art2.ops)

    (third,) = follower.follow()  # nothing new: no edition, no second warning
    assert (third.outcome, third.announced) == ("unchanged", ())
    types = [t for t, _ in stored_events(db)]
    assert types.count("draft.published") == 1
    assert types.count("draft.deadline_approaching") == 1
    (added,) = [p for t, p in stored_events(db) if t == "draft.version_added"]
    assert (added["version"], added["draft"]["stage"]) == (2, "public_discussion")
    assert {c["new_eid"] for c in added["changes"]} == {"art_1", "art_2"}
    warning = next(p for t, p in stored_events(db) if t == "draft.deadline_approaching")
    assert (warning["days_left"], warning["draft"]["deadline"], warning["draft"]["version"]) == (
        2,
        "2026-09-16",
        2,
    )
    with db.transaction() as session:
        history = editions.list_editions(session, KEY, "rus")
    assert [(e.origin, e.edition_date.isoformat()) for e in history] == [
        ("draft", "2026-08-15"),
        ("draft", "2026-09-01"),
    ]


def test_first_sight_records_the_earlier_versions_first(
    follower: DraftFollower, portal: ReplayServer, db: Database
) -> None:
    portal.route(CARD, page("card_ru_handmade.html"))
    portal.route(HISTORY, page("history_v1_handmade.html"))
    portal.route(DOCX, V2_DOCX, content_type="application/octet-stream")
    (result,) = follower.follow()
    assert (result.outcome, result.seq) == ("new_edition", 2)
    assert {c.new_eid for c in changes(db)} == {"art_1", "art_2"}
    types = [t for t, _ in stored_events(db)]
    # Version 1 is history: recorded silently; subscribers hear of the draft and of version 2's changes.
    assert types.count("edition.created") == 1
    assert types.count("draft.published") == 1 and types.count("provision.changed") == 2


def test_an_extended_deadline_is_announced_again(
    follower: DraftFollower, portal: ReplayServer, db: Database
) -> None:
    portal.route(DOCX, V2_DOCX, content_type="application/octet-stream")
    portal.route(CARD, page("card_ru_handmade.html"))
    portal.route(HISTORY, page("history_v1_handmade.html"))
    follower.follow()
    extended = page("card_ru_handmade.html").replace(b"16/09/2026", b"17/09/2026")
    portal.route(CARD, extended)
    follower.follow()
    deadlines = [p["draft"]["deadline"] for t, p in stored_events(db) if t == "draft.deadline_approaching"]
    assert deadlines == ["2026-09-16", "2026-09-17"]


def test_without_follow_cards_only_the_lists_are_read(portal: ReplayServer, db: Database) -> None:
    settings = draft_settings(portal, follow_cards=False)
    with Fetcher(settings.politeness) as fetcher:
        follower = DraftFollower(settings, db, fetcher=fetcher, today=lambda: TODAY)
        (result,) = follower.follow()
    assert (result.key, result.outcome) == (KEY, "listed")
    assert result.announced == ("draft.published", "draft.deadline_approaching")
    assert not [r for r in portal.requests if not r.path.startswith(("/list", "/robots.txt"))]
    with db.transaction() as session:
        assert editions.latest_edition(session, KEY, "rus") is None


def test_a_failing_portal_degrades_once_and_recovers(
    follower: DraftFollower, portal: ReplayServer, db: Database, clock
) -> None:
    portal.route(CARD, page("history_v1_handmade.html"))
    portal.route("/list", "down for maintenance", status=500)
    runs = follower.settings.schedule.degraded_after_failures + 2
    outcomes = [follower.follow()[0].outcome for _ in range(runs)]
    assert outcomes == ["error"] * runs
    assert [p["document"]["key"] for t, p in stored_events(db) if t == "source.degraded"] == [LIST_KEY]
    portal.route("/list", page("list_p1_handmade.html"))
    clock.offset += BREAKER_COOLDOWN_S  # the fetcher stopped asking the failing host; it asks again later
    assert [r.outcome for r in follower.follow()] == ["new_edition"]
    with db.transaction() as session:
        state = session.get(m.SourceHealth, f"{LIST_KEY}/rus")
    assert state is not None and (state.consecutive_failures, state.degraded) == (0, False)


def test_a_broken_card_is_counted_against_that_draft_only(
    follower: DraftFollower, portal: ReplayServer, db: Database
) -> None:
    portal.route(CARD, "<html><body>Сервис временно недоступен</body></html>")
    (result,) = follower.follow()
    assert result.outcome == "error" and "no title" in result.reason
    assert changes(db) == [] and [t for t, _ in stored_events(db)] == []

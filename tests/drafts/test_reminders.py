"""Initiatives announced without a text: reminded every `initiative_reminder_days` until a draft is linked,
and the reminder reads in the digest; a stage move and a stale draft read there too."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlmodel import select

from storage import drafts as store
from storage import models as m
from storage import subscribers
from storage.db import Database
from tracker import config
from tracker.drafts import review
from tracker.model import Sighting, Stage
from tracker.notify import digests
from tracker.notify.subscribers import new_subscriber
from tracker.stages import observe

DAY = date(2026, 3, 1)


def waiting(db: Database) -> list[dict]:
    with db.transaction() as session:
        rows = session.exec(select(m.Event).where(m.Event.type == "initiative.waiting").order_by(m.Event.id))
        return [json.loads(e.payload) for e in rows]


def test_an_initiative_without_a_text_is_reminded_each_period_until_linked(db: Database) -> None:
    settings = config.load()
    with db.transaction() as session:
        subscribers.add(session, new_subscriber("legal", email="legal@example.org", tags=["ngo"]))
        item = store.add_initiative(
            session, "Закон об «иностранных агентах»", DAY, url=None, tags=("ngo",), note="Feb 2025"
        )
    for days in (29, 30, 45, 59, 60):
        review(settings, db, DAY + timedelta(days=days))
    assert [(p["days"], p["initiative"]["id"], p["document"]["tags"]) for p in waiting(db)] == [
        (30, item.id, ["ngo"]),
        (60, item.id, ["ngo"]),
    ]
    digest = digests.preview(settings, db, "legal")
    assert digest is not None
    text, html = digests.render(digest)
    assert "объявлено 01.03.2026, текста всё ещё нет" in text and "иностранных агентах" in html

    with db.transaction() as session:
        draft = observe(
            session,
            Sighting(
                "legalacts:15900200",
                "О некоммерческих организациях",
                "На публичном обсуждении",
                Stage.PUBLIC_DISCUSSION,
                "https://legalacts.egov.kz/npa/view?id=15900200",
            ),
            DAY + timedelta(days=61),
        ).draft
        store.update_initiative(session, item.id, draft_id=draft.id)
    review(settings, db, DAY + timedelta(days=120))
    assert len(waiting(db)) == 2  # it has a text now


def test_moves_and_stalls_read_in_the_digest(db: Database) -> None:
    settings = config.load()
    bill = Sighting("mazhilis:1401", "О некоммерческих организациях", "Принят Мажилисом", Stage.SENATE, "u")
    with db.transaction() as session:
        subscribers.add(session, new_subscriber("legal", email="legal@example.org"))
        observe(
            session,
            Sighting("legalacts:1", bill.title, "На публичном обсуждении", Stage.PUBLIC_DISCUSSION, "u"),
            DAY,
        )
        observe(session, bill, DAY + timedelta(days=10))
    review(settings, db, DAY + timedelta(days=70))
    digest = digests.preview(settings, db, "legal")
    assert digest is not None
    text, _ = digests.render(digest)
    assert "движение: Принят Мажилисом" in text and "без движения с 11.03.2026" in text

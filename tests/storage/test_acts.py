"""Acts a page names, recorded in one pass: one act however many provisions and pages name it, linked once
its adilet id is known, and each provision's change moving announced → in force or superseded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import select

from storage import acts
from storage import models as m
from storage.db import Database
from tracker.model import Amendment, AmendmentKind
from tracker.timeline import Mention

KEY = "adilet:K1400000226"
DAY = date(2026, 12, 1)
PLAIN = Amendment(
    AmendmentKind.AMENDED, "с изменениями … № 12-VIII", act_number="12-VIII", act_date=date(2026, 1, 5)
)
LINKED = Amendment(
    AmendmentKind.AMENDED,
    "с изменениями … № 12-VIII",
    act_id="Z2600000012",
    act_number="12-VIII",
    act_date=date(2026, 1, 5),
)
NOTICE = Amendment(
    AmendmentKind.NEW_WORDING,
    "предусматривается … № 30-VIII",
    act_id="Z2600000030",
    act_number="30-VIII",
    scheduled=True,
)


def states(db: Database) -> dict[tuple[str, str], str]:
    with db.transaction() as session:
        names = {a.id: a.key for a in session.exec(select(m.Act))}
        return {(names[t.act_id], t.eid): t.state for t in session.exec(select(m.ActTarget))}


def test_an_act_first_seen_without_its_link_stays_one_act_once_linked(db: Database) -> None:
    with db.transaction() as session:
        acts.record(session, KEY, "rus", [Mention("z1", PLAIN, False)], seen_on=DAY)
    with db.transaction() as session:
        acts.record(
            session, KEY, "rus", [Mention("z1", LINKED, False), Mention("z2", LINKED, False)], seen_on=DAY
        )
        (act,) = session.exec(select(m.Act)).all()
    assert (act.key, act.source_id, act.number) == ("Z2600000012", "Z2600000012", "12-VIII")
    assert states(db) == {("Z2600000012", "z1"): "in_force", ("Z2600000012", "z2"): "in_force"}


def test_a_pass_announces_lands_and_supersedes(db: Database) -> None:
    with db.transaction() as session:
        first = acts.record(
            session, KEY, "rus", [Mention("z1", NOTICE, True), Mention("z2", NOTICE, True)], seen_on=DAY
        )
    assert [(a.number, t.eid) for a, t in first.announced] == [("30-VIII", "z1"), ("30-VIII", "z2")]
    landed = replace(NOTICE, scheduled=False)
    with db.transaction() as session:
        second = acts.record(session, KEY, "rus", [Mention("z1", landed, False)], seen_on=date(2026, 12, 2))
    assert second.announced == [] and second.landed == {("Z2600000030", "z1"): DAY}
    assert states(db) == {("Z2600000030", "z1"): "in_force", ("Z2600000030", "z2"): "superseded"}

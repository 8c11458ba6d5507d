"""A flag's direction and its numbers survive storage and come back in `zanwatch flags`."""

from __future__ import annotations

from storage import editions
from storage.db import Database
from storage.flags import list_flags
from tracker.model import Change, Document, Flag, Provision

KEY = "adilet:Z960000003_"


def _doc(founders: str) -> Document:
    text = f"Общественное объединение создается по инициативе не менее {founders} граждан."
    return Document("Закон", "", "", "rus", [Provision("art_10", "article", "10", "", text)])


def test_direction_and_values_round_trip(db: Database) -> None:
    flag = Flag(
        "founders-minimum",
        "association",
        "medium",
        "any",
        ("десяти", "трех"),
        "art_10",
        "…не менее трех граждан…",
        direction="relaxes",
        old_value=10,
        new_value=3,
        unit="persons",
    )
    old, new = _doc("десяти"), _doc("трех")
    with db.transaction() as session:
        first = editions.save_edition(session, KEY, "rus", old, origin="test")
        second = editions.save_edition(session, KEY, "rus", new, origin="test")
        assert second is not None
        change = Change("substituted", old.provisions[0], new.provisions[0], 0.9, flags=[flag])
        editions.save_changes(session, KEY, "rus", first, second, [change])
    with db.transaction() as session:
        [row] = list_flags(session)
    assert row["direction"] == "relaxes"
    assert (row["old_value"], row["new_value"], row["unit"]) == (10, 3, "persons")

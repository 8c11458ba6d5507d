"""Editions are stored temporally: unchanged provisions cost nothing, and any edition rebuilds exactly."""

from __future__ import annotations

import copy
from datetime import date

from sqlmodel import func, select

from storage import editions
from storage import models as m
from storage.db import Database
from tracker.model import Amendment, AmendmentKind, Document, DocumentStatus, Provision

KEY = "adilet:Z950002592_"


def make_doc(n: int = 30) -> Document:
    provisions = [Provision(eid="chp_1", kind="chapter", num="1", heading="Общие положения", text="")]
    provisions += [
        Provision(
            eid=f"art_{i}",
            kind="article",
            num=str(i),
            heading=f"Заголовок {i}",
            text=f"Текст статьи {i} о референдуме.",
            path=("chp_1",),
        )
        for i in range(1, n + 1)
    ]
    provisions[3].amendments.append(
        Amendment(
            kind="amended",
            text="Сноска. Статья 3 с изменениями …",
            act_id="Z1800000162",
            act_number="162-VI",
            act_date=date(2018, 6, 29),
        )
    )
    return Document(
        title="О республиканском референдуме",
        status=DocumentStatus.UPDATED,
        requisites="",
        language="rus",
        provisions=provisions,
        scheduled=[
            Amendment(
                kind=AmendmentKind.AMENDED,
                scheduled=True,
                text="Примечание ИЗПИ! …",
                effective=date(2026, 7, 1),
            )
        ],
    )


def _save(db: Database, doc: Document, **kw) -> int | None:
    with db.transaction() as s:
        return editions.save_edition(s, KEY, "rus", doc, **kw)


def _load(db: Database, seq: int) -> Document:
    with db.transaction() as s:
        return editions.load_document(s, editions.find_edition(s, KEY, "rus", seq=seq))


def _rows(db: Database) -> int:
    with db.transaction() as s:
        return s.exec(select(func.count()).select_from(m.ProvisionVersion)).one()


def test_same_content_is_not_a_new_edition(db: Database) -> None:
    assert _save(db, make_doc()) is not None
    assert _save(db, make_doc()) is None
    with db.transaction() as s:
        assert [e.seq for e in editions.list_editions(s, KEY, "rus")] == [1]


def test_every_edition_rebuilds_exactly(db: Database) -> None:
    first = make_doc()
    second = copy.deepcopy(first)
    second.provisions[5].text = "Новый текст статьи 5."
    second.provisions.insert(
        6,
        Provision(
            eid="art_5-1",
            kind="article",
            num="5-1",
            heading="Вставлена",
            text="Новая статья.",
            path=("chp_1",),
        ),
    )
    third = copy.deepcopy(second)
    third.provisions[2], third.provisions[9] = third.provisions[9], third.provisions[2]  # a move
    del third.provisions[12]
    for doc in (first, second, third):
        _save(db, doc)
    for seq, doc in enumerate((first, second, third), start=1):
        assert _load(db, seq) == doc


def test_an_edit_writes_only_the_changed_provision(db: Database) -> None:
    doc = make_doc()
    _save(db, doc)
    before = _rows(db)
    doc = copy.deepcopy(doc)
    doc.provisions[10].text += " Дополнено."
    _save(db, doc)
    assert _rows(db) == before + 1


def test_many_insertions_in_one_gap_keep_order(db: Database) -> None:
    doc = make_doc(3)
    _save(db, doc)
    for i in range(1, 80):  # more than float halving allows: positions are rebuilt when the gap is used up
        doc = copy.deepcopy(doc)
        doc.provisions.insert(
            2, Provision(eid=f"art_1-{i}", kind="article", num=f"1-{i}", heading="", text=f"Вставка {i}")
        )
        _save(db, doc)
    assert _load(db, 80) == doc


def test_edition_on_a_date(db: Database) -> None:
    _save(db, make_doc(), edition_date=date(2020, 1, 1))
    changed = make_doc()
    changed.provisions[1].text = "Изменено."
    _save(db, changed, edition_date=date(2026, 7, 1))
    with db.transaction() as s:
        assert editions.find_edition(s, KEY, "rus", on=date(2025, 12, 31)).seq == 1
        assert editions.find_edition(s, KEY, "rus", on=date(2026, 7, 1)).seq == 2
        assert editions.find_edition(s, KEY, "rus").seq == 2


def test_history_lists_amending_acts(db: Database) -> None:
    _save(db, make_doc())
    with db.transaction() as s:
        (info,) = editions.list_editions(s, KEY, "rus")
    assert info.acts == ("162-VI",)


def test_an_older_edition_written_before_a_stored_one_renumbers_it_and_keeps_every_edition_exact(
    db: Database,
) -> None:
    """Stored: A (2020), C (2024). Written: B (2022) between them. Each edition still rebuilds exactly,
    C keeps its id, and a footnote first seen in C now belongs to B, which has it too."""
    a, b, c = make_doc(), make_doc(), make_doc()
    b.provisions[5].text = c.provisions[5].text = "Новый текст статьи 5."
    note = Amendment(kind="new_wording", text="Сноска. Статья 5 в редакции …", act_number="99-VII")
    b.provisions[5].amendments.append(note)
    c.provisions[5].amendments.append(note)
    c.provisions[9].text = "Новый текст статьи 9."
    first = _save(db, a, edition_date=date(2020, 1, 1))
    last = _save(db, c, edition_date=date(2024, 1, 1))
    with db.transaction() as s:
        stored = editions.chain(s, KEY, "rus")
        ids = editions.write_chain(
            s,
            KEY,
            "rus",
            2,
            [
                editions.Placement(b, edition_date=date(2022, 1, 1), origin="backfill"),
                editions.Placement(c, edition_id=stored[1].info.id, edition_date=date(2024, 1, 1)),
            ],
        )
    assert ids[1] == last
    with db.transaction() as s:
        chain = editions.list_editions(s, KEY, "rus")
        assert [(e.id, e.seq, e.edition_date) for e in chain] == [
            (first, 1, date(2020, 1, 1)),
            (ids[0], 2, date(2022, 1, 1)),
            (last, 3, date(2024, 1, 1)),
        ]
        for info, doc in zip(chain, (a, b, c), strict=True):
            assert editions.content_hash(editions.load_document(s, info)) == editions.content_hash(doc)
        assert [e.acts for e in chain] == [("162-VI",), ("99-VII",), ()]
        assert editions.find_edition(s, KEY, "rus", on=date(2023, 6, 1)).id == ids[0]

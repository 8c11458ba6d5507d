"""The migrated schema matches the models, and every table round-trips on the configured database."""

from __future__ import annotations

import json
from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

from storage import models as m
from storage.db import Database


def test_migrated_schema_matches_models(db: Database) -> None:
    m.load_all()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_every_table_is_named_by_its_class() -> None:
    """A table module that broke the naming rule would be unreachable through `storage.models`."""
    m.load_all()
    for table in SQLModel.metadata.tables.values():
        name = "".join(word.title() for word in table.name.split("_"))
        assert getattr(m, name).__table__ is table


def test_init_twice_is_harmless(db: Database) -> None:
    db.init()
    with db.transaction() as s:
        assert s.exec(select(m.WatchedDocument)).all() == []


def test_every_table_round_trips(db: Database) -> None:
    with db.transaction() as s:
        s.add(m.WatchedDocument(key="adilet:Z010000142_", source="adilet", ident="Z010000142_", title="NCO"))
        s.add(m.Blob(digest="d" * 64, size=3, data=b"abc"))
        s.flush()
        snap = m.Snapshot(
            document_key="adilet:Z010000142_",
            language="rus",
            url="u",
            outcome="ok",
            blob_digest="d" * 64,
            etag='"e"',
        )
        s.add(snap)
        s.flush()
        ed = m.Edition(
            document_key="adilet:Z010000142_",
            language="rus",
            seq=1,
            content_hash="h",
            title="Закон «О некоммерческих организациях»",
            edition_date=date(2024, 1, 5),
            snapshot_id=snap.id,
        )
        s.add(ed)
        s.add(m.ProvisionText(digest="t" * 64, text="Статья 1. Текст"))
        s.flush()
        s.add(
            m.ProvisionVersion(
                document_key="adilet:Z010000142_",
                language="rus",
                first_seq=1,
                position=1.0,
                eid="art_1",
                kind="article",
                num="1",
                text_digest="t" * 64,
            )
        )
        s.add(
            m.Amendment(
                document_key="adilet:Z010000142_",
                language="rus",
                eid="art_1",
                digest="a" * 64,
                kind="new_wording",
                scheduled=True,
                text="…",
                effective=date(2026, 7, 1),
                first_edition_id=ed.id,
            )
        )
        ch = m.Change(
            document_key="adilet:Z010000142_",
            language="rus",
            to_edition_id=ed.id,
            kind="inserted",
            ops=json.dumps([["+", "текст"]], ensure_ascii=False),
        )
        s.add(ch)
        s.flush()
        s.add(
            m.Flag(
                change_id=ch.id,
                document_key="adilet:Z010000142_",
                rule_id="r",
                theme="foreign_funding",
                severity="high",
                side="inserted",
                eid="art_1",
            )
        )
        ev = m.Event(type="edition.created", document_key="adilet:Z010000142_", payload="{}")
        sub = m.Subscriber(name="Legal team")
        s.add(ev)
        s.add(sub)
        s.flush()
        s.add(m.Endpoint(subscriber_id=sub.id, channel="email", address="legal@example.org"))
        s.add(m.Delivery(subscriber_id=sub.id, channel="webhook", event_id=ev.id))
        s.add(m.Watermark(subscriber_id=sub.id, channel="email", event_id=ev.id))
        s.add(m.SourceHealth(key="adilet:Z010000142_/rus", consecutive_failures=2))
    with db.transaction() as s:
        for table in (
            m.WatchedDocument,
            m.Blob,
            m.Snapshot,
            m.Edition,
            m.ProvisionText,
            m.ProvisionVersion,
            m.Amendment,
            m.Change,
            m.Flag,
            m.Event,
            m.Subscriber,
            m.Endpoint,
            m.Delivery,
            m.Watermark,
            m.SourceHealth,
        ):
            assert len(s.exec(select(table)).all()) == 1, table.__tablename__
        assert s.exec(select(m.Edition)).one().title == "Закон «О некоммерческих организациях»"
        assert s.exec(select(m.Amendment)).one().effective == date(2026, 7, 1)
        assert json.loads(s.exec(select(m.Change)).one().ops) == [["+", "текст"]]
        assert s.exec(select(m.Blob)).one().data == b"abc"

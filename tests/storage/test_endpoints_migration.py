"""Migration 0009_i15 moves subscribers' e-mail and webhook columns into endpoint rows, and back."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from storage.db import Database, _alembic_config


def _migrate(db: Database, revision: str, *, down: bool = False) -> None:
    with db.engine.begin() as conn:
        cfg = _alembic_config(db.url)
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_endpoints_move_out_of_subscriber_columns_and_back(db_url: str) -> None:
    db = Database(db_url)
    _migrate(db, "0008_i13")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO subscriber (name, email, webhook_url, secret, documents, tags, themes, "
                "min_severity, digest, languages, enabled, webhook_enabled, dead_letters, created_at) VALUES "
                "('both', 'a@example.org', 'https://p.example/hook', 'whsec_x', '', '', '', 'info', 'daily', "
                "'', true, false, 5, '2026-01-01 00:00:00'), "
                "('mail', 'm@example.org', NULL, NULL, '', '', '', 'info', 'daily', '', true, true, 0, "
                "'2026-01-01 00:00:00')"
            )
        )
    _migrate(db, "head")
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.name, e.channel, e.address, e.secret, e.enabled, e.dead_letters FROM endpoint e "
                "JOIN subscriber s ON s.id = e.subscriber_id ORDER BY s.name, e.channel"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("both", "email", "a@example.org", None, True, 0),
        ("both", "webhook", "https://p.example/hook", "whsec_x", False, 5),
        ("mail", "email", "m@example.org", None, True, 0),
    ]
    _migrate(db, "0008_i13", down=True)
    with db.engine.connect() as conn:
        back = conn.execute(
            text(
                "SELECT name, email, webhook_url, secret, webhook_enabled, dead_letters FROM subscriber "
                "ORDER BY name"
            )
        ).all()
    assert [tuple(r) for r in back] == [
        ("both", "a@example.org", "https://p.example/hook", "whsec_x", False, 5),
        ("mail", "m@example.org", None, None, True, 0),
    ]
    db.dispose()

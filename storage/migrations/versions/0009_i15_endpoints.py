"""subscriber endpoints in one table

Revision ID: 0009_i15
Revises: 0008_i13
Create Date: 2026-12-02 13:00:00

A subscriber's e-mail address, webhook URL (with its secret, enabled state and dead-letter count) move
from per-channel columns of `subscriber` into one `endpoint` row per channel, so a new channel (Telegram)
needs no new column. Existing data is moved, not dropped; downgrade moves it back (Telegram endpoints,
which have no column to go to, are lost on downgrade).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009_i15"
down_revision = "0008_i13"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "endpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("dead_letters", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscriber.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subscriber_id", "channel"),
    )
    with op.batch_alter_table("endpoint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_endpoint_subscriber_id"), ["subscriber_id"], unique=False)
    op.execute(
        "INSERT INTO endpoint (subscriber_id, channel, address, secret, enabled, dead_letters, created_at) "
        "SELECT id, 'email', email, NULL, true, 0, created_at FROM subscriber WHERE email IS NOT NULL"
    )
    op.execute(
        "INSERT INTO endpoint (subscriber_id, channel, address, secret, enabled, dead_letters, created_at) "
        "SELECT id, 'webhook', webhook_url, secret, webhook_enabled, dead_letters, created_at FROM subscriber "
        "WHERE webhook_url IS NOT NULL"
    )
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+), not a batch copy: re-creating `subscriber` would break
    # the foreign keys of existing endpoint, delivery and watermark rows.
    for column in ("dead_letters", "webhook_enabled", "secret", "webhook_url", "email"):
        op.drop_column("subscriber", column)


def downgrade() -> None:
    op.add_column("subscriber", sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True))
    op.add_column("subscriber", sa.Column("webhook_url", sa.Text(), nullable=True))
    op.add_column("subscriber", sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
    op.add_column(
        "subscriber", sa.Column("webhook_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column("subscriber", sa.Column("dead_letters", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE subscriber SET email = (SELECT address FROM endpoint "
        "WHERE endpoint.subscriber_id = subscriber.id AND channel = 'email')"
    )
    for column, source in (
        ("webhook_url", "address"),
        ("secret", "secret"),
        ("webhook_enabled", "enabled"),
        ("dead_letters", "dead_letters"),
    ):
        op.execute(
            f"UPDATE subscriber SET {column} = (SELECT {source} FROM endpoint "
            "WHERE endpoint.subscriber_id = subscriber.id AND channel = 'webhook') "
            "WHERE EXISTS (SELECT 1 FROM endpoint WHERE endpoint.subscriber_id = subscriber.id "
            "AND channel = 'webhook')"
        )
    with op.batch_alter_table("endpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_endpoint_subscriber_id"))
    op.drop_table("endpoint")

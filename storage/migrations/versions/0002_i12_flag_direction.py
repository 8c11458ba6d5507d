"""flag direction and quantity values

Revision ID: 0002_i12
Revises: 0001
Create Date: 2026-12-02 12:30:00

Flags say whether a change restricts or relaxes civic space; quantity flags carry the number before and
after and its unit. Flags stored before this revision read as neutral.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002_i12"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "direction",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="neutral",
            )
        )
        batch_op.add_column(sa.Column("old_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("new_value", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.drop_column("unit")
        batch_op.drop_column("new_value")
        batch_op.drop_column("old_value")
        batch_op.drop_column("direction")

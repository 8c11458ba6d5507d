"""i14: the language a subscriber reads digests in (rus, kaz or eng)

Revision ID: 0004_i14
Revises: 0003_i11
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_i14"
down_revision = "0003_i11"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriber") as batch:
        batch.add_column(
            sa.Column(
                "language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False, server_default="rus"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriber") as batch:
        batch.drop_column("language")

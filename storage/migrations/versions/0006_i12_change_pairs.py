"""change pairs: a run of articles renumbered alike is one change

Revision ID: 0006_i12
Revises: 0005_17
Create Date: 2026-12-02 13:00:00

A uniform renumbering of unchanged articles (10–16 → 11–17) is stored as one change whose `pairs` lists
every (old_eid, new_eid, old_num, new_num); other changes have an empty list.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_i12"
down_revision = "0005_17"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pairs", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("change", schema=None) as batch_op:
        batch_op.drop_column("pairs")

"""amendment: scheduled flag beside the verb

Revision ID: 0003_i11
Revises: 0002_i12
Create Date: 2026-12-02 13:25:00

A notice's verb is now read like a footnote's («предусматривается в редакции …» is `new_wording`), so
"adopted, not yet in force" moves from `kind = 'scheduled'` to its own column. Rows stored as
`kind = 'scheduled'` keep that meaning as `scheduled` with the plain verb `amended`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_i11"
down_revision = "0002_i12"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheduled", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE amendment SET scheduled = TRUE, kind = 'amended' WHERE kind = 'scheduled'")


def downgrade() -> None:
    op.execute("UPDATE amendment SET kind = 'scheduled' WHERE scheduled")
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.drop_column("scheduled")

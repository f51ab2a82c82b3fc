"""pair programs: a pair's programme and its first and last day

Revision ID: 0006_pair_programs
Revises: 0005_message_refs
Create Date: 2026-12-07 09:00:00.000000

Three nullable columns on pair; existing pairs keep NULLs (no programme, open-ended). The
index lets the tick find pairs whose last day has passed without scanning pairs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_pair_programs"
down_revision: str | None = "0005_message_refs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.add_column(sa.Column("program", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
        batch_op.create_index("ix_pair_ends_on_active", ["ends_on", "active"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.drop_index("ix_pair_ends_on_active")
        batch_op.drop_column("ends_on")
        batch_op.drop_column("starts_on")
        batch_op.drop_column("program")

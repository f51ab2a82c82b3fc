"""topic catalogs: the organisation's own topics and sets, and what it changed in shipped ones

Revision ID: 0009_topic_catalogs
Revises: 0006_pair_programs
Create Date: 2026-12-03 21:30:00.000000

Every topic and set stored so far came with the product, so the server defaults describe
them: shipped, nothing changed by the organisation.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_topic_catalogs"
down_revision: str | None = "0006_pair_programs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shipped", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("org_fields", sa.String(length=100), nullable=False, server_default="")
        )
    with op.batch_alter_table("topic_set", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("org_fields", sa.String(length=100), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("topic_set", schema=None) as batch_op:
        batch_op.drop_column("org_fields")
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.drop_column("org_fields")
        batch_op.drop_column("shipped")

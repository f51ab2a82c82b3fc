"""schedule: how far each pair's slots are materialized

Revision ID: 0003_schedule
Revises: 0002
Create Date: 2026-11-23 09:00:00.000000

SlotState "cancelled" and DeliveryStatus "cancelled" need no DDL: both enums are stored as
plain strings without a CHECK constraint.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0003_schedule"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "materialized_until", storage.models.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_index(
            "ix_pair_active_materialized_until", ["active", "materialized_until"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.drop_index("ix_pair_active_materialized_until")
        batch_op.drop_column("materialized_until")

"""memos: due-work indexes on slot, reflection requests, one TODO per memo message

Revision ID: 0003_memos
Revises: 0002
Create Date: 2026-11-23 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0003_memos"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "reflection_requested_at", storage.models.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_index(
            "ix_slot_memo_due", ["state", "memo_thread_ts", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_slot_reflection_due",
            ["state", "reflection_requested_at", "answered_at"],
            unique=False,
        )

    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index("uq_action_item_source", ["source_channel", "source_ts"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index("uq_action_item_source")

    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.drop_index("ix_slot_reflection_due")
        batch_op.drop_index("ix_slot_memo_due")
        batch_op.drop_column("reflection_requested_at")

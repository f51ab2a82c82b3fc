"""message refs: where a message lives, as a platform, a conversation and a message id

Revision ID: 0005_message_refs
Revises: 0004_merge
Create Date: 2026-11-30 09:00:00.000000

Slack's (channel, ts) columns become (platform, conversation, message_id), wide enough for
Teams: conversation ids run to a few hundred characters and message ids are opaque strings.
Existing refs are Slack's and get platform 'slack'; rows without a ref keep NULLs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0005_message_refs"
down_revision: str | None = "0004_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLATFORM = sa.String(length=16)
CONVERSATION = sa.String(length=512)
MESSAGE_ID = sa.String(length=128)
OLD = sa.String(length=32)

# SQLite keeps memo_entry's UNIQUE (channel, ts) unnamed; batch mode names it by this
# convention when it reflects the table, so that it can be dropped.
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _rename(
    batch_op: BatchOperations, prefix: str, old_conversation: str, old_message_id: str
) -> None:
    """Add the platform column; rename and widen the two Slack columns."""
    batch_op.add_column(sa.Column(f"{prefix}platform", PLATFORM, nullable=True))
    batch_op.alter_column(
        old_conversation,
        new_column_name=f"{prefix}conversation",
        type_=CONVERSATION,
        existing_type=OLD,
        existing_nullable=True,
    )
    batch_op.alter_column(
        old_message_id,
        new_column_name=f"{prefix}message_id",
        type_=MESSAGE_ID,
        existing_type=OLD,
        existing_nullable=True,
    )


def _mark_slack(table: str, prefix: str) -> None:
    op.execute(
        f"UPDATE {table} SET {prefix}platform = 'slack' "
        f"WHERE {prefix}conversation IS NOT NULL OR {prefix}message_id IS NOT NULL"
    )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"

    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.drop_index("ix_slot_memo_due")
        batch_op.drop_index("ix_slot_memo_thread_ts")
        _rename(batch_op, "memo_", "memo_channel", "memo_thread_ts")
    # A second batch: SQLite's batch mode indexes a renamed column only once the copy is made.
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.create_index("ix_slot_memo_message_id", ["memo_message_id"], unique=False)
        batch_op.create_index(
            "ix_slot_memo_due", ["state", "memo_message_id", "starts_at"], unique=False
        )
    _mark_slack("slot", "memo_")

    if sqlite:
        # Batch mode copies the table with the indexes it can reflect, and SQLite's expression
        # indexes are not among them: this one is put back by hand (as in 0001).
        op.drop_index("uq_agenda_pair_slot", table_name="agenda")
    with op.batch_alter_table("agenda", schema=None) as batch_op:
        _rename(batch_op, "leader_notice_", "leader_notice_channel", "leader_notice_ts")
    if sqlite:
        op.create_index(
            "uq_agenda_pair_slot",
            "agenda",
            ["pair_id", sa.text("coalesce(slot_id, 0)")],
            unique=True,
        )
    _mark_slack("agenda", "leader_notice_")

    with op.batch_alter_table(
        "memo_entry", schema=None, naming_convention=_SQLITE_NAMES if sqlite else None
    ) as batch_op:
        batch_op.drop_constraint(
            "uq_memo_entry_channel" if sqlite else "memo_entry_channel_ts_key", type_="unique"
        )
        _rename(batch_op, "", "channel", "ts")
    with op.batch_alter_table("memo_entry", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_memo_entry_message", ["platform", "conversation", "message_id"]
        )
    _mark_slack("memo_entry", "")

    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index("uq_action_item_source")
        _rename(batch_op, "source_", "source_channel", "source_ts")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index(
            "uq_action_item_source",
            ["source_platform", "source_conversation", "source_message_id"],
            unique=True,
        )
    _mark_slack("action_item", "source_")

    with op.batch_alter_table("tip", schema=None) as batch_op:
        _rename(batch_op, "", "channel", "ts")
    _mark_slack("tip", "")


def downgrade() -> None:
    raise RuntimeError(
        "0005_message_refs cannot be downgraded: conversation and message ids of other "
        "platforms do not fit Slack's 32-character channel and ts columns. Restore the backup "
        "taken before upgrading instead."
    )

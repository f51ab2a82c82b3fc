"""tips: search text and bigram index, the post error, walking tips by helpfulness

Revision ID: 0003_tips
Revises: 0002
Create Date: 2026-11-23 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_tips"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    grams = sa.Text().with_variant(postgresql.ARRAY(sa.BigInteger()), "postgresql")
    with op.batch_alter_table("tip", schema=None) as batch_op:
        # The server default fills rows that already exist; the service indexes them on start.
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("search_head", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("search_grams", grams, nullable=True))
        batch_op.add_column(sa.Column("post_error", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_tip_helpful", ["helpful_count", "id"], unique=False)
        # The filters' single-column indexes become (filter, helpfulness) ones.
        batch_op.drop_index("ix_tip_topic_key")
        batch_op.drop_index("ix_tip_expectation")
        batch_op.create_index(
            "ix_tip_topic_helpful", ["topic_key", "helpful_count", "id"], unique=False
        )
        batch_op.create_index(
            "ix_tip_expectation_helpful", ["expectation", "helpful_count", "id"], unique=False
        )
        batch_op.create_index(
            "ix_tip_search_grams", ["search_grams"], unique=False, postgresql_using="gin"
        )

    op.create_table(
        "tip_gram",
        sa.Column("gram", sa.BigInteger(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tip_id"], ["tip.id"]),
        sa.PrimaryKeyConstraint("gram", "tip_id"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("tip_gram")
    with op.batch_alter_table("tip", schema=None) as batch_op:
        batch_op.drop_index("ix_tip_search_grams")
        batch_op.drop_index("ix_tip_expectation_helpful")
        batch_op.drop_index("ix_tip_topic_helpful")
        batch_op.create_index("ix_tip_expectation", ["expectation"], unique=False)
        batch_op.create_index("ix_tip_topic_key", ["topic_key"], unique=False)
        batch_op.drop_index("ix_tip_helpful")
        batch_op.drop_column("post_error")
        batch_op.drop_column("search_grams")
        batch_op.drop_column("search_head")
        batch_op.drop_column("search_text")

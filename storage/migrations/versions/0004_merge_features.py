"""Join the schedule, memo and tips migrations, which were written side by side.

Revision ID: 0004_merge
Revises: 0003_memos, 0003_schedule, 0003_tips
"""

from collections.abc import Sequence

revision: str = "0004_merge"
down_revision: str | Sequence[str] | None = ("0003_memos", "0003_schedule", "0003_tips")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the three parents touch different tables and columns."""


def downgrade() -> None:
    """Nothing to undo here; each parent undoes its own changes."""

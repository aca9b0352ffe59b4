"""Index user-owned rows by user, for per-user views of a shared library.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_paper_states_user_starred", "paper_states", ["user_id", "starred"])
    op.create_index("ix_notes_user", "notes", ["user_id"])
    op.create_index("ix_highlights_user", "highlights", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_highlights_user", "highlights")
    op.drop_index("ix_notes_user", "notes")
    op.drop_index("ix_paper_states_user_starred", "paper_states")

"""Covering indexes in the list's sort orders, so a view of 100k papers is read in order, not sorted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Ascending columns: SQLite walks the index backwards for ORDER BY ... DESC on every column.
    op.create_index("ix_papers_feed_order", "papers", ["feed_day", "upvotes", "id", "arxiv_id", "local_id"])
    op.create_index("ix_papers_date_order", "papers", ["published", "id", "arxiv_id", "local_id"])


def downgrade() -> None:
    op.drop_index("ix_papers_date_order", "papers")
    op.drop_index("ix_papers_feed_order", "papers")

"""PDF annotations: highlights and point notes on PDF pages share the highlights table (issue 16).

A PDF highlight has ``field`` "pdf", its ``page`` and ``quads``; ``kind`` tells a highlight from a note
pinned to a point; ``imported`` and ``origin`` mark what was read in from a PDF another reader annotated.
Abstract highlights get the defaults and keep working. On a shared PostgreSQL library the 0006 guard
compares whole rows, so the new columns are an author's own like the rest.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("highlights", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page", sa.Integer(), nullable=True))
        # JSONB on PostgreSQL: the 0006 guard compares whole rows, and json has no equality operator.
        batch_op.add_column(sa.Column("quads", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=True))
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="highlight")
        )
        batch_op.add_column(sa.Column("imported", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("origin", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM highlights WHERE field = 'pdf'")
    with op.batch_alter_table("highlights", schema=None) as batch_op:
        batch_op.drop_column("origin")
        batch_op.drop_column("imported")
        batch_op.drop_column("kind")
        batch_op.drop_column("quads")
        batch_op.drop_column("page")

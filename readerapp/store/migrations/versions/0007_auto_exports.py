"""Auto-exports: files kept current with a collection, and the citation keys pinned in each (issue 11).

An auto-export is its reader's own: on a shared PostgreSQL library it is under forced row security like
the other per-user tables (0006): everyone may read it, only its reader add, change or remove it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import readerapp.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MINE = "user_id = (SELECT u.id FROM users u WHERE u.name = current_user)"


def upgrade() -> None:
    op.create_table(
        "auto_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created", readerapp.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["collection_id"], ["collections.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ux_auto_exports_collection_user", "auto_exports", ["collection_id", "user_id"], unique=True
    )
    op.create_table(
        "auto_export_keys",
        sa.Column("auto_export_id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["auto_export_id"], ["auto_exports.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("auto_export_id", "paper_id"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _row_security()
    op.create_index("ux_auto_export_keys_key", "auto_export_keys", ["auto_export_id", "key"], unique=True)


def _row_security() -> None:
    op.execute("ALTER TABLE auto_exports ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE auto_exports FORCE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY readers_see_all ON auto_exports FOR SELECT USING (true)")
    op.execute(f"CREATE POLICY own_rows_insert ON auto_exports FOR INSERT WITH CHECK ({MINE})")
    op.execute(f"CREATE POLICY own_rows_delete ON auto_exports FOR DELETE USING ({MINE})")
    op.execute(f"CREATE POLICY own_rows_update ON auto_exports FOR UPDATE USING ({MINE}) WITH CHECK ({MINE})")


def downgrade() -> None:
    op.drop_index("ux_auto_export_keys_key", table_name="auto_export_keys")
    op.drop_table("auto_export_keys")
    op.drop_index("ux_auto_exports_collection_user", table_name="auto_exports")
    op.drop_table("auto_exports")

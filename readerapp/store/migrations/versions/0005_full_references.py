"""A paper is a full reference: item type, venue, volume, issue, pages, publisher, URL, the source's
keywords, editors and how precise the publication date is (issue 11).

Existing papers get NULLs and empty lists: nothing was known of these before. A NULL ``date_precision``
means a full date, which is what every stored date was taken for until now. The two lists get a server
default so the new NOT NULL columns can be added to a filled table on SQLite without rebuilding it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TEXTS = ("venue", "volume", "issue", "pages", "publisher", "url")
_LISTS = ("keywords", "editors")


def upgrade() -> None:
    op.add_column("papers", sa.Column("item_type", sa.String(length=32), nullable=True))
    for name in _TEXTS:
        op.add_column("papers", sa.Column(name, sa.Text(), nullable=True))
    for name in _LISTS:
        op.add_column("papers", sa.Column(name, sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.add_column("papers", sa.Column("date_precision", sa.String(length=8), nullable=True))


def downgrade() -> None:
    for name in ("date_precision", *reversed(_LISTS), *reversed(_TEXTS), "item_type"):
        op.drop_column("papers", name)

"""Real identities: row-level security on a shared PostgreSQL library, one label per reader on SQLite.

On PostgreSQL the user is the role the connection logged in as (``current_user``). Every role that may
connect to the database reads everything and writes the shared tables (papers, tags, collections, saved
searches, runs, the change log), but deletes a paper only when nobody else left anything on it (deleting
one cascades to their notes); in the per-user tables (state and star, notes, highlights, reading
positions) a role inserts, changes and deletes only rows under its own ``users`` row, which only it can
create. FORCE applies the policies to the tables' owner too (the role that ran this migration), so
whoever opened the library first is bound like everyone else; only superusers and BYPASSRLS roles are
not. Highlights are the one exception to "own rows only": anyone may move another's highlight to where
its quote now stands in a changed abstract (a sync re-anchors every highlight), and a trigger refuses
any other change to a highlight by someone else.

On SQLite user names become labels trimmed and case-folded (" ann " and "ANN" are "ann"); readers that
were two labels of one person are folded into one, their notes joined and nothing dropped.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PER_USER = ("paper_states", "notes", "highlights", "reading_positions")
SHARED = ("papers", "tags", "paper_tags", "collections", "collection_items", "saved_searches", "sync_runs",
          "change_log", "users")  # fmt: skip
WRITE = "SELECT, INSERT, UPDATE, DELETE"
MINE = "user_id = (SELECT u.id FROM users u WHERE u.name = current_user)"
GUARD = "readerapp_highlight_guard"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _row_security(conn)
    elif conn.dialect.name == "sqlite":
        _fold_user_labels(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return  # folded labels stay folded: there is no telling which spelling each row had
    schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    op.execute(f"DROP TRIGGER IF EXISTS highlights_guard ON highlights; DROP FUNCTION IF EXISTS {GUARD}()")
    policies = ("readers_see_all", "own_rows_insert", "own_rows_update", "own_rows_delete", "members_add",
                "members_change", "nobody_elses_work")  # fmt: skip
    for table in (*PER_USER, "users", "papers"):
        for policy in policies:
            op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE {WRITE} ON TABLES FROM PUBLIC")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE USAGE, SELECT ON SEQUENCES FROM PUBLIC")
    for table in (*PER_USER, *SHARED, "alembic_version"):
        op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")


def _row_security(conn: sa.Connection) -> None:
    schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    # Membership is the right to connect to the database (the guide grants it to the lab's group role).
    for table in (*PER_USER, *SHARED):
        op.execute(f"GRANT {WRITE} ON {table} TO PUBLIC")
    for (sequence,) in conn.execute(
        sa.text(
            "SELECT pg_get_serial_sequence(c.table_name, 'id') FROM information_schema.columns c"
            " WHERE c.table_schema = current_schema() AND c.column_name = 'id' AND c.table_name = ANY(:t)"
        ),
        {"t": list(PER_USER + SHARED)},
    ):
        if sequence is not None:  # a serial id: inserting takes its next value
            op.execute(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO PUBLIC")
    op.execute("GRANT SELECT ON alembic_version TO PUBLIC")  # upgrades are the owner's
    # Tables a later migration adds (as the same owner) are shared the same way.
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {WRITE} ON TABLES TO PUBLIC")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO PUBLIC")

    for table in (*PER_USER, "users"):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY readers_see_all ON {table} FOR SELECT USING (true)")
    op.execute("CREATE POLICY own_rows_insert ON users FOR INSERT WITH CHECK (name = current_user)")
    # A paper is shared, but deleting one takes everyone's notes on it with it (the foreign keys cascade
    # whatever the policies say): a role deletes only papers nobody else has left anything on.
    op.execute("ALTER TABLE papers ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE papers FORCE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY readers_see_all ON papers FOR SELECT USING (true)")
    op.execute("CREATE POLICY members_add ON papers FOR INSERT WITH CHECK (true)")
    op.execute("CREATE POLICY members_change ON papers FOR UPDATE USING (true) WITH CHECK (true)")
    nobody_else = " AND ".join(
        f"NOT EXISTS (SELECT 1 FROM {table} x WHERE x.paper_id = papers.id AND x.user_id IS DISTINCT FROM"
        " (SELECT u.id FROM users u WHERE u.name = current_user))"
        for table in PER_USER
    )
    op.execute(f"CREATE POLICY nobody_elses_work ON papers FOR DELETE USING ({nobody_else})")
    for table in PER_USER:
        op.execute(f"CREATE POLICY own_rows_insert ON {table} FOR INSERT WITH CHECK ({MINE})")
        op.execute(f"CREATE POLICY own_rows_delete ON {table} FOR DELETE USING ({MINE})")
        mine = "true" if table == "highlights" else MINE  # the guard below rules highlights' updates
        op.execute(f"CREATE POLICY own_rows_update ON {table} FOR UPDATE USING ({mine}) WITH CHECK ({mine})")

    # Qualified and with pg_temp last, so a temporary table called "users" cannot stand in for ours.
    op.execute(
        f"""
        CREATE FUNCTION {GUARD}() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, {schema}, pg_temp AS $$
        DECLARE
            moved_only {schema}.highlights%ROWTYPE;
        BEGIN
            IF (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user) THEN
                RETURN NEW;
            END IF;
            IF NEW.user_id IS DISTINCT FROM OLD.user_id THEN
                RAISE EXCEPTION 'a highlight keeps its author' USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF OLD.user_id IS DISTINCT FROM (SELECT u.id FROM {schema}.users u WHERE u.name = current_user)
            THEN
                moved_only := NEW;
                moved_only.start := OLD.start;
                moved_only."end" := OLD."end";
                moved_only.anchored := OLD.anchored;
                IF moved_only IS DISTINCT FROM OLD THEN
                    RAISE EXCEPTION 'only its author changes a highlight (others only re-anchor it)'
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
            END IF;
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        f"CREATE TRIGGER highlights_guard BEFORE UPDATE ON highlights FOR EACH ROW EXECUTE FUNCTION {GUARD}()"
    )


def _fold_user_labels(conn: sa.Connection) -> None:
    """Give every user its trimmed, case-folded name; fold users whose names fold alike into the first."""
    groups: dict[str, list[int]] = {}
    for user_id, name in conn.execute(sa.text("SELECT id, name FROM users ORDER BY id")):
        label = " ".join(name.split()).casefold()
        if label:
            groups.setdefault(label, []).append(user_id)
    for label, (keep, *others) in groups.items():
        for other in others:
            _fold_user(conn, other, keep)
            conn.execute(sa.text("DELETE FROM users WHERE id = :id"), {"id": other})
        conn.execute(sa.text("UPDATE users SET name = :name WHERE id = :id"), {"name": label, "id": keep})


def _fold_user(conn: sa.Connection, source: int, target: int) -> None:
    """Move ``source``'s rows to ``target``; where both have one for a paper, keep both sides' work."""

    def run(sql: str, **values: object) -> sa.CursorResult[object]:
        return conn.execute(sa.text(sql), {"source": source, "target": target, **values})

    def theirs(table: str, columns: str) -> list[sa.Row[object]]:
        return list(run(f"SELECT paper_id, {columns} FROM {table} WHERE user_id = :source"))

    def mine(table: str, columns: str, paper: int) -> sa.Row[object] | None:
        found = run(f"SELECT {columns} FROM {table} WHERE user_id = :target AND paper_id = :p", p=paper)
        return found.first()

    def update(table: str, assignments: str, paper: int, **values: object) -> None:
        run(f"UPDATE {table} SET {assignments} WHERE user_id = :target AND paper_id = :p", p=paper, **values)

    def drop(table: str, whose: str, paper: int) -> None:
        run(f"DELETE FROM {table} WHERE user_id = :{whose} AND paper_id = :p", p=paper)

    def move(table: str, paper: int) -> None:
        run(f"UPDATE {table} SET user_id = :target WHERE user_id = :source AND paper_id = :p", p=paper)

    run("UPDATE highlights SET user_id = :target WHERE user_id = :source")
    for paper, text, updated in theirs("notes", "markdown, updated"):
        row = mine("notes", "markdown", paper)
        if row is None:
            move("notes", paper)
            continue
        if text.strip() and text.strip() not in row[0]:  # joined as an import joins two notes
            joined = f"{row[0].rstrip()}\n\n---\n\n{text.strip()}\n"
            update("notes", "markdown = :m, updated = max(updated, :u)", paper, m=joined, u=updated)
        drop("notes", "source", paper)
    for paper, state, changed, starred, starred_at in theirs(
        "paper_states", "state, state_changed, starred, starred_at"
    ):
        row = mine("paper_states", "state_changed", paper)
        if row is None:
            move("paper_states", paper)
            continue
        if changed is not None and (row[0] is None or changed > row[0]):  # the later triage wins
            update("paper_states", "state = :s, state_changed = :c", paper, s=state, c=changed)
        if starred:  # a star from either stays, with the earlier time
            earlier = "coalesce(min(starred_at, :at), starred_at, :at)"
            update("paper_states", f"starred = 1, starred_at = {earlier}", paper, at=starred_at)
        drop("paper_states", "source", paper)
    for paper, updated in theirs("reading_positions", "updated"):
        row = mine("reading_positions", "updated", paper)
        if row is not None and row[0] >= updated:  # the later position wins
            drop("reading_positions", "source", paper)
        else:
            drop("reading_positions", "target", paper)
            move("reading_positions", paper)

"""Who the user is, and whom a file's notes and highlights may be kept under.

On the library's own SQLite file a user is a label (the ``user`` setting, by default the login name),
trimmed and case-folded so `` ann `` and ``ANN`` are one reader; it is no security boundary. On a shared
PostgreSQL library the user is the database role the connection logged in as (``current_user``): the
server's row-level security (migration 0006) lets a role write only its own rows, so a ``user`` setting
naming anyone else is refused rather than believed, and a file's note by another reader is kept only
for a member role, and only by a role the server lets write others' rows.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, ColumnExpressionArgument, exists, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from readerapp.errors import LibraryError
from readerapp.records import Skipped
from readerapp.store.collections import public_ids
from readerapp.store.models import Highlight, Note, PaperState, ReadingPosition, User
from readerapp.store.names import normalize_user as normalize_user


def database_role(session: Session) -> str | None:
    """The role this connection logged in as on PostgreSQL; None on SQLite, which has no roles."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return str(session.scalar(text("SELECT current_user")))


def library_user(session: Session, claimed: str, fallback: str) -> str:
    """The name this library knows the user by: on a shared library the database role (a ``claimed``
    name that is another reader is refused), else the ``claimed`` label or the ``fallback`` one."""
    role = database_role(session)
    if role is None:
        return normalize_user(claimed.strip() or fallback)
    if claimed.strip() and normalize_user(claimed) != normalize_user(role):
        raise LibraryError(
            f"user {claimed.strip()!r} refused: on a shared library you are the database role you log in "
            f"as ({role!r}); to work as {claimed.strip()!r}, put that role in the database URL"
        )
    return role


def user_id_for(session: Session, name: str) -> int:
    """The id of the user called ``name`` (already resolved: a label or a role), created on first use."""
    found = session.scalar(select(User.id).where(User.name == name))
    if found is not None:
        return found
    try:
        with session.begin_nested():  # two processes may create the same new user at once
            user = User(name=name)
            session.add(user)
        return user.id
    except IntegrityError:
        return session.scalars(select(User.id).where(User.name == name)).one()


def others_work(paper_id: ColumnExpressionArgument[int], user_id: int) -> ColumnElement[bool]:
    """Whether another reader left anything on the paper (state or star, a note, a highlight, a reading
    position): deleting such a paper would take their work with it, so it is not this user's to delete
    (on a shared library the server refuses it too)."""
    return or_(
        *(
            exists().where(table.paper_id == paper_id, table.user_id != user_id)
            for table in (PaperState, Note, Highlight, ReadingPosition)
        )
    )


_MEMBERS = text(
    "SELECT rolname FROM pg_roles"
    " WHERE rolcanlogin AND has_database_privilege(oid, current_database(), 'CONNECT')"
)
_BYPASS = text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")


class Authors:
    """Resolves the authors a file names (other readers' notes and highlights) to user ids, once each.

    On SQLite every author is kept (labels, created on first use). On PostgreSQL an author must be a
    member of this library (a login role that may connect to its database), and this role must be the
    author or be allowed to write others' rows (a superuser or a BYPASSRLS role: an administrator
    restoring the lab's export); anything else is skipped with a ``Skipped`` line, and no user is made up.
    """

    def __init__(self, session: Session, me: int) -> None:
        self.session, self.me = session, me
        self.skipped: list[Skipped] = []
        self._role = database_role(session)
        self._verdicts: dict[str, tuple[bool, str]] = {}  # by normalised author: (kept, user name or why)
        self._members: dict[str, str] | None = None  # on PostgreSQL, read at the first other author
        self._may_write_others = False

    def id_for(self, author: str | None, paper_id: int, what: str) -> int | None:
        """The user id ``what`` (``"note"``, ``"highlight"``) by ``author`` is kept under, or None when
        it is skipped (and reported). No author means this user's own."""
        if author is None or not author.strip():
            return self.me
        key = normalize_user(author)
        if key not in self._verdicts:
            self._verdicts[key] = self._verdict(key)
        kept, name = self._verdicts[key]
        if not kept:
            (where,) = public_ids(self.session, [paper_id])
            self.skipped.append(Skipped(where, f"{what} by {author.strip()} skipped: {name}"))
            return None
        return user_id_for(self.session, name)  # not cached: a rolled-back savepoint may take a new user

    def _verdict(self, key: str) -> tuple[bool, str]:
        if self._role is None:
            return True, key
        if self._members is None:
            self._members = {normalize_user(name): name for name in self.session.scalars(_MEMBERS)}
            self._may_write_others = bool(self.session.scalar(_BYPASS))
        role = self._members.get(key)
        if role is None:
            return False, "not a member of this library"
        if role != self._role and not self._may_write_others:
            return False, f"only {role} writes {role}'s notes and highlights"
        return True, role

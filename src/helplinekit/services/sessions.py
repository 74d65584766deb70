"""Staff console sessions, kept in the database so any number of web processes share them.

A session token is 256 random bits, given to the browser once (in a ``__Host-`` cookie) and
stored only as its SHA-256. A session ends when the staff member signs out, after
``idle`` without a request, after ``lifetime`` whatever happens, or as soon as the account is
disabled. Signing in always starts a new session (the token is rotated), so a token planted
before sign-in is worth nothing after it.

A first sign-in (a password but no authenticator yet) gets a short *enrolling* session that
allows only confirming the new authenticator.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from attrs import frozen

from helplinekit.domain import DomainError
from helplinekit.i18n import N_
from helplinekit.security.policy import Actor
from helplinekit.services.audit_trail import audit, audit_now
from helplinekit.services.context import ServiceContext

__all__ = [
    "ACTIVE",
    "DEFAULT_IDLE",
    "DEFAULT_LIFETIME",
    "ENROLLING",
    "ENROLMENT_LIFETIME",
    "StaffSession",
    "end_session",
    "resume_session",
    "set_ui_language",
    "staff_names",
    "start_session",
]

ACTIVE = "active"
ENROLLING = "enrolling"
#: Signed out after this long without a request.
DEFAULT_IDLE = timedelta(minutes=30)
#: Signed out after this long, however busy (a shift).
DEFAULT_LIFETIME = timedelta(hours=12)
#: How long a first sign-in has to confirm the new authenticator.
ENROLMENT_LIFETIME = timedelta(minutes=15)
#: ``last_seen_at`` is written at most this often, so reading pages does not mean writing.
TOUCH_EVERY = timedelta(seconds=60)


@frozen
class StaffSession:
    """A live session: who, at which stage, and the console language they chose."""

    token_hash: str
    actor: Actor
    stage: str
    ui_language: str | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    ctx: ServiceContext,
    staff_id: uuid.UUID,
    *,
    stage: str = ACTIVE,
    replacing: str | None = None,
) -> str:
    """A new session for ``staff_id``; the one it replaces (``replacing``, a token) ends."""
    token = secrets.token_urlsafe(32)
    now = ctx.clock()
    with ctx.database.uow() as uow:
        if replacing:
            uow.staff_sessions.end(_hash(replacing))
        uow.staff_sessions.start(_hash(token), staff_id, stage, now)
        uow.commit()
    return token


def resume_session(
    ctx: ServiceContext,
    token: str | None,
    *,
    idle: timedelta = DEFAULT_IDLE,
    lifetime: timedelta = DEFAULT_LIFETIME,
) -> StaffSession | None:
    """The session for ``token``, or None when there is none or it has ended (it is removed)."""
    if not token or len(token) > 128:
        return None
    digest = _hash(token)
    now = ctx.clock()
    with ctx.database.uow(read_only=True) as uow:
        stored = uow.staff_sessions.find(digest)
        if stored is None:
            return None
        staff = uow.staff.get(stored.staff_id)
    stage, created_at, last_seen_at = stored.stage, stored.created_at, stored.last_seen_at
    limit = ENROLMENT_LIFETIME if stage == ENROLLING else lifetime
    if not staff.active or now - last_seen_at > idle or now - created_at > limit:
        with ctx.database.uow() as uow:
            uow.staff_sessions.end(digest)
            uow.commit()
        return None
    # Written often enough that the idle limit holds to within a sixtieth of itself (a
    # second for a one-minute limit), and never more than once a minute.
    if now - last_seen_at > min(TOUCH_EVERY, idle / 60):
        with ctx.database.uow() as uow:
            uow.staff_sessions.touch(digest, now)
            uow.commit()
    return StaffSession(digest, Actor(staff), stage, stored.ui_language)


def end_session(ctx: ServiceContext, session: StaffSession) -> None:
    """Sign out: the session is removed at once."""
    with ctx.database.uow() as uow:
        uow.staff_sessions.end(session.token_hash)
        audit(ctx, uow, session.actor, "logout", "staff", session.actor.id)
        uow.commit()


def set_ui_language(ctx: ServiceContext, actor: Actor, tag: str | None) -> None:
    """The language the console is shown in for this staff member (None: the helpline's)."""
    if actor.id is None:
        raise DomainError(N_("Only a staff member has a console language."))
    enabled = ctx.config.languages.enabled
    if tag is not None and tag not in enabled:
        raise DomainError.translatable(
            N_("The console is not available in %(language)s; choose one of %(choices)s."),
            language=repr(tag),
            choices=", ".join(enabled),
        )
    with ctx.database.uow() as uow:
        uow.staff.set_ui_language(actor.id, tag)
        uow.commit()
    audit_now(ctx, actor, "staff.ui_language", "staff", actor.id, language=tag)


def staff_names(ctx: ServiceContext) -> dict[uuid.UUID, str]:
    """Every staff member's display name, to show who did what (staff are not survivors)."""
    with ctx.database.uow(read_only=True) as uow:
        return uow.staff.display_names()

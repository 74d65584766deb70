"""Staff accounts: their records and roles, their credentials, and what ``config check``
says about them.

Accounts are created, roles changed and credentials (passwords, authenticators) set only
by the operator on the server (the system actor, from the CLI): an admin who could do so
could give themselves a role, or sign in as a colleague, and read cases. Admins (and the
operator) may change the rest of a record and disable or enable an account. Setting a
password, issuing or confirming an authenticator and disabling an account forget the
account's known devices. A supervisor holding a role that reads case content is refused
unless ``[policy] allow_role_pairs`` names the pair; :func:`check_staff` lists the accounts
made before that rule which still hold such a pair.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs
from attrs import field, frozen

from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import DomainError, Role, Specialist
from helplinekit.domain.errors import InvalidValue, NotFound
from helplinekit.security import passwords
from helplinekit.security.policy import AccessDenied, Action, Actor, pair_name
from helplinekit.services.actions import service_action
from helplinekit.services.audit_trail import audit, audit_now, audit_refusal, require_audited
from helplinekit.services.break_glass import reviewers
from helplinekit.services.context import ServiceContext

__all__ = [
    "FIRST_SIGN_IN_DAYS",
    "EnrolmentCodeRejected",
    "StaffFindings",
    "TotpEnrolment",
    "allow_first_sign_in",
    "begin_totp_enrolment",
    "change_roles",
    "check_staff",
    "confirm_totp_enrolment",
    "disable_staff",
    "enable_staff",
    "refuse_role_pairs",
    "save_staff",
    "set_password",
]

#: How long an account may wait for its first sign-in to set up an authenticator.
FIRST_SIGN_IN_DAYS = 7


class EnrolmentCodeRejected(InvalidValue):
    """The code given to confirm a new authenticator is not valid now."""


@frozen
class TotpEnrolment:
    """A new authenticator secret, to show once and then confirm with a code.

    Attributes:
        secret: the base-32 secret (for typing into an app by hand).
        uri: the ``otpauth://`` URI (for a QR code); issuer = the helpline's name.
        recovery_codes: ten single-use codes for when the phone is lost; only their hashes
            are stored.
    """

    secret: str = field(repr=False)
    uri: str = field(repr=False)
    recovery_codes: tuple[str, ...] = field(repr=False)


# -- records and roles ---------------------------------------------------------------------


@service_action(Action.STAFF_MANAGE)
def save_staff(ctx: ServiceContext, actor: Actor, specialist: Specialist) -> Specialist:
    """Create or update a staff record (roles, specialisms, languages, capacity).

    Accounts are created, and roles changed, only by the operator on the server (the system
    actor: ``helplinekit staff add`` and ``helplinekit staff roles``): an admin who could
    give an account a role could give themselves one, and read cases through it. Admins
    may change the rest of an existing record. A supervisor holding a role that reads case
    content is refused unless ``[policy] allow_role_pairs`` names the pair; an account that
    already holds such a pair keeps working while its roles stay as they are.
    """
    require_audited(ctx, actor, Action.STAFF_MANAGE)
    with ctx.database.uow() as uow:
        existing = uow.staff.by_email(specialist.email)
        if existing is not None and existing.id != specialist.id:
            raise DomainError(f"A staff member with the email {specialist.email!r} already exists.")
        if existing is None:
            try:
                existing = uow.staff.get(specialist.id)
            except LookupError:
                existing = None
        roles_change = existing is None or existing.roles != specialist.roles
        if roles_change and not actor.is_system:
            why = (
                "new staff accounts are added by the operator on the server "
                "('helplinekit staff add')"
                if existing is None
                else "roles change only with 'helplinekit staff roles' on the server"
            )
            audit_refusal(
                ctx,
                uow,
                actor,
                "staff",
                specialist.id,
                attempted="staff.roles" if existing is not None else "staff.add",
            )
            raise AccessDenied(Action.STAFF_MANAGE, actor, why)
        if roles_change:
            refuse_role_pairs(ctx, specialist.roles)
        uow.staff.save(specialist)
        audit(
            ctx,
            uow,
            actor,
            "staff.save",
            "staff",
            specialist.id,
            roles=[r.value for r in sorted(specialist.roles)],
            active=specialist.active,
        )
        uow.commit()
    return specialist


def refuse_role_pairs(ctx: ServiceContext, roles: Iterable[Role]) -> None:
    """Refuse roles that pair the supervisor with a role reading case content (unless allowed)."""
    refused = ctx.policy.refused_role_pairs(roles)
    if refused:
        name = pair_name(refused[0])
        raise DomainError(
            f"One account may not be both {' and '.join(name.split('+'))}: a supervisor "
            "assigns every case, so with a role that reads case content they could open any "
            "case. Use two accounts, or, if your helpline is too small for that, allow the "
            f'pair in helpline.toml: [policy] allow_role_pairs = ["{name}"].'
        )


@service_action(Action.STAFF_MANAGE)
def change_roles(
    ctx: ServiceContext,
    actor: Actor,
    email: str,
    *,
    add: Iterable[Role] = (),
    remove: Iterable[Role] = (),
) -> Specialist:
    """Give a staff member roles and take others away: the operator's job, on the server.

    No staff account may change roles, its own or anyone's (admins included). The account's
    sessions end, so the new roles apply from its next sign-in as well as at once.
    """
    if not actor.is_system:
        audit_now(ctx, actor, "access.denied", "staff", None, attempted="staff.roles")
        raise AccessDenied(
            Action.STAFF_MANAGE, actor, "roles change only with 'helplinekit staff roles'"
        )
    added, removed = frozenset(add), frozenset(remove)
    both = added & removed
    if both:
        raise DomainError(
            f"Role {sorted(both)[0].value!r} is both added and removed; name it once."
        )
    with ctx.database.uow() as uow:
        person = uow.staff.by_email(email.strip().lower())
        if person is None:
            raise NotFound(
                f"No staff member has the email {email!r}; 'helplinekit staff list' shows who does."
            )
        roles = (person.roles | added) - removed
        if not roles:
            raise DomainError(
                f"{person.email} would be left with no role; add one with --add, or disable "
                "the account with 'helplinekit staff disable'."
            )
        if roles == person.roles:
            return person
        refuse_role_pairs(ctx, roles)
        changed = attrs.evolve(person, roles=roles)
        uow.staff.save(changed)
        uow.staff.end_sessions(person.id)
        audit(
            ctx,
            uow,
            actor,
            "staff.roles",
            "staff",
            person.id,
            added=sorted(r.value for r in roles - person.roles),
            removed=sorted(r.value for r in person.roles - roles),
            roles=sorted(r.value for r in roles),
        )
        uow.commit()
    return changed


# -- credentials and activity --------------------------------------------------------------


def _require_manage(ctx: ServiceContext, actor: Actor) -> None:
    try:
        ctx.policy.require(actor, Action.STAFF_MANAGE)
    except AccessDenied:
        audit_now(ctx, actor, "access.denied", "staff", None, attempted=Action.STAFF_MANAGE.value)
        raise


def _require_operator(ctx: ServiceContext, actor: Actor) -> None:
    """Credentials are set by the operator on the server, never from a staff account.

    An admin who could reset a colleague's password or authenticator could sign in as that
    colleague and read their cases; the operator's CLI (``helplinekit staff set-password``,
    ``staff enrol-totp``, ``staff add --totp-at-first-sign-in``) is audited as the
    operator's system user instead. Chosen over a second admin's approval in the console:
    small helplines often have one admin, and the operator already holds the keys.
    """
    _require_manage(ctx, actor)
    if not actor.is_system:
        audit_now(ctx, actor, "access.denied", "staff", None, attempted="staff.credentials")
        raise AccessDenied(
            Action.STAFF_MANAGE,
            actor,
            "passwords and authenticators are reset by the operator on the server, with "
            "'helplinekit staff set-password' or 'helplinekit staff enrol-totp'",
        )


def _staff(uow: UnitOfWork, email: str) -> Specialist:
    staff = uow.staff.by_email(email)
    if staff is None:
        raise DomainError(
            f"No staff member has the email {email!r}; add them with 'helplinekit staff add'."
        )
    return staff


def set_password(ctx: ServiceContext, actor: Actor, email: str, password: str) -> None:
    """Set (or reset) a staff member's password.

    :raises PasswordRejected: shorter than 8 or longer than 1024 characters.
    """
    _require_operator(ctx, actor)
    password_hash = passwords.hash_password(password)
    with ctx.database.uow() as uow:
        staff = _staff(uow, email)
        uow.staff.set_password_hash(staff.id, password_hash)
        ended = uow.staff.end_sessions(staff.id)  # a new password signs everyone out
        forgotten = uow.staff.forget_devices(staff.id)  # and no browser is known any more
        audit(
            ctx,
            uow,
            actor,
            "staff.password_set",
            "staff",
            staff.id,
            sessions_ended=ended,
            devices_forgotten=forgotten,
        )
        uow.commit()


def begin_totp_enrolment(ctx: ServiceContext, actor: Actor, email: str) -> TotpEnrolment:
    """Issue a new authenticator secret and recovery codes (shown once, then confirmed).

    Any previous secret and recovery codes stop working at once; until the new secret is
    confirmed with :func:`confirm_totp_enrolment` the account cannot sign in.
    """
    _require_operator(ctx, actor)
    secret = passwords.new_totp_secret()
    codes = passwords.new_recovery_codes()
    with ctx.database.uow() as uow:
        staff = _staff(uow, email)
        hashes = [passwords.hash_recovery_code(staff.id, code) for code in codes]
        uow.staff.start_totp(staff.id, secret, hashes)  # also signs them out everywhere
        uow.staff.allow_first_sign_in(staff.id, None)  # an admin's secret is never replaced
        forgotten = uow.staff.forget_devices(staff.id)  # e.g. a lost phone: start afresh
        audit(
            ctx,
            uow,
            actor,
            "staff.totp_issue",
            "staff",
            staff.id,
            recovery_codes=len(codes),
            devices_forgotten=forgotten,
        )
        uow.commit()
    return TotpEnrolment(
        secret=secret,
        uri=passwords.totp_uri(secret, staff.email, ctx.config.helpline.name),
        recovery_codes=tuple(codes),
    )


def allow_first_sign_in(
    ctx: ServiceContext, actor: Actor, email: str, *, days: int = FIRST_SIGN_IN_DAYS
) -> datetime:
    """Let a staff member set up their authenticator at their first console sign-in.

    For ``days`` days, or until they do. Whoever has the password in that time could set up
    their own, so the password should be handed over in person. Returns the deadline.
    """
    _require_operator(ctx, actor)
    if not 1 <= days <= 30:
        raise DomainError(f"A first sign-in can be allowed for 1 to 30 days, not {days}.")
    until = ctx.clock() + timedelta(days=days)
    with ctx.database.uow() as uow:
        staff = _staff(uow, email)
        account = uow.staff.credentials_by_email(staff.email)
        if account is not None and account.totp_enrolled:
            raise DomainError(
                f"{staff.email!r} already has an authenticator; to replace it, run "
                f"'helplinekit staff enrol-totp {staff.email}'."
            )
        uow.staff.allow_first_sign_in(staff.id, until)
        audit(ctx, uow, actor, "staff.first_sign_in_allowed", "staff", staff.id, days=days)
        uow.commit()
    return until


def confirm_totp_enrolment(ctx: ServiceContext, actor: Actor, email: str, code: str) -> None:
    """Confirm a newly issued secret with the code the authenticator shows now.

    :raises EnrolmentCodeRejected: the code is not valid for the new secret now.
    """
    _require_operator(ctx, actor)
    now = ctx.clock()
    with ctx.database.uow() as uow:
        staff = _staff(uow, email)
        account = uow.staff.credentials_by_email(staff.email, for_update=True)
        secret = uow.staff.totp_secret(staff.id)
        if account is None or secret is None:
            raise DomainError(
                f"No authenticator secret was issued to {staff.email!r}; run "
                f"'helplinekit staff enrol-totp {staff.email}'."
            )
        if account.totp_enrolled:
            raise DomainError(
                f"{staff.email!r} has already confirmed their authenticator; to replace it, "
                f"run 'helplinekit staff enrol-totp {staff.email}'."
            )
        step = passwords.match_totp(secret, code, now, after_step=None)
        if step is None:
            raise EnrolmentCodeRejected(
                "That code is not valid for the new secret now. Enter the 6-digit code the app "
                "shows at this moment; if it still fails, check the phone's clock is right."
            )
        uow.staff.confirm_totp(staff.id, step, now)
        forgotten = uow.staff.forget_devices(staff.id)  # a new authenticator
        audit(ctx, uow, actor, "staff.totp_enrol", "staff", staff.id, devices_forgotten=forgotten)
        uow.commit()


def _set_active(ctx: ServiceContext, actor: Actor, email: str, active: bool) -> Specialist:
    _require_manage(ctx, actor)
    with ctx.database.uow() as uow:
        staff = _staff(uow, email)
        updated = uow.staff.set_active(staff.id, active)
        action = "staff.enable" if active else "staff.disable"
        extra = {} if active else {"devices_forgotten": uow.staff.forget_devices(staff.id)}
        audit(ctx, uow, actor, action, "staff", staff.id, was_active=staff.active, **extra)
        uow.commit()
    return updated


def disable_staff(ctx: ServiceContext, actor: Actor, email: str) -> Specialist:
    """Disable an account: it can no longer sign in, see cases or be given work."""
    return _set_active(ctx, actor, email, False)


def enable_staff(ctx: ServiceContext, actor: Actor, email: str) -> Specialist:
    """Enable a disabled account again."""
    return _set_active(ctx, actor, email, True)


# -- what config check says ----------------------------------------------------------------


@frozen
class StaffFindings:
    """Problems (must be fixed) and warnings (worth knowing) about the staff accounts."""

    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def check_staff(ctx: ServiceContext) -> StaffFindings:
    """Accounts holding a refused role pair, and whether grants have a second reviewer."""
    problems = []
    with ctx.database.uow(read_only=True) as uow:
        people = uow.staff.active()
    for person in people:
        for pair in ctx.policy.refused_role_pairs(person.roles):
            name = pair_name(pair)
            other = next(role for role in pair if role.value != "supervisor")
            problems.append(
                f"staff {person.email} is both {' and '.join(name.split('+'))}, which one "
                "account may not be (a supervisor assigns every case); take one role away "
                f"with 'helplinekit staff roles {person.email} --remove {other.value}' (or "
                "--remove supervisor), or allow the pair in helpline.toml: "
                f'[policy] allow_role_pairs = ["{name}"].'
            )
    warnings = []
    count = reviewers(ctx) if people else 2
    if count == 1:
        warnings.append(
            "only one active account can review break-the-glass grants, and nobody reviews "
            "their own: give a second person the supervisor role "
            "('helplinekit staff roles EMAIL --add supervisor')."
        )
    elif count == 0:
        warnings.append(
            "no active account can review break-the-glass grants: give two people the "
            "supervisor role ('helplinekit staff roles EMAIL --add supervisor')."
        )
    return StaffFindings(tuple(problems), tuple(warnings))

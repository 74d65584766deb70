"""Staff sign-in: a password and a one-time code, throttled and audited.

:func:`authenticate` turns an email, a password and a code (from an authenticator app, or a
recovery code) into an :class:`Actor`. Every way it can fail (no such account, wrong
password, wrong or already-used code, disabled account, 2FA not set up) raises the same
:class:`AuthenticationFailed` with the same message, after the same work: an unknown email is
checked against a dummy Argon2id hash, so the time taken does not tell who has an account.

Throttling is keyed by an HMAC of the normalised email, for known and unknown emails alike.
After :data:`FREE_FAILURES` consecutive failures each further attempt must wait
``min(2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS)`` seconds; an attempt during the
wait is refused without looking at the password (:class:`LoginThrottled`, which says how long
to wait). Nothing ever locks an account for good: the wait is capped, a success resets the
count, and failures are forgotten :data:`FAILURES_FORGOTTEN_AFTER` after the last one.

Setting a password and issuing or confirming a TOTP secret are the operator's (the system
actor's, from the CLI on the server); disabling or enabling an account needs
:attr:`Action.STAFF_MANAGE` (admins, and the operator).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from attrs import field, frozen

from helplinekit.db.repos.staff import Credentials
from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import DomainError, Specialist
from helplinekit.security import passwords
from helplinekit.security.policy import AccessDenied, Action, Actor
from helplinekit.services.audit_trail import audit, audit_now
from helplinekit.services.context import ServiceContext

__all__ = [
    "FAILURES_FORGOTTEN_AFTER",
    "FIRST_SIGN_IN_DAYS",
    "FREE_FAILURES",
    "MAX_WAIT_SECONDS",
    "AuthenticationFailed",
    "EnrolmentCodeRejected",
    "LoginThrottled",
    "TotpEnrolment",
    "allow_first_sign_in",
    "authenticate",
    "begin_first_sign_in",
    "begin_totp_enrolment",
    "confirm_first_sign_in",
    "confirm_totp_enrolment",
    "disable_staff",
    "enable_staff",
    "first_sign_in_secret",
    "set_password",
    "throttle_key",
    "wait_after",
]

#: Consecutive failures allowed before attempts must wait.
FREE_FAILURES = 5
#: The longest wait between attempts, in seconds (15 minutes): never a lockout.
MAX_WAIT_SECONDS = 900
#: Failures older than this are forgotten (the count starts again).
FAILURES_FORGOTTEN_AFTER = timedelta(days=1)

#: How long an account may wait for its first sign-in to set up an authenticator.
FIRST_SIGN_IN_DAYS = 7

#: The throttle key's HMAC domain (a new version gives new, unrelated keys).
_THROTTLE_PURPOSE = "login-throttle:v1"


class AuthenticationFailed(DomainError):
    """Signing in failed. The message never says which part was wrong."""

    MESSAGE = "Wrong email, password or code."

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


class LoginThrottled(AuthenticationFailed):
    """Too many failed attempts with this email: wait ``retry_after`` seconds.

    Raised alike for known and unknown emails, without checking the password.
    """

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        unit = "second" if retry_after == 1 else "seconds"
        super().__init__(
            f"Too many failed sign-ins with this email; wait {retry_after} {unit} and try again."
        )


class EnrolmentCodeRejected(DomainError):
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


def normalise_email(email: str) -> str:
    return email.strip().lower()


def throttle_key(ctx: ServiceContext, email: str) -> str:
    """The login-throttle key of an email: an HMAC under a key kept outside the database."""
    return ctx.database.message_ids.of(_THROTTLE_PURPOSE, normalise_email(email) or "-")


def wait_after(failures: int) -> int:
    """Seconds the next attempt must wait after ``failures`` consecutive failures."""
    if failures < FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS)


# -- signing in ----------------------------------------------------------------------------


def _audit_failure(
    ctx: ServiceContext, uow: UnitOfWork, key: str, reason: str, failures: int, wait: int
) -> None:
    # No actor: nobody is signed in. The object is the throttle key's prefix, never the email.
    uow.audit.append(
        at=ctx.clock(),
        actor_kind="anonymous",
        actor_id=None,
        os_user=ctx.os_user,
        action="login.failed",
        object_kind="login",
        object_id=key[:16],
        details={"reason": reason, "failures": failures, "wait_seconds": wait},
    )


def authenticate(ctx: ServiceContext, email: str, password: str, code: str) -> Actor:
    """Check a staff member's password and code; return them as an :class:`Actor`.

    ``code`` is the 6-digit code an authenticator app shows now (each code works once) or an
    unused recovery code (it is then used up).

    :raises LoginThrottled: attempts with this email must wait; nothing was checked.
    :raises AuthenticationFailed: anything else wrong; the message does not say what.
    """
    actor, _ = _attempt(
        ctx, email, lambda uow, account, now: _check(uow, account, password, code, now), password
    )
    return actor


def begin_first_sign_in(
    ctx: ServiceContext, email: str, password: str
) -> tuple[Actor, TotpEnrolment]:
    """A first sign-in: the password is right, no authenticator is confirmed, and an admin
    allowed this account to set one up at its first sign-in (:func:`allow_first_sign_in`).

    Issues a new authenticator secret and recovery codes (any unconfirmed secret an admin
    issued before stops working) and returns them with the staff member, who must confirm
    the secret with :func:`confirm_first_sign_in` before they can work. An account that has
    confirmed an authenticator fails here like any wrong sign-in: it needs its code.

    :raises LoginThrottled: attempts with this email must wait; nothing was checked.
    :raises AuthenticationFailed: the same message whatever was wrong.
    """

    def check(
        uow: UnitOfWork, account: Credentials | None, now: datetime
    ) -> tuple[str | None, str | None, int | None]:
        reason, _, _ = _check_password(account, password)
        if reason is None and account is not None:
            if account.totp_enrolled:
                reason = "second_factor_needed"
            elif account.first_sign_in_until is None or now >= account.first_sign_in_until:
                # Only an account an admin set up for it (staff add --totp-at-first-sign-in),
                # and only for a while: otherwise a password alone would be enough to put
                # one's own authenticator on an account waiting for a new one.
                reason = "no_first_sign_in"
        return reason, "first_sign_in", None

    actor, _ = _attempt(ctx, email, check, password)
    assert actor.staff is not None
    secret = passwords.new_totp_secret()
    codes = passwords.new_recovery_codes()
    with ctx.database.uow() as uow:
        hashes = [passwords.hash_recovery_code(actor.staff.id, code) for code in codes]
        uow.staff.start_totp(actor.staff.id, secret, hashes)
        audit(ctx, uow, actor, "staff.totp_issue", "staff", actor.staff.id, first_sign_in=True)
        uow.commit()
    enrolment = TotpEnrolment(
        secret=secret,
        uri=passwords.totp_uri(secret, actor.staff.email, ctx.config.helpline.name),
        recovery_codes=tuple(codes),
    )
    return actor, enrolment


def first_sign_in_secret(ctx: ServiceContext, actor: Actor) -> tuple[str, str]:
    """The key issued at this staff member's first sign-in, and its URI, to show again
    after a mistyped code (only while it waits to be confirmed)."""
    if actor.staff is None:
        raise DomainError("Only a staff member signs in.")
    with ctx.database.uow(read_only=True) as uow:
        account = uow.staff.credentials_by_email(actor.staff.email)
        secret = uow.staff.totp_secret(actor.staff.id)
    if account is None or secret is None or account.totp_enrolled:
        raise DomainError("This sign-in has no authenticator waiting; sign in again.")
    return secret, passwords.totp_uri(secret, actor.staff.email, ctx.config.helpline.name)


def confirm_first_sign_in(ctx: ServiceContext, actor: Actor, code: str) -> None:
    """Confirm the authenticator issued at a first sign-in with the code it shows now.

    :raises EnrolmentCodeRejected: the code is not valid for the new secret now.
    """
    if actor.staff is None:
        raise DomainError("Only a staff member signs in.")
    now = ctx.clock()
    with ctx.database.uow() as uow:
        account = uow.staff.credentials_by_email(actor.staff.email, for_update=True)
        secret = uow.staff.totp_secret(actor.staff.id)
        if account is None or secret is None or account.totp_enrolled or not account.active:
            raise DomainError("This sign-in has no authenticator waiting; sign in again.")
        step = passwords.match_totp(secret, code.strip(), now, after_step=None)
        if step is None:
            raise EnrolmentCodeRejected(
                "That code is not valid for the new secret now. Enter the 6-digit code the app "
                "shows at this moment; if it still fails, check the phone's clock is right."
            )
        uow.staff.confirm_totp(actor.staff.id, step, now)
        audit(ctx, uow, actor, "staff.totp_enrol", "staff", actor.staff.id)
        audit(ctx, uow, actor, "login.ok", "staff", actor.staff.id, method="totp_enrolment")
        uow.commit()


Checker = Callable[
    [UnitOfWork, "Credentials | None", datetime], tuple[str | None, str | None, int | None]
]


def _attempt(ctx: ServiceContext, email: str, check: Checker, password: str) -> tuple[Actor, str]:
    """One throttled, audited sign-in attempt; ``check`` says what is wrong, if anything."""
    passwords.dummy_hash()  # made once per process, before anything is timed
    now = ctx.clock()
    address = normalise_email(email)
    key = throttle_key(ctx, address)
    with ctx.database.uow() as uow:
        # The throttle row is locked until commit: attempts for one email take turns.
        throttle = uow.staff.lock_throttle(key, now)
        fresh = throttle.last_failure_at >= now - FAILURES_FORGOTTEN_AFTER
        failures = throttle.failures if fresh else 0
        if fresh and throttle.blocked_until is not None and now < throttle.blocked_until:
            wait = max(1, math.ceil((throttle.blocked_until - now).total_seconds()))
            _audit_failure(ctx, uow, key, "throttled", failures, wait)
            uow.commit()
            raise LoginThrottled(wait)

        # Text no email can hold (a NUL byte, say) is not looked up: PostgreSQL refuses it.
        printable = address.isprintable()
        account = uow.staff.credentials_by_email(address, for_update=True) if printable else None
        reason, method, left = check(uow, account, now)
        if reason is not None or account is None:
            # (account is None only ever comes with a reason; the check narrows the type.)
            failures += 1
            wait = wait_after(failures)
            blocked = now + timedelta(seconds=wait) if wait else None
            uow.staff.record_failure(key, failures, blocked, now)
            _audit_failure(ctx, uow, key, reason or "unknown_account", failures, wait)
            uow.commit()
            raise AuthenticationFailed()

        rehashed = False
        if account.password_hash is not None and passwords.needs_rehash(account.password_hash):
            uow.staff.set_password_hash(account.staff_id, passwords.rehash_password(password))
            rehashed = True
        uow.staff.clear_throttle(key)
        uow.staff.prune_throttles(now - FAILURES_FORGOTTEN_AFTER)
        actor = Actor(uow.staff.get(account.staff_id))
        if method != "first_sign_in":
            extra = {"recovery_codes_left": left} if left is not None else {}
            audit(
                ctx,
                uow,
                actor,
                "login.ok",
                "staff",
                account.staff_id,
                method=method,
                rehashed=rehashed,
                **extra,
            )
        uow.commit()
    return actor, method or ""


def _check_password(
    account: Credentials | None, password: str
) -> tuple[str | None, str | None, int | None]:
    """The first half of every sign-in: the account exists, has this password, is active."""
    if account is None:
        passwords.dummy_verify()
        return "unknown_account", None, None
    if account.password_hash is None:
        passwords.dummy_verify()
        return "no_password", None, None
    if not passwords.verify_password(account.password_hash, password):
        return "bad_password", None, None
    # The password was right: from here on timing no longer hides anything worth hiding.
    if not account.active:
        return "disabled", None, None
    return None, None, None


def _check(
    uow: UnitOfWork, account: Credentials | None, password: str, code: str, now: datetime
) -> tuple[str | None, str | None, int | None]:
    """``(failure reason, method, recovery codes left)``; the reason is None on success."""
    failed = _check_password(account, password)
    if failed[0] is not None or account is None:
        return failed
    if not account.totp_enrolled:
        return "no_second_factor", None, None
    secret = uow.staff.totp_secret(account.staff_id)
    if secret is None:
        return "no_second_factor", None, None
    step = passwords.match_totp(secret, code, now, after_step=account.totp_last_step)
    if step is not None:
        uow.staff.use_totp_step(account.staff_id, step)
        return None, "totp", None
    used = passwords.match_recovery_code(account.staff_id, code, list(account.recovery_codes))
    if used is not None:
        left = uow.staff.use_recovery_code(account.staff_id, used)
        return None, "recovery_code", left
    if passwords.match_totp(secret, code, now, after_step=None) is not None:
        return "replayed_code", None, None
    return "bad_code", None, None


# -- managing accounts ---------------------------------------------------------------------


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
        audit(ctx, uow, actor, "staff.password_set", "staff", staff.id, sessions_ended=ended)
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
        audit(ctx, uow, actor, "staff.totp_issue", "staff", staff.id, recovery_codes=len(codes))
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
        audit(ctx, uow, actor, "staff.totp_enrol", "staff", staff.id)
        uow.commit()


def _set_active(ctx: ServiceContext, actor: Actor, email: str, active: bool) -> Specialist:
    _require_manage(ctx, actor)
    with ctx.database.uow() as uow:
        staff = _staff(uow, email)
        updated = uow.staff.set_active(staff.id, active)
        action = "staff.enable" if active else "staff.disable"
        audit(ctx, uow, actor, action, "staff", staff.id, was_active=staff.active)
        uow.commit()
    return updated


def disable_staff(ctx: ServiceContext, actor: Actor, email: str) -> Specialist:
    """Disable an account: it can no longer sign in, see cases or be given work."""
    return _set_active(ctx, actor, email, False)


def enable_staff(ctx: ServiceContext, actor: Actor, email: str) -> Specialist:
    """Enable a disabled account again."""
    return _set_active(ctx, actor, email, True)

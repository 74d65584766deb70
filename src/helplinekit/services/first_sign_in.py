"""A first sign-in: a staff member sets up their own authenticator with their password.

Only for an account the operator allowed to (``helplinekit staff add
--totp-at-first-sign-in``, :func:`~helplinekit.services.staff.allow_first_sign_in`), and
only for a while; the attempt is throttled and audited like any sign-in.
"""

from __future__ import annotations

from datetime import datetime

from helplinekit.db.repos.staff import Credentials
from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import DomainError
from helplinekit.i18n import N_
from helplinekit.security import passwords
from helplinekit.security.policy import Actor
from helplinekit.services.audit_trail import audit
from helplinekit.services.context import ServiceContext
from helplinekit.services.sign_in import COMMAND_LINE, SignInClient, attempt_sign_in, check_password
from helplinekit.services.staff import EnrolmentCodeRejected, TotpEnrolment

__all__ = ["begin_first_sign_in", "confirm_first_sign_in", "first_sign_in_secret"]


def begin_first_sign_in(
    ctx: ServiceContext, email: str, password: str, client: SignInClient = COMMAND_LINE
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
        reason, _, _ = check_password(account, password)
        if reason is None and account is not None:
            if account.totp_enrolled:
                reason = "second_factor_needed"
            elif account.first_sign_in_until is None or now >= account.first_sign_in_until:
                # Only an account an admin set up for it (staff add --totp-at-first-sign-in),
                # and only for a while: otherwise a password alone would be enough to put
                # one's own authenticator on an account waiting for a new one.
                reason = "no_first_sign_in"
        return reason, "first_sign_in", None

    actor = attempt_sign_in(ctx, email, check, password, client).actor
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
        raise DomainError(N_("Only a staff member signs in."))
    with ctx.database.uow(read_only=True) as uow:
        account = uow.staff.credentials_by_email(actor.staff.email)
        secret = uow.staff.totp_secret(actor.staff.id)
    if account is None or secret is None or account.totp_enrolled:
        raise DomainError(N_("This sign-in has no authenticator waiting; sign in again."))
    return secret, passwords.totp_uri(secret, actor.staff.email, ctx.config.helpline.name)


def confirm_first_sign_in(ctx: ServiceContext, actor: Actor, code: str) -> None:
    """Confirm the authenticator issued at a first sign-in with the code it shows now.

    :raises EnrolmentCodeRejected: the code is not valid for the new secret now.
    """
    if actor.staff is None:
        raise DomainError(N_("Only a staff member signs in."))
    now = ctx.clock()
    with ctx.database.uow() as uow:
        account = uow.staff.credentials_by_email(actor.staff.email, for_update=True)
        secret = uow.staff.totp_secret(actor.staff.id)
        if account is None or secret is None or account.totp_enrolled or not account.active:
            raise DomainError(N_("This sign-in has no authenticator waiting; sign in again."))
        step = passwords.match_totp(secret, code.strip(), now, after_step=None)
        if step is None:
            raise EnrolmentCodeRejected(
                "That code is not valid for the new secret now. Enter the 6-digit code the app "
                "shows at this moment; if it still fails, check the phone's clock is right."
            )
        uow.staff.confirm_totp(actor.staff.id, step, now)
        forgotten = uow.staff.forget_devices(actor.staff.id)  # a new authenticator
        audit(
            ctx,
            uow,
            actor,
            "staff.totp_enrol",
            "staff",
            actor.staff.id,
            devices_forgotten=forgotten,
        )
        audit(ctx, uow, actor, "login.ok", "staff", actor.staff.id, method="totp_enrolment")
        uow.commit()

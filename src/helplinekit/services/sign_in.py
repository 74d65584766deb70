"""Staff sign-in: a password and a one-time code, throttled and audited.

:func:`authenticate` turns an email, a password and a code (from an authenticator app, or a
recovery code) into an :class:`Actor`; :func:`sign_in` does the same for a sign-in from a
network client (the console) and also says which device cookie to give the browser. Every
way it can fail (no such account, wrong password, wrong or already-used code, disabled
account, 2FA not set up) raises the same :class:`AuthenticationFailed` with the same
message, after the same work: an unknown email is checked against a dummy Argon2id hash, so
the time taken does not tell who has an account.

How attempts are throttled, and when an account counts as under attack, is
:mod:`helplinekit.services.sign_in_throttle`; a first sign-in that sets up the
authenticator is :mod:`helplinekit.services.first_sign_in`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from attrs import field, frozen

from helplinekit.db.repos.staff import Credentials
from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import DomainError
from helplinekit.security import passwords
from helplinekit.security.policy import Actor
from helplinekit.services.audit_trail import audit
from helplinekit.services.context import ServiceContext
from helplinekit.services.devices import (
    DEVICE_LIFETIME,
    describe_user_agent,
    known_device_for,
    new_device_cookie,
    token_hash,
)
from helplinekit.services.sign_in_throttle import (
    FAILURES_FORGOTTEN_AFTER,
    audit_failure,
    client_kind,
    gates_for,
    normalise_email,
    throttle_key,
    wait_after,
    watch_for_attack,
)

__all__ = [
    "COMMAND_LINE",
    "AuthenticationFailed",
    "LoginThrottled",
    "SignInClient",
    "SignedIn",
    "attempt_sign_in",
    "authenticate",
    "check_password",
    "sign_in",
]


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


@frozen
class SignInClient:
    """Where a sign-in attempt comes from.

    Attributes:
        address: the client's IP address (as the web server sees it); None for the command
            line on the server (and the Python API), a client of its own.
        device_cookie: the device cookie the browser sent, if any.
        user_agent: the browser's User-Agent; only a coarse description of it is kept, for
            a device remembered at this sign-in.
    """

    address: str | None = None
    device_cookie: str | None = field(default=None, repr=False)
    user_agent: str = field(default="", repr=False)


#: The command line on the server (no address, no cookie).
COMMAND_LINE = SignInClient()


@frozen
class SignedIn:
    """A successful sign-in.

    Attributes:
        actor: the staff member.
        device_cookie: the device cookie to give the browser (a both-factor sign-in from a
            network client), or None.
        known_device: whether the attempt came from a device already known for the account.
    """

    actor: Actor
    device_cookie: str | None = field(default=None, repr=False)
    known_device: bool = False


def authenticate(
    ctx: ServiceContext,
    email: str,
    password: str,
    code: str,
    client: SignInClient = COMMAND_LINE,
) -> Actor:
    """Check a staff member's password and code; return them as an :class:`Actor`.

    ``code`` is the 6-digit code an authenticator app shows now (each code works once) or an
    unused recovery code (it is then used up). ``client`` says where the attempt comes from
    (the command line unless told otherwise); see :func:`sign_in`.

    :raises LoginThrottled: attempts with this email must wait; nothing was checked.
    :raises AuthenticationFailed: anything else wrong; the message does not say what.
    """
    return sign_in(ctx, email, password, code, client).actor


def sign_in(
    ctx: ServiceContext,
    email: str,
    password: str,
    code: str,
    client: SignInClient = COMMAND_LINE,
) -> SignedIn:
    """:func:`authenticate` for a sign-in from ``client``, with the device cookie to give it.

    A sign-in from a network client (``client.address`` set) with the password and a code
    makes its browser a known device of the account: :attr:`SignedIn.device_cookie` is the
    value to store in the browser (the same device again, when it brought a known cookie).

    :raises LoginThrottled: attempts must wait ``retry_after`` seconds; nothing was checked.
    :raises AuthenticationFailed: anything else wrong; the message does not say what.
    """
    return attempt_sign_in(
        ctx,
        email,
        lambda uow, account, now: _check(uow, account, password, code, now),
        password,
        client,
    )


Checker = Callable[
    [UnitOfWork, "Credentials | None", datetime], tuple[str | None, str | None, int | None]
]


def attempt_sign_in(
    ctx: ServiceContext, email: str, check: Checker, password: str, client: SignInClient
) -> SignedIn:
    """One throttled, audited sign-in attempt; ``check`` says what is wrong, if anything."""
    passwords.dummy_hash()  # made once per process, before anything is timed
    now = ctx.clock()
    address = normalise_email(email)
    account_key = throttle_key(ctx, address)
    # Text no email can hold (a NUL byte, say) is not looked up: PostgreSQL refuses it.
    printable = address.isprintable()
    with ctx.database.uow() as uow:
        device = None
        if client.address is not None and client.device_cookie and printable:
            staff = uow.staff.by_email(address)
            if staff is not None:
                device = known_device_for(ctx, uow, client.device_cookie, staff.id, now)
        kind = client_kind(client, device)
        # Each throttle row is locked until commit: attempts under one key take turns. Locks
        # are taken in one order (by key) so two attempts never wait for each other's.
        gates = sorted(gates_for(ctx, address, client, device), key=lambda gate: gate.key)
        counts: list[int] = []
        wait = 0
        for gate in gates:
            throttle = uow.staff.lock_throttle(gate.key, now)
            fresh = throttle.last_failure_at >= now - FAILURES_FORGOTTEN_AFTER
            counts.append(throttle.failures if fresh else 0)
            if fresh and throttle.blocked_until is not None and now < throttle.blocked_until:
                remaining = math.ceil((throttle.blocked_until - now).total_seconds())
                wait = max(wait, remaining, 1)
        pair_failures = next(
            (n for gate, n in zip(gates, counts, strict=True) if gate.reset_on_success), 0
        )
        if wait:
            if kind == "unknown_device" and printable:
                # Attempts during a wait are guesses too: they count towards the alert.
                target = uow.staff.by_email(address)
                if target is not None:
                    watch_for_attack(ctx, uow, target.id, now)
            audit_failure(ctx, uow, account_key, "throttled", pair_failures, wait, kind)
            uow.commit()
            raise LoginThrottled(wait)

        account = uow.staff.credentials_by_email(address, for_update=True) if printable else None
        reason, method, left = check(uow, account, now)
        if reason is not None or account is None:
            # (account is None only ever comes with a reason; the check narrows the type.)
            longest = 0
            for gate, failures in zip(gates, counts, strict=True):
                gate_wait = wait_after(failures + 1, gate.free)
                blocked = now + timedelta(seconds=gate_wait) if gate_wait else None
                uow.staff.record_failure(gate.key, failures + 1, blocked, now)
                longest = max(longest, gate_wait)
            if account is not None and kind == "unknown_device":
                watch_for_attack(ctx, uow, account.staff_id, now)
            reason = reason or "unknown_account"
            audit_failure(ctx, uow, account_key, reason, pair_failures + 1, longest, kind)
            uow.commit()
            raise AuthenticationFailed()

        rehashed = False
        if account.password_hash is not None and passwords.needs_rehash(account.password_hash):
            uow.staff.set_password_hash(account.staff_id, passwords.rehash_password(password))
            rehashed = True
        for gate, failures in zip(gates, counts, strict=True):
            if gate.reset_on_success or failures == 0:
                uow.staff.clear_throttle(gate.key)
        uow.staff.prune_throttles(now - FAILURES_FORGOTTEN_AFTER)
        uow.staff.prune_alerts(now - FAILURES_FORGOTTEN_AFTER)
        actor = Actor(uow.staff.get(account.staff_id))
        cookie = None
        extra: dict[str, object] = {}
        if client.address is not None and method in ("totp", "recovery_code"):
            # Password and second factor, from a browser: it is (still) a known device.
            uow.staff.forget_devices(account.staff_id, unused_since=now - DEVICE_LIFETIME)
            if device is not None:
                uow.staff.touch_device(device.id, now)
                cookie = client.device_cookie
                extra["device"] = "known"
            else:
                token, cookie = new_device_cookie(ctx)
                description = describe_user_agent(client.user_agent)
                added = uow.staff.add_device(account.staff_id, token_hash(token), description, now)
                extra["device"] = "new"
                extra["device_id"] = str(added.id)
        if method != "first_sign_in":
            if left is not None:
                extra["recovery_codes_left"] = left
            audit(
                ctx,
                uow,
                actor,
                "login.ok",
                "staff",
                account.staff_id,
                method=method,
                rehashed=rehashed,
                client=kind,
                **extra,
            )
        uow.commit()
    return SignedIn(actor, cookie, known_device=device is not None)


def check_password(
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
    failed = check_password(account, password)
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

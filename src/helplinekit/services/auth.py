"""Staff sign-in: a password and a one-time code, throttled and audited.

:func:`authenticate` turns an email, a password and a code (from an authenticator app, or a
recovery code) into an :class:`Actor`; :func:`sign_in` does the same for a sign-in from a
network client (the console) and also says which device cookie to give the browser. Every
way it can fail (no such account, wrong password, wrong or already-used code, disabled
account, 2FA not set up) raises the same :class:`AuthenticationFailed` with the same
message, after the same work: an unknown email is checked against a dummy Argon2id hash, so
the time taken does not tell who has an account.

Throttling counts consecutive failures under keys that are HMACs (under a key kept outside
the database) of what they count, for known and unknown emails alike; after ``free``
failures under a key each further attempt must wait
``min(2 ** (failures - free), MAX_WAIT_SECONDS)`` seconds, and an attempt during the wait is
refused without looking at the password (:class:`LoginThrottled`, which says how long to
wait). Which keys an attempt counts under depends on where it comes from
(:class:`SignInClient`):

- a **known device** (a browser holding the device cookie of this account, see
  :mod:`helplinekit.services.devices`): that device alone, :data:`FREE_FAILURES` free. Guessing
  from anywhere else never touches this count, so correct credentials from a known device
  always get in;
- an **unknown device** on the network: the account and the client together
  (:data:`FREE_FAILURES` free), the account from any unknown device
  (:data:`ACCOUNT_FREE_FAILURES` free) and the client across all accounts
  (:data:`CLIENT_FREE_FAILURES` free). A client is its IP address, an IPv6 one by its /64;
  only HMACs of it are stored;
- the **command line** (no client given): a client of its own, the account and the command
  line together, :data:`FREE_FAILURES` free. Whoever runs it on the server holds the
  deployment's keys already; guessing on the web never slows it and it never slows the web.

Nothing ever locks an account for good: every wait is capped, a success resets the count of
the account-and-client (or device) key, and failures are forgotten
:data:`FAILURES_FORGOTTEN_AFTER` after the last one. :data:`ATTACK_THRESHOLD` failures to one
account from unknown devices within :data:`ATTACK_WINDOW` mark it as *under attack*: one
``signin.under_attack`` audit entry per window, and a notice for supervisors
(:func:`accounts_under_attack`).

Setting a password and issuing or confirming a TOTP secret are the operator's (the system
actor's, from the CLI on the server); disabling or enabling an account needs
:attr:`Action.STAFF_MANAGE` (admins, and the operator). Each of them except enabling forgets
the account's known devices.
"""

from __future__ import annotations

import ipaddress
import math
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from attrs import field, frozen

from helplinekit.db.repos.staff import Credentials
from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import DomainError, Specialist
from helplinekit.domain.errors import InvalidValue
from helplinekit.security import passwords
from helplinekit.security.policy import AccessDenied, Action, Actor
from helplinekit.services.audit_trail import audit, audit_now
from helplinekit.services.context import ServiceContext
from helplinekit.services.devices import (
    DEVICE_LIFETIME,
    KnownDevice,
    describe_user_agent,
    known_device_for,
    new_device_cookie,
    token_hash,
)

__all__ = [
    "ACCOUNT_FREE_FAILURES",
    "ATTACK_THRESHOLD",
    "ATTACK_WINDOW",
    "CLIENT_FREE_FAILURES",
    "COMMAND_LINE",
    "FAILURES_FORGOTTEN_AFTER",
    "FIRST_SIGN_IN_DAYS",
    "FREE_FAILURES",
    "MAX_WAIT_SECONDS",
    "AuthenticationFailed",
    "EnrolmentCodeRejected",
    "LoginThrottled",
    "SignInClient",
    "SignedIn",
    "TotpEnrolment",
    "UnderAttack",
    "accounts_under_attack",
    "allow_first_sign_in",
    "authenticate",
    "begin_first_sign_in",
    "begin_totp_enrolment",
    "client_network",
    "confirm_first_sign_in",
    "confirm_totp_enrolment",
    "disable_staff",
    "enable_staff",
    "first_sign_in_secret",
    "set_password",
    "sign_in",
    "throttle_key",
    "wait_after",
]

#: Consecutive failures allowed before attempts must wait (per account and client, per
#: known device, and per account on the command line).
FREE_FAILURES = 5
#: Failures to one account from all unknown devices together before their attempts wait.
ACCOUNT_FREE_FAILURES = 10
#: Failures from one client (to any accounts) before its attempts from unknown devices wait.
CLIENT_FREE_FAILURES = 20
#: Failures to one account from unknown devices within :data:`ATTACK_WINDOW` that mark it
#: as under a guessing attack.
ATTACK_THRESHOLD = 10
ATTACK_WINDOW = timedelta(hours=1)
#: The longest wait between attempts, in seconds (15 minutes): never a lockout.
MAX_WAIT_SECONDS = 900
#: Failures older than this are forgotten (the count starts again).
FAILURES_FORGOTTEN_AFTER = timedelta(days=1)

#: How long an account may wait for its first sign-in to set up an authenticator.
FIRST_SIGN_IN_DAYS = 7

#: The throttle keys' HMAC domains (a new version gives new, unrelated keys). The first is
#: the per-account key (unknown devices), as it always was.
_THROTTLE_PURPOSE = "login-throttle:v1"
_PAIR_PURPOSE = "login-throttle-pair:v1"
_CLIENT_PURPOSE = "login-throttle-client:v1"
_DEVICE_PURPOSE = "login-throttle-device:v1"
#: What the command line counts as, for the account-and-client key.
_COMMAND_LINE = "command-line"


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


@frozen
class UnderAttack:
    """An account with many failed sign-ins from unknown devices in the last hour.

    Attributes:
        staff_id: the account.
        display_name: its staff member's name (staff are not survivors).
        failures: failed sign-ins from unknown devices in the hour being counted.
        since: when that hour began.
        last_failure_at: the latest of them.
    """

    staff_id: uuid.UUID
    display_name: str
    failures: int
    since: datetime
    last_failure_at: datetime


@frozen
class _Gate:
    """One throttle key an attempt counts under, and how many failures it allows free."""

    key: str
    free: int
    reset_on_success: bool


def normalise_email(email: str) -> str:
    return email.strip().lower()


def throttle_key(ctx: ServiceContext, email: str) -> str:
    """The login-throttle key of an email: an HMAC under a key kept outside the database."""
    return ctx.database.message_ids.of(_THROTTLE_PURPOSE, normalise_email(email) or "-")


def wait_after(failures: int, free: int = FREE_FAILURES) -> int:
    """Seconds the next attempt must wait after ``failures`` consecutive failures."""
    if failures < free:
        return 0
    return min(2 ** min(failures - free, 20), MAX_WAIT_SECONDS)


def client_network(address: str) -> str:
    """The client a sign-in is counted against: an IPv4 address, an IPv6 address's /64.

    One household or office usually holds a whole /64, and can change addresses inside it
    at will, so a single IPv6 address would let one client count as billions.
    """
    text = address.strip()
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text.lower()[:128] or "-"  # not an IP address (a test client, a socket path)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def _gates(
    ctx: ServiceContext,
    address: str,
    client: SignInClient,
    device: KnownDevice | None,
) -> list[_Gate]:
    hasher = ctx.database.message_ids
    email = address or "-"
    if device is not None:
        return [_Gate(hasher.of(_DEVICE_PURPOSE, str(device.id)), FREE_FAILURES, True)]
    if client.address is None:
        return [_Gate(hasher.of(f"{_PAIR_PURPOSE}:{_COMMAND_LINE}", email), FREE_FAILURES, True)]
    network = hasher.of(_CLIENT_PURPOSE, client_network(client.address))
    return [
        _Gate(hasher.of(f"{_PAIR_PURPOSE}:{network}", email), FREE_FAILURES, True),
        # Not reset by a success: signing in to one's own account must not buy more guesses
        # at other accounts, nor a success of the real user more guesses at theirs.
        _Gate(throttle_key(ctx, email), ACCOUNT_FREE_FAILURES, False),
        _Gate(network, CLIENT_FREE_FAILURES, False),
    ]


# -- signing in ----------------------------------------------------------------------------


def _client_kind(client: SignInClient, device: KnownDevice | None) -> str:
    if client.address is None:
        return "command_line"
    return "known_device" if device is not None else "unknown_device"


def _audit_failure(
    ctx: ServiceContext,
    uow: UnitOfWork,
    key: str,
    reason: str,
    failures: int,
    wait: int,
    client: str = "command_line",
) -> None:
    # No actor: nobody is signed in. The object is the account's throttle key's prefix, never
    # the email; the client is only its kind, never its address.
    uow.audit.append(
        at=ctx.clock(),
        actor_kind="anonymous",
        actor_id=None,
        os_user=ctx.os_user,
        action="login.failed",
        object_kind="login",
        object_id=key[:16],
        details={"reason": reason, "failures": failures, "wait_seconds": wait, "client": client},
    )


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
    return _attempt(
        ctx,
        email,
        lambda uow, account, now: _check(uow, account, password, code, now),
        password,
        client,
    )


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

    actor = _attempt(ctx, email, check, password, client).actor
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


Checker = Callable[
    [UnitOfWork, "Credentials | None", datetime], tuple[str | None, str | None, int | None]
]


def _attempt(
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
        kind = _client_kind(client, device)
        # Each throttle row is locked until commit: attempts under one key take turns. Locks
        # are taken in one order (by key) so two attempts never wait for each other's.
        gates = sorted(_gates(ctx, address, client, device), key=lambda gate: gate.key)
        counts: list[int] = []
        wait = 0
        for gate in gates:
            throttle = uow.staff.lock_throttle(gate.key, now)
            fresh = throttle.last_failure_at >= now - FAILURES_FORGOTTEN_AFTER
            counts.append(throttle.failures if fresh else 0)
            if fresh and throttle.blocked_until is not None and now < throttle.blocked_until:
                left = math.ceil((throttle.blocked_until - now).total_seconds())
                wait = max(wait, left, 1)
        pair_failures = next(
            (n for gate, n in zip(gates, counts, strict=True) if gate.reset_on_success), 0
        )
        if wait:
            if kind == "unknown_device" and printable:
                # Attempts during a wait are guesses too: they count towards the alert.
                target = uow.staff.by_email(address)
                if target is not None:
                    _watch_for_attack(ctx, uow, target.id, now)
            _audit_failure(ctx, uow, account_key, "throttled", pair_failures, wait, kind)
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
                _watch_for_attack(ctx, uow, account.staff_id, now)
            reason = reason or "unknown_account"
            _audit_failure(ctx, uow, account_key, reason, pair_failures + 1, longest, kind)
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


def _watch_for_attack(
    ctx: ServiceContext, uow: UnitOfWork, staff_id: uuid.UUID, now: datetime
) -> None:
    """Count a failure from an unknown device; at the threshold, audit the attack once."""
    alert = uow.staff.count_unknown_device_failure(staff_id, now, ATTACK_WINDOW)
    already = alert.alerted_at is not None and alert.alerted_at >= alert.window_start
    if alert.failures >= ATTACK_THRESHOLD and not already:
        uow.staff.mark_alerted(staff_id, now)
        # Names the account by its id, never its email; no actor: nobody is signed in.
        uow.audit.append(
            at=now,
            actor_kind="anonymous",
            actor_id=None,
            os_user=ctx.os_user,
            action="signin.under_attack",
            object_kind="staff",
            object_id=str(staff_id),
            details={
                "failures": alert.failures,
                "window_minutes": int(ATTACK_WINDOW.total_seconds() // 60),
            },
        )


def accounts_under_attack(ctx: ServiceContext, actor: Actor) -> list[UnderAttack]:
    """Accounts under a guessing attack now: :data:`ATTACK_THRESHOLD` failed (or refused)
    sign-ins from unknown devices within an hour, the latest less than :data:`ATTACK_WINDOW`
    ago.

    For supervisors: whoever may review break-the-glass grants (the policy's security
    review); for anyone else the list is empty, so a page can always ask.
    """
    if not ctx.policy.allows(actor, Action.BREAK_GLASS_REVIEW):
        return []
    now = ctx.clock()
    with ctx.database.uow(read_only=True) as uow:
        alerts = uow.staff.alerts(since=now - ATTACK_WINDOW)
        return [
            UnderAttack(
                staff_id=alert.staff_id,
                display_name=uow.staff.get(alert.staff_id).display_name,
                failures=alert.failures,
                since=alert.window_start,
                last_failure_at=alert.last_failure_at,
            )
            for alert in alerts
        ]


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

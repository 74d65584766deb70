"""Sign-in throttling and attack alerts: failures counted under which keys, and the waits.

Throttling counts consecutive failures under keys that are HMACs (under a key kept outside
the database) of what they count, for known and unknown emails alike; after ``free``
failures under a key each further attempt must wait
``min(2 ** (failures - free), MAX_WAIT_SECONDS)`` seconds, and an attempt during the wait is
refused without looking at the password
(:class:`~helplinekit.services.sign_in.LoginThrottled`, which says how long to wait).
Which keys an attempt counts under depends on where it comes from
(:class:`~helplinekit.services.sign_in.SignInClient`):

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
"""

from __future__ import annotations

import ipaddress
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from attrs import frozen

from helplinekit.db.repos.staff import KnownDevice
from helplinekit.db.uow import UnitOfWork
from helplinekit.security.policy import Action, Actor
from helplinekit.services.context import ServiceContext

if TYPE_CHECKING:
    from helplinekit.services.sign_in import SignInClient

__all__ = [
    "ACCOUNT_FREE_FAILURES",
    "ATTACK_THRESHOLD",
    "ATTACK_WINDOW",
    "CLIENT_FREE_FAILURES",
    "FAILURES_FORGOTTEN_AFTER",
    "FREE_FAILURES",
    "MAX_WAIT_SECONDS",
    "Gate",
    "UnderAttack",
    "accounts_under_attack",
    "audit_failure",
    "client_kind",
    "client_network",
    "gates_for",
    "normalise_email",
    "throttle_key",
    "wait_after",
    "watch_for_attack",
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

#: The throttle keys' HMAC domains (a new version gives new, unrelated keys). The first is
#: the per-account key (unknown devices), as it always was.
_THROTTLE_PURPOSE = "login-throttle:v1"
_PAIR_PURPOSE = "login-throttle-pair:v1"
_CLIENT_PURPOSE = "login-throttle-client:v1"
_DEVICE_PURPOSE = "login-throttle-device:v1"
#: What the command line counts as, for the account-and-client key.
_COMMAND_LINE = "command-line"


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
class Gate:
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
    return min(1 << min(failures - free, 20), MAX_WAIT_SECONDS)


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


def gates_for(
    ctx: ServiceContext,
    address: str,
    client: SignInClient,
    device: KnownDevice | None,
) -> list[Gate]:
    """The throttle keys an attempt from ``client`` at the account ``address`` counts under."""
    hasher = ctx.database.message_ids
    email = address or "-"
    if device is not None:
        return [Gate(hasher.of(_DEVICE_PURPOSE, str(device.id)), FREE_FAILURES, True)]
    if client.address is None:
        return [Gate(hasher.of(f"{_PAIR_PURPOSE}:{_COMMAND_LINE}", email), FREE_FAILURES, True)]
    network = hasher.of(_CLIENT_PURPOSE, client_network(client.address))
    return [
        Gate(hasher.of(f"{_PAIR_PURPOSE}:{network}", email), FREE_FAILURES, True),
        # Not reset by a success: signing in to one's own account must not buy more guesses
        # at other accounts, nor a success of the real user more guesses at theirs.
        Gate(throttle_key(ctx, email), ACCOUNT_FREE_FAILURES, False),
        Gate(network, CLIENT_FREE_FAILURES, False),
    ]


def client_kind(client: SignInClient, device: KnownDevice | None) -> str:
    """Where an attempt comes from, as the audit log names it (never its address)."""
    if client.address is None:
        return "command_line"
    return "known_device" if device is not None else "unknown_device"


def audit_failure(
    ctx: ServiceContext,
    uow: UnitOfWork,
    key: str,
    reason: str,
    failures: int,
    wait: int,
    client: str = "command_line",
) -> None:
    """Append a ``login.failed`` entry inside the attempt's transaction."""
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


def watch_for_attack(
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

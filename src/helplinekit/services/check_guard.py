"""Guessing a "check my case" passphrase gets nowhere, and cannot lock the survivor out.

Three counters, each a :class:`~helplinekit.db.repos.rate_limits.RateCounter` under an HMAC (of the
case code's HMAC and the client's network), so no code and no address is stored:

- **Backoff per (code, client)**: the first wrong guesses from one client on one code cost
  nothing; from the third on, that client waits before the code is checked again, twice as
  long each time (30 seconds, 1 minute, 2 minutes, … at most an hour). A right passphrase
  ends it. A client is its IPv4 address or its IPv6 /64 (:func:`client_network`): one
  household, phone or server usually has a whole /64, so counting single IPv6 addresses
  would give it billions of fresh starts.
- **A daily cap per code**: after :data:`DAILY_WRONG_GUESSES` wrong guesses on one code from
  all clients together (in the day since the first of them), every client that has already
  guessed wrong twice on that code is refused without its passphrase being checked at all,
  for the rest of that day. A client that has not (the survivor on their own phone, a
  friend's, a library's) is still checked, and gets in with the right passphrase. The
  abuser cannot lock the survivor out by guessing wrong, because their wrong guesses count
  against their own clients; past the cap each further guess needs a client that has never
  guessed that code, which is what a strong passphrase (zxcvbn score 3: about 10^8 guesses
  or more) makes hopeless. See docs/web-form.md for the reasoning.
- **A burst alert**: :data:`ALERT_REFUSALS` refused checks of one code within
  :data:`ALERT_WINDOW` (wrong passphrases and refusals to wait alike) write one
  ``case_access.guessing`` audit entry naming the case (never the code), and supervisors see
  a notice in the console for a day (:func:`guessing_alerts`). Reaching the daily cap writes
  one too.

Known and unknown codes are counted the same way, so the answers never tell whether a code
exists. :func:`prune_rate_limits` deletes counters past their window (the worker runs it).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from attrs import frozen

from helplinekit.db.errors import DuplicateRow
from helplinekit.security.policy import Action, Actor
from helplinekit.services.audit_trail import audit, audit_now
from helplinekit.services.context import ServiceContext

RATE_LIMIT_PURPOSE = "rate-limit:v1"

#: Wrong guesses from one client on one code before it has to wait (typos are human).
WRONG_GUESSES_BEFORE_WAITING = 3
#: The first wait, doubled with each further wrong guess ...
FIRST_WAIT = timedelta(seconds=30)
#: ... up to this.
LONGEST_WAIT = timedelta(hours=1)
#: How long a client's wrong guesses on a code are remembered after the last one.
BACKOFF_MEMORY = timedelta(days=1)
#: Wrong guesses a day on one code, from all clients together, before guessers are refused.
DAILY_WRONG_GUESSES = 1000
#: The day the daily cap counts in, from the first wrong guess.
DAY = timedelta(days=1)
#: Past the cap, a client is still checked while it has fewer wrong guesses than this.
TRIES_PAST_THE_CAP = 2
#: Refused checks of one code within ALERT_WINDOW that raise the console alert.
ALERT_REFUSALS = 20
ALERT_WINDOW = timedelta(hours=1)
#: How long supervisors see an alert in the console.
ALERT_SHOWN_FOR = timedelta(days=1)
ALERT_ACTION = "case_access.guessing"


@frozen
class Refusal:
    """Why a check is refused before any passphrase is looked at.

    Attributes:
        wait: how long until this client may try this code again (backoff), or None.
        until: when the code may be checked again from this client (the cap), or None.
    """

    wait: timedelta | None = None
    until: datetime | None = None


@frozen
class GuessingAlert:
    """A burst of refused checks on one case, for supervisors.

    Attributes:
        reference: the case's staff reference (never its case code).
        at: when the alert was raised.
    """

    reference: str
    at: datetime


def client_network(address: str) -> str:
    """The client as rate limits count it: an IPv4 address, or an IPv6 address's /64.

    ``::ffff:192.0.2.1`` (IPv4 seen through IPv6) counts as ``192.0.2.1``. Text that is not
    an address (a test client's name, "unknown") is one client of its own.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def counter_key(ctx: ServiceContext, scope: str, *parts: str) -> str:
    """The HMAC a counter is stored under: never the client's address or the code itself."""
    key = ctx.web_keys.get(RATE_LIMIT_PURPOSE)
    if not key:
        raise RuntimeError(
            f"The helpline has no {RATE_LIMIT_PURPOSE!r} key; open it with Helpline.open."
        )
    message = "|".join((scope, *parts)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _retrying(write: Callable[[], None]) -> None:
    """Run ``write`` again when another request created the same counter row first."""
    for attempt in range(3):
        try:
            write()
            return
        except DuplicateRow:
            if attempt == 2:
                raise


def _keys(ctx: ServiceContext, code_hash: str, client: str) -> tuple[str, str, str]:
    network = client_network(client)
    return (
        counter_key(ctx, "check-backoff", code_hash, network),
        counter_key(ctx, "check-day", code_hash),
        counter_key(ctx, "check-burst", code_hash),
    )


def refusal(ctx: ServiceContext, code_hash: str, client: str) -> Refusal | None:
    """Whether ``client`` must be refused a check of the code, before any passphrase is read.

    A refusal is counted towards the burst alert. None: go ahead and check.
    """
    backoff_key, day_key, _ = _keys(ctx, code_hash, client)
    now = ctx.clock()
    with ctx.database.uow(read_only=True) as uow:
        backoff = uow.rate_limits.current(backoff_key, now)
        day = uow.rate_limits.current(day_key, now)
        found: Refusal | None = None
        if backoff is not None and backoff.wait_until is not None and backoff.wait_until > now:
            found = Refusal(wait=backoff.wait_until - now)
        elif (
            day is not None
            and day.count >= DAILY_WRONG_GUESSES
            and backoff is not None
            and backoff.count >= TRIES_PAST_THE_CAP
        ):
            found = Refusal(until=day.expires_at)
    if found is not None:
        _retrying(lambda: _count_refusal(ctx, code_hash, client, now, wrong_guess=False))
    return found


def wrong_guess(ctx: ServiceContext, code_hash: str, client: str) -> None:
    """Count a wrong passphrase (or an unknown code): backoff, daily cap and burst alert."""
    now = ctx.clock()
    _retrying(lambda: _count_refusal(ctx, code_hash, client, now, wrong_guess=True))


def right_guess(ctx: ServiceContext, code_hash: str, client: str) -> None:
    """The right passphrase: this client's backoff on the code is over."""
    backoff_key, _, _ = _keys(ctx, code_hash, client)
    with ctx.database.uow() as uow:
        uow.rate_limits.reset(backoff_key)
        uow.commit()


def _wait_after(wrong_guesses: int) -> timedelta | None:
    if wrong_guesses < WRONG_GUESSES_BEFORE_WAITING:
        return None
    doublings = min(wrong_guesses - WRONG_GUESSES_BEFORE_WAITING, 16)  # 2**16 > any cap
    return min(FIRST_WAIT * (1 << doublings), LONGEST_WAIT)


def _count_refusal(
    ctx: ServiceContext, code_hash: str, client: str, now: datetime, *, wrong_guess: bool
) -> None:
    backoff_key, day_key, burst_key = _keys(ctx, code_hash, client)
    with ctx.database.uow() as uow:
        reasons: list[str] = []
        if wrong_guess:
            backoff = uow.rate_limits.count(backoff_key, now, BACKOFF_MEMORY)
            wait = _wait_after(backoff.count)
            wait_until = None if wait is None else now + wait
            # Remembered a day after the last wrong guess, and at least until the wait ends.
            uow.rate_limits.hold_off(
                backoff_key,
                wait_until=wait_until,
                expires_at=max(now + BACKOFF_MEMORY, wait_until or now),
            )
            day = uow.rate_limits.count(day_key, now, DAY)
            if day.count == DAILY_WRONG_GUESSES:
                reasons.append("daily_limit")
        burst = uow.rate_limits.count(burst_key, now, ALERT_WINDOW)
        if burst.count == ALERT_REFUSALS:
            reasons.append("burst")
        if reasons:
            case_id = uow.survivor_access.case_id(code_hash)
            # An unknown code has no case to warn anyone about.
            if case_id is not None:
                for reason in reasons:
                    audit(
                        ctx,
                        uow,
                        None,
                        ALERT_ACTION,
                        "case",
                        case_id,
                        reason=reason,
                        refused=burst.count if reason == "burst" else DAILY_WRONG_GUESSES,
                        within_minutes=int(
                            (ALERT_WINDOW if reason == "burst" else DAY).total_seconds() // 60
                        ),
                    )
        uow.commit()


def guessing_alerts(ctx: ServiceContext, actor: Actor) -> list[GuessingAlert]:
    """Cases whose "check my case" page was guessed at in the last day, newest first.

    For supervisors (those who review break-the-glass grants); anyone else gets an empty
    list, since the notice is theirs to act on. Showing alerts is audited.
    """
    if actor.is_system or not ctx.policy.allows(actor, Action.BREAK_GLASS_REVIEW):
        return []
    since = ctx.clock() - ALERT_SHOWN_FOR
    with ctx.database.uow(read_only=True) as uow:
        latest: dict[str, datetime] = {}
        for object_id, at in uow.audit.recent_objects(ALERT_ACTION, since):
            if object_id is not None:
                latest.setdefault(object_id, at)
        references = uow.cases.references_not_erased([uuid.UUID(value) for value in latest])
    alerts = [
        GuessingAlert(references[uuid.UUID(object_id)], at)
        for object_id, at in latest.items()
        if uuid.UUID(object_id) in references  # an erased case's alert goes with it
    ]
    if alerts:
        audit_now(ctx, actor, "case_access.alerts_shown", None, None, result_count=len(alerts))
    return alerts


def prune_rate_limits(ctx: ServiceContext) -> int:
    """Delete counters past their window (housekeeping); returns how many."""
    with ctx.database.uow() as uow:
        pruned = uow.rate_limits.prune(ctx.clock())
        uow.commit()
    return pruned

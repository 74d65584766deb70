"""Case codes, "check my case" access and the per-client rate limit, kept in the database.

A case code is random (16 characters drawn uniformly from an alphabet of 26 without
look-alikes, shown in four groups of four: 16 x log2(26) = 75.2 bits) and separate from the
staff reference. Only its HMAC is
stored, keyed with ``derive_key(index_key, "case-code:v1")``, so the table can be searched
but names no code; the passphrase is kept as an Argon2id hash. Client addresses are never
stored either: rate limits are keyed by an HMAC of the client's network (its IPv4 address or
IPv6 /64, see :func:`~helplinekit.services.check_guard.client_network`).

"Check my case" is guarded against guessing by :mod:`helplinekit.services.check_guard`
(:func:`check_case`): a backoff per code and client, a daily cap per code that refuses the
clients that guessed without locking out the survivor, and a console alert.

The access row is stored in the same transaction as the survivor's message
(:func:`receive_with_access`, through the intake service): a message is never stored without
its code, nor a code without its message. The passphrase is hashed before that transaction
opens, so the slow Argon2id work never holds the write lock.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import uuid
from datetime import datetime, timedelta

from attrs import frozen
from zxcvbn import zxcvbn  # untyped; pyproject's [[tool.mypy.overrides]] lets it in

from helplinekit.contracts.channel import InboundRequest
from helplinekit.db.errors import DuplicateRow
from helplinekit.domain import Direction
from helplinekit.domain.errors import Conflict, InvalidValue
from helplinekit.domain.states import DeliveryState
from helplinekit.security.passwords import dummy_verify, normalise_password, verify_password
from helplinekit.services import check_guard
from helplinekit.services.check_guard import RATE_LIMIT_PURPOSE, client_network
from helplinekit.services.context import ServiceContext
from helplinekit.services.intake import ReceiveResult, SurvivorAccess, receive_request

#: No 0/O, 1/I/L, U, 8/B look-alikes: a code read aloud or copied by hand survives.
CODE_ALPHABET = "ACDEFGHJKMNPQRTVWXY2345679"
CODE_GROUPS = 4
CODE_GROUP_LENGTH = 4
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_LENGTH
CASE_CODE_PURPOSE = "case-code:v1"
#: Real entropy of a case code: 16 independent uniform draws from 26 characters.
CODE_ENTROPY_BITS = CODE_LENGTH * math.log2(len(CODE_ALPHABET))
#: The zxcvbn score a passphrase chosen on the form needs: 3 is "safely unguessable",
#: about 10^8 guesses or more, far beyond what the "check my case" guard lets through.
MIN_PASSPHRASE_SCORE = 3
#: zxcvbn's work grows with length; what lies past this many characters adds only strength.
_ZXCVBN_MAX_LENGTH = 72

__all__ = [
    "CASE_CODE_PURPOSE",
    "CODE_ALPHABET",
    "CODE_ENTROPY_BITS",
    "MIN_PASSPHRASE_SCORE",
    "RATE_LIMIT_PURPOSE",
    "CaseCheck",
    "MalformedCaseCode",
    "case_code_hash",
    "check_case",
    "client_network",
    "hit_rate_limit",
    "new_case_code",
    "normalise_case_code",
    "passphrase_is_weak",
    "receive_with_access",
    "sent_replies",
]


class MalformedCaseCode(InvalidValue):
    """The text typed is not shaped like a case code."""


def _key(ctx: ServiceContext, purpose: str) -> bytes:
    key = ctx.web_keys.get(purpose)
    if not key:
        raise RuntimeError(f"The helpline has no {purpose!r} key; open it with Helpline.open.")
    return key


def new_case_code() -> str:
    """A fresh random case code, ``XXXX-XXXX-XXXX-XXXX``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP_LENGTH] for i in range(0, CODE_LENGTH, 4))


def normalise_case_code(text: str) -> str:
    """The code without spaces or dashes, in capitals; MalformedCaseCode if it cannot be one."""
    compact = "".join(text.split()).replace("-", "").upper()
    if len(compact) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in compact):
        raise MalformedCaseCode("A case code is 16 letters and digits, in four groups of four.")
    return compact


def case_code_hash(ctx: ServiceContext, code: str) -> str:
    """The HMAC under which ``code`` is stored; MalformedCaseCode if it cannot be a code."""
    compact = normalise_case_code(code)
    return hmac.new(_key(ctx, CASE_CODE_PURPOSE), compact.encode(), hashlib.sha256).hexdigest()


class _CodeDraw:
    """Draws a new case code each time intake asks, and remembers which code each hash is."""

    def __init__(self, ctx: ServiceContext, passphrase_hash: str, first: str | None) -> None:
        self._ctx = ctx
        self._passphrase_hash = passphrase_hash
        self._codes: dict[str, str] = {}
        self._first = first

    def __call__(self) -> SurvivorAccess:
        code, self._first = self._first or new_case_code(), None
        digest = case_code_hash(self._ctx, code)
        self._codes[digest] = code
        return SurvivorAccess(code_hash=digest, passphrase_hash=self._passphrase_hash)

    def code_for(self, access: SurvivorAccess) -> str:
        return self._codes[access.code_hash]


def receive_with_access(
    ctx: ServiceContext,
    channel: str,
    request: InboundRequest,
    passphrase_hash: str,
    *,
    code: str | None = None,
) -> tuple[ReceiveResult, str | None]:
    """Store the form's message and the survivor's access in one transaction.

    ``passphrase_hash`` is the Argon2id hash, made before calling (never inside the
    transaction). Returns the intake result and the new case code, or None when nothing
    was stored (the same form sent twice). Raises what
    :func:`~helplinekit.services.intake.receive_request` raises; on any error nothing is
    stored, neither message nor code. ``code`` is the case code to try first (the one the
    passphrase was checked against, see :func:`passphrase_is_weak`); if it clashes with a
    stored one, fresh codes are drawn.
    """
    draw = _CodeDraw(ctx, passphrase_hash, code)
    try:
        result = receive_request(ctx, channel, request, access=draw)
    except DuplicateRow as error:
        # A clash on a unique row that survived every retry: the transaction rolled back.
        raise Conflict(
            "The message could not be saved because of a clash with another one sent at the "
            "same moment; nothing was stored. Send it again."
        ) from error
    for item in result.results:
        if item.stored and item.access is not None:
            return result, draw.code_for(item.access)
    return result, None


def passphrase_is_weak(passphrase: str, *, helpline_name: str, case_code: str) -> bool:
    """Whether ``passphrase`` scores under :data:`MIN_PASSPHRASE_SCORE` with zxcvbn.

    The helpline's name and the case code count as known words (a passphrase made of them
    is guessed first by anyone who knows where it is used).
    """
    text = normalise_password(passphrase)[:_ZXCVBN_MAX_LENGTH]
    inputs = [helpline_name, *helpline_name.split(), case_code, case_code.replace("-", "")]
    return int(zxcvbn(text, user_inputs=inputs)["score"]) < MIN_PASSPHRASE_SCORE


@frozen
class CaseCheck:
    """The answer to a "check my case" request.

    Attributes:
        replies: the replies sent to the case, or None when refused.
        wait: when the client must wait before trying this code again (backoff), or None.
        closed_until: when refused for the rest of the day (the daily cap), until when.
    """

    replies: list[str] | None
    wait: timedelta | None = None
    closed_until: datetime | None = None


def check_case(ctx: ServiceContext, code: str, passphrase: str, client: str) -> CaseCheck:
    """Check ``code`` and ``passphrase`` from ``client`` (its address) behind the guard.

    A client that must wait, or that has guessed this code wrong past its daily cap, is
    refused before the passphrase is looked at (no Argon2 work, nothing learnt); otherwise
    the passphrase is verified and a wrong one counted. Raises MalformedCaseCode for text
    that cannot be a case code.
    """
    digest = case_code_hash(ctx, code)
    refused = check_guard.refusal(ctx, digest, client)
    if refused is not None:
        return CaseCheck(None, wait=refused.wait, closed_until=refused.until)
    replies = _read_replies(ctx, digest, passphrase)
    if replies is None:
        check_guard.wrong_guess(ctx, digest, client)
    else:
        check_guard.right_guess(ctx, digest, client)
    return CaseCheck(replies)


def sent_replies(ctx: ServiceContext, code: str, passphrase: str) -> list[str] | None:
    """The bodies of the replies sent to the case, or None when code and passphrase do not match.

    An unknown code costs the same Argon2id verification as a wrong passphrase. This is the
    check without the guard: the public page uses :func:`check_case`.
    Raises MalformedCaseCode for text that cannot be a case code.
    """
    return _read_replies(ctx, case_code_hash(ctx, code), passphrase)


def _read_replies(ctx: ServiceContext, digest: str, passphrase: str) -> list[str] | None:
    with ctx.database.uow(read_only=True) as uow:
        access = uow.survivor_access.find(digest)
        if access is None:
            dummy_verify()
            return None
        case_id = access.case_id
        if not verify_password(access.passphrase_hash, passphrase):
            _audit_check(ctx, case_id, "case.check_refused")
            return None
        replies = [
            message.body
            for message, status in uow.messages.for_case(case_id)
            if message.direction is Direction.OUTBOUND and status == DeliveryState.SENT
        ]
    # Every read is audited, the survivor's own too (as "survivor": no person is named).
    _audit_check(ctx, case_id, "case.check", reply_count=len(replies))
    return replies


def _audit_check(ctx: ServiceContext, case_id: uuid.UUID, action: str, **details: object) -> None:
    with ctx.database.uow() as uow:
        uow.audit.append(
            at=ctx.clock(),
            actor_kind="survivor",
            actor_id=None,
            os_user=None,
            action=action,
            object_kind="case",
            object_id=str(case_id),
            details=details,
        )
        uow.commit()


def hit_rate_limit(
    ctx: ServiceContext, scope: str, client: str, *, limit: int, window: timedelta
) -> bool:
    """Count one request from ``client`` in ``scope``; True when it is over the limit.

    ``client`` is an address: it is counted by its network (an IPv4 address, an IPv6 /64),
    so one machine cannot start afresh from each of the addresses its /64 gives it.
    """
    message = f"{scope}|{client_network(client)}".encode()
    key = hmac.new(_key(ctx, RATE_LIMIT_PURPOSE), message, hashlib.sha256).hexdigest()
    for attempt in range(3):
        now = ctx.clock()
        try:
            with ctx.database.uow() as uow:
                count = uow.rate_limits.count(key, now, window).count
                uow.commit()
        except DuplicateRow:  # another request created the counter first: count again
            if attempt == 2:
                raise
            continue
        return count > limit
    raise AssertionError("unreachable")

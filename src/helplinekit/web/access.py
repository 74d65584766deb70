"""Case codes, "check my case" access and the per-client rate limit, kept in the database.

A case code is random (16 characters from an alphabet without look-alikes, shown in four
groups of four: about 78 bits) and separate from the staff reference. Only its HMAC is
stored, keyed with ``derive_key(index_key, "case-code:v1")``, so the table can be searched
but names no code; the passphrase is kept as an Argon2id hash. Client addresses are never
stored either: the rate limit is keyed by an HMAC of the address.

The access row is stored in the same transaction as the survivor's message
(:func:`receive_with_access`, through the intake service): a message is never stored without
its code, nor a code without its message. The passphrase is hashed before that transaction
opens, so the slow Argon2id work never holds the write lock.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from helplinekit.contracts.channel import InboundRequest
from helplinekit.db.models import CaseAccessRow, RateLimitRow
from helplinekit.domain import Direction
from helplinekit.security.passwords import dummy_verify, verify_password
from helplinekit.services.context import ServiceContext
from helplinekit.services.intake import ReceiveResult, SurvivorAccess, receive_request

#: No 0/O, 1/I/L, U, 8/B look-alikes: a code read aloud or copied by hand survives.
CODE_ALPHABET = "ACDEFGHJKMNPQRTVWXY2345679"
CODE_GROUPS = 4
CODE_GROUP_LENGTH = 4
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_LENGTH
CASE_CODE_PURPOSE = "case-code:v1"
RATE_LIMIT_PURPOSE = "rate-limit:v1"


class MalformedCaseCode(ValueError):
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

    def __init__(self, ctx: ServiceContext, passphrase_hash: str) -> None:
        self._ctx = ctx
        self._passphrase_hash = passphrase_hash
        self._codes: dict[str, str] = {}

    def __call__(self) -> SurvivorAccess:
        code = new_case_code()
        digest = case_code_hash(self._ctx, code)
        self._codes[digest] = code
        return SurvivorAccess(code_hash=digest, passphrase_hash=self._passphrase_hash)

    def code_for(self, access: SurvivorAccess) -> str:
        return self._codes[access.code_hash]


def receive_with_access(
    ctx: ServiceContext, channel: str, request: InboundRequest, passphrase_hash: str
) -> tuple[ReceiveResult, str | None]:
    """Store the form's message and the survivor's access in one transaction.

    ``passphrase_hash`` is the Argon2id hash, made before calling (never inside the
    transaction). Returns the intake result and the new case code, or None when nothing
    was stored (the same form sent twice). Raises what
    :func:`~helplinekit.services.intake.receive_request` raises; on any error nothing is
    stored, neither message nor code.
    """
    draw = _CodeDraw(ctx, passphrase_hash)
    result = receive_request(ctx, channel, request, access=draw)
    for item in result.results:
        if item.stored and item.access is not None:
            return result, draw.code_for(item.access)
    return result, None


def sent_replies(ctx: ServiceContext, code: str, passphrase: str) -> list[str] | None:
    """The bodies of the replies sent to the case, or None when code and passphrase do not match.

    An unknown code costs the same Argon2id verification as a wrong passphrase.
    Raises MalformedCaseCode for text that cannot be a case code.
    """
    digest = case_code_hash(ctx, code)
    with ctx.database.uow(read_only=True) as uow:
        row = uow.session.scalars(
            select(CaseAccessRow).where(CaseAccessRow.code_hash == digest)
        ).first()
        if row is None:
            dummy_verify()
            return None
        case_id = row.case_id
        if not verify_password(row.passphrase_hash, passphrase):
            _audit_check(ctx, case_id, "case.check_refused")
            return None
        replies = [
            message.body
            for message, status in uow.messages.for_case(case_id)
            if message.direction is Direction.OUTBOUND and status == "sent"
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
    """Count one request from ``client`` in ``scope``; True when it is over the limit."""
    message = f"{scope}|{client}".encode()
    key = hmac.new(_key(ctx, RATE_LIMIT_PURPOSE), message, hashlib.sha256).hexdigest()
    for attempt in range(3):
        now = ctx.clock()
        try:
            with ctx.database.uow() as uow:
                row = uow.session.scalars(
                    select(RateLimitRow).where(RateLimitRow.key == key).with_for_update()
                ).first()
                if row is None:
                    uow.session.add(RateLimitRow(key=key, window_start=now, count=1))
                    count = 1
                elif row.window_start + window <= now:
                    row.window_start, row.count = now, 1
                    count = 1
                else:
                    row.count += 1
                    count = row.count
                uow.commit()
        except IntegrityError:  # another request created the row first: count again
            if attempt == 2:
                raise
            continue
        return count > limit
    raise AssertionError("unreachable")

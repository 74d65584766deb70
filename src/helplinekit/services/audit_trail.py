"""Writing the audit trail from services: one entry per operation, never per row.

Writes are audited in the same transaction as the change, so an operation and its entry
commit together. Reads are audited in their own short transaction before the data is
returned: if the entry cannot be written, nothing is shown.

:func:`audit_key_status` says, at start-up and before a verify, whether the log is keyed
and whether this deployment's audit key is the one it was keyed with.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from attrs import frozen

from helplinekit.db.uow import UnitOfWork
from helplinekit.security.policy import Actor
from helplinekit.services.context import ServiceContext

if TYPE_CHECKING:
    from helplinekit.db.uow import Database

#: The log has entries from before the key, and keying it did not finish.
NOT_KEYED_YET = (
    "The audit log is not keyed yet although the key provider holds an audit key, so it is "
    "still only hash-chained. If you added the key just now, run 'helplinekit keys "
    "add-audit-key --resume' to key it; if not, run 'helplinekit audit verify' first."
)


@frozen
class AuditKeyStatus:
    """Whether the audit log is keyed, and whether this deployment's key opens it.

    Attributes:
        has_key: the key provider holds an audit key.
        keyed_from: where the head row says the keyed chain starts (None: not keyed).
        entries: how many entries the log has.
        key_opens_log: the first keyed entry verifies with the key (None if not keyed).
    """

    has_key: bool
    keyed_from: int | None
    entries: int
    key_opens_log: bool | None

    @property
    def warning(self) -> str | None:
        """One sentence for the operator, or None when all is as it should be."""
        from helplinekit.security.audit import NO_AUDIT_KEY

        if not self.has_key:
            return NO_AUDIT_KEY
        if self.keyed_from is None:
            return NOT_KEYED_YET if self.entries else None
        if not self.key_opens_log:
            return (
                f"The audit key does not open the audit log: entry {self.keyed_from}, where "
                "keying starts, does not verify with it. Either this is not the key file the "
                "log was keyed with (restore that one), or the entry was altered: run "
                "'helplinekit audit verify'."
            )
        return None


def audit_key_status(database: Database) -> AuditKeyStatus:
    """Check the audit key against the stored log; reads two rows, writes nothing.

    :raises KeyUnavailable: the log is keyed but the key provider holds no audit key, so
        nothing more could be written to it (a lost key, like a lost key-encryption key).
    """
    from helplinekit.contracts.keys import KeyUnavailable
    from helplinekit.security.audit import chain_mac

    key = database.audit_key.get()
    with database.uow(read_only=True) as uow:
        keyed_from = uow.audit.keyed_from()
        entries, _ = uow.audit.head()
        if keyed_from is None:
            return AuditKeyStatus(key is not None, None, entries, None)
        if key is None:
            key = database.audit_key.refresh()
        if key is None:
            raise KeyUnavailable(
                f"the audit log is keyed from entry {keyed_from}, but the key provider holds "
                "no audit key. Restore the key file that holds it (or set "
                "HELPLINEKIT_AUDIT_KEY to it)."
            )
        first = uow.audit.entry(keyed_from)
    try:
        opens = first is not None and chain_mac(key, first.prev_hash, first) == first.hash
    except (TypeError, ValueError, AttributeError):
        opens = False  # a field altered to the wrong shape
    return AuditKeyStatus(True, keyed_from, entries, opens)


def _object_id(value: uuid.UUID | str | None) -> str | None:
    return None if value is None else str(value)


def audit(
    ctx: ServiceContext,
    uow: UnitOfWork,
    actor: Actor | None,
    action: str,
    object_kind: str | None = None,
    object_id: uuid.UUID | str | None = None,
    **details: Any,
) -> None:
    """Append an audit entry inside ``uow`` (it commits with the operation)."""
    uow.audit.append(
        at=ctx.clock(),
        actor_kind="system" if actor is None or actor.is_system else "staff",
        actor_id=None if actor is None else actor.id,
        os_user=ctx.os_user,
        action=action,
        object_kind=object_kind,
        object_id=_object_id(object_id),
        details=details,
    )


def audit_now(
    ctx: ServiceContext,
    actor: Actor | None,
    action: str,
    object_kind: str | None = None,
    object_id: uuid.UUID | str | None = None,
    **details: Any,
) -> None:
    """Append and commit an audit entry on its own (for reads and refusals)."""
    with ctx.database.uow() as uow:
        audit(ctx, uow, actor, action, object_kind, object_id, **details)
        uow.commit()


def audit_refusal(
    ctx: ServiceContext,
    uow: UnitOfWork,
    actor: Actor | None,
    object_kind: str | None,
    object_id: uuid.UUID | str | None,
    **details: Any,
) -> None:
    """Record a refusal inside a write transaction, then commit only that entry.

    The transaction holds SQLite's write lock, so the entry goes into it, after dropping
    whatever the refused operation had begun (probing leaves a trace, and nothing else).
    """
    uow.rollback()
    audit(ctx, uow, actor, "access.denied", object_kind, object_id, **details)
    uow.commit()


def require_audited(ctx: ServiceContext, actor: Actor, action: Any) -> None:
    """Check an action that concerns no particular case; audit a refusal, then raise it."""
    from helplinekit.security.policy import AccessDenied

    try:
        ctx.policy.require(actor, action)
    except AccessDenied:
        audit_now(ctx, actor, "access.denied", None, None, attempted=action.value)
        raise

"""Writing the audit trail from services: one entry per operation, never per row.

Writes are audited in the same transaction as the change, so an operation and its entry
commit together. Reads are audited in their own short transaction before the data is
returned: if the entry cannot be written, nothing is shown.
"""

from __future__ import annotations

import uuid
from typing import Any

from helplinekit.db.uow import UnitOfWork
from helplinekit.security.policy import Actor
from helplinekit.services.context import ServiceContext


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


def require_audited(ctx: ServiceContext, actor: Actor, action: Any) -> None:
    """Check an action that concerns no particular case; audit a refusal, then raise it."""
    from helplinekit.security.policy import AccessDenied

    try:
        ctx.policy.require(actor, action)
    except AccessDenied:
        audit_now(ctx, actor, "access.denied", None, None, attempted=action.value)
        raise

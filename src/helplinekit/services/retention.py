"""Retention: closed cases are crypto-shredded when their retention period ends.

``[retention]`` in ``helpline.toml`` sets the periods per data class:

* ``closed_case_days`` — how long a closed case is kept after it was closed (default 365);
* ``backup_days`` — how long backups are kept (default 30). Erasure reaches backups only
  when they expire, so this is part of the erasure promise.

Cases on legal hold are never shredded; open, resolved and recently closed cases are kept.
"""

from __future__ import annotations

from datetime import timedelta

from attrs import frozen

from helplinekit.domain.errors import ConfigurationError
from helplinekit.security.policy import Actor
from helplinekit.services.audit_trail import audit
from helplinekit.services.context import ServiceContext
from helplinekit.services.erasure import erase_due_case, truncate_wal


class RetentionConfigError(ConfigurationError, ValueError):
    """``[retention]`` names an unknown setting or a bad value.

    Kept for code that catches it: ``[retention]`` is now checked when ``helpline.toml`` is
    loaded (a :class:`~helplinekit.config.ConfigError` there, so ``config check`` refuses it).
    """


@frozen
class RetentionReport:
    shredded: tuple[str, ...]
    callers_erased: int
    kept_on_hold: int


def run_retention(ctx: ServiceContext, actor: Actor | None = None) -> RetentionReport:
    """Shred every closed case whose retention has ended and that is not on legal hold."""
    rules = ctx.config.retention
    now = ctx.clock()
    cutoff = now - timedelta(days=rules.closed_case_days)
    actor = actor or Actor.system()
    with ctx.database.uow() as uow:
        shredded, callers, held = [], 0, 0
        for case in uow.erasure.closed_before(cutoff):
            if case.legal_hold:
                held += 1
                continue
            callers += erase_due_case(ctx, uow, case.id)
            shredded.append(case.reference)
        audit(
            ctx,
            uow,
            actor,
            "retention.run",
            None,
            None,
            shredded=len(shredded),
            callers_erased=callers,
            kept_on_hold=held,
            closed_case_days=rules.closed_case_days,
        )
        uow.commit()
    # Always: it also finishes an earlier erasure whose WAL truncation could not complete.
    truncate_wal(ctx)
    return RetentionReport(tuple(shredded), callers, held)

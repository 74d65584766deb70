"""Retention: closed cases are crypto-shredded when their retention period ends.

``[retention]`` in ``helpline.toml`` sets the periods per data class:

* ``closed_case_days`` — how long a closed case is kept after it was closed (default 365);
* ``backup_days`` — how long backups are kept (default 30). Erasure reaches backups only
  when they expire, so this is part of the erasure promise.

Cases on legal hold are never shredded; open, resolved and recently closed cases are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from attrs import frozen

from helplinekit.domain.errors import ConfigurationError
from helplinekit.security.policy import Actor
from helplinekit.services.audit_trail import audit
from helplinekit.services.context import ServiceContext
from helplinekit.services.erasure import erase_due_case, truncate_wal

DEFAULTS = {"closed_case_days": 365, "backup_days": 30}


class RetentionConfigError(ConfigurationError, ValueError):
    """``[retention]`` names an unknown setting or a bad value."""


@frozen
class RetentionRules:
    closed_case_days: int = DEFAULTS["closed_case_days"]
    backup_days: int = DEFAULTS["backup_days"]

    @classmethod
    def from_config(cls, table: Mapping[str, Any] | None) -> RetentionRules:
        table = dict(table or {})
        unknown = sorted(set(table) - set(DEFAULTS))
        if unknown:
            raise RetentionConfigError(
                f"[retention] has an unknown setting {unknown[0]!r}; known settings: "
                f"{', '.join(sorted(DEFAULTS))}."
            )
        values = {}
        for key, default in DEFAULTS.items():
            value = table.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RetentionConfigError(
                    f"[retention] {key} must be a whole number of days, at least 1; got {value!r}."
                )
            values[key] = value
        return cls(**values)


@frozen
class RetentionReport:
    shredded: tuple[str, ...]
    callers_erased: int
    kept_on_hold: int


def run_retention(ctx: ServiceContext, actor: Actor | None = None) -> RetentionReport:
    """Shred every closed case whose retention has ended and that is not on legal hold."""
    rules = RetentionRules.from_config(ctx.config.extra.get("retention"))
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

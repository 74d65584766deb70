"""Erasure: crypto-shredding a case, or everything about a survivor.

Erasing a case destroys its wrapped data key (so every ciphertext under it is unreadable
forever) and deletes its messages, notes, contacts, tasks, referrals, outbox entries,
emergency grants and jobs. The case row stays as a tombstone (status ``erased``,
categories and dates only) so yearly statistics keep their counts. A survivor's erasure
request does the same for all their cases and then destroys their caller key, deletes their
blind-index rows and clears their statistics fields: they can no longer be found.

On SQLite the deleted pages are zeroed (``secure_delete``) and the write-ahead log is then
checkpointed and truncated, retried until it completes; if it never does, erasure fails
loudly rather than leave erased data in the WAL. Backups keep the wrapped keys until they
expire: erasure is complete in the live database at once, and everywhere once the backup
retention has passed.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime

from attrs import frozen

from helplinekit.db.engine import checkpoint_wal
from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import CaseOnLegalHold, CaseStatus, DomainError
from helplinekit.domain.errors import NotFound
from helplinekit.security.policy import Action, Actor
from helplinekit.services.actions import service_action
from helplinekit.services.audit_trail import audit, require_audited
from helplinekit.services.context import ServiceContext

#: How long to keep retrying the SQLite WAL checkpoint before failing loudly.
CHECKPOINT_TIMEOUT_SECONDS = 30.0


class ErasureIncomplete(DomainError):
    """The data is erased in the database, but SQLite's WAL could not be truncated."""


@frozen
class ErasureReport:
    """What an erasure removed."""

    cases: tuple[str, ...]
    caller_erased: bool


def _shred_case(uow: UnitOfWork, case_id: uuid.UUID, now: datetime) -> str:
    case = uow.erasure.case(case_id)
    if case is None:
        raise NotFound("There is no such case; it may have been erased already.")
    if case.status == CaseStatus.ERASED:
        return case.reference
    if case.legal_hold:
        raise CaseOnLegalHold(
            f"Case {case.reference} is on legal hold and cannot be erased; release the hold first."
        )
    uow.erasure.shred_case(case_id, now)
    return case.reference


def _case_id(uow: UnitOfWork, case_ref: uuid.UUID | str) -> uuid.UUID:
    if isinstance(case_ref, uuid.UUID):
        return case_ref
    found = uow.erasure.case_id(case_ref.strip().upper())
    if found is None:
        raise NotFound(f"There is no case {case_ref!r}; check the reference.")
    return found


def _caller_of(uow: UnitOfWork, case_id: uuid.UUID) -> uuid.UUID:
    case = uow.erasure.case(case_id)
    if case is None:
        raise NotFound("There is no such case; it may have been erased already.")
    return case.caller_id


@service_action(Action.CASE_ERASE)
def erase_case(ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str) -> ErasureReport:
    """Erase one case now (crypto-shred), unless it is on legal hold."""
    require_audited(ctx, actor, Action.CASE_ERASE)
    now = ctx.clock()
    with ctx.database.uow() as uow:
        case_id = _case_id(uow, case_ref)
        reference = _shred_case(uow, case_id, now)
        audit(ctx, uow, actor, "case.erase", "case", case_id)
        uow.commit()
    truncate_wal(ctx)
    return ErasureReport(cases=(reference,), caller_erased=False)


@service_action(Action.CASE_ERASE)
def erase_caller(ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str) -> ErasureReport:
    """A survivor's erasure request: every case of the caller behind this case, and them."""
    require_audited(ctx, actor, Action.CASE_ERASE)
    now = ctx.clock()
    with ctx.database.uow() as uow:
        case_id = _case_id(uow, case_ref)
        caller_id = _caller_of(uow, case_id)
        cases = uow.erasure.cases_of_caller(caller_id)
        held = [case.reference for case in cases if case.legal_hold]
        if held:
            raise CaseOnLegalHold(
                f"Case(s) {', '.join(held)} of this survivor are on legal hold; nothing was "
                "erased. Release the hold, or erase the other cases one by one."
            )
        references = tuple(_shred_case(uow, case.id, now) for case in cases)
        uow.erasure.shred_caller(caller_id)
        audit(ctx, uow, actor, "caller.erase", "caller", caller_id, case_count=len(references))
        uow.commit()
    truncate_wal(ctx)
    return ErasureReport(cases=references, caller_erased=True)


def erase_due_case(ctx: ServiceContext, uow: UnitOfWork, case_id: uuid.UUID) -> bool:
    """Shred one case in ``uow`` for the retention run; also the caller once nothing is left.

    Returns True when the caller was erased too.
    """
    caller_id = _caller_of(uow, case_id)
    _shred_case(uow, case_id, ctx.clock())
    if not uow.erasure.caller_has_cases_left(caller_id):
        uow.erasure.shred_caller(caller_id)
        return True
    return False


def truncate_wal(ctx: ServiceContext, *, timeout: float = CHECKPOINT_TIMEOUT_SECONDS) -> None:
    """On SQLite, move the WAL into the database and truncate it to 0 bytes.

    A checkpoint cannot complete while another connection reads an older snapshot; it is
    retried until it does. Erased data must not linger in the WAL, so giving up is an error.
    """
    if ctx.database.dialect != "sqlite":
        return
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        if checkpoint_wal(ctx.database.engine):
            return
        if time.monotonic() >= deadline:
            raise ErasureIncomplete(
                "The erasure is committed, but SQLite's write-ahead log could not be truncated "
                "because another process keeps reading the database. Stop the server and "
                "workers, then run 'helplinekit retention run' again to finish."
            )
        time.sleep(delay)
        delay = min(delay * 2, 1.0)

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
from sqlalchemy import delete, select, update

from helplinekit.db.models import (
    BreakGlassRow,
    CallerIndexRow,
    CallerRow,
    CaseAccessRow,
    CaseRow,
    ContactRow,
    JobRow,
    MessageRow,
    NoteRow,
    OutboxRow,
    ReferralRow,
    TaskRow,
)
from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import CaseOnLegalHold, CaseStatus, DomainError
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
    row = uow.session.get(CaseRow, case_id)
    if row is None:
        raise DomainError(f"There is no case {case_id}.")
    if row.status == CaseStatus.ERASED:
        return row.reference
    if row.legal_hold:
        raise CaseOnLegalHold(
            f"Case {row.reference} is on legal hold and cannot be erased; release the hold first."
        )
    # CaseAccessRow: the survivor's case code and passphrase hash ("check my case").
    for table in (
        OutboxRow,
        MessageRow,
        NoteRow,
        TaskRow,
        ReferralRow,
        BreakGlassRow,
        JobRow,
        CaseAccessRow,
    ):
        uow.session.execute(delete(table).where(table.case_id == case_id))
    uow.session.execute(delete(ContactRow).where(ContactRow.case_id == case_id))
    uow.keys.destroy(case_id)
    row.status = CaseStatus.ERASED
    row.attributes = b""
    row.closed_at = row.closed_at or now
    row.updated_at = now
    return row.reference


def _shred_caller(uow: UnitOfWork, caller_id: uuid.UUID) -> None:
    uow.session.execute(delete(CallerIndexRow).where(CallerIndexRow.caller_id == caller_id))
    uow.session.execute(delete(ContactRow).where(ContactRow.caller_id == caller_id))
    uow.keys.destroy(caller_id)
    uow.session.execute(
        update(CallerRow)
        .where(CallerRow.id == caller_id)
        .values(
            contact_points=b"",
            display_name=None,
            safe_contact_methods=b"",
            consent_note=None,
            gender=None,
            age_band=None,
            region=None,
        )
    )


def _case_id(uow: UnitOfWork, case_ref: uuid.UUID | str) -> uuid.UUID:
    if isinstance(case_ref, uuid.UUID):
        return case_ref
    found = uow.session.scalar(
        select(CaseRow.id).where(CaseRow.reference == case_ref.strip().upper())
    )
    if found is None:
        raise DomainError(f"There is no case {case_ref!r}; check the reference.")
    return found


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
        caller_id = uow.session.scalar(select(CaseRow.caller_id).where(CaseRow.id == case_id))
        case_ids = uow.session.scalars(
            select(CaseRow.id).where(CaseRow.caller_id == caller_id).order_by(CaseRow.opened_at)
        ).all()
        held = uow.session.scalars(
            select(CaseRow.reference).where(CaseRow.caller_id == caller_id, CaseRow.legal_hold)
        ).all()
        if held:
            raise CaseOnLegalHold(
                f"Case(s) {', '.join(held)} of this survivor are on legal hold; nothing was "
                "erased. Release the hold, or erase the other cases one by one."
            )
        references = tuple(_shred_case(uow, cid, now) for cid in case_ids)
        _shred_caller(uow, caller_id)
        audit(ctx, uow, actor, "caller.erase", "caller", caller_id, case_count=len(references))
        uow.commit()
    truncate_wal(ctx)
    return ErasureReport(cases=references, caller_erased=True)


def erase_due_case(ctx: ServiceContext, uow: UnitOfWork, case_id: uuid.UUID) -> bool:
    """Shred one case in ``uow`` for the retention run; also the caller once nothing is left.

    Returns True when the caller was erased too.
    """
    caller_id = uow.session.scalar(select(CaseRow.caller_id).where(CaseRow.id == case_id))
    _shred_case(uow, case_id, ctx.clock())
    remaining = uow.session.scalar(
        select(CaseRow.id).where(
            CaseRow.caller_id == caller_id, CaseRow.status != CaseStatus.ERASED
        )
    )
    if remaining is None:
        _shred_caller(uow, caller_id)
        return True
    return False


def truncate_wal(ctx: ServiceContext, *, timeout: float = CHECKPOINT_TIMEOUT_SECONDS) -> None:
    """On SQLite, move the WAL into the database and truncate it to 0 bytes.

    A checkpoint cannot complete while another connection reads an older snapshot; it is
    retried until it does. Erased data must not linger in the WAL, so giving up is an error.
    """
    engine = ctx.database.engine
    if engine.dialect.name != "sqlite":
        return
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        with engine.connect() as connection:
            # Outside helplinekit's BEGIN IMMEDIATE: a checkpoint cannot run in a transaction.
            raw = connection.connection.driver_connection
            busy, _log_frames, _moved = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy == 0:
            return
        if time.monotonic() >= deadline:
            raise ErasureIncomplete(
                "The erasure is committed, but SQLite's write-ahead log could not be truncated "
                "because another process keeps reading the database. Stop the server and "
                "workers, then run 'helplinekit retention run' again to finish."
            )
        time.sleep(delay)
        delay = min(delay * 2, 1.0)

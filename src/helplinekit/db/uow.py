"""The unit of work: one transaction, its repositories, and what happens after commit.

It rolls back unless :meth:`UnitOfWork.commit` is called. Callbacks registered with
:meth:`UnitOfWork.after_commit` (lifecycle hooks) run only once the commit succeeded, so a
plugin never hears about a change that was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from helplinekit.db.engine import READ_ONLY, make_engine
from helplinekit.db.keys import DataKeys
from helplinekit.db.repos import (
    CallerRepository,
    CaseRepository,
    ContactRepository,
    ErasureRepository,
    GrantRepository,
    JobRepository,
    MessageRepository,
    NoteRepository,
    OutboxRepository,
    RateLimitRepository,
    ReferralRepository,
    StaffRepository,
    StaffSessionRepository,
    SurvivorAccessRepository,
    TaskRepository,
)
from helplinekit.db.repos.audit import AuditRepository

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from helplinekit.security.audit import AuditKeySource
    from helplinekit.security.blind_index import BlindIndex, MessageIdHasher
    from helplinekit.security.crypto import FieldCipher, KeyWrapper

log = logging.getLogger(__name__)


class Database:
    """One helpline's database with the crypto it needs; hands out units of work."""

    def __init__(
        self,
        url: str,
        *,
        wrapper: KeyWrapper,
        cipher: FieldCipher,
        index: BlindIndex,
        message_ids: MessageIdHasher,
        engine: Engine | None = None,
        audit_key: AuditKeySource | None = None,
    ) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        self.read_engine = self.engine.execution_options(**{READ_ONLY: True})
        self.wrapper = wrapper
        self.cipher = cipher
        self.index = index
        self.message_ids = message_ids
        # The audit key comes from the key provider, never from the database; without
        # one the audit log is only hash-chained.
        from helplinekit.security.audit import AuditKeySource

        self.audit_key = audit_key or AuditKeySource()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self, read_only=read_only)

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """A transaction and the repositories working in it."""

    callers: CallerRepository
    cases: CaseRepository
    contacts: ContactRepository
    messages: MessageRepository
    notes: NoteRepository
    tasks: TaskRepository
    referrals: ReferralRepository
    staff: StaffRepository
    jobs: JobRepository
    outbox: OutboxRepository
    audit: AuditRepository
    staff_sessions: StaffSessionRepository
    grants: GrantRepository
    survivor_access: SurvivorAccessRepository
    rate_limits: RateLimitRepository
    erasure: ErasureRepository

    def __init__(self, database: Database, *, read_only: bool = False) -> None:
        self.database = database
        self.read_only = read_only
        self._after_commit: list[Callable[[], None]] = []

    def __enter__(self) -> UnitOfWork:
        db = self.database
        bind = db.read_engine if self.read_only else db.engine
        self.session = Session(bind=bind, expire_on_commit=False, autoflush=True)
        self.keys = DataKeys(self.session, db.wrapper, db.cipher)
        parts = (self.session, self.keys, db.index, db.message_ids)
        self.callers = CallerRepository(*parts)
        self.cases = CaseRepository(*parts)
        self.contacts = ContactRepository(*parts)
        self.messages = MessageRepository(*parts)
        self.notes = NoteRepository(*parts)
        self.tasks = TaskRepository(*parts)
        self.referrals = ReferralRepository(*parts)
        self.staff = StaffRepository(*parts)
        self.jobs = JobRepository(*parts)
        self.outbox = OutboxRepository(*parts)
        self.audit = AuditRepository(*parts, audit_key=db.audit_key)
        self.staff_sessions = StaffSessionRepository(*parts)
        self.grants = GrantRepository(*parts)
        self.survivor_access = SurvivorAccessRepository(*parts)
        self.rate_limits = RateLimitRepository(*parts)
        self.erasure = ErasureRepository(*parts)
        return self

    def read_one_snapshot(self) -> None:
        """Read everything in this unit of work from one snapshot of the database.

        PostgreSQL's default READ COMMITTED sees each statement's own snapshot; this asks
        for REPEATABLE READ. A SQLite read transaction is one snapshot already. Call it
        before the first read.
        """
        if self.database.dialect == "postgresql":
            self.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once this unit of work has committed (never if it rolls back)."""
        self._after_commit.append(callback)

    def commit(self) -> None:
        self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            try:
                callback()
            except Exception as error:  # a plugin's listener must not undo a commit
                # Only the type: the message could quote survivor data.
                log.warning("after-commit listener failed: %s", type(error).__name__)

    def rollback(self) -> None:
        self._after_commit = []
        self.session.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Whatever was not committed is rolled back (a no-op right after a commit).
        self.rollback()
        self.session.close()

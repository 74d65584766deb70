"""One case in one transaction: load it, check the policy, change it, save, audit, commit.

Every service that changes a case runs the same skeleton, written once here as
:func:`case_change`::

    @service_action(Action.CASE_CLOSE)
    def close_case(ctx, actor, case_ref):
        with case_change(ctx, actor, case_ref) as change:
            change.after = change.case.transition(CaseStatus.CLOSED, at=ctx.clock())
            change.audit("case.close", previous=change.case.status.value)
        return change.after

It opens a unit of work, loads and locks the case (without decrypting its attributes),
checks the policy for the action the ``service_action`` decorator declares (a refusal is
audited), yields, and then saves the changed case (lifecycle hooks wait for the commit),
appends the audit entries in the order they were given and commits. An exception in the
body rolls everything back. :func:`case_reading` is the same for services that only read a
case: a read-only unit of work, and the read audited in its own transaction afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeAlias

from attrs import define, field

from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import Case, NoteSection
from helplinekit.domain.errors import NotFound
from helplinekit.domain.references import CASE_REFERENCE_RE
from helplinekit.i18n import N_
from helplinekit.security.policy import AccessDenied, Action, Actor
from helplinekit.services.actions import current_action
from helplinekit.services.audit_trail import audit, audit_now, audit_refusal
from helplinekit.services.context import ServiceContext

__all__ = [
    "CaseChange",
    "CaseReading",
    "CaseRef",
    "NotFound",
    "case_change",
    "case_of_referral",
    "case_of_task",
    "case_reading",
    "load_case",
    "may_read_content",
    "readable_sections",
    "require",
    "save_case",
]

#: A case id, or a reference such as ``HL-2026-000123``.
CaseRef: TypeAlias = uuid.UUID | str
#: Finds the case that owns something (a task, a referral) inside the unit of work.
CaseLookup: TypeAlias = Callable[[UnitOfWork], uuid.UUID]


def load_case(uow: UnitOfWork, case_ref: CaseRef, *, lock: bool = False) -> Case:
    """The case's metadata, for the access check: its encrypted attributes are NOT decrypted.

    Saving a case loaded this way keeps its stored attributes (see CaseRepository.save).
    """
    if isinstance(case_ref, uuid.UUID):
        try:
            return uow.cases.get(case_ref, for_update=lock, with_attributes=False)
        except LookupError:
            raise NotFound(N_("There is no such case; it may have been erased.")) from None
    reference = case_ref.strip().upper()
    # Text that cannot be a reference is not looked up (PostgreSQL refuses a NUL byte).
    case = (
        uow.cases.get_by_reference(reference, with_attributes=False)
        if CASE_REFERENCE_RE.match(reference)
        else None
    )
    if case is None:
        raise NotFound.translatable(
            N_("There is no case %(reference)s; check the reference (e.g. HL-2026-000123)."),
            reference=repr(case_ref),
        )
    return uow.cases.get(case.id, for_update=True, with_attributes=False) if lock else case


def _owning_case(
    lookup: Callable[[uuid.UUID], uuid.UUID], object_id: uuid.UUID, what: str
) -> uuid.UUID:
    try:
        return lookup(object_id)
    except LookupError:
        raise NotFound(f"There is no such {what}; reload the case page.") from None


def case_of_task(task_id: uuid.UUID) -> CaseLookup:
    """The case a task belongs to, for :func:`case_change` (its title stays encrypted)."""
    return lambda uow: _owning_case(uow.tasks.case_of, task_id, "task")


def case_of_referral(referral_id: uuid.UUID) -> CaseLookup:
    """The case a referral belongs to, for :func:`case_change` (its text stays encrypted)."""
    return lambda uow: _owning_case(uow.referrals.case_of, referral_id, "referral")


def may_read_content(ctx: ServiceContext, actor: Actor, case: Case) -> bool:
    """Whether the actor may read the case's content (messages, attributes) now."""
    from helplinekit.services.break_glass import with_grants

    return ctx.policy.allows(
        with_grants(ctx, actor),
        Action.CASE_READ_MESSAGES,
        status=case.status,
        assignments=case.assignments,
        case_id=case.id,
    )


def readable_sections(
    ctx: ServiceContext, actor: Actor, case: Case, action: Action = Action.NOTE_READ
) -> frozenset[NoteSection]:
    """The note sections the actor may read (or write) on this case: those of the roles
    through which they have the case, never those of another role they hold."""
    from helplinekit.services.break_glass import with_grants

    return ctx.policy.sections_on(
        with_grants(ctx, actor),
        action,
        status=case.status,
        assignments=case.assignments,
        case_id=case.id,
    )


def require(
    ctx: ServiceContext,
    actor: Actor,
    action: Action,
    case: Case,
    section: NoteSection | None = None,
    uow: UnitOfWork | None = None,
) -> None:
    """Check ``action`` on ``case``; audit a refusal, then raise it.

    Inside a write transaction the refusal is recorded there (:func:`audit_refusal`);
    otherwise in a transaction of its own.
    """
    from helplinekit.services.break_glass import with_grants

    try:
        ctx.policy.require(
            with_grants(ctx, actor),
            action,
            status=case.status,
            assignments=case.assignments,
            section=section,
            case_id=case.id,
        )
    except AccessDenied:
        # Refusals are audited too: probing for cases leaves a trace.
        details = {"attempted": action.value, "section": section.value if section else None}
        if uow is not None and not uow.read_only:
            audit_refusal(ctx, uow, actor, "case", case.id, **details)
        else:
            audit_now(ctx, actor, "access.denied", "case", case.id, **details)
        raise


def save_case(ctx: ServiceContext, uow: UnitOfWork, before: Case, after: Case) -> None:
    """Store ``after``; its status change and new assignments notify their hooks after commit."""
    uow.cases.save(after)
    if before.status is not after.status:
        uow.after_commit(
            lambda: ctx.notify("case_status_changed", case=after, previous=before.status)
        )
    new = [a for a in after.assignments if a not in before.assignments]
    for assignment in new:
        uow.after_commit(partial(ctx.notify, "case_assigned", case=after, assignment=assignment))


@define
class CaseChange:
    """A case being changed inside :func:`case_change`.

    Attributes:
        ctx: the deployment.
        uow: the open unit of work (write other rows through it).
        actor: who acts.
        case: the case as loaded (locked unless told otherwise), attributes undecrypted.
        after: the case as it should be saved; None saves nothing.
    """

    ctx: ServiceContext
    uow: UnitOfWork
    actor: Actor
    case: Case
    after: Case | None = None
    _entries: list[tuple[str, dict[str, Any]]] = field(factory=list, init=False)

    def require(self, action: Action, section: NoteSection | None = None) -> None:
        """Check a further action on the case (a refusal is audited and raised)."""
        require(self.ctx, self.actor, action, self.case, section, uow=self.uow)

    def audit(self, action: str, **details: Any) -> None:
        """An audit entry about the case, appended before the commit in the order given."""
        self._entries.append((action, details))

    def finish(self) -> None:
        """Save the changed case and append the audit entries (the commit follows)."""
        if self.after is not None:
            save_case(self.ctx, self.uow, self.case, self.after)
        for action, details in self._entries:
            audit(self.ctx, self.uow, self.actor, action, "case", self.case.id, **details)


@contextmanager
def case_change(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: CaseRef | CaseLookup,
    *,
    section: NoteSection | None = None,
    lock: bool = True,
    action: Action | None = None,
) -> Iterator[CaseChange]:
    """Open a unit of work on one case, check the policy, and commit the change made.

    :param case_ref: the case (an id or a reference), or a lookup of the case that owns a
        task or referral (:func:`case_of_task`, :func:`case_of_referral`).
    :param section: the note section the action concerns, for the policy check.
    :param lock: lock the case row until the commit (left off where the change does not
        touch the case row itself: a note, a reply, a task).
    :param action: the action to check; the running service's ``service_action`` by default.
    :raises NotFound: no such case.
    :raises AccessDenied: the actor may not; the refusal is audited.
    """
    checked = action or current_action()
    with ctx.database.uow() as uow:
        ref = case_ref(uow) if callable(case_ref) else case_ref
        case = load_case(uow, ref, lock=lock)
        require(ctx, actor, checked, case, section, uow=uow)
        change = CaseChange(ctx, uow, actor, case)
        yield change
        change.finish()
        uow.commit()


@define
class CaseReading:
    """A case being read inside :func:`case_reading`.

    Attributes:
        uow: the open, read-only unit of work.
        case: the case, attributes undecrypted.
    """

    uow: UnitOfWork
    case: Case
    entry: tuple[str, dict[str, Any]] | None = None

    def audit(self, action: str, **details: Any) -> None:
        """The read's audit entry, written once the unit of work is closed."""
        self.entry = (action, details)


@contextmanager
def case_reading(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: CaseRef,
    *,
    action: Action | None = None,
) -> Iterator[CaseReading]:
    """Open a read-only unit of work on one case and check the policy; audit the read after.

    :param action: the action to check; the running service's ``service_action`` by default.
    :raises NotFound: no such case.
    :raises AccessDenied: the actor may not; the refusal is audited.
    """
    checked = action or current_action()
    with ctx.database.uow(read_only=True) as uow:
        case = load_case(uow, case_ref)
        require(ctx, actor, checked, case, uow=uow)
        reading = CaseReading(uow, case)
        yield reading
    if reading.entry is not None:
        name, details = reading.entry
        audit_now(ctx, actor, name, "case", reading.case.id, **details)

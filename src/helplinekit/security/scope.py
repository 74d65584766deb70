"""Who is acting, and which cases they may see: the policy's input and its answer, as data.

An :class:`Actor` (a staff member, or the system) goes into
:class:`~helplinekit.security.policy.Policy`; a :class:`Scope` comes out, which repositories
apply as SQL conditions so that nothing outside it is even decrypted. Import these from
:mod:`helplinekit.security.policy`, which re-exports them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from attrs import field, frozen

from helplinekit.domain import Assignment, CaseStatus, Role, Specialism, Specialist

__all__ = ["ANY_ASSIGNMENT", "Actor", "AssignmentMatch", "Scope"]


@frozen
class Actor:
    """Who is acting: a staff member, or the system running a scheduled job.

    Attributes:
        staff: the staff member, or None for the system.
        grants: cases this staff member may work on through an active break-the-glass
            grant (as if assigned, for the time the grant lasts).
        label: how the actor appears in errors and the audit log (an id, never a name).
    """

    staff: Specialist | None = None
    grants: frozenset[uuid.UUID] = field(factory=frozenset)

    @classmethod
    def system(cls) -> Actor:
        return cls(None)

    @property
    def is_system(self) -> bool:
        return self.staff is None

    @property
    def id(self) -> uuid.UUID | None:
        return None if self.staff is None else self.staff.id

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset() if self.staff is None else self.staff.roles

    @property
    def label(self) -> str:
        return "the system" if self.staff is None else f"staff {self.staff.id}"


@frozen
class AssignmentMatch:
    """Which of the actor's assignments count: one rule of a :class:`Scope`.

    Attributes:
        specialisms: assignments for these specialisms (``None`` in the set: an assignment
            for no particular specialism); ``None``: for any specialism.
        made_by_others: only assignments someone else made (not the actor themselves).
    """

    specialisms: frozenset[Specialism | None] | None = None
    made_by_others: bool = False

    def matches(self, assignment: Assignment, staff_id: uuid.UUID) -> bool:
        if assignment.specialist_id != staff_id:
            return False
        if self.specialisms is not None and assignment.specialism not in self.specialisms:
            return False
        return not (self.made_by_others and assignment.assigned_by == staff_id)


#: Every assignment of the actor counts.
ANY_ASSIGNMENT = AssignmentMatch()


@frozen
class Scope:
    """The cases an actor may see, as data a repository turns into SQL.

    Attributes:
        everything: every case.
        assigned_to: cases assigned to this staff id (by the rules in ``assignment_rules``).
        statuses: cases in these statuses.
        case_ids: cases granted one by one (break-the-glass).
        assignment_rules: which assignments to ``assigned_to`` count; empty means any.
    A case is in scope when ``everything``, or it is assigned to ``assigned_to`` by an
    assignment one of the rules matches, or its status is in ``statuses``, or it is one of
    ``case_ids``. An empty scope matches nothing.
    """

    everything: bool = False
    assigned_to: uuid.UUID | None = None
    statuses: frozenset[CaseStatus] = field(factory=frozenset)
    case_ids: frozenset[uuid.UUID] = field(factory=frozenset)
    assignment_rules: frozenset[AssignmentMatch] = field(factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return (
            not self.everything
            and self.assigned_to is None
            and not self.statuses
            and not self.case_ids
        )

    @property
    def rules(self) -> frozenset[AssignmentMatch]:
        """The assignment rules, with "any assignment" spelt out."""
        return self.assignment_rules or frozenset({ANY_ASSIGNMENT})

    def contains(
        self,
        status: CaseStatus,
        assignee_ids: Iterable[uuid.UUID] = (),
        case_id: uuid.UUID | None = None,
        *,
        assignments: Iterable[Assignment] | None = None,
    ) -> bool:
        """Whether a case is in scope. Pass the case's ``assignments`` (which say in what
        role and by whom each was made); bare ``assignee_ids`` count as assignments for no
        particular specialism, made by someone else."""
        if self.everything or status in self.statuses:
            return True
        if case_id is not None and case_id in self.case_ids:
            return True
        if self.assigned_to is None:
            return False
        found = (
            list(assignments)
            if assignments is not None
            else [Assignment(specialist_id=i) for i in assignee_ids]
        )
        return any(rule.matches(a, self.assigned_to) for rule in self.rules for a in found)

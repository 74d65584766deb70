"""The access policy: who may do what to which case. Deny by default.

A fixed vocabulary of roles, actions and conditions. A deployment may *tighten* it in
``helpline.toml`` (``[policy] deny = ["lawyer:case.close"]``), never loosen it; an unknown
name fails at start-up. The policy turns an actor into a :class:`Scope` that repositories
apply as SQL conditions, so lists, counts and pages are filtered in the database and
nothing outside the scope is even decrypted.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import field, frozen

from helplinekit.domain import CaseStatus, NoteSection, Role, Specialist

__all__ = [
    "GRANTS",
    "INTAKE_STATUSES",
    "SECTIONS",
    "AccessDenied",
    "Action",
    "Actor",
    "Condition",
    "Policy",
    "PolicyError",
    "Scope",
]


class PolicyError(Exception):
    """The ``[policy]`` table names something the policy does not know."""


class AccessDenied(Exception):
    """The actor may not do this. The message names the action, never case content."""

    def __init__(self, action: Action, actor: Actor, why: str = "") -> None:
        self.action, self.actor = action, actor
        detail = f" ({why})" if why else ""
        super().__init__(f"{actor.label} may not {action.value}{detail}.")


class Action(enum.StrEnum):
    """Everything a service can be asked to do to a case or the helpline."""

    CASE_LIST = "case.list"  # see the case in lists, counts and queues
    CASE_VIEW = "case.view"  # open its metadata: status, risk, categories, assignments
    CASE_READ_MESSAGES = "case.read_messages"  # read the timeline: messages, call summaries
    CASE_LEGAL_OPTIONS = "case.legal_options"  # the law that applies, from the case's details
    CASE_TRIAGE = "case.triage"  # set categories, attributes, risk, specialisms needed
    CASE_ASSIGN = "case.assign"
    CASE_CHANGE_STATUS = "case.change_status"
    CASE_CLOSE = "case.close"
    CASE_LEGAL_HOLD = "case.legal_hold"
    CASE_ERASE = "case.erase"  # crypto-shred a case, or everything about a survivor
    CONTACT_RECORD = "contact.record"  # log a call or walk-in on an existing case
    CASE_OPEN = "case.open"  # log a call or walk-in from a new caller
    NOTE_READ = "note.read"
    NOTE_WRITE = "note.write"
    REPLY_SEND = "reply.send"
    TASK_MANAGE = "task.manage"
    REFERRAL_MANAGE = "referral.manage"
    STAFF_MANAGE = "staff.manage"
    BREAK_GLASS = "case.break_glass"  # emergency access to one case, with a written reason
    BREAK_GLASS_REVIEW = "break_glass.review"


class Condition(enum.StrEnum):
    """When a grant applies to a case."""

    ANY = "any"  # every case (or no case needed)
    ASSIGNED = "assigned"  # the actor is assigned to the case
    INTAKE = "intake"  # the case awaits intake (new or triaged), or the actor is assigned


#: Statuses in which a case is in the intake queue.
INTAKE_STATUSES = frozenset({CaseStatus.NEW, CaseStatus.TRIAGED})

_I, _L, _D, _C, _S, _A = (
    Role.INTAKE,
    Role.LAWYER,
    Role.DIGITAL_SECURITY,
    Role.COUNSELLOR,
    Role.SUPERVISOR,
    Role.ADMIN,
)
_caseworkers = (_L, _D, _C)

#: The whole policy: (role, action) -> condition. Anything not listed is denied.
GRANTS: Mapping[tuple[Role, Action], Condition] = {
    # Intake: first contact and triage of cases waiting in the intake queue.
    **{(_I, a): Condition.INTAKE for a in (
        Action.CASE_LIST, Action.CASE_VIEW, Action.CASE_READ_MESSAGES, Action.CASE_TRIAGE,
        Action.CASE_LEGAL_OPTIONS,
        Action.CASE_ASSIGN, Action.CASE_CHANGE_STATUS, Action.CASE_CLOSE, Action.CONTACT_RECORD,
        Action.NOTE_READ, Action.NOTE_WRITE, Action.REPLY_SEND, Action.TASK_MANAGE,
    )},
    (_I, Action.CASE_OPEN): Condition.ANY,
    # Lawyers, digital-security experts and counsellors: the cases assigned to them.
    **{(role, a): Condition.ASSIGNED for role in _caseworkers for a in (
        Action.CASE_LIST, Action.CASE_VIEW, Action.CASE_READ_MESSAGES, Action.CASE_TRIAGE,
        Action.CASE_LEGAL_OPTIONS,
        Action.CASE_CHANGE_STATUS, Action.CASE_CLOSE, Action.CONTACT_RECORD, Action.NOTE_READ,
        Action.NOTE_WRITE, Action.REPLY_SEND, Action.TASK_MANAGE, Action.REFERRAL_MANAGE,
    )},
    **{(role, Action.CASE_OPEN): Condition.ANY for role in _caseworkers},
    **{(role, Action.BREAK_GLASS): Condition.ANY for role in (_I, *_caseworkers)},
    (_L, Action.CASE_LEGAL_HOLD): Condition.ASSIGNED,
    # Supervisors: assignment and status of every case, not its content (task titles are
    # content, so tasks belong to the staff on the case).
    **{(_S, a): Condition.ANY for a in (
        Action.CASE_LIST, Action.CASE_VIEW, Action.CASE_TRIAGE, Action.CASE_ASSIGN,
        Action.CASE_CHANGE_STATUS, Action.CASE_CLOSE, Action.CASE_LEGAL_HOLD,
        Action.CASE_ERASE, Action.BREAK_GLASS_REVIEW,
    )},
    # Admins: accounts and configuration; no case content, not even case lists.
    (_A, Action.STAFF_MANAGE): Condition.ANY,
}  # fmt: skip

#: The note sections each role's work needs.
SECTIONS: Mapping[Role, frozenset[NoteSection]] = {
    _I: frozenset({NoteSection.GENERAL}),
    _L: frozenset({NoteSection.GENERAL, NoteSection.LEGAL}),
    _D: frozenset({NoteSection.GENERAL, NoteSection.DIGITAL_SECURITY}),
    _C: frozenset({NoteSection.GENERAL, NoteSection.COUNSELLING}),
    _S: frozenset(),
    _A: frozenset(),
}


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
class Scope:
    """The cases an actor may see, as data a repository turns into SQL.

    Attributes:
        everything: every case.
        assigned_to: cases assigned to this staff id.
        statuses: cases in these statuses.
        case_ids: cases granted one by one (break-the-glass).
    A case is in scope when ``everything``, or it is assigned to ``assigned_to``, or its
    status is in ``statuses``, or it is one of ``case_ids``. An empty scope matches nothing.
    """

    everything: bool = False
    assigned_to: uuid.UUID | None = None
    statuses: frozenset[CaseStatus] = field(factory=frozenset)
    case_ids: frozenset[uuid.UUID] = field(factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return (
            not self.everything
            and self.assigned_to is None
            and not self.statuses
            and not self.case_ids
        )

    def contains(
        self,
        status: CaseStatus,
        assignee_ids: Iterable[uuid.UUID],
        case_id: uuid.UUID | None = None,
    ) -> bool:
        return (
            self.everything
            or (self.assigned_to is not None and self.assigned_to in set(assignee_ids))
            or status in self.statuses
            or (case_id is not None and case_id in self.case_ids)
        )


class Policy:
    """The fixed policy, minus whatever the deployment denied."""

    def __init__(self, denied: Iterable[tuple[Role, Action]] = ()) -> None:
        self.denied = frozenset(denied)
        self.grants = {key: value for key, value in GRANTS.items() if key not in self.denied}

    @classmethod
    def from_config(cls, table: Mapping[str, Any] | None) -> Policy:
        """Build from ``[policy]``: ``deny = ["role:action", …]``. Unknown names fail."""
        table = dict(table or {})
        unknown_keys = sorted(set(table) - {"deny"})
        if unknown_keys:
            raise PolicyError(
                f"[policy] has an unknown setting {unknown_keys[0]!r}; the only setting is "
                "'deny', a list of \"role:action\" grants to remove."
            )
        denied = []
        for entry in table.get("deny", []):
            role_name, _, action_name = str(entry).partition(":")
            try:
                role = Role(role_name)
            except ValueError:
                raise PolicyError(
                    f"[policy] deny names an unknown role {role_name!r} in {entry!r}; roles: "
                    f"{', '.join(r.value for r in Role)}."
                ) from None
            try:
                action = Action(action_name)
            except ValueError:
                raise PolicyError(
                    f"[policy] deny names an unknown action {action_name!r} in {entry!r}; "
                    f"actions: {', '.join(a.value for a in Action)}."
                ) from None
            denied.append((role, action))
        return cls(denied)

    def _conditions(self, actor: Actor, action: Action) -> set[Condition]:
        return {
            self.grants[(role, action)] for role in actor.roles if (role, action) in self.grants
        }

    def scope(self, actor: Actor, action: Action = Action.CASE_LIST) -> Scope:
        """The cases on which ``actor`` may do ``action``."""
        if actor.is_system:
            return Scope(everything=True)
        if actor.staff is not None and not actor.staff.active:
            return Scope()
        conditions = self._conditions(actor, action)
        if Condition.ANY in conditions:
            return Scope(everything=True)
        assigned = bool(conditions & {Condition.ASSIGNED, Condition.INTAKE})
        return Scope(
            assigned_to=actor.id if assigned else None,
            statuses=INTAKE_STATUSES if Condition.INTAKE in conditions else frozenset(),
            # A break-the-glass grant counts as an assignment, for what assignment allows.
            case_ids=actor.grants if assigned else frozenset(),
        )

    def allows(
        self,
        actor: Actor,
        action: Action,
        *,
        status: CaseStatus | None = None,
        assignee_ids: Iterable[uuid.UUID] = (),
        section: NoteSection | None = None,
        case_id: uuid.UUID | None = None,
    ) -> bool:
        """Whether ``actor`` may do ``action`` (on a case in ``status`` with those assignees)."""
        if section is not None and section not in self.sections(actor):
            return False
        scope = self.scope(actor, action)
        if status is None:
            # Actions that concern no particular case need an unconditional grant.
            return scope.everything
        return scope.contains(status, assignee_ids, case_id)

    def require(self, actor: Actor, action: Action, **case: Any) -> None:
        """Raise :class:`AccessDenied` unless :meth:`allows`."""
        if not self.allows(actor, action, **case):
            section = case.get("section")
            why = f"section {section.value}" if section is not None else ""
            raise AccessDenied(action, actor, why)

    def sections(self, actor: Actor) -> frozenset[NoteSection]:
        """The note sections the actor's roles may read or write at all."""
        if actor.is_system:
            return frozenset(NoteSection)
        found: set[NoteSection] = set()
        for role in actor.roles:
            found |= SECTIONS[role]
        return frozenset(found)

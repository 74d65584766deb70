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

from helplinekit.domain import (
    Assignment,
    CaseStatus,
    NoteSection,
    Role,
    Specialism,
    Specialist,
    errors,
)

__all__ = [
    "CONTENT_ROLES",
    "GRANTS",
    "INTAKE_STATUSES",
    "ROLE_FOR_SPECIALISM",
    "SECTIONS",
    "AccessDenied",
    "Action",
    "Actor",
    "AssignmentMatch",
    "Condition",
    "Policy",
    "PolicyError",
    "Scope",
    "pair_name",
    "refused_pairs",
    "roles_of_assignment",
]


class PolicyError(errors.ConfigurationError):
    """The ``[policy]`` table names something the policy does not know."""


class AccessDenied(errors.AccessDenied):
    """The actor may not do this. The message says what they may do instead and whom to ask.

    The message comes from :data:`helplinekit.security.refusals.REFUSALS` and never names
    the actor, the action or case content; those are kept as attributes for the audit log.

    Attributes:
        action: The action that was refused.
        actor: Who asked.
        why: The detail of this refusal (a note section, a rule), for logs, never shown.
        template: The English message, as marked for translation.
        params: The values for :attr:`template` (none: the message is one sentence).
    """

    def __init__(self, action: Action, actor: Actor, why: str = "") -> None:
        from helplinekit.security.refusals import REFUSALS

        self.action, self.actor, self.why = action, actor, why
        self.template = REFUSALS[action]
        self.params: Mapping[str, str] = {}
        super().__init__(self.template)

    def __reduce__(self) -> tuple[type[AccessDenied], tuple[object, ...]]:
        # Pickled (between worker processes) from the constructor's arguments, not the message.
        return (type(self), (self.action, self.actor, self.why))


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
    """When a grant applies to a case.

    An assignment counts only for the role it is in (see :func:`roles_of_assignment`), so
    roles held together never lend each other their cases.
    """

    ANY = "any"  # every case (or no case needed)
    ASSIGNED = "assigned"  # the actor is assigned to the case in this role
    # The case awaits intake (new or triaged), or someone else assigned the actor to it: an
    # intake agent who took a case from the intake queue keeps it only while it is there.
    INTAKE = "intake"


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

#: The roles that read case content; a supervisor holding one of them could assign
#: themselves any case, so the pair is refused unless the deployment opts in.
CONTENT_ROLES = frozenset({_I, *_caseworkers})

#: The specialist role an assignment for each specialism is in.
ROLE_FOR_SPECIALISM: Mapping[Specialism, Role] = {
    Specialism.LEGAL: _L,
    Specialism.DIGITAL_SECURITY: _D,
    Specialism.COUNSELLING: _C,
}

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


def roles_of_assignment(assignment: Assignment, roles: Iterable[Role]) -> frozenset[Role]:
    """The roles of an account that one of its assignments is in.

    An assignment for a specialism is in that specialism's role (a legal assignment makes
    a lawyer of the case, never a counsellor). One for no specialism is an intake
    assignment when the account does intake work, and otherwise an assignment in each of
    its specialist roles (a lawyer who logged a call is that caller's lawyer). The intake
    role counts every assignment someone else made (it reads only general notes), and none
    the agent made themselves: a case taken from the intake queue is theirs while it waits
    there, not after.
    """
    held = frozenset(roles)
    found: set[Role] = set()
    if assignment.specialism is not None:
        found |= {ROLE_FOR_SPECIALISM[assignment.specialism]} & held
    elif _I not in held:
        found |= held & set(_caseworkers)
    if _I in held and assignment.assigned_by != assignment.specialist_id:
        found.add(_I)
    return frozenset(found)


def _assignment_rule(role: Role, held: frozenset[Role]) -> AssignmentMatch:
    """The assignments of an account holding ``held`` that are in ``role``.

    The SQL form of :func:`roles_of_assignment`, for one role.
    """
    if role is _I:
        return AssignmentMatch(made_by_others=True)
    specialisms: set[Specialism | None] = {s for s, r in ROLE_FOR_SPECIALISM.items() if r is role}
    if _I not in held:
        specialisms.add(None)
    return AssignmentMatch(specialisms=frozenset(specialisms))


RolePair = frozenset[Role]


def refused_pairs(roles: Iterable[Role]) -> list[RolePair]:
    """The pairs among ``roles`` that one account may hold only where the deployment opts in:
    a supervisor (who assigns every case) with a role that reads case content."""
    held = frozenset(roles)
    if _S not in held:
        return []
    return [frozenset({_S, role}) for role in sorted(held & CONTENT_ROLES)]


def pair_name(pair: RolePair) -> str:
    """``supervisor+lawyer``: the supervisor first, as ``allow_role_pairs`` spells it."""
    return "+".join(sorted((role.value for role in pair), key=lambda name: name != "supervisor"))


class Policy:
    """The fixed policy, minus whatever the deployment denied.

    Attributes:
        denied: the (role, action) grants the deployment took away.
        allowed_pairs: refused role pairs the deployment lets one account hold
            (``[policy] allow_role_pairs``).
    """

    def __init__(
        self,
        denied: Iterable[tuple[Role, Action]] = (),
        allowed_pairs: Iterable[RolePair] = (),
    ) -> None:
        self.denied = frozenset(denied)
        self.allowed_pairs = frozenset(allowed_pairs)
        self.grants = {key: value for key, value in GRANTS.items() if key not in self.denied}

    def refused_role_pairs(self, roles: Iterable[Role]) -> list[RolePair]:
        """The pairs among ``roles`` this deployment does not let one account hold."""
        return [pair for pair in refused_pairs(roles) if pair not in self.allowed_pairs]

    @classmethod
    def from_config(cls, table: Mapping[str, Any] | None) -> Policy:
        """Build from ``[policy]``: ``deny = ["role:action", …]`` tightens the policy and
        ``allow_role_pairs = ["supervisor+lawyer", …]`` lets one account hold a pair that is
        otherwise refused (the only loosening, and only by naming the pair). Unknown names
        fail."""
        table = dict(table or {})
        unknown_keys = sorted(set(table) - {"deny", "allow_role_pairs"})
        if unknown_keys:
            raise PolicyError(
                f"[policy] has an unknown setting {unknown_keys[0]!r}; the only settings are "
                "'deny', a list of \"role:action\" grants to remove, and 'allow_role_pairs', "
                'a list of role pairs one account may hold (e.g. "supervisor+lawyer").'
            )
        pairs = [_role_pair(entry) for entry in table.get("allow_role_pairs", [])]
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
        return cls(denied, pairs)

    def _conditions(self, actor: Actor, action: Action) -> set[Condition]:
        return {
            self.grants[(role, action)] for role in actor.roles if (role, action) in self.grants
        }

    def scope(self, actor: Actor, action: Action = Action.CASE_LIST) -> Scope:
        """The cases on which ``actor`` may do ``action``: the union of what each of the
        actor's roles allows, each role counting only its own assignments."""
        return self._scope(actor, action, actor.roles)

    def _scope(self, actor: Actor, action: Action, roles: Iterable[Role]) -> Scope:
        """The cases on which ``actor`` may do ``action`` through ``roles`` alone."""
        if actor.is_system:
            return Scope(everything=True)
        if actor.staff is not None and not actor.staff.active:
            return Scope()
        held = actor.roles
        by_role = {
            role: self.grants[(role, action)] for role in roles if (role, action) in self.grants
        }
        if Condition.ANY in by_role.values():
            return Scope(everything=True)
        rules = frozenset(_assignment_rule(role, held) for role in by_role)
        return Scope(
            assigned_to=actor.id if rules else None,
            statuses=INTAKE_STATUSES if Condition.INTAKE in by_role.values() else frozenset(),
            # A break-the-glass grant counts as an assignment, for what assignment allows.
            case_ids=actor.grants if rules else frozenset(),
            assignment_rules=rules,
        )

    def roles_on_case(
        self,
        actor: Actor,
        action: Action,
        *,
        status: CaseStatus,
        assignee_ids: Iterable[uuid.UUID] = (),
        case_id: uuid.UUID | None = None,
        assignments: Iterable[Assignment] | None = None,
    ) -> frozenset[Role]:
        """The actor's roles through which ``action`` is allowed on this case."""
        found = list(assignments) if assignments is not None else None
        return frozenset(
            role
            for role in actor.roles
            if self._scope(actor, action, (role,)).contains(
                status, assignee_ids, case_id, assignments=found
            )
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
        assignments: Iterable[Assignment] | None = None,
    ) -> bool:
        """Whether ``actor`` may do ``action`` (on a case in ``status`` with those
        assignments). A note ``section`` must come with the role that gives the access: an
        account holding intake and lawyer reads legal notes only where it is the lawyer."""
        found = list(assignments) if assignments is not None else None
        if section is not None:
            if status is None:
                return section in self.sections(actor) and self.scope(actor, action).everything
            return section in self.sections_on(
                actor,
                action,
                status=status,
                assignee_ids=assignee_ids,
                case_id=case_id,
                assignments=found,
            )
        scope = self.scope(actor, action)
        if status is None:
            # Actions that concern no particular case need an unconditional grant.
            return scope.everything
        return scope.contains(status, assignee_ids, case_id, assignments=found)

    def require(self, actor: Actor, action: Action, **case: Any) -> None:
        """Raise :class:`AccessDenied` unless :meth:`allows`."""
        if not self.allows(actor, action, **case):
            section = case.get("section")
            why = f"section {section.value}" if section is not None else ""
            raise AccessDenied(action, actor, why)

    def sections(self, actor: Actor) -> frozenset[NoteSection]:
        """The note sections the actor's roles may read or write at all (on some case).

        For one case use :meth:`sections_on`, which counts only the roles through which
        the actor has that case.
        """
        if actor.is_system:
            return frozenset(NoteSection)
        found: set[NoteSection] = set()
        for role in actor.roles:
            found |= SECTIONS[role]
        return frozenset(found)

    def sections_on(
        self,
        actor: Actor,
        action: Action = Action.NOTE_READ,
        *,
        status: CaseStatus,
        assignee_ids: Iterable[uuid.UUID] = (),
        case_id: uuid.UUID | None = None,
        assignments: Iterable[Assignment] | None = None,
    ) -> frozenset[NoteSection]:
        """The note sections the actor may read (or write, with ``Action.NOTE_WRITE``) on
        one case: those of the roles through which ``action`` is allowed there."""
        if actor.is_system:
            return frozenset(NoteSection)
        found: set[NoteSection] = set()
        for role in self.roles_on_case(
            actor,
            action,
            status=status,
            assignee_ids=assignee_ids,
            case_id=case_id,
            assignments=assignments,
        ):
            found |= SECTIONS[role]
        return frozenset(found)


def _role_pair(entry: object) -> RolePair:
    """A ``[policy] allow_role_pairs`` entry ("supervisor+lawyer"), or PolicyError."""
    names = str(entry).split("+")
    refusable = ", ".join(sorted(pair_name(frozenset({_S, role})) for role in CONTENT_ROLES))
    if len(names) != 2:
        raise PolicyError(
            f"[policy] allow_role_pairs entry {entry!r} is not a pair of roles; write it as "
            f'"supervisor+lawyer" (pairs that can be allowed: {refusable}).'
        )
    try:
        pair = frozenset(Role(name.strip()) for name in names)
    except ValueError:
        raise PolicyError(
            f"[policy] allow_role_pairs entry {entry!r} names an unknown role; roles: "
            f"{', '.join(r.value for r in Role)}."
        ) from None
    if pair not in refused_pairs(pair):
        raise PolicyError(
            f"[policy] allow_role_pairs entry {entry!r} is not a refused pair, so there is "
            f"nothing to allow (pairs that can be allowed: {refusable})."
        )
    return pair

"""The access policy: who may do what to which case. Deny by default.

A fixed vocabulary of roles, actions and conditions. A deployment may *tighten* it in
``helpline.toml`` (``[policy] deny = ["lawyer:case.close"]``), never loosen it; an unknown
name fails at start-up. The policy turns an actor into a :class:`Scope` that repositories
apply as SQL conditions, so lists, counts and pages are filtered in the database and
nothing outside the scope is even decrypted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from helplinekit.domain import Assignment, CaseStatus, NoteSection, Role, errors
from helplinekit.security.grants import (
    CONTENT_ROLES,
    GRANTS,
    INTAKE_STATUSES,
    ROLE_FOR_SPECIALISM,
    SECTIONS,
    Action,
    Condition,
)
from helplinekit.security.role_pairs import (
    RolePair,
    assignment_rule,
    pair_name,
    refused_pairs,
    roles_of_assignment,
)
from helplinekit.security.scope import ANY_ASSIGNMENT, Actor, AssignmentMatch, Scope

# The vocabulary and grant table (grants), the actor and scope (scope) and the rules for
# accounts holding several roles (role_pairs) live in their own modules; they are
# re-exported here, where services, the faces and plugins import them from.
__all__ = [
    "ANY_ASSIGNMENT",
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
    "RolePair",
    "Scope",
    "pair_name",
    "refused_pairs",
    "roles_of_assignment",
]

_S = Role.SUPERVISOR


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
        rules = frozenset(assignment_rule(role, held) for role in by_role)
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

"""Accounts holding several roles: in which role each assignment counts, and refused pairs.

Roles held together never lend each other their cases: an assignment counts only for the
role it is in (:func:`roles_of_assignment`, and :func:`assignment_rule`, its SQL form). And
some pairs one account may hold only where the deployment opts in (``[policy]
allow_role_pairs``): a supervisor with a role that reads case content (:func:`refused_pairs`).
Import these from :mod:`helplinekit.security.policy`, which re-exports them.
"""

from __future__ import annotations

from collections.abc import Iterable

from helplinekit.domain import Assignment, Role, Specialism
from helplinekit.security.grants import CONTENT_ROLES, ROLE_FOR_SPECIALISM
from helplinekit.security.scope import AssignmentMatch

__all__ = ["RolePair", "assignment_rule", "pair_name", "refused_pairs", "roles_of_assignment"]

_I, _S = Role.INTAKE, Role.SUPERVISOR
#: The specialist roles (lawyer, digital security, counsellor): one per specialism.
_SPECIALISTS = frozenset(ROLE_FOR_SPECIALISM.values())


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
        found |= held & _SPECIALISTS
    if _I in held and assignment.assigned_by != assignment.specialist_id:
        found.add(_I)
    return frozenset(found)


def assignment_rule(role: Role, held: frozenset[Role]) -> AssignmentMatch:
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

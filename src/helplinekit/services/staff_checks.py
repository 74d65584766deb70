"""What ``config check`` says about the staff accounts: role pairs and break-the-glass review.

Accounts made before role pairs were refused keep working; they are listed here as
problems until ``helplinekit staff roles`` fixes them or the deployment allows the pair.
"""

from __future__ import annotations

from attrs import frozen

from helplinekit.security.policy import pair_name
from helplinekit.services.break_glass import reviewers
from helplinekit.services.context import ServiceContext

__all__ = ["StaffFindings", "check_staff"]


@frozen
class StaffFindings:
    """Problems (must be fixed) and warnings (worth knowing) about the staff accounts."""

    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def check_staff(ctx: ServiceContext) -> StaffFindings:
    """Accounts holding a refused role pair, and whether grants have a second reviewer."""
    problems = []
    with ctx.database.uow(read_only=True) as uow:
        people = uow.staff.active()
    for person in people:
        for pair in ctx.policy.refused_role_pairs(person.roles):
            name = pair_name(pair)
            other = next(role for role in pair if role.value != "supervisor")
            problems.append(
                f"staff {person.email} is both {' and '.join(name.split('+'))}, which one "
                "account may not be (a supervisor assigns every case); take one role away "
                f"with 'helplinekit staff roles {person.email} --remove {other.value}' (or "
                "--remove supervisor), or allow the pair in helpline.toml: "
                f'[policy] allow_role_pairs = ["{name}"].'
            )
    warnings = []
    count = reviewers(ctx) if people else 2
    if count == 1:
        warnings.append(
            "only one active account can review break-the-glass grants, and nobody reviews "
            "their own: give a second person the supervisor role "
            "('helplinekit staff roles EMAIL --add supervisor')."
        )
    elif count == 0:
        warnings.append(
            "no active account can review break-the-glass grants: give two people the "
            "supervisor role ('helplinekit staff roles EMAIL --add supervisor')."
        )
    return StaffFindings(tuple(problems), tuple(warnings))

"""Staff accounts for tests: :func:`make_staff_member` and the ``staff_member`` fixture.

Part of :mod:`helplinekit.testing`, which re-exports every name here (import them from
there); the pytest plugin registered under that name is what makes the fixture visible.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from helplinekit.api import Helpline
    from helplinekit.domain import Role, Specialism, Specialist
    from helplinekit.security.policy import Actor

__all__ = ["STAFF_PASSWORD", "StaffMember", "make_staff_member", "staff_member"]

#: A password for test accounts: ``make_staff_member(..., password=STAFF_PASSWORD)``.
STAFF_PASSWORD = "correct horse battery staple"


@dataclasses.dataclass
class StaffMember:
    """A staff account made for a test by :func:`make_staff_member`.

    Attributes:
        specialist: the staff record as stored (with its id).
        actor: acting as them, as server-side code does once they have signed in.
        password: their password, or None when none was set.
        totp_secret: their authenticator's secret, or None when none was enrolled.
        recovery_codes: their unused recovery codes (:meth:`code` spends them).
    """

    specialist: Specialist
    actor: Actor
    password: str | None = dataclasses.field(default=None, repr=False)
    totp_secret: str | None = dataclasses.field(default=None, repr=False)
    recovery_codes: list[str] = dataclasses.field(default_factory=list, repr=False)
    clock: Callable[[], datetime] = dataclasses.field(default=datetime.now, repr=False)
    #: The last TOTP time step spent (enrolling spends the one it was confirmed in).
    last_step: int = -1

    @property
    def email(self) -> str:
        return self.specialist.email

    def code(self) -> str:
        """A code that has not been used: the authenticator's code for now if its time step
        is unspent, otherwise a recovery code (each code works once)."""
        import pyotp

        if self.totp_secret is None:
            raise ValueError(f"{self.email} has no authenticator; pass totp=True.")
        now = self.clock().timestamp()
        step = int(now) // 30
        if step > self.last_step:
            self.last_step = step
            return pyotp.TOTP(self.totp_secret).at(now)
        if not self.recovery_codes:
            raise ValueError(
                f"{self.email} has used this time step's code and every recovery code."
            )
        return self.recovery_codes.pop()


def make_staff_member(
    helpline: Helpline,
    email: str,
    *roles: Role,
    specialisms: Iterable[Specialism] = (),
    languages: Iterable[str] = ("en",),
    capacity: int = 5,
    display_name: str | None = None,
    password: str | None = None,
    totp: bool = False,
    totp_at_first_sign_in: bool = False,
    predates_pair_refusal: bool = False,
) -> StaffMember:
    """Add a staff account the way the operator would, and return it.

    :param helpline: the open deployment (``Helpline.open``) to add them to.
    :param email: their email, which is also their sign-in name.
    :param roles: what they do (``Role.LAWYER``, ``Role.SUPERVISOR``, …); one at least.
    :param specialisms: the help they give (``Specialism.LEGAL``, …), for routing.
    :param display_name: how the console names them; the email's local part by default.
    :param password: a password to set (:data:`STAFF_PASSWORD` is a good one), or None.
    :param totp: enrol and confirm an authenticator, so :meth:`StaffMember.code` signs in.
    :param totp_at_first_sign_in: let them set up their authenticator at their first
        sign-in instead (``staff add --totp-at-first-sign-in``).
    :param predates_pair_refusal: store the record as it stands, as an account made before
        the deployment's ``[policy]`` refused its pair of roles would be (it keeps working).
    """
    import pyotp

    from helplinekit.domain import Specialist
    from helplinekit.security.policy import Actor

    if not roles:
        raise ValueError(f"Give {email} a role at least (Role.INTAKE, Role.LAWYER, …).")
    system = helpline.system()
    record = Specialist(
        email=email,
        display_name=display_name or email.split("@")[0],
        roles=frozenset(roles),
        specialisms=frozenset(specialisms),
        languages=tuple(languages),
        capacity=capacity,
    )
    if predates_pair_refusal:
        with helpline.context.database.uow() as uow:
            uow.staff.save(record)
            uow.commit()
    else:
        record = helpline.save_staff(system, record)  # as stored, with its id
    if password is not None:
        helpline.set_password(system, email, password)
    member = StaffMember(record, Actor(record), password, clock=helpline.context.clock)
    if totp_at_first_sign_in:
        from helplinekit.services.auth import allow_first_sign_in

        allow_first_sign_in(helpline.context, system, email)
    elif totp:
        enrolment = helpline.begin_totp_enrolment(system, email)
        now = helpline.context.clock().timestamp()
        code = pyotp.TOTP(enrolment.secret).at(now)
        helpline.confirm_totp_enrolment(system, email, code)
        member.totp_secret = enrolment.secret
        member.recovery_codes = list(enrolment.recovery_codes)
        member.last_step = int(now) // 30
    return member


@pytest.fixture
def staff_member() -> Callable[..., StaffMember]:
    """``staff_member(helpline, email, *roles, …)`` adds a staff account and returns it.

    A factory: call it as often as the test needs people. It takes the arguments of
    :func:`make_staff_member` and returns a :class:`StaffMember` whose ``actor`` acts as
    them, whose ``specialist`` is their stored record, and, with ``password=`` and
    ``totp=True``, whose ``code()`` gives an unused sign-in code::

        def test_a_lawyer_reads_the_legal_options(helpline, staff_member):
            lawyer = staff_member(helpline, "lawyer@example.org", Role.LAWYER,
                                  specialisms={Specialism.LEGAL})
            ...helpline.legal_options(lawyer.actor, case_id)...
    """
    return make_staff_member

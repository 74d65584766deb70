"""The ``staff_member`` factory of ``helplinekit.testing``, as a plugin author uses it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helplinekit.domain import Role, Specialism
from helplinekit.testing import STAFF_PASSWORD

pytestmark = pytest.mark.database


def test_a_staff_member_signs_in_with_their_password_and_codes(helpline, staff_member) -> None:
    now = [helpline.context.clock().replace(second=0, microsecond=0)]  # a step's start
    helpline.context.clock = lambda: now[0]
    lawyer = staff_member(
        helpline,
        "lawyer@example.org",
        Role.LAWYER,
        specialisms={Specialism.LEGAL},
        password=STAFF_PASSWORD,
        totp=True,
    )
    assert lawyer.specialist.roles == {Role.LAWYER} and lawyer.actor.id == lawyer.specialist.id
    # Enrolling spent this time step's code: the next code is a recovery code, and it works.
    spare = len(lawyer.recovery_codes)
    actor = helpline.authenticate(lawyer.email, STAFF_PASSWORD, lawyer.code())
    assert actor.id == lawyer.specialist.id
    assert len(lawyer.recovery_codes) == spare - 1
    # In the next time step, the authenticator's own code.
    now[0] += timedelta(seconds=30)
    assert helpline.authenticate(lawyer.email, STAFF_PASSWORD, lawyer.code()).id == actor.id
    assert len(lawyer.recovery_codes) == spare - 1


def test_a_staff_member_without_an_authenticator_has_no_codes(helpline, staff_member) -> None:
    intake = staff_member(helpline, "intake@example.org", Role.INTAKE)
    assert intake.password is None and intake.totp_secret is None
    with pytest.raises(ValueError, match="no authenticator"):
        intake.code()


def test_a_staff_member_needs_a_role(helpline, staff_member) -> None:
    with pytest.raises(ValueError, match="a role at least"):
        staff_member(helpline, "nobody@example.org")

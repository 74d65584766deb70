"""Helpers for the staff console tests: staff with known passwords and authenticators.

``add_staff_member`` creates an account the way an admin would (a password and a confirmed
authenticator), returning the authenticator secret so a test can compute codes. Each TOTP
code works once, so ``sign_in`` uses a recovery code when the current code was just used.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import pyotp
from fastapi.testclient import TestClient

from helplinekit.api import Helpline
from helplinekit.domain import Role, Specialism, Specialist

PASSWORD = "correct horse battery staple"


@dataclass
class StaffLogin:
    email: str
    secret: str
    recovery_codes: list[str] = field(default_factory=list)
    specialist: Specialist | None = None
    #: The last TOTP time step used (confirming the enrolment used the one it was in).
    last_step: int = -1

    def code(self) -> str:
        """A code that has not been used: the current TOTP code if its time step is unused,
        otherwise a recovery code (each code works once)."""
        step = int(time.time()) // 30
        if step > self.last_step:
            self.last_step = step
            return pyotp.TOTP(self.secret).now()
        return self.recovery_codes.pop()


def add_staff_member(
    helpline: Helpline,
    label: str,
    roles: set[Role],
    specialisms: set[Specialism] | None = None,
    *,
    languages: tuple[str, ...] = ("en",),
    enrol: bool = True,
) -> StaffLogin:
    system = helpline.system()
    email = f"{label}@helpline.test"
    specialist = Specialist(
        email=email,
        display_name=label.replace("_", " ").title(),
        roles=roles,
        specialisms=specialisms or set(),
        languages=languages,
        capacity=50,
    )
    if helpline.context.policy.refused_role_pairs(roles):
        # A pair refused today (a supervisor who reads content): stored as an account made
        # before the refusal would be, which keeps working.
        with helpline.context.database.uow() as uow:
            uow.staff.save(specialist)
            uow.commit()
    else:
        specialist = helpline.save_staff(system, specialist)
    helpline.set_password(system, email, PASSWORD)
    if not enrol:
        # As ``staff add --totp-at-first-sign-in``: they set it up at their first sign-in.
        from helplinekit.services.auth import allow_first_sign_in

        allow_first_sign_in(helpline.context, system, email)
        return StaffLogin(email, "", specialist=specialist)
    enrolment = helpline.begin_totp_enrolment(system, email)
    step = int(time.time()) // 30
    helpline.confirm_totp_enrolment(system, email, pyotp.TOTP(enrolment.secret).at(step * 30))
    return StaffLogin(
        email, enrolment.secret, list(enrolment.recovery_codes), specialist, last_step=step
    )


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, login: StaffLogin) -> str:
    """Sign ``client`` in as ``login``; return the session's CSRF token."""
    page = client.get("/staff/login")
    assert page.status_code == 200
    response = client.post(
        "/staff/login",
        data={
            "csrf": csrf_of(page.text),
            "email": login.email,
            "password": PASSWORD,
            "code": login.code(),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    account = client.get("/staff/account")
    assert account.status_code == 200
    return csrf_of(account.text)


def console_client(
    helpline: Helpline, *, address: str = "testclient", user_agent: str | None = None
) -> TestClient:
    """A browser on the console, connecting from ``address`` (each its own cookie jar)."""
    from helplinekit.web import create_app

    return TestClient(
        create_app(helpline),
        base_url="https://testserver",
        follow_redirects=False,
        client=(address, 50000),
        headers={"User-Agent": user_agent} if user_agent else None,
    )

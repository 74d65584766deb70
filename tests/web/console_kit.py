"""Helpers for the staff console tests: staff with known passwords and authenticators.

``add_staff_member`` creates an account the way an admin would (a password and a confirmed
authenticator) through ``helplinekit.testing.make_staff_member``. Each TOTP code works
once, so ``sign_in`` uses a recovery code when the current code was just used.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from helplinekit.api import Helpline
from helplinekit.domain import Role, Specialism
from helplinekit.testing import STAFF_PASSWORD, StaffMember, make_staff_member

PASSWORD = STAFF_PASSWORD


#: A console account: its ``code()`` gives an unused sign-in code (see helplinekit.testing).
StaffLogin = StaffMember


def add_staff_member(
    helpline: Helpline,
    label: str,
    roles: set[Role],
    specialisms: set[Specialism] | None = None,
    *,
    languages: tuple[str, ...] = ("en",),
    enrol: bool = True,
) -> StaffLogin:
    """``label@helpline.test``, named after ``label``, with :data:`PASSWORD` and (unless
    ``enrol`` is false, as ``staff add --totp-at-first-sign-in``) a confirmed authenticator.

    A pair of roles the policy refuses today (a supervisor who reads content) is stored as
    an account made before the refusal would be, which keeps working.
    """
    return make_staff_member(
        helpline,
        f"{label}@helpline.test",
        *roles,
        specialisms=specialisms or (),
        languages=languages,
        capacity=50,
        display_name=label.replace("_", " ").title(),
        password=PASSWORD,
        totp=enrol,
        totp_at_first_sign_in=not enrol,
        predates_pair_refusal=bool(helpline.context.policy.refused_role_pairs(roles)),
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

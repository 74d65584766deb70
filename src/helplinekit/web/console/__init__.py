"""The staff console: server-rendered pages under ``/staff`` (no JavaScript needed).

Every page is a thin face over the services: the services check the access policy and
write the audit log, so the console can show a button the policy would refuse and still be
safe (it does not: each page asks :class:`~helplinekit.services.case_page.CasePage` what
the staff member may do).

The package is laid out by area, one router each: :mod:`.signin` (sign-in, enrolment,
sign-out), :mod:`.account`, :mod:`.queue` (the home page and the queues), :mod:`.cases`
and :mod:`.case_forms` (the case page and its forms) and :mod:`.break_glass`. What every
route depends on — the signed-in session (:data:`~.deps.Staff`) and a checked form
(:data:`~.deps.CheckedForm`: size limit and CSRF token) — is in :mod:`.deps`.
"""

from __future__ import annotations

from fastapi import APIRouter

from helplinekit.services import casework
from helplinekit.web.console import account, break_glass, case_forms, cases, queue, signin
from helplinekit.web.console.deps import DEVICE_COOKIE, SESSION_COOKIE, SIGN_IN_COOKIE

__all__ = [
    "CONSOLE_ROUTES",
    "DEVICE_COOKIE",
    "SESSION_COOKIE",
    "SIGN_IN_COOKIE",
    "casework",
    "console_router",
]

PREFIX = "/staff"

#: Every console route (method, path): the route × role test walks exactly these.
CONSOLE_ROUTES: tuple[tuple[str, str], ...] = (
    ("GET", "/staff/"),
    ("GET", "/staff/login"),
    ("POST", "/staff/login"),
    ("POST", "/staff/enrol"),
    ("POST", "/staff/logout"),
    ("GET", "/staff/queue"),
    ("GET", "/staff/account"),
    ("POST", "/staff/account/language"),
    ("POST", "/staff/account/devices/{device_id}/revoke"),
    ("GET", "/staff/cases/new"),
    ("POST", "/staff/cases/new"),
    ("GET", "/staff/cases/{ref}"),
    ("POST", "/staff/cases/{ref}/call"),
    ("POST", "/staff/cases/{ref}/consent"),
    ("POST", "/staff/cases/{ref}/safe-contacts/confirm"),
    ("POST", "/staff/cases/{ref}/notes"),
    ("POST", "/staff/cases/{ref}/reply"),
    ("POST", "/staff/cases/{ref}/triage"),
    ("POST", "/staff/cases/{ref}/assign"),
    ("POST", "/staff/cases/{ref}/status"),
    ("POST", "/staff/cases/{ref}/tasks"),
    ("POST", "/staff/cases/{ref}/tasks/{task_id}/done"),
    ("POST", "/staff/cases/{ref}/legal-hold"),
    ("POST", "/staff/cases/{ref}/referrals"),
    ("POST", "/staff/cases/{ref}/referrals/{referral_id}"),
    ("POST", "/staff/cases/{ref}/break-glass"),
    ("GET", "/staff/break-glass"),
    ("POST", "/staff/break-glass/{grant_id}/reviewed"),
)


def console_router() -> APIRouter:
    """Every console route under ``/staff``; included by :func:`helplinekit.web.create_app`."""
    router = APIRouter(prefix=PREFIX)
    for area in (
        signin.router,
        queue.router,
        account.router,
        cases.router,
        case_forms.router,
        break_glass.case_router,
        break_glass.router,
    ):
        router.include_router(area)
    return router

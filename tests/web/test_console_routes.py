"""Every console route, requested as every role and anonymously, against a literal table.

The table is written by hand from SECURITY.md and the role descriptions, not computed from
the policy: a change to who may do what shows up here as a wrong allow or a wrong deny.

The case under test is in progress and assigned to the lawyer, the digital-security expert
and the counsellor; the intake agent is not on it (in progress, it has left the intake
queue). Every form that changes something is posted to a fresh case built the same way, so
an allowed change cannot alter the answers after it.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlencode

import pytest

from helplinekit.api import Helpline
from helplinekit.contracts import InboundRequest
from helplinekit.domain import CaseStatus, NoteSection, Role, Specialism
from helplinekit.web.console import CONSOLE_ROUTES

from .console_kit import (
    StaffLogin,
    add_staff_member,
    console_client,
    csrf_of,
    sign_in,
)

pytestmark = pytest.mark.database

# Columns: anon = nobody signed in; int = intake agent; law = lawyer on the case; lw- = a
# lawyer not on the case (a colleague's case: only the glass can be broken); dig =
# digital-security expert; cou = counsellor; sup = supervisor; adm = admin; i+l = one account
# doing intake and legal work, not on the case (in progress, it has left the intake queue);
# i+L = the same pair, on the case as its lawyer; s+l = a supervisor who is also a lawyer
# (an account made before that pair was refused), not on the case. A pair may do what either
# of its roles may do on the case, each role with only its own assignments.
# Y = the page is shown / the form does what it says; - = refused (403, or for someone not
# signed in, a redirect to the sign-in page).
TABLE = """
route                                            anon int law lw- dig cou sup adm i+l i+L s+l
GET /staff/                                       -   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y
GET /staff/login                                  Y   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y
POST /staff/login                                 Y   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y
POST /staff/enrol                                 -   -   -   -   -   -   -   -   -   -   -
POST /staff/logout                                -   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y
GET /staff/queue                                  -   Y   Y   Y   Y   Y   Y   -   Y   Y   Y
GET /staff/account                                -   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y
POST /staff/account/language                      -   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y
POST /staff/account/devices/{device_id}/revoke    -   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y
GET /staff/cases/new                              -   Y   Y   Y   Y   Y   -   -   Y   Y   Y
POST /staff/cases/new                             -   Y   Y   Y   Y   Y   -   -   Y   Y   Y
GET /staff/cases/{ref}                            -   -   Y   -   Y   Y   Y   -   -   Y   Y
POST /staff/cases/{ref}/call                      -   -   Y   -   Y   Y   -   -   -   Y   -
POST /staff/cases/{ref}/consent                   -   -   Y   -   Y   Y   -   -   -   Y   -
POST /staff/cases/{ref}/safe-contacts/confirm     -   -   Y   -   Y   Y   -   -   -   Y   -
POST /staff/cases/{ref}/notes                     -   -   Y   -   Y   Y   -   -   -   Y   -
POST /staff/cases/{ref}/reply                     -   -   Y   -   Y   Y   -   -   -   Y   -
POST /staff/cases/{ref}/triage                    -   -   Y   -   Y   Y   Y   -   -   Y   Y
POST /staff/cases/{ref}/assign                    -   -   -   -   -   -   Y   -   -   Y   Y
POST /staff/cases/{ref}/status                    -   -   Y   -   Y   Y   Y   -   -   Y   Y
POST /staff/cases/{ref}/tasks                     -   -   Y   -   Y   Y   -   -   -   Y   -
POST /staff/cases/{ref}/tasks/{task_id}/done      -   -   Y   -   Y   Y   -   -   -   Y   -
POST /staff/cases/{ref}/legal-hold                -   -   Y   -   -   -   Y   -   -   Y   Y
POST /staff/cases/{ref}/referrals                 -   -   Y   -   Y   Y   -   -   -   Y   -
POST /staff/cases/{ref}/referrals/{referral_id}   -   -   Y   -   Y   Y   -   -   -   Y   -
POST /staff/cases/{ref}/break-glass               -   Y   Y   Y   Y   Y   -   -   Y   Y   Y
GET /staff/break-glass                            -   -   -   -   -   -   Y   -   -   -   Y
POST /staff/break-glass/{grant_id}/reviewed       -   -   -   -   -   -   Y   -   -   -   Y
"""

COLUMNS = ("anon", "int", "law", "lw-", "dig", "cou", "sup", "adm", "i+l", "i+L", "s+l")
ROLES: dict[str, tuple[set[Role], set[Specialism]]] = {
    "int": ({Role.INTAKE}, set()),
    "law": ({Role.LAWYER}, {Specialism.LEGAL}),
    "lw-": ({Role.LAWYER}, {Specialism.LEGAL}),
    "dig": ({Role.DIGITAL_SECURITY}, {Specialism.DIGITAL_SECURITY}),
    "cou": ({Role.COUNSELLOR}, {Specialism.COUNSELLING}),
    "sup": ({Role.SUPERVISOR}, set()),
    "adm": ({Role.ADMIN}, set()),
    # One account holding two roles: each role opens only its own work.
    "i+l": ({Role.INTAKE, Role.LAWYER}, {Specialism.LEGAL}),
    "i+L": ({Role.INTAKE, Role.LAWYER}, {Specialism.LEGAL}),
    "s+l": ({Role.SUPERVISOR, Role.LAWYER}, {Specialism.LEGAL}),
}
#: Email names for the columns whose names differ only in case (emails do not).
LABELS = {"i+l": "intake-lawyer", "i+L": "intake-lawyer-on-case", "s+l": "supervisor-lawyer"}
#: Whoever is signed in signs out last: signing out ends the session the other rows need.
LAST = ("POST", "/staff/logout")


def parse_table() -> dict[tuple[str, str], dict[str, bool]]:
    lines = [line.split() for line in TABLE.strip().splitlines()]
    assert lines[0][1:] == list(COLUMNS)
    table = {}
    for row in lines[1:]:
        method, path, cells = row[0], row[1], row[2:]
        assert len(cells) == len(COLUMNS), row
        assert all(cell in ("Y", "-") for cell in cells), row
        table[(method, path)] = dict(zip(COLUMNS, (cell == "Y" for cell in cells), strict=True))
    return table


def test_the_table_names_every_console_route() -> None:
    from fastapi.routing import iter_route_contexts

    from helplinekit.web.console import console_router

    # Included routers are resolved lazily: iter_route_contexts walks them all.
    served = {
        (method, route.path)
        for route in iter_route_contexts(console_router().routes)
        for method in route.methods or ()
    }
    assert served == set(CONSOLE_ROUTES)
    assert set(parse_table()) == set(CONSOLE_ROUTES)


def _web_form_case(helpline: Helpline) -> uuid.UUID:
    token = helpline.context.channels["web.form"].issue_token()
    body = urlencode(
        {
            "token": token,
            "message": "someone is posting my photos",
            "safe_contact": "tel:+923001234567",
        }
    ).encode()
    request = InboundRequest(
        method="POST",
        url="https://testserver/form",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=body,
    )
    (result,) = helpline.receive("web.form", request).results
    return result.case_id


class World:
    """The staff, and a factory of cases in progress assigned to the three caseworkers."""

    def __init__(self, helpline: Helpline) -> None:
        self.helpline = helpline
        self.logins: dict[str, StaffLogin] = {
            column: add_staff_member(
                helpline, f"{LABELS.get(column, column)}-staff", roles, specialisms
            )
            for column, (roles, specialisms) in ROLES.items()
        }
        self.spare = add_staff_member(
            helpline, "spare", {Role.COUNSELLOR}, {Specialism.COUNSELLING}, enrol=False
        )

    def case(self) -> str:
        h, system = self.helpline, self.helpline.system()
        case_id = _web_form_case(h)
        h.record_contact(system, case_id, summary="follow-up call", consent_referral=True)
        for column, specialism in (
            ("law", Specialism.LEGAL),
            ("dig", Specialism.DIGITAL_SECURITY),
            ("cou", Specialism.COUNSELLING),
            ("i+L", Specialism.LEGAL),  # the intake agent who is also this case's lawyer
        ):
            specialist = self.logins[column].specialist
            assert specialist is not None
            h.assign(system, case_id, specialist.id, specialism)
        h.triage_case(system, case_id, categories=["NCII_SHARED"])
        case = h.change_status(system, case_id, CaseStatus.IN_PROGRESS)
        return case.reference


def _form_for(
    world: World, method: str, path: str, ref: str, column: str = "anon"
) -> tuple[str, dict[str, str]]:
    """The concrete URL and a valid form for one route (as the system sets up its objects)."""
    h, system = world.helpline, world.helpline.system()
    url = path.replace("{ref}", ref)
    if "{device_id}" in url:
        # One's own device: the browser signing in as ``column`` became one (a random id
        # for nobody signed in).
        login = world.logins.get(column)
        with h.context.database.uow(read_only=True) as uow:
            owned = uow.staff.devices(login.specialist.id) if login and login.specialist else []
        url = url.replace("{device_id}", str(owned[0].id if owned else uuid.uuid4()))
    if "{task_id}" in url:
        from datetime import timedelta

        task = h.create_task(
            system, ref, title="call back", due_at=h.context.clock() + timedelta(1)
        )
        url = url.replace("{task_id}", str(task.id))
    if "{referral_id}" in url:
        referral = h.propose_referral(
            system, ref, "intl.stopncii", shared_sections={NoteSection.GENERAL}, summary="images"
        )
        url = url.replace("{referral_id}", str(referral.id))
    if "{grant_id}" in url:
        spare = h.actor(world.spare.email)
        grant = h.break_glass(spare, ref, "survivor in danger, her lawyer is away", minutes=30)
        url = url.replace("{grant_id}", str(grant.id))
    supervisor = world.logins["sup"].specialist
    assert supervisor is not None
    forms: dict[str, dict[str, str]] = {
        "/staff/login": {
            "email": f"nobody-{uuid.uuid4().hex[:8]}@helpline.test",
            "password": "x" * 10,
            "code": "1",
        },
        "/staff/enrol": {"code": "123456"},
        "/staff/account/language": {"language": "en"},
        "/staff/cases/new": {"kind": "call", "summary": "a walk-in call", "language": "en"},
        "/staff/cases/{ref}/call": {"kind": "call", "summary": "called again"},
        "/staff/cases/{ref}/consent": {"consent_services": "yes"},
        "/staff/cases/{ref}/safe-contacts/confirm": {"urn": "tel:+923001234567"},
        "/staff/cases/{ref}/notes": {"section": "general", "body": "spoke to her"},
        "/staff/cases/{ref}/reply": {"body": "We can help."},
        "/staff/cases/{ref}/triage": {"category": "NCII_SHARED", "risk": "high"},
        "/staff/cases/{ref}/assign": {"staff_id": str(supervisor.id)},
        "/staff/cases/{ref}/status": {"status": "waiting_on_caller"},
        "/staff/cases/{ref}/tasks": {"title": "call back", "kind": "callback", "due": "2030-01-01"},
        "/staff/cases/{ref}/legal-hold": {"hold": "yes"},
        "/staff/cases/{ref}/referrals": {
            "partner": "intl.stopncii",
            "summary": "images shared",
            "share": "general",
        },
        "/staff/cases/{ref}/referrals/{referral_id}": {"status": "sent"},
        "/staff/cases/{ref}/break-glass": {
            "reason": "survivor in danger, her lawyer is away",
            "minutes": "30",
        },
    }
    # Assigning the supervisor is refused (no specialism); assign the spare counsellor.
    forms["/staff/cases/{ref}/assign"] = {
        "staff_id": str(world.spare.specialist.id),  # type: ignore[union-attr]
        "specialism": "counselling",
    }
    return url, dict(forms.get(path, {}))


def _verdict(method: str, path: str, response) -> bool:
    """Allowed (True) or refused (False); anything else fails the test."""
    status, location = response.status_code, response.headers.get("location", "")
    if status == 403:
        return False
    if status == 303 and location.startswith("/staff/login") and path != "/staff/logout":
        return False  # sent to sign in
    if method == "GET" and status == 200:
        return True
    if status == 303:
        return True
    if path == "/staff/login" and status in (200, 401):
        return True  # the sign-in form answered (a wrong password is still an answer)
    raise AssertionError(f"{method} {path} answered {status}: {response.text[:300]}")


def test_every_route_for_every_role_matches_the_table(helpline) -> None:
    table = parse_table()
    world = World(helpline)
    shared = world.case()
    routes = sorted(CONSOLE_ROUTES, key=lambda route: route == LAST)
    wrong_allows, wrong_denies, cells = [], [], 0
    for column in COLUMNS:
        client = console_client(helpline)
        csrf = sign_in(client, world.logins[column]) if column != "anon" else ""
        for method, path in routes:
            ref = shared if method == "GET" else world.case() if "{ref}" in path else shared
            url, form = _form_for(world, method, path, ref, column)
            if method == "GET":
                response = client.get(url)
            else:
                if path == "/staff/login":
                    form["csrf"] = csrf_of(client.get("/staff/login").text)
                else:
                    form["csrf"] = csrf
                response = client.post(url, data=form)
            got = _verdict(method, path, response)
            want = table[(method, path)][column]
            cells += 1
            where = f"{method} {path} as {column}"
            if got and not want:
                wrong_allows.append(where)
            elif want and not got:
                wrong_denies.append(where)
    summary = f"{len(wrong_allows)} wrong allows, {len(wrong_denies)} wrong denies in {cells} cells"
    print(summary)
    assert cells == len(CONSOLE_ROUTES) * len(COLUMNS)
    assert (wrong_allows, wrong_denies) == ([], []), (
        summary
        + "".join(f"\n  wrong allow: {item}" for item in wrong_allows)
        + "".join(f"\n  wrong deny: {item}" for item in wrong_denies)
    )


def test_every_refused_case_page_is_audited_once(helpline) -> None:
    """The intake agent asks for a case in progress they are not on: one refusal entry."""
    world = World(helpline)
    ref = world.case()
    client = console_client(helpline)
    sign_in(client, world.logins["int"])
    before = _audit_actions(helpline)
    assert client.get(f"/staff/cases/{ref}").status_code == 403
    new = _audit_actions(helpline)[len(before) :]
    assert new == ["access.denied"]


def _audit_actions(helpline: Helpline) -> list[str]:
    from sqlalchemy import select

    from helplinekit.db.models import AuditRow

    with helpline.context.database.uow(read_only=True) as uow:
        return list(uow.session.scalars(select(AuditRow.action).order_by(AuditRow.seq)))


def test_a_refused_form_says_what_the_person_may_do_and_never_an_id(helpline) -> None:
    """A lawyer not on the case writes a note: 403, and the page says what they may do."""
    world = World(helpline)
    ref = world.case()
    client = console_client(helpline)
    csrf = sign_in(client, world.logins["lw-"])  # a lawyer, not assigned to the case
    response = client.post(
        f"/staff/cases/{ref}/notes",
        data={"section": "legal", "body": "spoke to her", "csrf": csrf},
    )
    assert response.status_code == 403
    assert "You can write notes on cases assigned to you" in response.text
    assert "ask a supervisor to assign you" in response.text
    assert "note.write" not in response.text
    assert re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", response.text) is None

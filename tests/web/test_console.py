"""The staff console, through its pages: sign-in, sessions, CSRF, queues, the case page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

import pyotp
import pytest
from sqlalchemy import func, select

from helplinekit.db.models import AuditRow, CaseRow, ContactRow, NoteRow, StaffSessionRow
from helplinekit.domain import CaseStatus, NoteSection, RiskLevel, Role, Specialism

from .console_kit import PASSWORD, add_staff_member, console_client, csrf_of, sign_in

pytestmark = pytest.mark.database


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def console(open_helpline, clock):
    helpline = open_helpline(clock=clock)
    yield helpline


def _count(helpline, model) -> int:
    with helpline.context.database.uow(read_only=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def _audit(helpline) -> list[str]:
    with helpline.context.database.uow(read_only=True) as uow:
        return list(uow.session.scalars(select(AuditRow.action).order_by(AuditRow.seq)))


def _set_cookies(response) -> dict[str, SimpleCookie]:
    found = {}
    for header in response.headers.get_list("set-cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            found[name] = morsel
    return found


def _post_sign_in(client, email: str, password: str = PASSWORD, code: str = "", **extra):
    """Post the sign-in form as a browser would (the form's own CSRF token unless given)."""
    page = client.get("/staff/login")
    fields = {"csrf": csrf_of(page.text), "email": email, "password": password, "code": code}
    return client.post("/staff/login", data={**fields, **extra})


def _open_case(helpline, intake_login, **kwargs) -> str:
    actor = helpline.actor(intake_login.email)
    return helpline.open_case_from_contact(actor, summary="She called about photos", **kwargs)


# -- sign-in and sessions --------------------------------------------------------------------


def test_session_cookie_is_host_prefixed_secure_httponly_strict_and_rotated(console) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    client = console_client(console)
    page = client.get("/staff/login")
    signin_cookie = _set_cookies(page)["__Host-hk_signin"]
    assert signin_cookie["secure"] and signin_cookie["httponly"]
    assert signin_cookie["samesite"].lower() == "strict" and signin_cookie["path"] == "/"
    # A session cookie planted before sign-in (session fixation) is replaced, not adopted.
    client.cookies.set("__Host-hk_session", "planted-by-someone-else", domain="testserver")
    response = client.post(
        "/staff/login",
        data={
            "csrf": csrf_of(page.text),
            "email": login.email,
            "password": PASSWORD,
            "code": login.code(),
        },
    )
    assert response.status_code == 303
    cookie = _set_cookies(response)["__Host-hk_session"]
    assert cookie.value != "planted-by-someone-else" and len(cookie.value) >= 40
    assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/"
    assert cookie["samesite"].lower() == "strict" and not cookie["domain"]
    # Only a hash of the token is stored.
    with console.context.database.uow(read_only=True) as uow:
        stored = list(uow.session.scalars(select(StaffSessionRow.token_hash)))
    assert stored and cookie.value not in stored


def test_pages_need_a_session_and_signing_out_ends_it(console) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    client = console_client(console)
    response = client.get("/staff/queue")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/login?next=/staff/queue"
    csrf = sign_in(client, login)
    token = client.cookies.get("__Host-hk_session")
    assert client.get("/staff/queue").status_code == 200
    assert client.post("/staff/logout", data={"csrf": csrf}).status_code == 303
    # The old token no longer works, even if someone kept a copy of it.
    client.cookies.set("__Host-hk_session", token, domain="testserver")
    assert client.get("/staff/queue").status_code == 303
    assert "logout" in _audit(console)


def test_an_idle_session_ends(console, clock) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    client = console_client(console)
    sign_in(client, login)
    clock.now += timedelta(minutes=29)
    assert client.get("/staff/queue").status_code == 200  # activity resets the idle timer
    clock.now += timedelta(minutes=29)
    assert client.get("/staff/queue").status_code == 200
    clock.now += timedelta(minutes=31)
    response = client.get("/staff/queue")
    assert response.status_code == 303 and response.headers["location"].startswith("/staff/login")


def test_a_disabled_account_is_signed_out_at_once(console) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    client = console_client(console)
    sign_in(client, login)
    console.disable_staff(console.system(), login.email)
    assert client.get("/staff/queue").status_code == 303


def test_wrong_password_gets_the_same_answer_as_an_unknown_email(console) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    answers = []
    for email, password in ((login.email, "not the password"), ("nobody@helpline.test", "x" * 9)):
        response = _post_sign_in(console_client(console), email, password, "1")
        answers.append((response.status_code, "Wrong email, password or code." in response.text))
        assert "__Host-hk_session" not in _set_cookies(response)
    assert answers == [(401, True), (401, True)]


def test_first_sign_in_sets_up_the_authenticator(console) -> None:
    login = add_staff_member(console, "newcomer", {Role.COUNSELLOR}, enrol=False)
    client = console_client(console)
    response = _post_sign_in(client, login.email)
    assert response.status_code == 200
    secret = re.search(r'id="totp-secret" dir="ltr">([^<]+)<', response.text).group(1)
    secret = secret.replace(" ", "")
    codes = re.findall(r"<li><code>([^<]+)</code></li>", response.text)
    assert len(codes) == 10
    # Until the code is confirmed the enrolling session opens nothing.
    assert client.get("/staff/queue").status_code == 303
    enrol_csrf = csrf_of(response.text)
    wrong = client.post("/staff/enrol", data={"csrf": enrol_csrf, "code": "000000"})
    assert wrong.status_code == 400 and "not right" in wrong.text
    # The same key is shown again (the app may hold it already); the codes are not.
    assert secret in wrong.text.replace(" ", "") and "<li><code>" not in wrong.text
    right = client.post("/staff/enrol", data={"csrf": enrol_csrf, "code": pyotp.TOTP(secret).now()})
    assert right.status_code == 303
    assert client.get("/staff/account").status_code == 200
    assert {"staff.totp_enrol", "login.ok"} <= set(_audit(console))


def test_an_enrolled_account_cannot_skip_its_code(console) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    response = _post_sign_in(console_client(console), login.email)
    assert response.status_code == 401
    assert "totp-secret" not in response.text


def test_sign_in_without_its_csrf_token_is_refused(console) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    response = _post_sign_in(console_client(console), login.email, code=login.code(), csrf="x")
    assert response.status_code == 403
    assert "__Host-hk_session" not in _set_cookies(response)


# -- CSRF and bad input ----------------------------------------------------------------------


def test_forms_without_a_valid_csrf_token_change_nothing(console) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    client = console_client(console)
    csrf = sign_in(client, login)
    case = _open_case(console, login)
    notes_before = _count(console, NoteRow)
    for token in (None, "", "0" * 64, csrf[:-1] + ("0" if csrf[-1] != "0" else "1")):
        data = {"section": "general", "body": "a note"}
        if token is not None:
            data["csrf"] = token
        response = client.post(f"/staff/cases/{case.reference}/notes", data=data)
        assert response.status_code == 403
    assert _count(console, NoteRow) == notes_before
    # Another staff member's token does not work in this session either.
    other = console_client(console)
    other_csrf = sign_in(other, add_staff_member(console, "other", {Role.INTAKE}))
    response = client.post(
        f"/staff/cases/{case.reference}/notes",
        data={"csrf": other_csrf, "section": "general", "body": "a note"},
    )
    assert response.status_code == 403
    assert _count(console, NoteRow) == notes_before


BAD_FORMS = [
    ("/staff/cases/{ref}/notes", {"section": "secret", "body": "x"}, 400),
    ("/staff/cases/{ref}/notes", {"section": "general", "body": "   "}, 400),
    ("/staff/cases/{ref}/status", {"status": "erased"}, 400),
    ("/staff/cases/{ref}/status", {"status": "nonsense"}, 400),
    ("/staff/cases/{ref}/status", {"status": "resolved"}, 400),  # not allowed from "new"
    ("/staff/cases/{ref}/triage", {"risk": "extreme"}, 400),
    ("/staff/cases/{ref}/triage", {"risk": "high", "category": "NOT_A_CODE"}, 400),
    ("/staff/cases/{ref}/assign", {"staff_id": "not-a-uuid"}, 400),
    ("/staff/cases/{ref}/tasks", {"title": "x", "kind": "callback", "due": "tomorrow"}, 400),
    ("/staff/cases/{ref}/tasks", {"title": "", "kind": "callback", "due": "2030-01-01"}, 400),
    ("/staff/cases/{ref}/tasks/not-a-uuid/done", {}, 400),
    ("/staff/cases/{ref}/call", {"kind": "web_form", "summary": "x"}, 400),
    ("/staff/cases/{ref}/break-glass", {"reason": "x", "minutes": "30"}, 400),
    ("/staff/cases/{ref}/break-glass", {"reason": "a long enough reason", "minutes": "lots"}, 400),
    ("/staff/cases/HL-1999-999999/notes", {"section": "general", "body": "x"}, 404),
    ("/staff/cases/new", {"kind": "call", "summary": "x", "phone": "call me maybe"}, 400),
    ("/staff/cases/new", {"kind": "call", "summary": "", "language": "en"}, 400),
    ("/staff/account/language", {"language": "xx"}, 400),
]


@pytest.mark.parametrize(("path", "form", "status"), BAD_FORMS)
def test_bad_input_gets_a_4xx_naming_the_problem_and_stores_nothing(
    console, path, form, status
) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    client = console_client(console)
    csrf = sign_in(client, login)
    case = _open_case(console, login)
    counts = [_count(console, model) for model in (CaseRow, NoteRow, ContactRow)]
    response = client.post(path.replace("{ref}", case.reference), data={"csrf": csrf, **form})
    assert response.status_code == status, response.text
    assert 'role="alert"' in response.text and "Traceback" not in response.text
    assert [_count(console, model) for model in (CaseRow, NoteRow, ContactRow)] == counts


def test_an_oversized_or_unreadable_form_is_refused(console) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    client = console_client(console)
    csrf = sign_in(client, login)
    case = _open_case(console, login)
    notes = _count(console, NoteRow)
    url = f"/staff/cases/{case.reference}/notes"
    big = client.post(url, data={"csrf": csrf, "section": "general", "body": "x" * 70_000})
    assert big.status_code == 413
    garbage = client.post(
        url, content=b"\xff\xfe\x00", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert garbage.status_code == 400
    json_body = client.post(url, json={"csrf": csrf, "section": "general", "body": "x"})
    assert json_body.status_code == 400
    assert _count(console, NoteRow) == notes


def test_bad_queue_filters_and_unknown_cases_are_4xx(console) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    client = console_client(console)
    sign_in(client, login)
    for query in (
        "status=bogus",
        "risk=extreme",
        "view=everyone",
        "page=0",
        "page=x",
        "language=xx",
    ):
        assert client.get(f"/staff/queue?{query}").status_code == 400, query
    assert client.get("/staff/cases/HL-1999-999999").status_code == 404
    assert client.get("/staff/cases/%00%ff").status_code == 404


# -- queues ------------------------------------------------------------------------------


def test_queue_puts_high_risk_first_and_filters(console) -> None:
    intake = add_staff_member(console, "intake", {Role.INTAKE})
    system = console.system()
    refs = {}
    for risk in (RiskLevel.LOW, RiskLevel.HIGH, RiskLevel.MEDIUM):
        case = _open_case(console, intake)
        console.triage_case(system, case.id, risk_level=risk)
        refs[risk] = case.reference
    client = console_client(console)
    sign_in(client, intake)
    page = client.get("/staff/queue?view=mine").text
    order = [page.index(refs[risk]) for risk in (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)]
    assert order == sorted(order)
    high_only = client.get("/staff/queue?view=mine&risk=high").text
    assert refs[RiskLevel.HIGH] in high_only and refs[RiskLevel.LOW] not in high_only
    assert "1 case" in high_only


def test_my_queue_holds_my_cases_and_the_team_queue_the_intake_queue(console) -> None:
    intake = add_staff_member(console, "intake", {Role.INTAKE})
    colleague = add_staff_member(console, "colleague", {Role.INTAKE})
    mine = _open_case(console, intake)
    theirs = _open_case(console, colleague)
    client = console_client(console)
    sign_in(client, intake)
    my_queue = client.get("/staff/queue?view=mine").text
    assert mine.reference in my_queue and theirs.reference not in my_queue
    team = client.get("/staff/queue?view=team").text
    assert mine.reference in team and theirs.reference in team  # new cases await intake


def test_an_admin_has_no_queue(console) -> None:
    admin = add_staff_member(console, "admin", {Role.ADMIN})
    client = console_client(console)
    sign_in(client, admin)
    assert client.get("/staff/").headers["location"] == "/staff/account"
    assert client.get("/staff/queue").status_code == 403


# -- the case page -----------------------------------------------------------------------


def _caseworkers(helpline):
    intake = add_staff_member(helpline, "intake", {Role.INTAKE})
    lawyer = add_staff_member(helpline, "lawyer", {Role.LAWYER}, {Specialism.LEGAL})
    counsellor = add_staff_member(
        helpline, "counsellor", {Role.COUNSELLOR}, {Specialism.COUNSELLING}
    )
    case = _open_case(helpline, intake, consent_services=True)
    system = helpline.system()
    helpline.assign(system, case.id, lawyer.specialist.id, Specialism.LEGAL)
    helpline.assign(system, case.id, counsellor.specialist.id, Specialism.COUNSELLING)
    return intake, lawyer, counsellor, case


def test_one_case_page_view_is_one_audit_entry(console) -> None:
    _, lawyer, _, case = _caseworkers(console)
    client = console_client(console)
    sign_in(client, lawyer)
    before = len(_audit(console))
    page = client.get(f"/staff/cases/{case.reference}")
    assert page.status_code == 200
    assert _audit(console)[before:] == ["case.page_view"]
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"


def test_the_counsellor_does_not_see_the_lawyers_note(console) -> None:
    _, lawyer, counsellor, case = _caseworkers(console)
    console.add_note(
        console.actor(lawyer.email), case.id, NoteSection.LEGAL, "FIR to be filed under s.21"
    )
    console.add_note(
        console.actor(counsellor.email), case.id, NoteSection.COUNSELLING, "sleeps badly"
    )
    lawyer_client, counsellor_client = console_client(console), console_client(console)
    sign_in(lawyer_client, lawyer)
    sign_in(counsellor_client, counsellor)
    as_lawyer = lawyer_client.get(f"/staff/cases/{case.reference}").text
    as_counsellor = counsellor_client.get(f"/staff/cases/{case.reference}").text
    assert "FIR to be filed" in as_lawyer and "sleeps badly" not in as_lawyer
    assert "sleeps badly" in as_counsellor and "FIR to be filed" not in as_counsellor
    # Nor can the counsellor write in the legal section.
    csrf = csrf_of(as_counsellor)
    response = counsellor_client.post(
        f"/staff/cases/{case.reference}/notes",
        data={"csrf": csrf, "section": "legal", "body": "x"},
    )
    assert response.status_code == 403


def test_a_supervisor_sees_the_case_but_not_its_content(console) -> None:
    _, _, _, case = _caseworkers(console)
    supervisor = add_staff_member(console, "supervisor", {Role.SUPERVISOR})
    client = console_client(console)
    sign_in(client, supervisor)
    page = client.get(f"/staff/cases/{case.reference}").text
    assert case.reference in page
    assert "She called about photos" not in page  # the call summary is content
    assert 'id="timeline"' not in page and 'id="notes"' not in page
    assert 'id="assign"' in page and 'id="status"' in page


def test_logging_a_call_from_someone_new_opens_a_case(console) -> None:
    intake = add_staff_member(console, "intake", {Role.INTAKE})
    client = console_client(console)
    csrf = sign_in(client, intake)
    response = client.post(
        "/staff/cases/new",
        data={
            "csrf": csrf,
            "kind": "call",
            "summary": "Her ex-husband is sharing her photos",
            "phone": "0300 1234567",
            "safe_contact": "yes",
            "consent_services": "yes",
            "language": "en",
        },
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Her ex-husband is sharing her photos" in page
    assert "tel:+923001234567" in page  # marked safe, so shown as a way to call back


def test_a_referral_needs_the_survivors_consent(console) -> None:
    _, lawyer, _, case = _caseworkers(console)
    client = console_client(console)
    csrf = sign_in(client, lawyer)
    form = {"csrf": csrf, "partner": "intl.stopncii", "summary": "images", "share": "general"}
    refused = client.post(f"/staff/cases/{case.reference}/referrals", data=form)
    assert refused.status_code == 400 and "consent" in refused.text
    agreed = client.post(
        f"/staff/cases/{case.reference}/referrals", data={**form, "consent_referral": "yes"}
    )
    assert agreed.status_code == 303
    page = client.get(f"/staff/cases/{case.reference}").text
    assert 'class="referral-status">Proposed' in page
    assert "consent.record" in _audit(console)


def test_status_changes_follow_the_lifecycle(console) -> None:
    _, lawyer, _, case = _caseworkers(console)
    client = console_client(console)
    csrf = sign_in(client, lawyer)
    page = client.get(f"/staff/cases/{case.reference}").text
    offered = re.findall(r'<option value="([a-z_]+)">', page.split('id="status-to"')[1])
    assert "erased" not in offered and "new" not in offered
    assert (
        client.post(
            f"/staff/cases/{case.reference}/status", data={"csrf": csrf, "status": "resolved"}
        ).status_code
        == 400
    )  # new -> resolved skips the lifecycle
    client.post(f"/staff/cases/{case.reference}/status", data={"csrf": csrf, "status": "triaged"})
    assert console.view_case(console.system(), case.id).status is CaseStatus.TRIAGED


def test_break_the_glass_opens_a_case_for_a_while(console, clock) -> None:
    _, _, _, case = _caseworkers(console)
    other = add_staff_member(console, "other_lawyer", {Role.LAWYER}, {Specialism.LEGAL})
    console.change_status(console.system(), case.id, CaseStatus.TRIAGED)
    client = console_client(console)
    csrf = sign_in(client, other)
    denied = client.get(f"/staff/cases/{case.reference}")
    assert denied.status_code == 403 and "Break the glass" in denied.text
    opened = client.post(
        f"/staff/cases/{case.reference}/break-glass",
        data={"csrf": csrf, "reason": "survivor in danger, her lawyer is away", "minutes": "30"},
    )
    assert opened.status_code == 303
    assert client.get(f"/staff/cases/{case.reference}").status_code == 200
    clock.now += timedelta(minutes=20)
    assert client.get(f"/staff/cases/{case.reference}").status_code == 200
    clock.now += timedelta(minutes=11)  # the grant has ended; the session has not
    assert client.get(f"/staff/cases/{case.reference}").status_code == 403


def test_each_staff_member_picks_their_language(console) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    enabled = console.config.languages.enabled
    client = console_client(console)
    csrf = sign_in(client, login)
    assert 'dir="ltr"' in client.get("/staff/queue").text
    if "ur" not in enabled:
        response = client.post("/staff/account/language", data={"csrf": csrf, "language": "ur"})
        assert response.status_code == 400 and "&#39;ur&#39;" in response.text
        return
    client.post("/staff/account/language", data={"csrf": csrf, "language": "ur"})
    page = client.get("/staff/queue").text
    assert '<html lang="ur" dir="rtl">' in page


def test_triage_records_the_facts_the_legal_options_depend_on(console) -> None:
    _, lawyer, _, case = _caseworkers(console)
    client = console_client(console)
    csrf = sign_in(client, lawyer)
    response = client.post(
        f"/staff/cases/{case.reference}/triage",
        data={
            "csrf": csrf,
            "with_attributes": "yes",
            "first_contact_channel": "phone",
            "category": "NCII_SHARED",
            "risk": "high",
            "victim_is_minor": "no",
            "perpetrator_relation": "partner_ex",
            "platforms": "Facebook, whatsapp, facebook",
            "identity": "journalist",
        },
    )
    assert response.status_code == 303
    attributes = console.view_case(console.system(), case.id).attributes
    assert attributes.victim_is_minor is False and attributes.ai_generated_content is None
    assert attributes.platforms == ("facebook", "whatsapp")
    assert attributes.first_contact_channel == "phone"
    page = client.get(f"/staff/cases/{case.reference}").text
    assert "A partner or former partner" in page and "Journalist" in page
    bad = client.post(
        f"/staff/cases/{case.reference}/triage",
        data={"csrf": csrf, "with_attributes": "yes", "risk": "high", "victim_is_minor": "maybe"},
    )
    assert bad.status_code == 400 and "maybe" in bad.text.replace("&#39;", "'")


def test_a_supervisors_triage_keeps_the_facts_they_cannot_see(console) -> None:
    _, lawyer, _, case = _caseworkers(console)
    console.triage_case(
        console.actor(lawyer.email),
        case.id,
        attributes=console.view_case(console.system(), case.id).attributes.__class__(
            victim_is_minor=True, first_contact_channel="phone"
        ),
    )
    supervisor = add_staff_member(console, "supervisor", {Role.SUPERVISOR})
    client = console_client(console)
    csrf = sign_in(client, supervisor)
    page = client.get(f"/staff/cases/{case.reference}").text
    assert 'name="with_attributes"' not in page
    response = client.post(
        f"/staff/cases/{case.reference}/triage", data={"csrf": csrf, "risk": "high"}
    )
    assert response.status_code == 303
    case_now = console.view_case(console.system(), case.id)
    assert case_now.attributes.victim_is_minor is True and case_now.risk_level is RiskLevel.HIGH


def test_an_unexpected_error_is_a_plain_page_without_a_traceback(console, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from helplinekit.web import console as console_module
    from helplinekit.web import create_app

    login = add_staff_member(console, "intake", {Role.INTAKE})

    def broken(*args, **kwargs):
        raise RuntimeError("secret survivor words in an exception")

    monkeypatch.setattr(console_module.casework, "list_cases", broken)
    client = TestClient(
        create_app(console), base_url="https://testserver", raise_server_exceptions=False
    )
    sign_in(client, login)
    response = client.get("/staff/queue")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "secret survivor words" not in response.text and "Traceback" not in response.text
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_signing_in_returns_to_the_page_asked_for(console) -> None:
    _, lawyer, _, case = _caseworkers(console)
    client = console_client(console)
    asked = client.get(f"/staff/cases/{case.reference}")
    assert asked.headers["location"] == f"/staff/login?next=/staff/cases/{case.reference}"
    page = client.get(asked.headers["location"])
    assert f'name="next" value="/staff/cases/{case.reference}"' in page.text
    response = client.post(
        "/staff/login",
        data={
            "csrf": csrf_of(page.text),
            "email": lawyer.email,
            "password": PASSWORD,
            "code": lawyer.code(),
            "next": f"/staff/cases/{case.reference}",
        },
    )
    assert response.headers["location"] == f"/staff/cases/{case.reference}"
    # Never to another site.
    for target in ("https://evil.example/", "//evil.example/staff/", "/staff/\\\\evil"):
        other = console_client(console)
        page = other.get(f"/staff/login?next={target}")
        assert 'name="next"' not in page.text


def test_a_queue_shows_open_cases_unless_asked_for_closed_ones(console) -> None:
    intake = add_staff_member(console, "intake", {Role.INTAKE})
    open_case, closed_case = _open_case(console, intake), _open_case(console, intake)
    console.close_case(console.system(), closed_case.id)
    client = console_client(console)
    sign_in(client, intake)
    default = client.get("/staff/queue?view=mine").text
    assert open_case.reference in default and closed_case.reference not in default
    closed = client.get("/staff/queue?view=mine&status=closed").text
    assert closed_case.reference in closed and open_case.reference not in closed


def test_times_are_shown_in_the_helplines_time_zone(console, clock) -> None:
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime

    intake = add_staff_member(console, "intake", {Role.INTAKE})
    case = _open_case(console, intake)
    client = console_client(console)
    sign_in(client, intake)
    page = client.get(f"/staff/cases/{case.reference}").text
    karachi = format_datetime(clock.now, "short", tzinfo=ZoneInfo("Asia/Karachi"), locale="en")
    utc = format_datetime(clock.now, "short", tzinfo=UTC, locale="en")
    assert karachi in page and utc not in page  # Karachi is UTC+5


def test_a_password_alone_cannot_put_an_authenticator_on_an_account_waiting_for_one(
    console,
) -> None:
    """An admin issued a new authenticator (a lost phone): the password is not enough to
    replace it with one's own, in the console."""
    login = add_staff_member(console, "lawyer", {Role.LAWYER}, {Specialism.LEGAL})
    console.begin_totp_enrolment(console.system(), login.email)
    response = _post_sign_in(console_client(console), login.email)
    assert response.status_code == 401 and "totp-secret" not in response.text


def test_the_first_sign_in_window_closes(console, clock) -> None:
    login = add_staff_member(console, "newcomer", {Role.INTAKE}, enrol=False)
    clock.now += timedelta(days=8)
    response = _post_sign_in(console_client(console), login.email)
    assert response.status_code == 401 and "totp-secret" not in response.text


def test_a_new_password_or_authenticator_signs_the_account_out_everywhere(console) -> None:
    login = add_staff_member(console, "intake", {Role.INTAKE})
    first, second = console_client(console), console_client(console)
    sign_in(first, login)
    sign_in(second, login)
    console.set_password(console.system(), login.email, "a brand new passphrase")
    assert first.get("/staff/account").status_code == 303
    assert second.get("/staff/account").status_code == 303
    login2 = add_staff_member(console, "other", {Role.INTAKE})
    third = console_client(console)
    sign_in(third, login2)
    console.begin_totp_enrolment(console.system(), login2.email)
    assert third.get("/staff/account").status_code == 303


def test_a_supervisor_cannot_set_the_facts_they_cannot_read(console) -> None:
    _, _, _, case = _caseworkers(console)
    supervisor = add_staff_member(console, "supervisor", {Role.SUPERVISOR})
    client = console_client(console)
    csrf = sign_in(client, supervisor)
    response = client.post(
        f"/staff/cases/{case.reference}/triage",
        data={"csrf": csrf, "with_attributes": "yes", "risk": "high", "victim_is_minor": "yes"},
    )
    assert response.status_code == 403
    case_now = console.view_case(console.system(), case.id)
    assert case_now.attributes.victim_is_minor is None and case_now.risk_level is not RiskLevel.HIGH


def test_a_refused_referral_records_no_consent_and_shares_only_readable_sections(
    console,
) -> None:
    intake, lawyer, _, case = _caseworkers(console)
    form = {"partner": "intl.stopncii", "summary": "images", "consent_referral": "yes"}
    intake_client = console_client(console)
    csrf = sign_in(intake_client, intake)
    refused = intake_client.post(
        f"/staff/cases/{case.reference}/referrals", data={**form, "csrf": csrf}
    )
    assert refused.status_code == 403
    assert "consent.record" not in _audit(console)  # nothing recorded for a refused referral
    lawyer_client = console_client(console)
    csrf = sign_in(lawyer_client, lawyer)
    counselling = lawyer_client.post(
        f"/staff/cases/{case.reference}/referrals",
        data={**form, "csrf": csrf, "share": "counselling"},
    )
    assert counselling.status_code == 403  # a lawyer cannot hand over counselling notes
    assert "consent.record" not in _audit(console)
    shared = lawyer_client.post(
        f"/staff/cases/{case.reference}/referrals",
        data={**form, "csrf": csrf, "share": "legal"},
    )
    assert shared.status_code == 303
    assert _audit(console)[-2:] == ["consent.record", "referral.propose"]


def test_odd_sign_in_text_and_glass_on_an_erased_case_are_4xx(console) -> None:
    response = _post_sign_in(console_client(console), "a\x00@x.org", "x" * 9, "1")
    assert response.status_code == 401
    _, _, _, case = _caseworkers(console)
    other = add_staff_member(console, "other_lawyer", {Role.LAWYER}, {Specialism.LEGAL})
    console.erase_case(console.system(), case.id)
    client = console_client(console)
    csrf = sign_in(client, other)
    glass = client.post(
        f"/staff/cases/{case.reference}/break-glass",
        data={"csrf": csrf, "reason": "survivor in danger, her lawyer is away", "minutes": "30"},
    )
    assert glass.status_code == 400 and "erased" in glass.text

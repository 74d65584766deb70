"""Matching a person across cases never discloses across cases (docs/security.md).

The finding, as it was found: an intake agent typed a phone number into "Log a call" and
the new case joined the existing caller, so its page showed that the person had contacted
the helpline before, and how to reach them safely, with nothing in the audit log to show it.
"""

from __future__ import annotations

import re

import pytest

from helplinekit.domain import CaseStatus, Role, Specialism

from .console_kit import add_staff_member, console_client, sign_in

pytestmark = pytest.mark.database

NUMBER = "0300 7654321"
URN = "tel:+923007654321"


def log_call(
    client, csrf: str, phone: str, summary: str = "A call about photos", **choices: str
) -> str:
    form = {
        "csrf": csrf,
        "kind": "call",
        "summary": summary,
        "phone": phone,
        "safe_contact": "yes",
        "consent_services": "yes",
        "language": "en",
    }
    form.update(choices)
    response = client.post("/staff/cases/new", data={k: v for k, v in form.items() if v})
    assert response.status_code == 303, response.text
    return response.headers["location"]


def comparable(html: str) -> str:
    """The page with what differs between any two cases taken out: references, times,
    tokens, ids and the number typed."""
    html = re.sub(r"HL-\d{4}-\d{6}", "REF", html)
    html = re.sub(r'name="csrf" value="[^"]+"', "CSRF", html)
    html = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", html)
    html = re.sub(r"<time[^>]*>.*?</time>", "TIME", html)
    return html.replace(URN, "NUMBER").replace("tel:+923001112223", "NUMBER")


def matches(helpline) -> list:
    with helpline.context.database.uow(read_only=True) as uow:
        return [e for e in uow.audit.entries() if e.action == "caller.match"]


def test_a_known_number_looks_like_an_unknown_one(open_helpline) -> None:
    helpline = open_helpline()
    # The survivor first called a lawyer, who logged it: her case is the lawyer's.
    lawyer = add_staff_member(helpline, "lawyer", {Role.LAWYER}, {Specialism.LEGAL})
    first = console_client(helpline)
    # She did not want to be called back on it, and agreed to a referral.
    first_case = log_call(
        first,
        sign_in(first, lawyer),
        NUMBER,
        "She fears her ex-husband",
        safe_contact="",
        consent_referral="yes",
    )
    helpline.triage_case(helpline.system(), first_case.rsplit("/", 1)[1])
    helpline.change_status(helpline.system(), first_case.rsplit("/", 1)[1], CaseStatus.IN_PROGRESS)

    # An intake agent who cannot see her case types her number, then an unknown one.
    probe = add_staff_member(helpline, "probe", {Role.INTAKE})
    client = console_client(helpline)
    csrf = sign_in(client, probe)
    known = client.get(log_call(client, csrf, NUMBER)).text
    unknown = client.get(log_call(client, csrf, "0300 1112223")).text

    assert "She fears her ex-husband" not in known
    assert "Returning caller" not in known and "returning-caller" not in known
    assert comparable(known) == comparable(unknown)
    # Her consent and safe contact are her case's: the new case shows only its own.
    assert known.count("NUMBER") == 0 and known.count(URN) == 1

    # The probe is on record: the match, and that it was not disclosed.
    found = matches(helpline)
    assert [(e.details["matched"], e.details["disclosed"]) for e in found] == [
        (False, False),  # the lawyer's first call
        (True, False),  # the probe with her number
        (False, False),  # the probe with an unknown number
    ]
    assert found[1].actor_id == probe.specialist.id
    assert URN not in str([e.details for e in found])  # no number in the audit log

    # And nothing about her was changed: her case still has only the lawyer's call.
    lawyer_view = first.get(first_case).text
    assert lawyer_view.count("A call about photos") == 0
    assert "Returning caller" not in lawyer_view


def test_staff_who_can_see_the_caller_are_told_of_a_returning_caller(open_helpline) -> None:
    helpline = open_helpline()
    lawyer = add_staff_member(helpline, "lawyer2", {Role.LAWYER}, {Specialism.LEGAL})
    client = console_client(helpline)
    csrf = sign_in(client, lawyer)
    first = log_call(client, csrf, NUMBER, "First call")
    second = client.get(log_call(client, csrf, NUMBER, "Second call")).text
    first_ref = first.rsplit("/", 1)[1]
    assert 'id="returning-caller"' in second and first_ref in second
    assert "First call" not in second  # the other case's content stays on its own page
    (match,) = [e for e in matches(helpline) if e.details["matched"]]
    assert match.details["disclosed"] is True


def test_consent_given_on_one_case_never_changes_another(open_helpline) -> None:
    helpline = open_helpline()
    system = helpline.system()
    lawyer = add_staff_member(helpline, "lawyer3", {Role.LAWYER}, {Specialism.LEGAL})
    client = console_client(helpline)
    csrf = sign_in(client, lawyer)
    first = log_call(client, csrf, NUMBER).rsplit("/", 1)[1]
    second = log_call(client, csrf, NUMBER).rsplit("/", 1)[1]
    assert (
        helpline.view_case(system, first).caller_id == helpline.view_case(system, second).caller_id
    )
    helpline.record_consent(system, second, referral=True)
    assert helpline.view_case(system, second).consent.referral is True
    assert helpline.view_case(system, first).consent.referral is False

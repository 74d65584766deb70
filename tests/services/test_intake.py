"""Intake through the whole pipeline, on SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from helplinekit import hookimpl
from helplinekit.contracts import InboundMessage, InboundRequest
from helplinekit.domain import CaseStatus, DomainError, RiskLevel, parse_urn

pytestmark = pytest.mark.database


def sms(text: str, sender: str = "tel:+923001234567", provider_id: str = "SM1") -> InboundMessage:
    return InboundMessage(
        channel="test.sms", urn=parse_urn(sender), provider_message_id=provider_id, body=text
    )


def web_form_request(helpline, text: str, **fields: str) -> InboundRequest:
    token = helpline.context.channels["web.form"].issue_token()
    body = urlencode({"token": token, "message": text, **fields}).encode()
    return InboundRequest(
        method="POST",
        url="https://helpline.example/form",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=body,
    )


def test_same_provider_message_three_times_is_stored_once(helpline) -> None:
    results = [helpline.receive_message(sms("help me")) for _ in range(3)]
    assert [r.stored for r in results] == [True, False, False]
    assert [r.duplicate for r in results] == [False, True, True]
    system = helpline.system()
    page = helpline.list_cases(system)
    assert page.total == 1
    timeline = helpline.read_timeline(system, page.cases[0].id)
    assert [m.body for entry in timeline for m, _ in entry.messages] == ["help me"]


def test_returning_caller_joins_their_open_case(helpline) -> None:
    first = helpline.receive_message(sms("first", provider_id="A"))
    second = helpline.receive_message(sms("second", sender="tel:+92 300 123 4567", provider_id="B"))
    other = helpline.receive_message(
        sms("someone else", sender="tel:+923009999999", provider_id="C")
    )
    assert first.opened_case and not second.opened_case and other.opened_case
    assert second.case_id == first.case_id
    assert other.case_id != first.case_id
    timeline = helpline.read_timeline(helpline.system(), first.case_id)
    assert len(timeline) == 1  # the same ongoing conversation
    assert [m.body for m, _ in timeline[0].messages] == ["first", "second"]
    assert timeline[0].contact.is_first_contact


def test_case_references_count_up_per_year(helpline) -> None:
    refs = [
        helpline.receive_message(
            sms("x", sender=f"tel:+9230000000{i}", provider_id=str(i))
        ).case_reference
        for i in range(3)
    ]
    year = helpline.context.clock().year
    assert refs == [f"HL-{year}-000001", f"HL-{year}-000002", f"HL-{year}-000003"]


def test_web_form_submission_always_opens_a_new_case(helpline) -> None:
    first = helpline.receive("web.form", web_form_request(helpline, "my photos were leaked"))
    second = helpline.receive("web.form", web_form_request(helpline, "my photos were leaked"))
    (a,), (b,) = first.results, second.results
    assert a.opened_case and b.opened_case and a.case_id != b.case_id


def test_web_form_double_submit_is_stored_once(helpline) -> None:
    request = web_form_request(helpline, "please help")
    results = [helpline.receive("web.form", request).results[0] for _ in range(3)]
    assert [r.stored for r in results] == [True, False, False]


def test_web_form_safe_channel_is_called_only_once_confirmed(helpline) -> None:
    """Anyone can type anyone's number into the public form: staff confirm it with the
    survivor first, and only then is there a task to call it."""
    request = web_form_request(helpline, "call me", safe_contact="tel:+923001112223")
    (result,) = helpline.receive("web.form", request).results
    system = helpline.system()
    tasks = helpline.list_tasks(system, result.case_id)
    assert [t.kind.value for t in tasks] == ["follow_up"]
    assert "Do not call or write to it before" in tasks[0].title
    (method,) = helpline.open_case_page(system, result.case_id).safe_contact_methods
    assert method.confirmed is False

    helpline.confirm_safe_contact(system, result.case_id, "tel:+923001112223")
    tasks = helpline.list_tasks(system, result.case_id)
    assert sorted(t.kind.value for t in tasks) == ["callback", "follow_up"]
    (method,) = helpline.open_case_page(system, result.case_id).safe_contact_methods
    assert method.confirmed is True
    with pytest.raises(DomainError, match="already confirmed"):
        helpline.confirm_safe_contact(system, result.case_id, "tel:+923001112223")
    with pytest.raises(DomainError, match="not one of this case's safe contact methods"):
        helpline.confirm_safe_contact(system, result.case_id, "tel:+923009999999")


def test_triage_sets_risk_jurisdiction_and_status(helpline) -> None:
    result = helpline.receive_message(sms("He says he will kill me and he knows where I live"))
    report = helpline.run_until_idle()
    assert report.jobs_done == 1
    case = helpline.view_case(helpline.system(), result.case_id)
    assert case.status is CaseStatus.TRIAGED
    assert case.risk_level is RiskLevel.HIGH
    assert case.jurisdiction is None  # the baseline jurisdiction names no country
    assert "THREATS" in case.categories


def test_failing_risk_plugin_keeps_message_and_flags_case(helpline, register_plugin) -> None:
    class Broken:
        @hookimpl
        def assess_risk(self, case, message):
            raise RuntimeError("plugin bug")

    result = helpline.receive_message(sms("help"))
    with register_plugin(Broken(), "broken"):
        report = helpline.run_pending()
    assert report.jobs_failed == 1
    case = helpline.view_case(helpline.system(), result.case_id)
    assert case.needs_manual_triage
    timeline = helpline.read_timeline(helpline.system(), result.case_id)
    assert [m.body for m, _ in timeline[0].messages] == ["help"]


def test_lifecycle_hooks_fire_after_commit_only(helpline, register_plugin, monkeypatch) -> None:
    heard = []

    class Listener:
        @hookimpl
        def case_opened(self, case):
            heard.append(("opened", case.reference))

        @hookimpl
        def message_received(self, case, message):
            heard.append(("message", case.reference))

    with register_plugin(Listener(), "listener"):
        ok = helpline.receive_message(sms("hello", provider_id="OK"))
        assert heard == [("opened", ok.case_reference), ("message", ok.case_reference)]
        heard.clear()

        # Make the commit fail: nothing was stored, so nobody must hear about it.
        from helplinekit.db.uow import UnitOfWork

        def failing_commit(self):
            raise RuntimeError("disk full")

        monkeypatch.setattr(UnitOfWork, "commit", failing_commit)
        with pytest.raises(RuntimeError, match="disk full"):
            helpline.receive_message(sms("lost?", sender="tel:+923005555555", provider_id="NO"))
        monkeypatch.undo()
    assert heard == []
    assert helpline.list_cases(helpline.system()).total == 1

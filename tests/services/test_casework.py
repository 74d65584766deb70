"""Casework services end to end: contacts, notes, replies through the outbox, referrals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helplinekit.channels.web_form import WebFormChannel
from helplinekit.contracts import InboundMessage, SendResult
from helplinekit.domain import (
    CaseStatus,
    ConsentRequired,
    ContactKind,
    NoteSection,
    ReferralStatus,
    Role,
    Specialism,
    parse_urn,
)

pytestmark = pytest.mark.database


def web_message(text: str, token: str = "tok1") -> InboundMessage:
    return InboundMessage(
        channel="web.form",
        urn=parse_urn(f"web:{token}"),
        provider_message_id=token,
        body=text,
        new_contact=True,
    )


def test_intake_agent_logs_a_call_and_a_follow_up(helpline, staff_member) -> None:
    intake = staff_member(helpline, "intake@h.org", Role.INTAKE).actor
    case = helpline.open_case_from_contact(
        intake,
        summary="Caller's ex is sharing her photos",
        contact_point=parse_urn("tel:+923001234567"),
        safe_contact=True,
        consent_services=True,
        consent_referral=True,
    )
    assert case.attributes.first_contact_channel == "phone"
    assert intake.id in case.assignee_ids  # the agent owns the case they opened
    helpline.record_contact(intake, case.reference, summary="Called back", kind=ContactKind.CALL)
    timeline = helpline.read_timeline(intake, case.reference)
    assert [(e.contact.is_first_contact, e.contact.summary) for e in timeline] == [
        (True, "Caller's ex is sharing her photos"),
        (False, "Called back"),
    ]
    # The number was stored encrypted and indexed: the same caller is found again.
    again = helpline.open_case_from_contact(
        intake, summary="New problem", contact_point=parse_urn("tel:+92 300 1234567")
    )
    assert again.caller_id == case.caller_id and again.id != case.id


def test_web_form_reply_is_published_once(helpline, register_plugin, staff_member) -> None:
    lawyer = staff_member(
        helpline, "lawyer@h.org", Role.LAWYER, specialisms={Specialism.LEGAL}
    ).actor
    result = helpline.receive_message(web_message("my photos were posted"))
    helpline.assign(helpline.system(), result.case_id, lawyer.id, Specialism.LEGAL)
    helpline.queue_reply(lawyer, result.case_id, "We can help; here is what to do next.")
    first = helpline.run_until_idle()
    again = helpline.run_until_idle()
    assert first.replies_sent == 1 and again.replies_sent == 0
    out = [
        (m.body, status)
        for entry in helpline.read_timeline(lawyer, result.case_id)
        for m, status in entry.messages
        if m.direction.value == "outbound"
    ]
    assert out == [("We can help; here is what to do next.", "sent")]


def test_reply_to_an_unsafe_contact_point_is_held(helpline, monkeypatch) -> None:
    sent: list[str] = []

    class FakeSms(WebFormChannel):
        name = "test.sms"

        def send(self, message):
            sent.append(message.body)
            return SendResult.delivered("SM1")

    helpline.context.channels["test.sms"] = FakeSms({"token_secret": b"x" * 32})
    result = helpline.receive_message(
        InboundMessage(
            channel="test.sms",
            urn=parse_urn("tel:+923001234567"),
            provider_message_id="1",
            body="hi",
        )
    )
    helpline.queue_reply(helpline.system(), result.case_id, "Reply")
    report = helpline.run_until_idle()
    assert report.replies_held == 1 and sent == []
    statuses = [
        s
        for e in helpline.read_timeline(helpline.system(), result.case_id)
        for m, s in e.messages
        if m.author_id is None and m.direction.value == "outbound"
    ]
    assert statuses == ["held"]


def test_retryable_send_failure_is_retried_and_not_sent_twice(helpline) -> None:
    calls = []

    class Flaky(WebFormChannel):
        def send(self, message):
            calls.append(message.id)
            if len(calls) == 1:
                return SendResult.failed("timeout", retryable=True)
            return super().send(message)

    helpline.context.channels["web.form"] = Flaky({"token_secret": b"x" * 32})
    now = helpline.context.clock()
    result = helpline.receive_message(web_message("hello"))
    helpline.queue_reply(helpline.system(), result.case_id, "answer")
    assert helpline.run_pending().replies_failed == 1
    helpline.context.clock = lambda: now + timedelta(minutes=5)
    assert helpline.run_until_idle().replies_sent == 1
    helpline.context.clock = lambda: now + timedelta(hours=5)
    assert helpline.run_until_idle().replies_sent == 0
    assert len(calls) == 2 and calls[0] == calls[1]  # same idempotency key both times


def test_referral_needs_recorded_consent(helpline, staff_member) -> None:
    lawyer = staff_member(
        helpline, "lawyer@h.org", Role.LAWYER, specialisms={Specialism.LEGAL}
    ).actor
    intake = staff_member(helpline, "intake@h.org", Role.INTAKE).actor
    case = helpline.open_case_from_contact(intake, summary="call", consent_services=True)
    helpline.assign(helpline.system(), case.id, lawyer.id, Specialism.LEGAL)
    with pytest.raises(ConsentRequired, match="consent to referral"):
        helpline.propose_referral(
            lawyer, case.id, "intl.stopncii", shared_sections=[NoteSection.LEGAL], summary="x"
        )
    helpline.record_contact(intake, case.id, summary="consent given", consent_referral=True)
    referral = helpline.propose_referral(
        lawyer, case.id, "intl.stopncii", shared_sections=[NoteSection.LEGAL], summary="NCII, adult"
    )
    sent = helpline.update_referral(lawyer, referral.id, ReferralStatus.SENT)
    assert sent.status is ReferralStatus.SENT
    done = helpline.update_referral(lawyer, referral.id, ReferralStatus.ACCEPTED)
    assert done.status is ReferralStatus.ACCEPTED
    assert [r.summary for r in helpline.list_referrals(lawyer, case.id)] == ["NCII, adult"]


def test_unknown_partner_is_named(helpline, staff_member) -> None:
    intake = staff_member(helpline, "intake@h.org", Role.INTAKE).actor
    case = helpline.open_case_from_contact(intake, summary="call", consent_referral=True)
    with pytest.raises(Exception, match="no referral partner 'intl.nobody'"):
        helpline.propose_referral(
            helpline.system(), case.id, "intl.nobody", shared_sections=[], summary="x"
        )


def test_tasks_and_legal_hold(helpline, staff_member) -> None:
    lawyer = staff_member(
        helpline, "lawyer@h.org", Role.LAWYER, specialisms={Specialism.LEGAL}
    ).actor
    result = helpline.receive_message(web_message("hello"))
    helpline.assign(helpline.system(), result.case_id, lawyer.id, Specialism.LEGAL)
    due = helpline.context.clock() + timedelta(days=2)
    task = helpline.create_task(lawyer, result.case_id, title="File complaint", due_at=due)
    done = helpline.complete_task(lawyer, task.id)
    assert done.is_completed and done.completed_by == lawyer.id
    held = helpline.set_legal_hold(lawyer, result.case_id)
    assert held.legal_hold
    assert not helpline.set_legal_hold(lawyer, result.case_id, hold=False).legal_hold


def test_lifecycle_through_services(helpline, staff_member) -> None:
    supervisor = staff_member(helpline, "sup@h.org", Role.SUPERVISOR).actor
    result = helpline.receive_message(web_message("someone hacked my account"))
    helpline.run_until_idle()
    for status in (CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED):
        helpline.change_status(supervisor, result.case_id, status)
    closed = helpline.close_case(supervisor, result.case_id)
    assert closed.status is CaseStatus.CLOSED and closed.closed_at is not None
    with pytest.raises(Exception, match="Cannot move case from 'closed' to 'resolved'"):
        helpline.change_status(supervisor, result.case_id, CaseStatus.RESOLVED)


def test_case_attributes_are_content_supervisors_never_decrypt(
    helpline, monkeypatch, staff_member
) -> None:
    from helplinekit.domain import AtRiskIdentity, CaseAttributes, PerpetratorRelation

    lawyer = staff_member(
        helpline, "lawyer@h.org", Role.LAWYER, specialisms={Specialism.LEGAL}
    ).actor
    supervisor = staff_member(helpline, "sup@h.org", Role.SUPERVISOR).actor
    result = helpline.receive_message(web_message("hello"))
    helpline.assign(supervisor, result.case_id, lawyer.id, Specialism.LEGAL)
    sensitive = CaseAttributes(
        victim_is_minor=True,
        perpetrator_relation=PerpetratorRelation.PARTNER_EX,
        at_risk_identities={AtRiskIdentity.JOURNALIST},
    )
    helpline.triage_case(lawyer, result.case_id, attributes=sensitive)

    decrypted = []
    cipher = helpline.context.database.cipher
    original = cipher.decrypt

    def spy(key, blob, context):
        decrypted.append((context.table, context.column))
        return original(key, blob, context)

    monkeypatch.setattr(cipher, "decrypt", spy)
    seen = helpline.view_case(supervisor, result.case_id)
    listed = helpline.list_cases(supervisor).cases[0]
    assert seen.attributes == CaseAttributes() and listed.attributes == CaseAttributes()
    assert ("cases", "attributes") not in decrypted
    # A supervisor's change keeps what they could not see.
    helpline.triage_case(supervisor, result.case_id, categories=["THREATS"])
    assert helpline.view_case(lawyer, result.case_id).attributes == sensitive
    assert helpline.list_cases(lawyer).cases[0].attributes == sensitive

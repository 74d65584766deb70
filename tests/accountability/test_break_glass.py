"""Break-the-glass: refused without a reason; allowed, audited and listed with one; expires."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helplinekit.contracts import InboundMessage
from helplinekit.domain import DomainError, NoteSection, Role, Specialism, parse_urn
from helplinekit.security.policy import AccessDenied

pytestmark = pytest.mark.database


def test_break_the_glass(helpline, staff_member) -> None:
    start = helpline.context.clock()
    now = [start]
    helpline.context.clock = lambda: now[0]
    counsellor = staff_member(
        helpline, "c@h.org", Role.COUNSELLOR, specialisms={Specialism.COUNSELLING}
    ).actor
    supervisor = staff_member(helpline, "s@h.org", Role.SUPERVISOR).actor
    result = helpline.receive_message(
        InboundMessage(
            channel="test.sms",
            urn=parse_urn("tel:+923001234567"),
            provider_message_id="1",
            body="I am in danger",
        )
    )
    helpline.run_until_idle()
    with pytest.raises(AccessDenied):
        helpline.read_timeline(counsellor, result.case_id)

    with pytest.raises(DomainError, match="Write why you need this case"):
        helpline.break_glass(counsellor, result.case_id, "   ")
    with pytest.raises(AccessDenied):
        helpline.read_timeline(counsellor, result.case_id)

    reason = "Survivor called the hotline in danger; assigned lawyer unreachable."
    helpline.break_glass(counsellor, result.case_reference, reason, minutes=30)
    timeline = helpline.read_timeline(counsellor, result.case_id)
    assert timeline[0].messages[0][0].body == "I am in danger"
    assert result.case_id in {c.id for c in helpline.list_cases(counsellor).cases}
    # The grant gives what assignment gives the role: counselling notes, never legal ones.
    helpline.add_note(counsellor, result.case_id, NoteSection.COUNSELLING, "Safety plan made.")
    with pytest.raises(AccessDenied):
        helpline.add_note(counsellor, result.case_id, NoteSection.LEGAL, "x")

    grants = helpline.list_break_glass(supervisor)
    assert [(g.case_reference, g.reason) for g in grants] == [(result.case_reference, reason)]
    with helpline.context.database.uow(read_only=True) as uow:
        actions = [e.action for e in uow.audit.entries()]
    assert "case.break_glass" in actions

    now[0] = start + timedelta(minutes=31)
    with pytest.raises(AccessDenied):
        helpline.read_timeline(counsellor, result.case_id)
    assert helpline.list_cases(counsellor).total == 0

    helpline.review_break_glass(supervisor, grants[0].id)
    assert helpline.list_break_glass(supervisor) == []
    with pytest.raises(AccessDenied):
        helpline.list_break_glass(counsellor)


def test_admins_cannot_break_the_glass(helpline, staff_member) -> None:
    admin = staff_member(helpline, "a@h.org", Role.ADMIN).actor
    result = helpline.receive_message(
        InboundMessage(
            channel="test.sms",
            urn=parse_urn("tel:+923001234567"),
            provider_message_id="1",
            body="x",
        )
    )
    with pytest.raises(AccessDenied):
        helpline.break_glass(admin, result.case_id, "I want to read this case please")

"""The victim's facts are stored sealed with the case's attributes and read back whole."""

from __future__ import annotations

from datetime import date

import pytest

from helplinekit.contracts import InboundMessage
from helplinekit.domain import (
    CaseAttributes,
    Gender,
    Role,
    Specialism,
    VictimAgeBand,
    VictimRelation,
    parse_urn,
)

pytestmark = pytest.mark.database


def test_victim_facts_round_trip(helpline, staff_member) -> None:
    lawyer = staff_member(
        helpline, "lawyer@h.org", Role.LAWYER, specialisms={Specialism.LEGAL}
    ).actor
    supervisor = staff_member(helpline, "sup@h.org", Role.SUPERVISOR).actor
    result = helpline.receive_message(
        InboundMessage(
            channel="web.form",
            urn=parse_urn("web:v1"),
            provider_message_id="v1",
            body="my sister is being blackmailed",
            new_contact=True,
        )
    )
    helpline.assign(supervisor, result.case_id, lawyer.id, Specialism.LEGAL)
    facts = CaseAttributes(
        victim=VictimRelation.SIBLING,
        victim_gender=Gender.WOMAN,
        victim_age_band=VictimAgeBand.AGE_16_17,
        offender_gender=Gender.MAN,
        incident_date=date(2024, 6, 30),
    )
    helpline.triage_case(lawyer, result.case_id, attributes=facts)
    assert helpline.view_case(lawyer, result.case_id).attributes == facts

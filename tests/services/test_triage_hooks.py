"""The triage, routing and lifecycle hooks, each through a throwaway plugin."""

from __future__ import annotations

import pytest

from helplinekit import hookimpl
from helplinekit.contracts import InboundMessage
from helplinekit.contracts.triage import RiskSignal
from helplinekit.domain import (
    Assignment,
    CaseStatus,
    RiskLevel,
    Role,
    Specialism,
    parse_urn,
)

pytestmark = pytest.mark.database


def message(
    text: str, provider_id: str = "M1", sender: str = "tel:+923001234567"
) -> InboundMessage:
    return InboundMessage(
        channel="test.sms", urn=parse_urn(sender), provider_message_id=provider_id, body=text
    )


def test_hook_assess_risk(helpline, register_plugin) -> None:
    seen = []

    class Reader:
        @hookimpl
        def assess_risk(self, case, message):
            seen.append(message.body)
            return [
                RiskSignal(RiskLevel.MEDIUM, "test signal", ("IMPERSONATION",), {Specialism.LEGAL})
            ]

    class Silent:
        @hookimpl
        def assess_risk(self, case, message):
            return None

    result = helpline.receive_message(message("someone made a profile with my name"))
    with register_plugin(Reader(), "reader"), register_plugin(Silent(), "silent"):
        helpline.run_until_idle()
    case = helpline.view_case(helpline.system(), result.case_id)
    assert seen == ["someone made a profile with my name"]
    assert case.risk_level is RiskLevel.MEDIUM
    assert "IMPERSONATION" in case.categories
    assert Specialism.LEGAL in case.specialisms_needed


def test_signals_combine_to_the_highest_risk(helpline, register_plugin) -> None:
    class Low:
        @hookimpl
        def assess_risk(self, case, message):
            return [RiskSignal(RiskLevel.LOW, "low")]

    class High:
        @hookimpl
        def assess_risk(self, case, message):
            return [RiskSignal(RiskLevel.HIGH, "high")]

    result = helpline.receive_message(message("hello"))
    with register_plugin(Low(), "low"), register_plugin(High(), "high"):
        helpline.run_until_idle()
    assert helpline.view_case(helpline.system(), result.case_id).risk_level is RiskLevel.HIGH


def test_default_router_balances_by_specialism_language_and_capacity(
    helpline, staff_member
) -> None:
    urdu_lawyer = staff_member(
        helpline,
        "ur-lawyer@h.org",
        Role.LAWYER,
        specialisms={Specialism.LEGAL},
        languages=("ur", "en"),
        capacity=1,
    ).specialist
    en_lawyer = staff_member(
        helpline,
        "en-lawyer@h.org",
        Role.LAWYER,
        specialisms={Specialism.LEGAL},
        languages=("en",),
        capacity=5,
    ).specialist
    counsellor = staff_member(
        helpline,
        "counsellor@h.org",
        Role.COUNSELLOR,
        specialisms={Specialism.COUNSELLING},
        languages=("en",),
    ).specialist
    first = helpline.receive_message(message("he is blackmailing me", provider_id="1"))
    helpline.run_until_idle()
    case = helpline.view_case(helpline.system(), first.case_id)
    assigned = {(a.specialist_id, a.specialism) for a in case.assignments}
    # The case is in English: the English-speaking lawyer with the most spare capacity.
    assert (en_lawyer.id, Specialism.LEGAL) in assigned
    assert (counsellor.id, Specialism.COUNSELLING) in assigned
    assert urdu_lawyer.id not in {a.specialist_id for a in case.assignments}


def test_default_router_never_exceeds_capacity(helpline, staff_member) -> None:
    only = staff_member(
        helpline, "only@h.org", Role.LAWYER, specialisms={Specialism.LEGAL}, capacity=1
    ).specialist
    a = helpline.receive_message(
        message("blackmail one", provider_id="1", sender="tel:+923001111111")
    )
    b = helpline.receive_message(
        message("blackmail two", provider_id="2", sender="tel:+923002222222")
    )
    helpline.run_until_idle()
    cases = [helpline.view_case(helpline.system(), r.case_id) for r in (a, b)]
    holders = [c for c in cases if only.id in c.assignee_ids]
    assert len(holders) == 1


def test_hook_route_case(helpline, register_plugin, staff_member) -> None:
    first_choice = staff_member(
        helpline, "a@h.org", Role.LAWYER, specialisms={Specialism.LEGAL}
    ).specialist
    chosen = staff_member(
        helpline, "b@h.org", Role.LAWYER, specialisms={Specialism.LEGAL}, capacity=1
    ).specialist
    calls = []

    class Router:
        @hookimpl
        def route_case(self, case, candidates):
            calls.append(sorted(c.specialist.email for c in candidates))
            pick = next(c for c in candidates if c.specialist.id == chosen.id)
            return [Assignment(specialist_id=pick.specialist.id, specialism=Specialism.LEGAL)]

    result = helpline.receive_message(message("blackmail"))
    with register_plugin(Router(), "router"):
        helpline.run_until_idle()
    case = helpline.view_case(helpline.system(), result.case_id)
    assert calls == [["a@h.org", "b@h.org"]]
    assert chosen.id in case.assignee_ids and first_choice.id not in case.assignee_ids


def test_hook_case_opened(helpline, register_plugin) -> None:
    opened = []

    class Listener:
        @hookimpl
        def case_opened(self, case):
            opened.append(case.reference)

    with register_plugin(Listener(), "listener"):
        result = helpline.receive_message(message("hello"))
        helpline.receive_message(message("again", provider_id="M2"))
    assert opened == [result.case_reference]


def test_hook_message_received(helpline, register_plugin) -> None:
    received = []

    class Listener:
        @hookimpl
        def message_received(self, case, message):
            received.append((case.reference, message.body))

    with register_plugin(Listener(), "listener"):
        result = helpline.receive_message(message("hello"))
        helpline.receive_message(message("hello"))  # a duplicate: not received again
    assert received == [(result.case_reference, "hello")]


def test_hook_case_assigned(helpline, register_plugin, staff_member) -> None:
    lawyer = staff_member(
        helpline, "lawyer@h.org", Role.LAWYER, specialisms={Specialism.LEGAL}
    ).specialist
    assigned = []

    class Listener:
        @hookimpl
        def case_assigned(self, case, assignment):
            assigned.append((case.reference, assignment.specialist_id, assignment.specialism))

    result = helpline.receive_message(message("blackmail"))
    with register_plugin(Listener(), "listener"):
        helpline.run_until_idle()
    assert (result.case_reference, lawyer.id, Specialism.LEGAL) in assigned


def test_hook_case_status_changed(helpline, register_plugin) -> None:
    changes = []

    class Listener:
        @hookimpl
        def case_status_changed(self, case, previous):
            changes.append((previous, case.status))

    # A message triage can read: one it cannot ("hello") stays new, for a person to triage.
    result = helpline.receive_message(message("someone hacked my account"))
    with register_plugin(Listener(), "listener"):
        helpline.run_until_idle()
        helpline.change_status(helpline.system(), result.case_id, CaseStatus.IN_PROGRESS)
    assert changes == [
        (CaseStatus.NEW, CaseStatus.TRIAGED),
        (CaseStatus.TRIAGED, CaseStatus.IN_PROGRESS),
    ]

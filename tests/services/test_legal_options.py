"""Legal options: conditions unknown become "applies if", gendered provisions, complaint drafts."""

from __future__ import annotations

from datetime import date

import pytest

from helplinekit.contracts import (
    ComplaintTemplate,
    Confidence,
    Fact,
    Jurisdiction,
    NoSpecificProvision,
    Provision,
    ProvisionFlag,
    ProvisionRef,
)
from helplinekit.domain import Caller, Case, CaseAttributes, Consent, Gender
from helplinekit.services.legal import build_options, evaluate

SOURCE = "https://example.org/act"


def provision(
    key: str, *, flags=(), confidence=Confidence.confirmed, reviewed=date(2026, 1, 1)
) -> Provision:
    return Provision(
        key=key,
        act="Test Act",
        act_version="2020 as enacted",
        section=key.rsplit(".", 1)[1],
        title=key,
        summary="x",
        fact=Fact(SOURCE, confidence, reviewed, "checked"),
        flags=flags,
        flag_note="why" if flags else "",
    )


LAW = Jurisdiction(
    key="test.tl",
    name="Testland",
    country="TL",
    disclaimer="Not legal advice.",
    provisions=(
        provision("test.act.s21"),
        provision("test.act.s22"),
        provision("test.act.s20", flags={ProvisionFlag.contested}),
        provision("test.act.s77", flags={ProvisionFlag.victim_must_be_woman}),
        provision("test.act.s99", confidence=Confidence.uncertain, reviewed=None),
    ),
    mappings={
        "NCII_SHARED": (
            ProvisionRef("test.act.s21"),
            ProvisionRef("test.act.s22", when={"victim_is_minor": True}, note="child victim"),
            ProvisionRef("test.act.s77"),
        ),
        "DEFAMATION_SMEAR": (ProvisionRef("test.act.s20"),),
        "FRAUD_SCAM": (ProvisionRef("test.act.s99"),),
        "INFO_REQUEST": NoSpecificProvision("advice only"),
    },
    complaint_templates=(
        ComplaintTemplate(
            language="en",
            authority="test.police",
            text="To {authority}: case {reference} under {provisions}. {missing}",
        ),
    ),
)


def case(**attributes) -> Case:
    return Case(
        reference="HL-2026-000001",
        caller_id=Caller().id,
        categories=("NCII_SHARED", "DEFAMATION_SMEAR", "FRAUD_SCAM", "INFO_REQUEST", "THREATS"),
        attributes=CaseAttributes(**attributes),
    )


def keys(applicable) -> dict[str, tuple[str, ...]]:
    return {p.provision.key: p.applies_if for p in applicable}


def test_unknown_minor_status_gives_applies_if() -> None:
    applicable, no_specific, unmapped = evaluate(case(), LAW)
    assert keys(applicable)["test.act.s22"] == ("the victim is under 18",)
    assert keys(applicable)["test.act.s21"] == ()
    assert no_specific == [("INFO_REQUEST", "advice only")]
    assert unmapped == ["THREATS"]


def test_known_minor_status_asserts_or_drops() -> None:
    assert keys(evaluate(case(victim_is_minor=True), LAW)[0])["test.act.s22"] == ()
    assert "test.act.s22" not in keys(evaluate(case(victim_is_minor=False), LAW)[0])


def test_gendered_provision_depends_on_the_victim_s_recorded_gender() -> None:
    unknown = keys(evaluate(case(), LAW, Caller())[0])
    assert unknown["test.act.s77"] == ("the victim is a woman",)
    assert keys(evaluate(case(victim_gender=Gender.WOMAN), LAW)[0])["test.act.s77"] == ()
    assert "test.act.s77" not in keys(evaluate(case(victim_gender=Gender.MAN), LAW)[0])


def test_the_caller_s_statistics_answer_is_not_the_victim_s_gender() -> None:
    # Someone may call for a sister: the caller's gender says nothing about the victim's.
    woman_calling = Caller(
        consent=Consent(anonymised_statistics=True, recorded_at=_now()), gender=Gender.WOMAN
    )
    applicable = keys(evaluate(case(victim_gender=Gender.MAN), LAW, woman_calling)[0])
    assert "test.act.s77" not in applicable
    assert keys(evaluate(case(), LAW, woman_calling)[0])["test.act.s77"] == (
        "the victim is a woman",
    )


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_contested_and_unverified_are_flagged() -> None:
    applicable = {p.provision.key: p for p in evaluate(case(), LAW)[0]}
    assert applicable["test.act.s20"].contested
    assert not applicable["test.act.s99"].verified
    assert applicable["test.act.s21"].verified


def test_complaint_draft_fills_known_values_and_leaves_unknown_visible() -> None:
    options = build_options(case(victim_is_minor=True), LAW, None, "ur")
    assert options.complaint_language == "en"  # no Urdu template: English
    assert "case HL-2026-000001" in options.complaint_draft
    assert "Test Act (2020 as enacted) s.s21" in options.complaint_draft
    assert "s.s20" not in options.complaint_draft  # contested: the lawyer decides
    assert "{missing}" in options.complaint_draft
    assert options.disclaimer == "Not legal advice."


@pytest.mark.database
def test_legal_options_through_the_service(helpline) -> None:
    from helplinekit.contracts import InboundMessage
    from helplinekit.domain import parse_urn

    result = helpline.receive_message(
        InboundMessage(
            channel="test.sms",
            urn=parse_urn("tel:+923001234567"),
            provider_message_id="1",
            body="x",
        )
    )
    helpline.triage_case(helpline.system(), result.case_id, categories=["NCII_SHARED"])
    options = helpline.legal_options(helpline.system(), result.case_reference)
    assert options.jurisdiction.key == "intl.baseline"
    assert options.no_specific[0][0] == "NCII_SHARED"
    assert any(route.key == "intl.stopncii" for route in options.removal_routes)

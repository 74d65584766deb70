"""What the plugin uses of the jurisdiction contract's issue 14: the victim's facts, in-force
dates, the citation style, offences apart from remedies, and prosecution rules."""

from __future__ import annotations

from datetime import date

import pytest
from helplinekit.contracts import CitationStyle, ProvisionFlag, ProvisionKind
from helplinekit.domain import Caller, Case, CaseAttributes, Gender, VictimAgeBand
from helplinekit.services.legal import build_options, evaluate

import helplinekit_pakistan as plugin
from helplinekit_pakistan import sources
from helplinekit_pakistan.provisions import MINOR_FLAG_NOTE

PECA = "Prevention of Electronic Crimes Act, 2016"
PPC = "Pakistan Penal Code (Act XLV of 1860)"
MINORS_ONLY = {"pakistan.peca2016.s21_2", "pakistan.peca2016.s22"}
#: The Penal Code's child offences: an adult is never offered them; their age is unchecked.
CHILD_OFFENCES = {"pakistan.ppc.s292a", "pakistan.ppc.s292b", "pakistan.ppc.s292c"}
GENDERED = {ProvisionFlag.victim_must_be_woman, ProvisionFlag.offender_must_be_man}


@pytest.fixture(scope="module")
def pakistan():
    return plugin.build()


def case(*categories: str, **attributes) -> Case:
    return Case(
        reference="HL-2026-000042",
        caller_id=Caller().id,
        categories=categories,
        attributes=CaseAttributes(**attributes),
    )


def sections(applicable, act: str = PECA) -> dict[str, object]:
    return {p.provision.section: p for p in applicable if p.provision.act == act}


# -- minors: the provisions say so themselves, decided from the victim's facts --------------


def test_only_the_minor_offences_are_flagged_minors_only(pakistan) -> None:
    flagged = {p.key for p in pakistan.provisions if ProvisionFlag.minor_victim_only in p.flags}
    assert flagged == MINORS_ONLY | CHILD_OFFENCES
    for key in MINORS_ONLY:
        assert pakistan.provision(key).flag_note == MINOR_FLAG_NOTE
    for key in CHILD_OFFENCES:
        assert "was not checked" in pakistan.provision(key).flag_note
    assert "under 18" in MINOR_FLAG_NOTE and "bill" in MINOR_FLAG_NOTE


def test_no_mapping_carries_its_own_minor_condition(pakistan) -> None:
    # The old {"victim_is_minor": True} on each reference is gone: the flag decides.
    for entry in pakistan.mappings.values():
        for ref in entry if isinstance(entry, tuple) else ():
            assert not ref.when, ref.provision


@pytest.mark.parametrize(
    "adult",
    [{"victim_age": 25}, {"victim_age_band": VictimAgeBand.ADULT}, {"victim_is_minor": False}],
    ids=["age", "band", "flag"],
)
def test_an_adult_victim_drops_the_minors_only_provisions(pakistan, adult) -> None:
    for category in ("SEXTORTION_BLACKMAIL", "NCII_SHARED", "CHILD_SEXUAL_ABUSE"):
        peca = sections(evaluate(case(category, **adult), pakistan)[0])
        assert "22" not in peca and "21(2)" not in peca, category
    sextortion = sections(evaluate(case("SEXTORTION_BLACKMAIL", **adult), pakistan)[0])
    assert sextortion["21(1)(c)"].certain  # the offence against anyone stays


@pytest.mark.parametrize(
    "child",
    [{"victim_age": 15}, {"victim_age_band": VictimAgeBand.AGE_16_17}, {"victim_is_minor": True}],
    ids=["age", "band", "flag"],
)
def test_a_child_victim_makes_them_certain(pakistan, child) -> None:
    peca = sections(evaluate(case("SEXTORTION_BLACKMAIL", **child), pakistan)[0])
    assert peca["22"].certain and peca["21(2)"].certain


def test_child_sexual_abuse_without_an_age_shows_them_as_applies_if(pakistan) -> None:
    peca = sections(evaluate(case("CHILD_SEXUAL_ABUSE"), pakistan)[0])
    assert peca["22"].applies_if == ("the victim is under 18",)
    # The Penal Code's child offences protect a child: never offered to an adult victim,
    # and "applies if the victim is under 18" while no age is recorded (the flag's note says
    # the Code's own age for "child" is unchecked).
    ppc = sections(evaluate(case("CHILD_SEXUAL_ABUSE"), pakistan)[0], PPC)
    assert ppc["292A"].applies_if == ("the victim is under 18",)
    assert not {"292A", "292B", "292C"} & set(
        sections(evaluate(case("CHILD_SEXUAL_ABUSE", victim_age=30), pakistan)[0], PPC)
    )


# -- gender: nothing flagged that the sources do not say -------------------------------------


def test_no_provision_is_gendered_without_a_source(pakistan) -> None:
    assert [p.key for p in pakistan.provisions if p.flags & GENDERED] == []
    assert "s.509" in sources.GENDER_NOT_CHECKED


def test_the_victims_and_offenders_gender_change_nothing(pakistan) -> None:
    codes = ("CYBERSTALKING", "SEXUAL_HARASSMENT_MSG")
    unknown = {p.provision.key for p in evaluate(case(*codes), pakistan)[0]}
    for victim in Gender:
        for offender in Gender:
            recorded = case(*codes, victim_gender=victim, offender_gender=offender)
            assert {p.provision.key for p in evaluate(recorded, pakistan)[0]} == unknown
    assert "pakistan.ppc.s509" in unknown


# -- in-force dates ---------------------------------------------------------------------------


def test_no_in_force_date_is_recorded_without_a_source(pakistan) -> None:
    # The sources give no commencement day for PECA 2016 or its 2025 amendment.
    assert {(p.in_force_from, p.in_force_until) for p in pakistan.provisions} == {(None, None)}
    assert "come into force at once" in sources.COMMENCEMENT_NOT_RECORDED
    s26a = pakistan.provision("pakistan.peca2016.s26a")
    assert "check that it was in force when the incident happened" in s26a.summary


def test_an_incident_date_keeps_the_law_offered(pakistan) -> None:
    recorded = evaluate(case("CYBERSTALKING", incident_date=date(2026, 11, 1)), pakistan)[0]
    assert [p.provision.key for p in recorded] == [
        p.provision.key for p in evaluate(case("CYBERSTALKING"), pakistan)[0]
    ]
    assert all(p.replaces == () and p.replaced_by == () for p in recorded)


# -- citations, remedies, prosecution ----------------------------------------------------------


def test_pakistan_cites_by_section(pakistan) -> None:
    assert pakistan.citation_style is CitationStyle.section
    for provision in pakistan.provisions:
        assert provision.citation_style is CitationStyle.section
        assert provision.citation_label == f"s.{provision.section}"
    s24 = pakistan.provision("pakistan.peca2016.s24_1_a")
    assert s24.citation == f"{PECA} (as enacted (Act XL of 2016)) s.24(1)(a)"


def test_only_the_removal_power_is_a_remedy(pakistan) -> None:
    remedies = [p.key for p in pakistan.provisions if p.kind is ProvisionKind.remedy]
    assert remedies == ["pakistan.peca2016.s37"]
    assert pakistan.provision("pakistan.peca2016.s37").penalty == ""


def test_the_draft_cites_only_offences(pakistan) -> None:
    draft = build_options(case("NCII_SHARED", victim_age=16), pakistan, None, "en")
    assert "s.37" not in draft.complaint_draft
    assert f"{PECA} (as enacted (Act XL of 2016)) s.22" in draft.complaint_draft


def test_no_prosecution_rule_is_recorded_without_a_source(pakistan) -> None:
    assert [p.key for p in pakistan.provisions if p.prosecution is not None] == []


def test_the_penal_code_s_child_offences_are_never_offered_to_an_adult_victim() -> None:
    from helplinekit.domain import Caller, Case, CaseAttributes
    from helplinekit.services.legal import evaluate

    from helplinekit_pakistan import build

    def offered(**facts) -> set[str]:
        case = Case(
            reference="HL-2026-000001",
            caller_id=Caller().id,
            categories=("CHILD_SEXUAL_ABUSE",),
            attributes=CaseAttributes(**facts),
        )
        return {p.provision.section for p in evaluate(case, build())[0]}

    assert not {"292A", "292B", "292C"} & offered(victim_age=30)
    assert {"292A", "292B", "292C"} <= offered(victim_age=12)
    assert {"292A", "292B", "292C"} <= offered()  # age not recorded: "applies if…"

"""Legal options for sample cases, through helplinekit's legal-options service."""

from __future__ import annotations

import string
from datetime import date

import pytest
from helplinekit.domain import Caller, Case, CaseAttributes
from helplinekit.services.legal import build_options, english, evaluate

import helplinekit_pakistan as plugin
from helplinekit_pakistan.complaints import PLACEHOLDERS

PECA = "Prevention of Electronic Crimes Act, 2016"
PPC = "Pakistan Penal Code (Act XLV of 1860)"


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


def by_section(applicable, act: str = PECA) -> dict[str, object]:
    return {p.provision.section: p for p in applicable if p.provision.act == act}


# -- sextortion of a minor -----------------------------------------------------------------


def test_sextortion_of_a_minor_gives_peca_21_and_22_for_certain(pakistan) -> None:
    applicable, no_specific, unmapped = evaluate(
        case("SEXTORTION_BLACKMAIL", victim_is_minor=True), pakistan
    )
    peca = by_section(applicable)
    assert {"21(1)(c)", "21(1)(d)", "21(2)", "22"} <= set(peca)
    assert peca["22"].certain and peca["22"].applies_if == ()
    assert peca["21(1)(c)"].certain
    assert {"383", "384", "506"} <= set(by_section(applicable, PPC))
    assert (no_specific, unmapped) == ([], [])


def test_sextortion_when_age_is_not_recorded_shows_22_as_applies_if(pakistan) -> None:
    peca = by_section(evaluate(case("SEXTORTION_BLACKMAIL"), pakistan)[0])
    assert peca["22"].applies_if == ("the victim is under 18",)
    assert not peca["22"].certain
    assert peca["21(2)"].applies_if == ("the victim is under 18",)
    assert peca["21(1)(c)"].certain  # the adult offence does not depend on age


def test_sextortion_of_an_adult_drops_the_minor_route(pakistan) -> None:
    peca = by_section(evaluate(case("SEXTORTION_BLACKMAIL", victim_is_minor=False), pakistan)[0])
    assert "22" not in peca and "21(2)" not in peca
    assert "21(1)(c)" in peca


def test_sextortion_of_a_minor_complaint_draft_cites_the_enacted_sections(pakistan) -> None:
    options = build_options(
        case("SEXTORTION_BLACKMAIL", victim_is_minor=True), pakistan, None, "en"
    )
    assert options.complaint_language == "en"
    draft = options.complaint_draft
    assert "National Cyber Crime Investigation Agency (NCCIA)" in draft
    assert "HL-2026-000042" in draft
    assert f"{PECA} (as enacted (Act XL of 2016)) s.22" in draft
    assert f"{PECA} (as enacted (Act XL of 2016)) s.21(1)(c)" in draft
    assert "{" not in draft  # every placeholder filled
    assert options.disclaimer == pakistan.disclaimer
    assert [route.key for route in options.removal_routes] == [
        "pakistan.pta_removal",
        "pakistan.smpra_removal",
    ]


def test_the_complaint_draft_in_urdu(pakistan) -> None:
    options = build_options(
        case("SEXTORTION_BLACKMAIL", victim_is_minor=True), pakistan, None, "ur"
    )
    assert options.complaint_language == "ur"
    assert "شکایت" in options.complaint_draft
    assert "HL-2026-000042" in options.complaint_draft
    assert "{" not in options.complaint_draft


def test_the_urdu_draft_names_categories_and_the_date_in_urdu(pakistan) -> None:
    import helplinekit_urdu
    from helplinekit.services.legal import DraftWording

    urdu = helplinekit_urdu.build().translations
    wording = DraftWording(
        translations_for=lambda tag: urdu if tag == "ur" else english(tag),
        today=date(2026, 12, 4),
    )
    draft = build_options(case("NCII_SHARED", "THREATS"), pakistan, None, "ur", wording)
    text = draft.complaint_draft
    assert "تاریخ: 4 دسمبر، 2026" in text  # the date as CLDR writes it in Urdu
    assert "نجی تصاویر بغیر رضامندی کے شیئر کرنا اور دھمکیاں" in text  # as Urdu lists them
    assert "NCII_SHARED" not in text and "Threats" not in text
    # The law is cited as written: the provisions stay in English.
    assert PECA in text

    english_draft = build_options(case("NCII_SHARED"), pakistan, None, "en", wording)
    assert "Date: December 4, 2026" in english_draft.complaint_draft
    assert "Intimate images shared without consent." in english_draft.complaint_draft


def test_a_draft_in_a_language_without_a_template_is_english_throughout(pakistan) -> None:
    from helplinekit.services.legal import DraftWording

    wording = DraftWording(today=date(2026, 12, 4))
    draft = build_options(case("INFO_REQUEST"), pakistan, None, "sw", wording)
    assert draft.complaint_language == "en"
    assert "Date: December 4, 2026" in draft.complaint_draft
    assert "Information request" in draft.complaint_draft
    assert "(to be completed by the lawyer)" in draft.complaint_draft


def test_complaint_templates_are_unreviewed_and_use_only_known_placeholders(pakistan) -> None:
    templates = {template.language: template for template in pakistan.complaint_templates}
    assert set(templates) == {"en", "ur"}
    authorities = {authority.key for authority in pakistan.authorities}
    for template in templates.values():
        assert template.reviewed is False
        assert template.authority in authorities
        fields = {name for _, name, _, _ in string.Formatter().parse(template.text) if name}
        assert fields == PLACEHOLDERS


# -- account hijacking, fake profile ---------------------------------------------------------


def test_account_hijacking_gives_peca_3_and_4(pakistan) -> None:
    applicable = evaluate(case("ACCOUNT_COMPROMISE"), pakistan)[0]
    assert [p.provision.section for p in applicable] == ["3", "4"]
    assert all(p.provision.act == PECA and p.certain for p in applicable)
    assert [p.provision.title for p in applicable] == [
        "Unauthorized access to information system or data",
        "Unauthorized copying or transmission of data",
    ]


def test_fake_profile_gives_peca_16_and_ppc_419(pakistan) -> None:
    applicable = evaluate(case("IMPERSONATION"), pakistan)[0]
    assert [(p.provision.act, p.provision.section) for p in applicable] == [
        (PECA, "16"),
        (PPC, "419"),
    ]
    s16 = applicable[0]
    assert s16.provision.title == "Unauthorized use of identity information"
    assert not s16.verified  # its penalty is [U]


# -- a smear campaign --------------------------------------------------------------------


@pytest.mark.parametrize(
    "categories",
    [
        ("DEFAMATION_SMEAR",),
        ("COORDINATED_CAMPAIGN",),
        ("DEFAMATION_SMEAR", "COORDINATED_CAMPAIGN"),
    ],
)
def test_smear_campaign_shows_s20_as_contested(pakistan, categories) -> None:
    s20 = by_section(evaluate(case(*categories), pakistan)[0])["20"]
    assert s20.contested
    assert s20.provision.title == "Offences against dignity of a natural person"
    note = s20.provision.flag_note
    assert "Islamabad High Court" in note and "April 2022" in note
    assert "still filed" in note and "no detailed judgment" in note
    assert not s20.verified
    assert any("Contested" in n for n in s20.notes)


def test_smear_campaign_complaint_draft_never_presents_s20_as_settled(pakistan) -> None:
    options = build_options(case("DEFAMATION_SMEAR"), pakistan, None, "en")
    assert "s.20" not in options.complaint_draft
    assert f"{PPC} (as in force) s.499" in options.complaint_draft
    # Still offered to staff, flagged: contested is not the same as gone.
    assert any(p.contested and p.provision.section == "20" for p in options.provisions)


def test_only_s20_is_contested(pakistan) -> None:
    assert [p.section for p in pakistan.provisions if p.is_contested] == ["20"]


# -- other categories ------------------------------------------------------------------------


def test_ncii_of_a_minor_and_of_an_adult(pakistan) -> None:
    minor = by_section(evaluate(case("NCII_SHARED", victim_is_minor=True), pakistan)[0])
    adult = by_section(evaluate(case("NCII_SHARED", victim_is_minor=False), pakistan)[0])
    assert {"21(1)(a)", "21(1)(b)", "22"} == set(minor)
    assert {"21(1)(a)", "21(1)(b)"} == set(adult)


def test_info_request_has_no_specific_provision(pakistan) -> None:
    applicable, no_specific, unmapped = evaluate(case("INFO_REQUEST"), pakistan)
    assert applicable == [] and unmapped == []
    assert no_specific[0][0] == "INFO_REQUEST"


def test_offline_violence_points_to_the_penal_code_and_referral(pakistan) -> None:
    applicable = evaluate(case("OFFLINE_GBV"), pakistan)[0]
    assert [p.provision.act for p in applicable] == [PPC]
    assert "refer" in applicable[0].notes[0]


def test_hate_speech_notes_the_missing_gender_ground(pakistan) -> None:
    (s11,) = evaluate(case("HATE_IDENTITY"), pakistan)[0]
    assert s11.provision.section == "11"
    assert "no gender" in s11.notes[0]

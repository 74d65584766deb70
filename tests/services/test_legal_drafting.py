"""Citation styles, offences apart from remedies, prosecution rules and regional authorities."""

from __future__ import annotations

import gettext
from datetime import date
from types import SimpleNamespace

import pytest

from helplinekit.conformance import COMPLAINT_PLACEHOLDERS, check_jurisdiction
from helplinekit.contracts import (
    NO_SPECIFIC_PROVISION,
    Authority,
    CitationStyle,
    ComplaintTemplate,
    Confidence,
    Fact,
    Jurisdiction,
    ProsecutionRule,
    Provision,
    ProvisionKind,
    ProvisionRef,
    Region,
    RemovalRoute,
)
from helplinekit.domain import DEFAULT_TAXONOMY, Caller, Case, CaseAttributes
from helplinekit.services.legal import build_options, evaluate

SOURCE = "https://example.org/code"
FACT = Fact(SOURCE, Confidence.secondary)
CODES = [entry.code for entry in DEFAULT_TAXONOMY]


def provision(key: str, section: str, **changes: object) -> Provision:
    values: dict[str, object] = {
        "key": key,
        "act": "Penal Code",
        "act_version": "as in force",
        "section": section,
        "title": key,
        "summary": "x",
        "fact": FACT,
    }
    return Provision(**{**values, **changes})  # type: ignore[arg-type]


def law(**changes: object) -> Jurisdiction:
    values: dict[str, object] = {
        "key": "testland.tl",
        "name": "Testland",
        "country": "TL",
        "disclaimer": "Not legal advice.",
        "provisions": (
            provision("test.code.s218c", "218-C"),
            provision(
                "test.code.s66",
                "66",
                kind="remedy",
                title="Removal of intimate images",
            ),
            provision(
                "test.code.s509",
                "509",
                prosecution=ProsecutionRule(
                    "the victim or her guardian", months=3, note="counted from the incident"
                ),
            ),
        ),
        "mappings": {
            **dict.fromkeys(CODES, NO_SPECIFIC_PROVISION),
            "NCII_SHARED": (
                ProvisionRef("test.code.s218c"),
                ProvisionRef("test.code.s66"),
                ProvisionRef("test.code.s509"),
            ),
        },
        "authorities": (
            Authority(key="test.police", name="Police", how_to_report="Call.", fact=FACT),
        ),
        "complaint_templates": (
            ComplaintTemplate(
                language="en",
                authority="test.police",
                text="Offences: {provisions}.\nRemedies sought: {remedies}.",
            ),
        ),
    }
    return Jurisdiction(**{**values, **changes})  # type: ignore[arg-type]


def case(*categories: str, **attributes: object) -> Case:
    return Case(
        reference="HL-2026-000007",
        caller_id=Caller().id,
        categories=categories or ("NCII_SHARED",),
        attributes=CaseAttributes(**attributes),  # type: ignore[arg-type]
    )


# -- 1. citation style ---------------------------------------------------------------------


def test_a_jurisdiction_cites_by_section_unless_it_says_otherwise() -> None:
    common = law()
    assert common.citation_style is CitationStyle.section
    s218 = common.provision("test.code.s218c")
    assert s218.citation_label == "s.218-C"
    assert s218.citation == "Penal Code (as in force) s.218-C"  # the text of earlier releases


def test_a_civil_law_jurisdiction_cites_articles() -> None:
    civil = law(citation_style="article")
    article = civil.provision("test.code.s218c")
    assert article.citation_style is CitationStyle.article
    assert article.citation_label == "art. 218-C"
    assert article.citation == "Penal Code (as in force) art. 218-C"


def test_a_provision_keeps_its_own_style_in_any_jurisdiction() -> None:
    statute = provision("test.statute.s5", "5", citation_style=CitationStyle.section)
    civil = law(citation_style="article", provisions=(*law().provisions, statute))
    assert civil.provision("test.statute.s5").citation_label == "s.5"
    # Outside a jurisdiction, a provision is cited by section.
    assert provision("test.code.s1", "1").citation_label == "s.1"


def test_an_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="paragraph"):
        law(citation_style="paragraph")


def test_the_draft_cites_in_the_jurisdictions_style() -> None:
    draft = build_options(case(), law(citation_style="article"), None, "en").complaint_draft
    assert "Penal Code (as in force) art. 218-C" in draft
    assert "s.218-C" not in draft


# -- 2. an offence apart from a remedy -----------------------------------------------------


def test_a_provision_is_an_offence_unless_marked_a_remedy() -> None:
    kinds = {p.key: p.kind for p in law().provisions}
    assert kinds["test.code.s218c"] is ProvisionKind.offence
    assert kinds["test.code.s66"] is ProvisionKind.remedy
    assert law().provision("test.code.s66").is_remedy


def test_the_draft_cites_offences_as_offences_and_remedies_apart() -> None:
    draft = build_options(case(), law(), None, "en").complaint_draft
    offences, remedies = draft.split("\n")
    assert "s.218-C" in offences and "s.509" in offences
    assert "s.66" not in offences
    assert remedies == "Remedies sought: Penal Code (as in force) s.66."


def test_without_a_remedy_the_lawyer_completes_the_line() -> None:
    only_offences = law(mappings={"NCII_SHARED": (ProvisionRef("test.code.s218c"),)})
    draft = build_options(case(), only_offences, None, "en").complaint_draft
    assert "Remedies sought: (to be completed by the lawyer)." in draft


def test_the_kit_allows_the_remedies_placeholder() -> None:
    assert "remedies" in COMPLAINT_PLACEHOLDERS
    assert check_jurisdiction(law(), CODES, today=date(2026, 12, 4)) == []


# -- 3. prosecution rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "incident", "deadline"),
    [
        (ProsecutionRule("the state"), date(2026, 1, 31), None),
        (ProsecutionRule("any person", months=3), date(2026, 12, 12), date(2027, 3, 12)),
        (ProsecutionRule("any person", months=1), date(2027, 1, 31), date(2027, 2, 28)),
        (ProsecutionRule("any person", months=1), date(2028, 1, 31), date(2028, 2, 29)),
        (ProsecutionRule("any person", days=30), date(2026, 12, 12), date(2027, 1, 11)),
        (ProsecutionRule("any person", months=12, days=1), date(2026, 2, 28), date(2027, 3, 1)),
    ],
)
def test_the_last_day_to_complain(rule, incident, deadline) -> None:
    assert rule.deadline(incident) == deadline


def test_a_negative_time_is_refused() -> None:
    with pytest.raises(ValueError, match="months"):
        ProsecutionRule("the victim", months=-1)


def test_the_option_carries_the_last_day_when_the_incident_date_is_recorded() -> None:
    options = {
        p.provision.key: p for p in evaluate(case(incident_date=date(2026, 12, 12)), law())[0]
    }
    assert options["test.code.s509"].complain_by == date(2027, 3, 12)
    assert options["test.code.s218c"].complain_by is None  # no rule recorded
    unknown = {p.provision.key: p for p in evaluate(case(), law())[0]}
    assert unknown["test.code.s509"].complain_by is None


def test_the_kit_names_a_rule_that_does_not_say_who_complains() -> None:
    silent = provision("test.code.s1", "1", prosecution=ProsecutionRule(" "))
    found = check_jurisdiction(law(provisions=(*law().provisions, silent)), CODES)
    assert found == [
        "provision test.code.s1 has a prosecution rule that does not say who must complain; "
        'write it in plain words, e.g. "the victim or her guardian".'
    ]


def test_the_kit_finds_a_todo_in_a_prosecution_rule() -> None:
    rule = ProsecutionRule("TODO: who?")
    draft = provision("test.code.s1", "1", prosecution=rule)
    (problem,) = check_jurisdiction(law(provisions=(*law().provisions, draft)), CODES)
    assert "test.code.s1 has a leftover TODO in its prosecution rule's complainant" in problem


# -- 4. authorities and removal routes per region -------------------------------------------


def pakistan_like(**changes: object) -> Jurisdiction:
    values: dict[str, object] = {
        "key": "testpk.pk",
        "country": "PK",
        "regions": (Region("PK-PB", "Punjab"), Region("PK-SD", "Sindh")),
        "authorities": (
            Authority(key="test.police", name="Police", how_to_report="Call.", fact=FACT),
            Authority(
                key="test.punjab",
                name="Punjab Women Protection Authority",
                how_to_report="Call.",
                fact=FACT,
                regions={"PK-PB"},
            ),
        ),
    }
    return law(**{**values, **changes})


def test_regions_are_iso_codes_checked_by_the_kit() -> None:
    assert check_jurisdiction(pakistan_like(), CODES) == []
    wrong = pakistan_like(
        authorities=(
            Authority(key="test.police", name="Police", how_to_report="x", fact=FACT),
            Authority(key="test.a", name="A", how_to_report="x", fact=FACT, regions={"PB"}),
        ),
        removal_routes=(
            RemovalRoute(key="test.r", title="R", steps="x", fact=FACT, regions={"Sindh"}),
        ),
    )
    assert check_jurisdiction(wrong, CODES) == [
        "authority test.a serves the region 'PB', which is not an ISO 3166-2 code of PK; use "
        "'PK-PB', or leave regions empty for the whole country.",
        "removal route test.r serves the region 'Sindh', which is not an ISO 3166-2 code of "
        "PK; use 'PK-SD', or leave regions empty for the whole country.",
    ]


def test_region_names_follow_the_jurisdictions_list() -> None:
    jurisdiction = pakistan_like()
    assert jurisdiction.region_names({"PK-SD", "PK-PB"}) == ("Punjab", "Sindh")
    assert jurisdiction.region_names({"PK-KP"}) == ("PK-KP",)  # not listed: shown as the code


# -- the console ----------------------------------------------------------------------------


def render_legal(options, language: str = "en", translations=None) -> str:
    from helplinekit.web.http import jinja_environment

    env = jinja_environment(translations or gettext.NullTranslations())
    page = SimpleNamespace(legal=options, may=lambda action: False)
    return env.get_template("console/_legal.html").render(
        page=page, case=SimpleNamespace(legal_hold=False), lang=language, category=str
    )


def test_the_console_cites_by_the_label_marks_remedies_and_shows_the_rule() -> None:
    options = build_options(
        case(incident_date=date(2026, 12, 12)), pakistan_like(citation_style="article"), None, "en"
    )
    html = render_legal(options)
    assert "Penal Code art. 218-C" in html and " s.218-C" not in html
    assert html.count('class="flag remedy"') == 1
    assert "Who must complain: <bdi>the victim or her guardian</bdi>" in html
    assert "within 3 months" in html
    assert "complain by March 12, 2027" in html
    assert "counted from the incident" in html
    assert "only in: <bdi>Punjab</bdi>" in html


def test_without_an_incident_date_the_console_asks_for_it() -> None:
    html = render_legal(build_options(case(), law(), None, "en"))
    assert "within 3 months" in html and "complain by" not in html
    assert "record the incident date to see the last day" in html


def test_the_console_words_the_rule_in_urdu() -> None:
    import helplinekit_urdu

    urdu = helplinekit_urdu.build().translations
    options = build_options(case(incident_date=date(2026, 12, 12)), law(), None, "ur")
    html = render_legal(options, "ur", urdu)
    assert "Who must complain" not in html and "within 3 months" not in html
    assert "شکایت کون درج کرے:" in html and "3 مہینے کے اندر" in html
    assert "12 مارچ، 2027 تک شکایت کریں" in html  # the date as CLDR writes it in Urdu

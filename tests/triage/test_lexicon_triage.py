"""Triage reads every enabled language, and hands a person what it cannot tell.

On SQLite and PostgreSQL (the ``helpline`` fixtures are parametrised by database).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helplinekit.contracts import InboundMessage
from helplinekit.domain import CaseStatus, RiskLevel, Role, parse_urn
from helplinekit.domain.filters import CaseFilters

pytestmark = pytest.mark.database

URDU_THREAT = "میرا سابق شوہر کہتا ہے کہ وہ مجھے جان سے مار دے گا"
#: The same, typed on an Arabic keyboard, with the verb run together.
URDU_THREAT_ARABIC_LETTERS = "ميرا سابق شوهر كهتا هے كه وه مجهے جان سے ماردےگا"
ROMAN_URDU_THREAT = "mera ex husband kehta hai mujhe jaan se maar dega"
ROMAN_URDU_SEXTORTION = "wo kehta hai paise do warna tasveerein viral kar dega"
SWAHILI_THREAT = "Mume wangu wa zamani anasema ataniua"  # "my ex-husband says he will kill me"
BENGALI_THREAT = "আমার প্রাক্তন স্বামী বলছে সে আমাকে মেরে ফেলবে"


def _enable(deployment: Path, *tags: str) -> None:
    toml = deployment / "helpline.toml"
    text = toml.read_text(encoding="utf-8")
    enabled = ", ".join(f'"{tag}"' for tag in tags)
    toml.write_text(text.replace('enabled = ["en"]', f"enabled = [{enabled}]", 1), "utf-8")


def _message(text: str, token: str) -> InboundMessage:
    return InboundMessage(
        channel="web.form",
        urn=parse_urn(f"web:{token}"),
        provider_message_id=token,
        body=text,
        new_contact=True,
    )


@pytest.fixture
def multilingual(deployment: Path, open_helpline, plugin_manager):
    import helplinekit_urdu

    plugin_manager.register(helplinekit_urdu, name="urdu")
    _enable(deployment, "en", "ur", "sw")  # Swahili has no plugin and no lexicon
    return open_helpline()


def _triaged(helpline, text: str, token: str):
    result = helpline.receive_message(_message(text, token))
    helpline.run_until_idle()
    return helpline.context.database, result.case_id


def _case(helpline, staff, case_id):
    return helpline.view_case(staff, case_id)


@pytest.mark.parametrize(
    "text",
    [URDU_THREAT, URDU_THREAT_ARABIC_LETTERS, ROMAN_URDU_THREAT],
    ids=["nastaliq", "arabic-keyboard", "roman-urdu"],
)
def test_an_urdu_threat_to_kill_is_high_risk(multilingual, staff_member, text) -> None:
    supervisor = staff_member(multilingual, "sup@h.org", Role.SUPERVISOR).actor
    _, case_id = _triaged(multilingual, text, "t1")
    case = _case(multilingual, supervisor, case_id)
    assert case.risk_level is RiskLevel.HIGH
    assert "THREATS" in case.categories
    assert case.status is CaseStatus.TRIAGED and not case.needs_manual_triage


def test_roman_urdu_sextortion_is_caught(multilingual, staff_member) -> None:
    supervisor = staff_member(multilingual, "sup@h.org", Role.SUPERVISOR).actor
    _, case_id = _triaged(multilingual, ROMAN_URDU_SEXTORTION, "t1")
    case = _case(multilingual, supervisor, case_id)
    assert case.risk_level in (RiskLevel.MEDIUM, RiskLevel.HIGH)
    assert "SEXTORTION_BLACKMAIL" in case.categories


@pytest.mark.parametrize("text", [SWAHILI_THREAT, BENGALI_THREAT, "hello"], ids=str)
def test_what_triage_cannot_tell_goes_to_a_person(multilingual, staff_member, text) -> None:
    supervisor = staff_member(multilingual, "sup@h.org", Role.SUPERVISOR).actor
    _, case_id = _triaged(multilingual, text, "t1")
    case = _case(multilingual, supervisor, case_id)
    # Never "triaged": a person triages it, and it is shown as needing that.
    assert case.needs_manual_triage is True
    assert case.status is CaseStatus.NEW


def test_cases_that_need_a_person_sort_above_every_low_risk_case(
    multilingual, staff_member
) -> None:
    supervisor = staff_member(multilingual, "sup@h.org", Role.SUPERVISOR).actor
    # Low risk first, so that opening order alone would put it on top.
    _, low = _triaged(multilingual, "someone hacked my instagram password", "low")
    _, swahili = _triaged(multilingual, SWAHILI_THREAT, "sw")
    _, urdu = _triaged(multilingual, URDU_THREAT, "ur")
    _, roman = _triaged(multilingual, ROMAN_URDU_THREAT, "rom")
    assert _case(multilingual, supervisor, low).risk_level is RiskLevel.LOW
    order = [case.id for case in multilingual.list_cases(supervisor, CaseFilters()).cases]
    assert order.index(low) == len(order) - 1
    assert {urdu, roman, swahili} == set(order[:3])


def test_a_person_s_triage_clears_the_flag(multilingual, staff_member) -> None:
    supervisor = staff_member(multilingual, "sup@h.org", Role.SUPERVISOR).actor
    _, case_id = _triaged(multilingual, SWAHILI_THREAT, "t1")
    case = multilingual.triage_case(supervisor, case_id, risk_level=RiskLevel.HIGH)
    assert case.status is CaseStatus.TRIAGED and not case.needs_manual_triage


def test_a_logged_call_summary_is_read_too(multilingual, staff_member) -> None:
    intake = staff_member(multilingual, "intake@h.org", Role.INTAKE).actor
    case = multilingual.open_case_from_contact(intake, summary=f"Caller said: {URDU_THREAT}")
    assert case.risk_level is RiskLevel.HIGH and "THREATS" in case.categories
    quiet = multilingual.open_case_from_contact(intake, summary="Caller asked about our hours")
    assert quiet.needs_manual_triage is True
    # A follow-up call that brings a threat raises the risk of a case already open.
    multilingual.record_contact(intake, quiet.id, summary=ROMAN_URDU_THREAT)
    assert multilingual.view_case(intake, quiet.id).risk_level is RiskLevel.HIGH


def test_a_message_in_an_unread_script_goes_to_a_person_even_with_english_words(
    deployment: Path, open_helpline, staff_member
) -> None:
    helpline = open_helpline()  # English only: Urdu script is read by no lexicon here
    supervisor = staff_member(helpline, "sup@h.org", Role.SUPERVISOR).actor
    _, case_id = _triaged(helpline, f"please help, hacked. {URDU_THREAT}", "t1")
    case = helpline.view_case(supervisor, case_id)
    assert case.needs_manual_triage is True and case.status is CaseStatus.NEW
    assert "ACCOUNT_COMPROMISE" in case.categories  # what was read is still used


def test_the_team_queue_page_lists_them_above_low_risk_with_a_badge(multilingual) -> None:
    from tests.web.console_kit import add_staff_member, console_client, sign_in

    intake = add_staff_member(multilingual, "intake", {Role.INTAKE})
    references = {}
    for token, text in (
        ("low", "someone hacked my instagram password"),
        ("sw", SWAHILI_THREAT),
        ("ur", URDU_THREAT),
        ("rom", ROMAN_URDU_THREAT),
    ):
        _, case_id = _triaged(multilingual, text, token)
        references[token] = multilingual.view_case(multilingual.system(), case_id).reference
    client = console_client(multilingual)
    sign_in(client, intake)
    page = client.get("/staff/queue?view=team").text
    rows = page.split("<tbody")[1].split("</tbody>")[0].split("<tr")[1:]
    order = [next(ref for ref in references.values() if ref in row) for row in rows]
    assert order[-1] == references["low"]
    swahili_row = next(row for row in rows if references["sw"] in row)
    assert "needs triage" in swahili_row

"""Staff record the victim's facts on the triage form, and read them back in words.

The victim is not always the caller (a sister calls for her brother, a mother for her
child), and the legal options turn on the victim's facts: who they are to the caller, their
gender and age (or age band), the offender's gender and when it happened. The form refuses a
bad value or a contradiction in the reader's language, stores nothing, and shows the form
again as it was typed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helplinekit.domain import (
    CaseAttributes,
    Gender,
    RiskLevel,
    Role,
    Specialism,
    VictimAgeBand,
    VictimRelation,
)

from .console_kit import add_staff_member, console_client, sign_in
from .test_words_not_codes import raw_words, visible_text

pytestmark = pytest.mark.database

#: Every fact of the form, as a browser sends it, and what each is stored as.
FACTS = {
    "victim": "other_relative",
    "victim_gender": "non_binary",
    "victim_age": "15",
    "victim_age_band": "14_15",
    "victim_is_minor": "yes",
    "offender_gender": "man",
    "incident_date": "2026-03-14",
}
STORED = {
    "victim": VictimRelation.OTHER_RELATIVE,
    "victim_gender": Gender.NON_BINARY,
    "victim_age": 15,
    "victim_age_band": VictimAgeBand.AGE_14_15,
    "victim_is_minor": True,
    "offender_gender": Gender.MAN,
    "incident_date": date(2026, 3, 14),
}


@pytest.fixture
def helpline(deployment, open_helpline, register_plugin):
    """A helpline in English and Urdu (the Urdu plugin's catalog)."""
    import helplinekit_urdu

    toml = deployment / "helpline.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('enabled = ["en"]', 'enabled = ["en", "ur"]'), encoding="utf-8")
    with register_plugin(helplinekit_urdu, "urdu"):
        yield open_helpline()


class Desk:
    """A lawyer signed in to the console, on a case assigned to her."""

    def __init__(self, helpline) -> None:
        intake = add_staff_member(helpline, "intake", {Role.INTAKE})
        lawyer = add_staff_member(helpline, "lawyer", {Role.LAWYER}, {Specialism.LEGAL})
        self.helpline = helpline
        self.case = helpline.open_case_from_contact(
            helpline.actor(intake.email), summary="She called about her brother's photos"
        )
        helpline.assign(helpline.system(), self.case.id, lawyer.specialist.id, Specialism.LEGAL)
        self.client = console_client(helpline)
        self.csrf = sign_in(self.client, lawyer)
        self.url = f"/staff/cases/{self.case.reference}"

    def triage(self, **fields: str):
        form = {
            "csrf": self.csrf,
            "with_attributes": "yes",
            "first_contact_channel": "phone",
            "risk": "high",
            **fields,
        }
        return self.client.post(self.url + "/triage", data=form)

    def read_in(self, language: str) -> str:
        chosen = self.client.post(
            "/staff/account/language", data={"csrf": self.csrf, "language": language}
        )
        assert chosen.status_code == 303, chosen.text
        page = self.client.get(self.url)
        assert page.status_code == 200
        return page.text

    def stored(self):
        return self.helpline.view_case(self.helpline.system(), self.case.id)


def _fact(page: str, name: str) -> str:
    """The words the case page's facts list shows for one fact (its ``<dd id=…>``)."""
    match = re.search(rf'<dd id="fact-{name}">(.*?)</dd>', page, re.S)
    assert match, name
    return visible_text(match.group(1)).strip()


def test_each_fact_is_recorded_and_read_back_in_words_in_english_and_urdu(helpline) -> None:
    desk = Desk(helpline)
    english = desk.read_in("en")
    assert {_fact(english, name) for name in ("victim", "victim-gender", "victim-age")} == {
        "not recorded"
    }
    response = desk.triage(**FACTS)
    assert response.status_code == 303, response.text
    attributes = desk.stored().attributes
    assert {name: getattr(attributes, name) for name in STORED} == STORED

    english = desk.read_in("en")
    assert _fact(english, "victim") == "Another relative of the caller"
    assert _fact(english, "victim-gender") == "Non-binary"
    assert _fact(english, "victim-age") == "15"
    assert _fact(english, "victim-minor") == "yes"
    assert _fact(english, "offender-gender") == "Man or boy"
    assert _fact(english, "incident-date") == "2026-03-14"
    assert "The victim is a minor" in english and "The survivor is a minor" not in english
    assert raw_words(english, ()) == []
    # The form shows what is recorded, ready to be corrected.
    assert '<option value="other_relative" selected>' in english
    assert '<option value="14_15" selected>' in english
    assert 'name="victim_age" min="0" max="120"' in english and 'value="15"' in english
    assert 'value="2026-03-14"' in english

    urdu = desk.read_in("ur")
    assert _fact(urdu, "victim") == "رابطہ کرنے والے فرد کا کوئی اور رشتہ دار"
    assert _fact(urdu, "victim-gender") == "نان بائنری"
    assert _fact(urdu, "victim-minor") == "ہاں"
    assert _fact(urdu, "offender-gender") == "مرد یا لڑکا"
    assert "متاثرہ فرد کا رابطہ کرنے والے سے رشتہ" in visible_text(urdu)
    assert "Another relative of the caller" not in urdu and "Man or boy" not in urdu
    assert raw_words(urdu, ()) == []


def test_an_age_band_alone_reads_as_words(helpline) -> None:
    desk = Desk(helpline)
    assert desk.triage(victim="self", victim_age_band="under_12").status_code == 303
    english = desk.read_in("en")
    assert _fact(english, "victim-age") == "Under 12"
    assert _fact(english, "victim") == "The caller themselves"
    assert _fact(english, "victim-gender") == "not recorded"
    assert _fact(english, "incident-date") == "not recorded"
    assert _fact(desk.read_in("ur"), "victim-age") == "12 سال سے کم"


def _tomorrow() -> str:
    # Tomorrow where the helpline is (Asia/Karachi): never today, whatever the time in UTC.
    return (datetime.now(ZoneInfo("Asia/Karachi")).date() + timedelta(days=1)).isoformat()


BAD_VALUES = [
    ({"victim_age": "abc"}, "The victim's age must be a whole number of years from 0 to 120"),
    ({"victim_age": "140"}, "not '140'"),
    ({"victim_age": "-1"}, "not '-1'"),
    ({"victim_age": "14.5"}, "not '14.5'"),
    ({"incident_date": "14/03/2026"}, "write it as year-month-day"),
    ({"incident_date": "2026-02-30"}, "The incident date '2026-02-30' is not a date"),
    ({"incident_date": "tomorrow"}, "is not a date"),
    ({"victim": "cousin"}, "'cousin' is not a choice for “Who the victim is to the caller”"),
    ({"victim_gender": "female"}, "'female' is not a choice for “The victim's gender”"),
    ({"offender_gender": "x"}, "'x' is not a choice for “The offender's gender”"),
    ({"victim_age_band": "teen"}, "'teen' is not a choice for “The victim's age band”"),
]


@pytest.mark.parametrize(("fields", "message"), BAD_VALUES)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_stored(
    helpline, fields, message
) -> None:
    desk = Desk(helpline)
    before = desk.stored()
    typed = {"category": "NCII_SHARED", "platforms": "Instagram", "victim_gender": "woman"}
    response = desk.triage(**{**typed, **fields})
    assert response.status_code == 400, response.text
    assert 'role="alert"' in response.text and "Traceback" not in response.text
    assert message in visible_text(response.text)
    after = desk.stored()
    assert after.attributes == before.attributes
    assert after.categories == before.categories and after.risk_level is RiskLevel.UNKNOWN
    # The form is shown again as it was typed: nothing the staff member chose is lost.
    assert 'name="category" value="NCII_SHARED" checked' in response.text
    assert 'name="platforms" value="Instagram"' in response.text
    if "victim_gender" not in fields:
        assert '<option value="woman" selected>' in response.text
    if "victim_age" in fields:
        age_input = re.search(r'<input type="number"[^>]*name="victim_age"[^>]*>', response.text)
        assert age_input and f'value="{fields["victim_age"]}"' in age_input.group(0)


def test_an_incident_date_in_the_future_is_refused(helpline) -> None:
    desk = Desk(helpline)
    tomorrow = _tomorrow()
    response = desk.triage(incident_date=tomorrow)
    assert response.status_code == 400
    assert f"The incident date '{tomorrow}' is in the future" in visible_text(response.text)
    assert desk.stored().attributes.incident_date is None
    today = datetime.now(ZoneInfo("Asia/Karachi")).date()
    assert desk.triage(incident_date=today.isoformat()).status_code == 303
    assert desk.stored().attributes.incident_date == today


CONTRADICTIONS = [
    (
        {"victim_age": "30", "victim_is_minor": "yes"},
        "The victim's age or age band and “The victim is a minor” disagree",
    ),
    (
        {"victim_age_band": "under_12", "victim_is_minor": "no"},
        "The victim's age or age band and “The victim is a minor” disagree",
    ),
    (
        {"victim_age": "15", "victim_age_band": "18_plus"},
        "The victim's age 15 does not fit the age band chosen",
    ),
]


@pytest.mark.parametrize(("fields", "message"), CONTRADICTIONS)
def test_facts_that_contradict_each_other_are_refused(helpline, fields, message) -> None:
    desk = Desk(helpline)
    desk.helpline.triage_case(
        desk.helpline.system(), desk.case.id, attributes=CaseAttributes(victim_age=40)
    )
    response = desk.triage(**fields)
    assert response.status_code == 400, response.text
    assert message in visible_text(response.text)
    assert desk.stored().attributes == CaseAttributes(victim_age=40)


def test_a_refusal_reads_in_urdu(helpline) -> None:
    desk = Desk(helpline)
    desk.read_in("ur")
    response = desk.triage(victim_age="140")
    assert response.status_code == 400
    text = visible_text(response.text)
    assert "ترجیحی جائزہ محفوظ نہیں ہوا:" in text
    assert "متاثرہ فرد کی عمر 0 سے 120 تک پورے سالوں میں لکھیں، '140' نہیں" in text
    contradiction = desk.triage(victim_age="30", victim_is_minor="yes")
    assert contradiction.status_code == 400
    assert "آپس میں متضاد ہیں" in visible_text(contradiction.text)
    assert "disagree" not in contradiction.text
    assert desk.stored().attributes.victim_age is None

"""Staff and survivors read words, not codes: every page, in English, Urdu and languages
with no catalog.

A taxonomy code (``DOXING_PRIVATE_INFO``) or an enum value (``in_progress``) is what the
database stores, not what a person reads. Each console page, and the public form and check
pages, is rendered for a Pakistani helpline with Urdu, Swahili and Bangla enabled, and its
visible text (tags and attributes stripped, so a checkbox's ``value="NCII_SHARED"`` does not
count) must hold no code of the registered taxonomy and no enum value a person would read.

Swahili is the fixture language (tests/fixture_plugins/fixture_language_sw.py) and Bangla a
CLDR language no plugin provides: neither has a catalog, so they show the English words, and
a plugin's own category keeps its English title in every language. The complaint draft is
written in the case's language, dated in its locale.
"""

from __future__ import annotations

import enum
import importlib.util
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from fastapi.testclient import TestClient

from helplinekit import hookimpl
from helplinekit.contracts import jurisdiction as jurisdiction_contract
from helplinekit.domain import (
    AtRiskIdentity,
    CaseAttributes,
    CaseStatus,
    ContactKind,
    Direction,
    Gender,
    NoteSection,
    PerpetratorRelation,
    ReferralStatus,
    RiskLevel,
    Role,
    Specialism,
    TaskKind,
    TaxonomyCode,
    VictimAgeBand,
    VictimRelation,
)
from helplinekit.web import create_app

from .console_kit import add_staff_member, console_client, sign_in

pytestmark = pytest.mark.database

#: English, Urdu (a catalog, right to left), the fixture Swahili (a plugin with no catalog)
#: and Bangla (a CLDR language no plugin provides, so no catalog either).
LANGUAGES = ("en", "ur", "sw", "bn")

#: A category a plugin adds: no catalog translates it, so it reads in English everywhere.
PLUGIN_CODE = TaxonomyCode(
    "FIXTURE_VOICE_CLONE", "Cloned voice message", "A voice cloned to deceive or shame."
)

#: Enum values a person would read if a page printed the stored value. Those holding an
#: underscore (``in_progress``, ``walk_in``) are never ordinary words, so finding one in a
#: page's text can only mean a value slipped through untranslated.
ENUMS: tuple[type[enum.Enum], ...] = (
    CaseStatus,
    RiskLevel,
    Specialism,
    NoteSection,
    ContactKind,
    ReferralStatus,
    TaskKind,
    PerpetratorRelation,
    AtRiskIdentity,
    Role,
    Direction,
    Gender,
    VictimRelation,
    VictimAgeBand,
    jurisdiction_contract.ProvisionFlag,
)
RAW_ENUM_VALUES = sorted(
    {str(member.value) for kind in ENUMS for member in kind if "_" in str(member.value)}
)

#: What the Urdu catalog says for some categories (checked against the catalog below).
URDU_TITLES = {
    "NCII_SHARED": "نجی تصاویر بغیر رضامندی کے شیئر کرنا",
    "SEXTORTION_BLACKMAIL": "جنسی بلیک میلنگ (سیکسٹارشن) یا بلیک میلنگ",
    "INFO_REQUEST": "معلومات کی درخواست",
}


class _VisibleText(HTMLParser):
    """The text a person reads on a page: text nodes only, no tags, attributes or scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def raw_words(html: str, codes: tuple[str, ...]) -> list[str]:
    """The taxonomy codes and raw enum values in the visible text of ``html``."""
    text = visible_text(html)
    return [
        word
        for word in (*codes, *RAW_ENUM_VALUES)
        if re.search(rf"(?<![\w@.]){re.escape(word)}(?![\w@])", text)
    ]


def test_the_checker_finds_a_raw_code_and_ignores_attributes() -> None:
    codes = ("NCII_SHARED", "DOXING_PRIVATE_INFO")
    page = (
        '<label title="DOXING_PRIVATE_INFO"><input type="checkbox" value="NCII_SHARED">'
        " Intimate images shared without consent</label><p>in_progress</p>"
    )
    assert raw_words(page, codes) == ["in_progress"]
    assert raw_words("<td>NCII_SHARED, THREATS</td>", codes) == ["NCII_SHARED"]
    assert raw_words("<p>Status: waiting_on_caller</p>", codes) == ["waiting_on_caller"]


class _VoiceClone:
    @hookimpl
    def register_taxonomy(self, register) -> None:
        register(PLUGIN_CODE)


def _load_swahili(fixture_plugins_path):
    path = fixture_plugins_path / "fixture_language_sw.py"
    spec = importlib.util.spec_from_file_location("fixture_language_sw", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(ZoneInfo("UTC"))

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def site(deployment, open_helpline, register_plugin, fixture_plugins_path):
    """A Pakistani helpline in English, Urdu and Swahili, with one full case per language."""
    import helplinekit_pakistan
    import helplinekit_urdu

    toml = deployment / "helpline.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('enabled = ["en"]', 'enabled = ["en", "ur", "sw", "bn"]')
    text = text.replace('"intl.baseline"', '"pakistan.pk"')
    toml.write_text(text, encoding="utf-8")
    with (
        register_plugin(helplinekit_pakistan, "pakistan"),
        register_plugin(helplinekit_urdu, "urdu"),
        register_plugin(_load_swahili(fixture_plugins_path), "fixture_sw"),
        register_plugin(_VoiceClone(), "fixture_voice_clone"),
    ):
        clock = Clock()
        helpline = open_helpline(clock=clock)
        yield _fill(helpline, clock)


class Site:
    def __init__(self, helpline, clock, people, cases, sent_pages, case_codes) -> None:
        self.helpline, self.clock, self.people, self.cases = helpline, clock, people, cases
        #: The "message sent" page each survivor saw, and their case code, by language.
        self.sent_pages, self.case_codes = sent_pages, case_codes
        self.codes = helpline.context.registries.build_taxonomy().codes()


def _fill(helpline, clock) -> Site:
    people = {
        "intake": add_staff_member(helpline, "intake", {Role.INTAKE}),
        "lawyer": add_staff_member(helpline, "lawyer", {Role.LAWYER}, {Specialism.LEGAL}),
        "outsider": add_staff_member(
            helpline, "outsider", {Role.LAWYER}, {Specialism.LEGAL}
        ),  # not on the cases: gets the break-the-glass page
        "supervisor": add_staff_member(helpline, "supervisor", {Role.SUPERVISOR}),
        "second_supervisor": add_staff_member(helpline, "reviewer", {Role.SUPERVISOR}),
    }
    system = helpline.system()
    intake = helpline.actor(people["intake"].email)
    lawyer = helpline.actor(people["lawyer"].email)
    codes = helpline.context.registries.build_taxonomy().codes()
    assert PLUGIN_CODE.code in codes
    public = TestClient(create_app(helpline), base_url="https://testserver")
    cases, sent_pages, case_codes = {}, {}, {}
    for tag in LANGUAGES:
        case, sent_pages[tag], case_codes[tag] = _write_in(helpline, public, tag)
        # A walk-in on the same case, so the timeline shows two kinds of contact.
        helpline.record_contact(
            intake,
            case.id,
            summary="She came in about the photos",
            kind=ContactKind.WALK_IN,
            consent_referral=True,
        )
        helpline.assign(system, case.id, people["lawyer"].specialist.id, Specialism.LEGAL)
        # Every category but child sexual abuse, and the age left unknown: the legal options
        # then say "applies if …" and "no specific provision", and the plugin's code is one
        # the law does not map.
        helpline.triage_case(
            lawyer,
            case.id,
            categories=[code for code in codes if code != "CHILD_SEXUAL_ABUSE"],
            attributes=CaseAttributes(
                # Victim facts that do not decide an option, so the page shows their words.
                victim=VictimRelation.OTHER_RELATIVE,
                offender_gender=Gender.NON_BINARY,
                perpetrator_relation=PerpetratorRelation.PARTNER_EX,
                at_risk_identities=[AtRiskIdentity.HUMAN_RIGHTS_DEFENDER],
                first_contact_channel="in_person",
            ),
            risk_level=RiskLevel.HIGH,
            specialisms_needed=[Specialism.DIGITAL_SECURITY, Specialism.LEGAL],
        )
        helpline.change_status(lawyer, case.id, CaseStatus.IN_PROGRESS)
        helpline.add_note(lawyer, case.id, NoteSection.LEGAL, "FIR to be filed")
        helpline.queue_reply(lawyer, case.id, "We are here to help.")
        helpline.create_task(
            lawyer,
            case.id,
            title="Call her back",
            due_at=clock() + timedelta(days=1),
            kind=TaskKind.FOLLOW_UP,
        )
        helpline.propose_referral(
            lawyer,
            case.id,
            "intl.stopncii",
            shared_sections=[NoteSection.GENERAL],
            summary="images",
        )
        cases[tag] = helpline.view_case(system, case.id)
    helpline.run_until_idle()  # the replies are sent: the timeline shows their delivery
    outsider = helpline.actor(people["outsider"].email)
    helpline.break_glass(outsider, cases["en"].id, reason="her lawyer cannot be reached")
    return Site(helpline, clock, people, cases, sent_pages, case_codes)


def _write_in(helpline, public: TestClient, language: str):
    """A survivor writes through the public form in ``language``; their new case."""
    before = {case.id for case in helpline.list_cases(helpline.system()).cases}
    form = public.get(f"/form?lang={language}")
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    sent = public.post(
        "/form",
        data={
            "token": token,
            "message": "Someone is posting my photos and threatens me.",
            "website": "",
            "language": language,
            "consent_services": "yes",
            "passphrase": "purple kettle morning",
        },
    )
    assert sent.status_code == 200, sent.text
    (case,) = [c for c in helpline.list_cases(helpline.system()).cases if c.id not in before]
    assert case.language == language
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", sent.text).group(0)
    return case, sent.text, code


def _signed_in(site: Site, who: str, language: str) -> TestClient:
    client = console_client(site.helpline)
    csrf = sign_in(client, site.people[who])
    chosen = client.post("/staff/account/language", data={"csrf": csrf, "language": language})
    assert chosen.status_code == 303, chosen.text
    return client


def _pages(site: Site, language: str) -> dict[str, str]:
    """Every console page and the public pages, as ``{what: html}``, read in ``language``."""
    case = site.cases[language]
    pages: dict[str, str] = {}

    def get(client: TestClient, what: str, path: str, status: int = 200) -> str:
        response = client.get(path)
        assert response.status_code == status, (what, response.status_code, response.text)
        assert f'lang="{language}"' in response.text, what
        pages[what] = response.text
        return response.text

    anonymous = console_client(site.helpline)
    get(anonymous, "sign-in", f"/staff/login?lang={language}")

    intake = _signed_in(site, "intake", language)
    get(intake, "queue (mine), intake", "/staff/queue?view=mine")
    get(intake, "queue (team)", "/staff/queue?view=team")
    get(intake, "new case (log a call)", "/staff/cases/new")
    get(intake, "account", "/staff/account")

    lawyer = _signed_in(site, "lawyer", language)
    get(lawyer, "queue (mine), lawyer", "/staff/queue?view=mine")
    get(lawyer, "case page, lawyer", f"/staff/cases/{case.reference}")

    supervisor = _signed_in(site, "supervisor", language)
    get(supervisor, "queue (team), supervisor", "/staff/queue?view=team")
    get(supervisor, "case page, supervisor", f"/staff/cases/{case.reference}")
    get(supervisor, "break-the-glass review", "/staff/break-glass")

    outsider = _signed_in(site, "outsider", language)
    get(outsider, "break the glass", f"/staff/cases/{site.cases['ur'].reference}", status=403)

    public = TestClient(create_app(site.helpline), base_url="https://testserver")
    get(public, "public form", f"/form?lang={language}")
    get(public, "check my case", f"/check?lang={language}")
    pages["message sent"] = site.sent_pages[language]
    replies = public.post(
        "/check",
        data={
            "code": site.case_codes[language],
            "passphrase": "purple kettle morning",
            "language": language,
        },
    )
    assert replies.status_code == 200 and "We are here to help." in replies.text
    pages["replies"] = replies.text
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_a_raw_code(site, language) -> None:
    pages = _pages(site, language)
    found = {what: raw_words(html, site.codes) for what, html in pages.items()}
    assert {what: words for what, words in found.items() if words} == {}

    # The pages shown are the ones meant: every section of the case page was rendered.
    case_pages = " ".join(html for what, html in pages.items() if what.startswith("case page"))
    for section in (
        "timeline",
        "notes",
        "log-call",
        "triage",
        "tasks",
        "referrals",
        "legal",
        "assign",
        "status",
        "case-categories",
    ):
        assert f'id="{section}"' in case_pages, section
    assert 'class="applies-if"' in case_pages and 'class="no-specific"' in case_pages
    assert 'class="unmapped"' in case_pages
    assert 'class="glass"' in pages["break the glass"]
    # The forms still submit the codes.
    assert 'name="category" value="NCII_SHARED" checked' in pages["case page, lawyer"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_categories_read_as_titles_in_the_readers_language(site, language) -> None:
    pages = _pages(site, language)
    queue = visible_text(pages["queue (mine), lawyer"])
    case_page = visible_text(pages["case page, lawyer"])
    for code, urdu in URDU_TITLES.items():
        english = site.helpline.context.registries.build_taxonomy().get(code).title
        expected = urdu if language == "ur" else english
        assert expected in queue and expected in case_page, (code, expected)
        if language == "ur":
            assert english not in case_page
    # A plugin's category has no translation anywhere: its English title is shown.
    assert PLUGIN_CODE.title in queue and PLUGIN_CODE.title in case_page
    # The case's language by its name, not its tag.
    assert {"en": "English", "ur": "اردو", "sw": "Kiswahili", "bn": "বাংলা"}[language] in case_page


def test_the_legal_options_read_in_urdu(site) -> None:
    page = _pages(site, "ur")["case page, lawyer"]
    legal = visible_text(page.split('id="legal"')[1])
    assert "لاگو ہونے کی شرط: متاثرہ فرد کی عمر 18 سال سے کم ہو" in legal
    assert "the victim is under 18" not in legal
    # Pakistan's own note for it is the plugin's English; the category is a title.
    assert "معلومات کی درخواست : Advice only" in legal
    assert "قانون کا پلگ اِن ابھی ان کے بارے میں کچھ نہیں بتاتا: Cloned voice message" in legal


def test_the_default_no_specific_provision_note_is_in_the_catalog(site) -> None:
    urdu = site.helpline.context.registries.languages.get("ur").translations
    note = jurisdiction_contract.NO_SPECIFIC_PROVISION.note
    assert urdu.gettext(note) == "اس کے لیے کوئی خاص قانونی شق نہیں؛ ریفرل کے راستے دیکھیں۔"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_complaint_draft_is_in_the_cases_language_and_locale(site, language) -> None:
    case = site.cases[language]
    options = site.helpline.legal_options(
        site.helpline.actor(site.people["lawyer"].email), case.reference
    )
    draft = options.complaint_draft
    assert draft is not None
    # Pakistan's plugin has English and Urdu drafts; Swahili falls back to the English one,
    # and what helplinekit fills in then follows the English text.
    written_in = "ur" if language == "ur" else "en"
    assert options.complaint_language == written_in
    today = site.clock().astimezone(ZoneInfo("Asia/Karachi")).date()
    assert format_date(today, "long", locale=written_in) in draft
    assert not [code for code in site.codes if code in draft]
    if written_in == "ur":
        assert "تاریخ:" in draft and URDU_TITLES["NCII_SHARED"] in draft
        assert "Intimate images" not in draft
        assert PLUGIN_CODE.title in draft  # a plugin's category keeps its English title
    else:
        assert "Date:" in draft and "Intimate images shared without consent" in draft


def test_the_urdu_catalog_holds_the_titles_this_test_expects(site) -> None:
    urdu = site.helpline.context.registries.languages.get("ur").translations
    taxonomy = site.helpline.context.registries.build_taxonomy()
    for code, title in URDU_TITLES.items():
        assert urdu.gettext(taxonomy.get(code).title) == title
    for entry in taxonomy:
        # Every category of the default taxonomy is translated; the plugin's falls back.
        expected_english = entry.code == PLUGIN_CODE.code
        assert (urdu.gettext(entry.title) == entry.title) is expected_english, entry.code


def test_a_refused_form_explains_itself_in_urdu(site) -> None:
    client = console_client(site.helpline)
    csrf = sign_in(client, site.people["lawyer"])
    client.post("/staff/account/language", data={"csrf": csrf, "language": "ur"})
    case = site.cases["ur"]
    refused = client.post(
        f"/staff/cases/{case.reference}/triage",
        data={"csrf": csrf, "with_attributes": "yes", "risk": "high", "victim_is_minor": "maybe"},
    )
    assert refused.status_code == 400
    text = visible_text(refused.text)
    assert "'maybe'، خانہ 'victim_is_minor' کے لیے درست انتخاب نہیں ہے" in text
    unknown = client.post(
        f"/staff/cases/{case.reference}/triage",
        data={"csrf": csrf, "risk": "high", "category": "NOT_A_CATEGORY"},
    )
    assert unknown.status_code == 400
    assert "نامعلوم زمرہ 'NOT_A_CATEGORY'" in visible_text(unknown.text)


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "“In progress” to “New”"), ("ur", "“جاری” سے “نیا”")]
)
def test_a_refused_status_change_names_the_statuses_in_words(site, language, expected) -> None:
    client = _signed_in(site, "lawyer", language)
    page = client.get(f"/staff/cases/{site.cases[language].reference}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    refused = client.post(
        f"/staff/cases/{site.cases[language].reference}/status",
        data={"csrf": csrf, "status": "new"},
    )
    assert refused.status_code == 400
    text = visible_text(refused.text)
    assert expected in text
    assert raw_words(refused.text, site.codes) == []


def test_a_refused_referral_explains_itself_in_urdu_without_an_id(site) -> None:
    helpline = site.helpline
    intake = helpline.actor(site.people["intake"].email)
    case = helpline.open_case_from_contact(intake, summary="A call", language="ur")
    helpline.assign(
        helpline.system(), case.id, site.people["lawyer"].specialist.id, Specialism.LEGAL
    )
    client = _signed_in(site, "lawyer", "ur")
    page = client.get(f"/staff/cases/{case.reference}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    refused = client.post(
        f"/staff/cases/{case.reference}/referrals",
        data={"csrf": csrf, "partner": "intl.stopncii", "summary": "images", "share": "general"},
    )
    assert refused.status_code == 400
    text = visible_text(refused.text)
    assert "متاثرہ فرد کی ریفرل پر درج شدہ رضامندی ضروری ہے" in text
    assert re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text) is None  # no internal id


@pytest.mark.parametrize(
    ("language", "taken_down", "evidence"),
    [
        ("en", "Getting it taken down", "Evidence to keep first"),
        ("ur", "مواد ہٹوانے کے طریقے", "سب سے پہلے محفوظ کرنے والے ثبوت"),
    ],
)
def test_the_legal_options_list_removal_routes_and_evidence_to_keep(
    site, language, taken_down, evidence
) -> None:
    # A survivor's first questions: how to get it taken down, and what to keep before that.
    page = _pages(site, language)["case page, lawyer"]
    legal = visible_text(page.split('id="legal"')[1].split("</section>")[0])
    assert taken_down in legal and evidence in legal
    assert "Apply for removal of unlawful content (PTA, Rules 2021)" in legal
    assert "Before anything is reported, blocked or taken down, keep evidence" in legal

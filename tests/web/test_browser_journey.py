"""One case from start to end, in a real browser: the survivor, four staff members, the worker.

A survivor writes in Urdu through the public form and gets a case code; an intake agent
finds the case in the team queue, logs a follow-up call, triages it and assigns a lawyer and
a counsellor; the counsellor cannot read the lawyer's note; the lawyer replies, and the
survivor reads the reply on "check my case"; the lawyer refers the case (with the survivor's
consent) and resolves it; a supervisor closes it. Each step asserts what that person would
see on the page, and each person has their own browser context (no shared cookies).

The run writes screenshots (form, queue and case page in English and Urdu, the sign-in page
and "check my case" in Urdu) to ``$HELPLINEKIT_SCREENSHOTS`` or the test's tmp folder; with
``HELPLINEKIT_UPDATE_DOC_SCREENSHOTS=1`` it also copies them to ``docs/img/console/`` for
the staff guide.

The worker (``helpline.run_until_idle()``) runs once, when the reply is queued, so the
intake agent meets the case as New and triages it by hand; the automatic triage job then
finds both specialists already assigned. "Help needed" is left unticked at triage, so the
router assigns no one and the assignments are the intake agent's.

Runs on SQLite and PostgreSQL (15 to 20 s each).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from helplinekit.domain import CaseStatus, Role, Specialism

from .browser_kit import (
    BROWSER_MARKS,
    SURVIVOR_VIEWPORT,
    LiveServer,
    copy_pngs,
    html_dir,
    screenshot,
    screenshot_folder,
    sign_in,
    submit,
)
from .console_kit import add_staff_member

pytestmark = [*BROWSER_MARKS, pytest.mark.database]


ROOT = Path(__file__).resolve().parents[2]
DOC_SCREENSHOTS = ROOT / "docs" / "img" / "console"
SCREENSHOTS = [
    "form-en",
    "form-ur",
    "login-en",
    "queue-en",
    "queue-ur",
    "case-en",
    "case-ur",
    "check-ur",
]

CODE_RE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
# "Someone is sharing my pictures online without my permission. Please help me."
MESSAGE = "کوئی میری تصویریں میری اجازت کے بغیر آن لائن پھیلا رہا ہے۔ براہ کرم میری مدد کریں۔"
PASSPHRASE = "چائے کی پیالی اور بارش"
CALL_SUMMARY = "Follow-up call: she has saved screenshots of the posts and will keep them."
LEGAL_NOTE = "Privileged: a PECA complaint looks strong; evidence bundle ref LN-5521."
COUNSELLING_NOTE = "She is sleeping badly; weekly check-in agreed (ref CN-7730)."
# "We have read your message. A lawyer is working on your case; we will help you."
REPLY = "ہم نے آپ کا پیغام پڑھ لیا ہے۔ ایک وکیل آپ کے کیس پر کام کر رہا ہے، ہم آپ کی مدد کریں گے۔"
PARTNER = "pakistan.nccia"
PARTNER_NAME = "National Cyber Crime Investigation Agency (NCCIA)"


def _page_views(helpline, staff_id) -> list:
    """The audit log's ``case.page_view`` entries written for ``staff_id``."""
    with helpline.context.database.uow(read_only=True) as uow:
        return [
            entry
            for entry in uow.audit.entries()
            if entry.action == "case.page_view" and entry.actor_id == staff_id
        ]


def _text(page, selector: str) -> str:
    return page.locator(selector).inner_text().strip()


def test_a_case_from_the_web_form_to_closed(
    people, live_server: LiveServer, tmp_path: Path
) -> None:
    helpline = live_server.helpline
    urdu = helpline.context.registries.languages.get("ur").translations.gettext
    shots = screenshot_folder(tmp_path)
    directions: dict[str, str | None] = {}

    def shoot(page, name: str) -> None:
        directions[name] = screenshot(page, shots / f"{name}.png")

    intake = add_staff_member(helpline, "amna_intake", {Role.INTAKE}, languages=("ur", "en"))
    lawyer = add_staff_member(
        helpline, "bilal_lawyer", {Role.LAWYER}, {Specialism.LEGAL}, languages=("ur", "en")
    )
    counsellor = add_staff_member(
        helpline,
        "sadia_counsellor",
        {Role.COUNSELLOR},
        {Specialism.COUNSELLING},
        languages=("ur", "en"),
    )
    supervisor = add_staff_member(helpline, "zara_supervisor", {Role.SUPERVISOR})

    # -- 1. The survivor writes in Urdu and gets a case code ------------------------------------
    survivor = people(viewport=SURVIVOR_VIEWPORT).new_page()
    survivor.goto("/form")
    assert html_dir(survivor) == "ltr"
    assert "1122" in _text(survivor, ".emergency")  # Pakistan's emergency numbers
    shoot(survivor, "form-en")
    survivor.click("nav.languages a[hreflang=ur]")
    survivor.wait_for_url("**/form?lang=ur")
    assert survivor.locator("html").get_attribute("lang") == "ur"
    assert html_dir(survivor) == "rtl"
    assert _text(survivor, "#quick-exit") == urdu("Leave this page quickly")
    assert "1122" in _text(survivor, ".emergency")
    shoot(survivor, "form-ur")
    survivor.fill("#message", MESSAGE)
    survivor.check("input[name=consent_services]")
    survivor.fill("#passphrase", PASSPHRASE)
    submit(survivor, "form[action='/form']")
    assert html_dir(survivor) == "rtl"
    assert _text(survivor, "h1") == urdu("Message sent")
    code = CODE_RE.search(_text(survivor, ".ack"))
    assert code, _text(survivor, ".ack")
    code = code.group(0)

    [case] = helpline.list_cases(helpline.system()).cases
    ref = case.reference
    assert case.status is CaseStatus.NEW and case.language == "ur"
    case_url = f"/staff/cases/{ref}"
    case_link = f"a[href='{case_url}']"

    # -- 2. The case is waiting in the intake agent's team queue --------------------------------
    desk = sign_in(people, intake, before_submit=lambda page: shoot(page, "login-en"))
    desk.goto("/staff/queue?view=mine")
    assert desk.locator(case_link).count() == 0  # nobody is assigned to a new case
    desk.click("nav.main a[href='/staff/queue?view=team']")
    desk.wait_for_url("**/staff/queue?view=team")
    row = desk.locator("table.queue tbody tr", has=desk.locator(case_link))
    assert row.count() == 1
    assert "New" in row.inner_text()
    shoot(desk, "queue-en")
    with desk.expect_navigation():
        desk.click(case_link)
    assert _text(desk, "h1") == ref
    assert _text(desk, "#case-status") == "New"
    assert MESSAGE in _text(desk, "#timeline")

    # -- 3. The intake agent logs a follow-up phone call ----------------------------------------
    desk.fill("#call-summary", CALL_SUMMARY)
    submit(desk, "#log-call form")
    call = desk.locator("#timeline article.contact", has_text=CALL_SUMMARY)
    assert call.count() == 1
    assert call.locator("h3").inner_text().startswith("Phone call")

    # -- 4. Triage, then a lawyer and a counsellor are assigned ---------------------------------
    desk.check("#triage input[name=category][value=NCII_SHARED]")
    desk.select_option("#triage-risk", "high")
    submit(desk, "#triage form")
    assert _text(desk, "#case-status") == "Triaged"
    assert _text(desk, "#case-risk") == "High risk"
    assert "Intimate images shared without consent" in _text(desk, ".facts")  # its title
    assert "NCII_SHARED" not in _text(desk, ".facts")
    for person, specialism in ((lawyer, "legal"), (counsellor, "counselling")):
        desk.select_option("#assign-staff", str(person.specialist.id))
        desk.select_option("#assign-specialism", specialism)
        submit(desk, "#assign form")
    assignees = _text(desk, "#assignees")
    assert "Bilal Lawyer (Legal)" in assignees
    assert "Sadia Counsellor (Counselling)" in assignees
    shoot(desk, "case-en")

    # -- 5. The lawyer, in Urdu, takes the case up and writes a legal note ----------------------
    chambers = sign_in(people, lawyer)
    chambers.goto("/staff/account")
    chambers.select_option("#language", "ur")
    submit(chambers, "form[action='/staff/account/language']")
    assert html_dir(chambers) == "rtl"
    chambers.goto("/staff/queue?view=mine")
    assert html_dir(chambers) == "rtl"
    assert chambers.locator(case_link).count() == 1
    shoot(chambers, "queue-ur")
    with chambers.expect_navigation():
        chambers.click(case_link)
    assert _text(chambers, "h1") == ref
    assert chambers.locator("#legal").count() == 1  # Pakistan's legal options for NCII
    chambers.select_option("#status-to", "in_progress")
    submit(chambers, "#status form")
    assert _text(chambers, "#case-status") == urdu("In progress")
    chambers.select_option("#note-section", "legal")
    chambers.fill("#note-body", LEGAL_NOTE)
    submit(chambers, "#notes form")
    assert LEGAL_NOTE in _text(chambers, "#notes article.note-legal")

    # -- 6. The counsellor cannot read the lawyer's note; one page load, one audit entry --------
    care = sign_in(people, counsellor)
    assert care.locator(case_link).count() == 1  # their own queue
    before = _page_views(helpline, counsellor.specialist.id)
    care.goto(case_url)
    after = _page_views(helpline, counsellor.specialist.id)
    assert len(after) == len(before) + 1
    view = after[-1]
    assert view.object_id == str(case.id)
    assert view.details["sections"] == ["counselling", "general"]
    assert "LN-5521" not in care.content()
    assert care.locator("article.note-legal").count() == 0
    sections = care.locator("#note-section option").evaluate_all("els => els.map(e => e.value)")
    assert sorted(sections) == ["counselling", "general"]
    care.select_option("#note-section", "counselling")
    care.fill("#note-body", COUNSELLING_NOTE)
    submit(care, "#notes form")
    assert COUNSELLING_NOTE in _text(care, "#notes article.note-counselling")

    # -- 7. The lawyer replies; the worker sends it; the survivor reads it ----------------------
    chambers.goto(case_url)
    assert "CN-7730" not in chambers.content()  # and the lawyer cannot read counselling notes
    chambers.fill("#reply-body", REPLY)
    submit(chambers, "#reply form")
    assert REPLY in _text(chambers, "#timeline .message.out")
    report = helpline.run_until_idle()
    assert report.replies_sent == 1, report

    reader = people(viewport=SURVIVOR_VIEWPORT).new_page()  # a fresh browser: no cookies
    reader.goto("/check?lang=ur")
    assert html_dir(reader) == "rtl"
    reader.fill("#code", code)
    reader.fill("#passphrase", PASSPHRASE)
    submit(reader, "form[action='/check']")
    assert html_dir(reader) == "rtl"
    assert _text(reader, "h1") == urdu("Replies from the helpline")
    assert REPLY in _text(reader, "article.reply")
    assert "LN-5521" not in reader.content() and CALL_SUMMARY not in reader.content()
    shoot(reader, "check-ur")

    # -- 8. A referral, with the survivor's consent, proposed then sent -------------------------
    chambers.goto(case_url)
    assert chambers.locator("#consent-referral").count() == 0  # not given on the form
    chambers.select_option("#referral-partner", PARTNER)
    chambers.fill("#referral-summary", "NCII shared on social media; she wants to report it.")
    chambers.check("#referrals input[name=share][value=legal]")
    chambers.check("#referral-consent")
    submit(chambers, "#referrals form.stack")
    referral = chambers.locator("#referrals ul.referrals li", has_text=PARTNER_NAME)
    assert referral.count() == 1
    assert _text(chambers, ".referral-status") == urdu("Proposed")
    assert chambers.locator("#consent-referral").count() == 1  # recorded with the referral
    assert chambers.locator("#referral-consent").count() == 0
    referral.locator("select[name=status]").select_option("sent")
    submit(chambers, "#referrals ul.referrals form")
    assert _text(chambers, ".referral-status") == urdu("Sent")
    assert _text(chambers, "#case-status") == urdu("Referred")
    shoot(chambers, "case-ur")

    # -- 9. The lawyer resolves the case; a supervisor closes it -------------------------------
    chambers.select_option("#status-to", "resolved")
    submit(chambers, "#status form")
    assert _text(chambers, "#case-status") == urdu("Resolved")

    office = sign_in(people, supervisor)
    office.goto("/staff/queue?view=team")
    row = office.locator("table.queue tbody tr", has=office.locator(case_link))
    assert "Resolved" in row.inner_text()
    with office.expect_navigation():
        office.click(case_link)
    # A supervisor manages the case, never its content.
    assert office.locator("#timeline").count() == 0 and office.locator("#notes").count() == 0
    assert MESSAGE not in office.content() and "LN-5521" not in office.content()
    office.select_option("#status-to", "closed")
    submit(office, "#status form")
    assert _text(office, "#case-status") == "Closed"
    assert office.locator("#status-to option[value=closed]").count() == 0
    [closed] = helpline.list_cases(helpline.system()).cases
    assert closed.status is CaseStatus.CLOSED

    # -- the screenshots --------------------------------------------------------------------
    assert sorted(directions) == sorted(SCREENSHOTS)
    for name, direction in directions.items():
        assert direction == ("rtl" if name.endswith("-ur") else "ltr"), name
        assert (shots / f"{name}.png").stat().st_size > 10_000, name
    if os.environ.get("HELPLINEKIT_UPDATE_DOC_SCREENSHOTS", "") not in ("", "0"):
        copy_pngs(shots, DOC_SCREENSHOTS, SCREENSHOTS)

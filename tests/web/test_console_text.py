"""Text that cannot impersonate other text (issue 11, point 8), through the console's pages.

A contact point typed in the console's "Log a call" form must not hold a character that lets
it pass for another one (it is refused, with a message naming the character, and nothing is
stored); free text is stored as written, but the case page shows each hidden control as a
visible marker, so a right-to-left override cannot make staff read a number backwards.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from helplinekit.db.models import CallerRow, CaseRow, ContactRow, MessageRow
from helplinekit.domain import NoteSection, Role
from helplinekit.services import case_page

from .console_kit import add_staff_member, console_client, csrf_of, sign_in

pytestmark = pytest.mark.database

RLO = "\u202e"
RLO_MARKER = '<span class="ctrl" dir="ltr" title="U+202E RIGHT-TO-LEFT OVERRIDE">⟨U+202E⟩</span>'


@pytest.fixture
def bilingual(deployment, open_helpline, plugin_manager):
    """A helpline in English and Urdu (the Urdu pack is installed with the test tools)."""
    import helplinekit_urdu

    plugin_manager.register(helplinekit_urdu, name="urdu")
    toml = deployment / "helpline.toml"
    text = toml.read_text(encoding="utf-8")
    old = '[languages]\nenabled = ["en"]'
    assert old in text, f"tests/conftest.py's helpline.toml changed: no {old!r}"
    toml.write_text(
        text.replace(old, '[languages]\nenabled = ["en", "ur"]') + "\n[web]\nrate_limit = 1000\n",
        encoding="utf-8",
    )
    return open_helpline()


def _counts(helpline) -> list[int]:
    with helpline.context.database.uow(read_only=True) as uow:
        return [
            uow.session.scalar(select(func.count()).select_from(model))
            for model in (CaseRow, CallerRow, ContactRow, MessageRow)
        ]


def _log_a_call(client, csrf: str, phone: str):
    return client.post(
        "/staff/cases/new",
        data={
            "csrf": csrf,
            "kind": "call",
            "summary": "She wants a call back on this number",
            "phone": phone,
            "safe_contact": "yes",
            "consent_services": "yes",
            "language": "en",
        },
    )


@pytest.mark.parametrize(
    ("phone", "named"),
    [
        # The finding: the phone-number parser dropped a trailing U+202E and stored the number.
        ("0300 1234567" + RLO, "invisible text-direction control (U+202E RIGHT-TO-LEFT OVERRIDE)"),
        (
            "+92 300\u2066 1234567",
            "invisible text-direction control (U+2066 LEFT-TO-RIGHT ISOLATE)",
        ),
        ("0300\u200b1234567", "invisible character (U+200B ZERO WIDTH SPACE)"),
        ("0300 1234567\x00", "control character (U+0000 NULL)"),
        # What a browser sends for a lone surrogate (it cannot be encoded as UTF-8).
        ("0300 1234567\ufffd", "could not be read (U+FFFD REPLACEMENT CHARACTER)"),
    ],
)
def test_a_safe_contact_that_could_pass_for_another_is_refused_in_log_a_call(
    bilingual, phone, named
) -> None:
    intake = add_staff_member(bilingual, "intake", {Role.INTAKE})
    client = console_client(bilingual)
    csrf = sign_in(client, intake)
    before = _counts(bilingual)

    response = _log_a_call(client, csrf, phone)

    assert response.status_code == 400, response.text
    assert named in response.text
    assert "Type it again instead of copying and pasting it." in response.text
    assert 'role="alert"' in response.text and "Traceback" not in response.text
    assert _counts(bilingual) == before


def test_log_a_call_explains_the_refusal_in_the_staff_members_language(bilingual) -> None:
    intake = add_staff_member(bilingual, "intake", {Role.INTAKE}, languages=("ur", "en"))
    client = console_client(bilingual)
    csrf = sign_in(client, intake)
    assert client.post(
        "/staff/account/language", data={"csrf": csrf, "language": "ur"}
    ).status_code in (200, 303)
    csrf = csrf_of(client.get("/staff/cases/new").text)
    urdu = bilingual.context.registries.languages.get("ur").translations.gettext
    expected = urdu(
        "The address or number contains an invisible text-direction control "
        "(%(character)s) that can make it look like a different one. Type it again "
        "instead of copying and pasting it."
    )
    assert re.search("[\u0600-\u06ff]", expected), "the Urdu pack translates the message"

    response = _log_a_call(client, csrf, "0300 1234567" + RLO)

    assert response.status_code == 400
    assert expected % {"character": "U+202E RIGHT-TO-LEFT OVERRIDE"} in response.text


def test_a_clean_number_is_still_logged(bilingual) -> None:
    intake = add_staff_member(bilingual, "intake", {Role.INTAKE})
    client = console_client(bilingual)
    csrf = sign_in(client, intake)
    response = _log_a_call(client, csrf, "0300 1234567")
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert '<bdi dir="ltr">tel:+923001234567</bdi>' in page


def test_hidden_controls_in_free_text_show_as_markers_on_the_case_page(bilingual) -> None:
    intake = add_staff_member(bilingual, "intake", {Role.INTAKE})
    # Written right to left from the override on, "call 7654321 0030" reads as a number
    # that is not the one in the text.
    summary = f"Call her back on {RLO}7654321 0030"
    case = bilingual.open_case_from_contact(
        bilingual.actor(intake.email), summary=summary, consent_services=True
    )
    bilingual.add_note(
        bilingual.actor(intake.email),
        case.id,
        NoteSection.GENERAL,
        f"<b>not bold</b> {RLO}gnp.exe",
    )
    client = console_client(bilingual)
    sign_in(client, intake)

    page = client.get(f"/staff/cases/{case.reference}").text

    assert f'<p class="summary" dir="auto">Call her back on {RLO_MARKER}7654321 0030</p>' in page
    assert f"&lt;b&gt;not bold&lt;/b&gt; {RLO_MARKER}gnp.exe" in page  # escaped, and marked
    assert RLO not in page  # the override never reaches the browser to act
    # Stored as written: the page marks the override, the record keeps it.
    stored = case_page.open_case_page(
        bilingual.context, bilingual.actor(intake.email), case.reference
    )
    assert [entry.contact.summary for entry in stored.timeline] == [summary]


def test_a_survivors_message_from_the_web_form_keeps_its_override_and_shows_a_marker(
    bilingual,
) -> None:
    intake = add_staff_member(bilingual, "intake", {Role.INTAKE})
    client = console_client(bilingual)
    form = client.get("/form").text
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    # An Urdu sentence with a ZWNJ inside a word (legitimate) and an override (not).
    message = f"مجھے مدد چاہیے\u200cہے {RLO}0030 7654321"
    sent = client.post(
        "/form",
        content=urlencode(
            {
                "token": token,
                "message": message,
                "website": "",
                "language": "en",
                "consent_services": "yes",
                "passphrase": "purple kettle morning",
            }
        ).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert sent.status_code == 200, sent.text
    with bilingual.context.database.uow(read_only=True) as uow:
        reference = uow.session.scalar(select(CaseRow.reference))
    sign_in(client, intake)

    page = client.get(f"/staff/cases/{reference}").text

    assert f"مجھے مدد چاہیے\u200cہے {RLO_MARKER}0030 7654321" in page  # ZWNJ kept, RLO marked


@pytest.mark.parametrize(
    ("safe_contact", "named"),
    [
        ("tel:+923001234567" + RLO, "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("mailto:name\u2067@example.org", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    ],
)
def test_the_public_form_refuses_such_a_safe_contact_in_the_survivors_language(
    bilingual, safe_contact, named
) -> None:
    client = console_client(bilingual)
    token = re.search(r'name="token" value="([^"]+)"', client.get("/form?lang=ur").text).group(1)
    before = _counts(bilingual)
    fields = {
        "token": token,
        "message": "میری تصویریں",
        "website": "",
        "language": "ur",
        "safe_contact": safe_contact,
        "passphrase": "purple kettle morning",
    }
    response = client.post(
        "/form",
        content=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    urdu = bilingual.context.registries.languages.get("ur").translations.gettext
    expected = urdu(
        "The address or number contains an invisible text-direction control "
        "(%(character)s) that can make it look like a different one. Type it again "
        "instead of copying and pasting it."
    ) % {"character": named}
    assert response.status_code == 400
    assert expected in response.text
    assert "میری تصویریں" in response.text  # the message is kept in the form, to send again
    assert _counts(bilingual) == before

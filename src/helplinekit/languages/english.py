"""Built-in plugin: English, the source language of every catalog.

UI strings are written in English in the code, so English needs no catalog; it provides
the message templates every other language translates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helplinekit import hookimpl
from helplinekit.hookspecs import Register
from helplinekit.i18n import N_

if TYPE_CHECKING:
    from helplinekit.contracts.language import LanguagePack

# The survivor message templates, keyed as in helplinekit.contracts.MESSAGE_KEYS. N_() marks
# each text for extraction into locale/helplinekit.pot (`helplinekit translations extract`);
# the "Translators:" comments reach translators there.
MESSAGES = {
    # Translators: ack.received, the first reply a survivor gets, when their first message
    # arrives.
    "ack.received": N_(
        "Thank you for contacting us. Your message has reached the helpline and a member of "
        "our team will reply. If you are in danger now, contact emergency services."
    ),
    # Translators: ack.web_form, shown after the web form is sent. {case_code} is the
    # survivor's case code (e.g. HL-2026-000123); keep it exactly as it is.
    "ack.web_form": N_(
        "Your message has reached the helpline. Your case code is {case_code}. Keep it and "
        "your passphrase somewhere safe: you need both to read our reply."
    ),
    # Translators: reply.signature, the end of every reply from staff. {helpline_name} is
    # the helpline's name.
    "reply.signature": N_("— {helpline_name}"),
    # Translators: notice.privacy, the short privacy notice shown before a survivor writes.
    "notice.privacy": N_(
        "What you write is kept encrypted and read only by the staff working on your case. "
        "We share nothing without your consent, and you can ask us to delete it."
    ),
    # Translators: notice.emergency, where to turn in an emergency. {emergency_numbers}
    # lists the local emergency numbers; keep it exactly as it is.
    "notice.emergency": N_("If you are in immediate danger, call {emergency_numbers}."),
}


def build() -> LanguagePack:
    from helplinekit.contracts.language import LanguagePack

    return LanguagePack(
        tag="en",
        english_name="English",
        native_name="English",
        script="Latn",
        rtl=False,
        messages=MESSAGES,
        locale_dir=None,
        reviewed=True,
    )


@hookimpl
def register_languages(register: Register) -> None:
    register(build())

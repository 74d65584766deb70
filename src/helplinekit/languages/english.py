"""Built-in plugin: English, the source language of every catalog.

UI strings are written in English in the code, so English needs no catalog; it provides
the message templates every other language translates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helplinekit import hookimpl
from helplinekit.hookspecs import Register

if TYPE_CHECKING:
    from helplinekit.contracts.language import LanguagePack

MESSAGES = {
    "ack.received": (
        "Thank you for contacting us. Your message has reached the helpline and a member of "
        "our team will reply. If you are in danger now, contact emergency services."
    ),
    "ack.web_form": (
        "Your message has reached the helpline. Your case code is {case_code}. Keep it and "
        "your passphrase somewhere safe: you need both to read our reply."
    ),
    "reply.signature": "— {helpline_name}",
    "notice.privacy": (
        "What you write is kept encrypted and read only by the staff working on your case. "
        "We share nothing without your consent, and you can ask us to delete it."
    ),
    "notice.emergency": "If you are in immediate danger, call {emergency_numbers}.",
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

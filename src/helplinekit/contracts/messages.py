"""The survivor message templates: the keys every language pack provides, and the English.

The English texts sit beside the keys because they are the source every other language
translates (their ``N_()`` marks put them in ``locale/helplinekit.pot``); the English
language pack, a built-in plugin, serves them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping

from helplinekit.domain.markers import N_

__all__ = ["ENGLISH_MESSAGES", "MESSAGE_KEYS"]

#: Message templates every language pack provides: the texts the helpline sends to
#: survivors. ``{reference}``-style fields are filled with :meth:`str.format_map`.
MESSAGE_KEYS: Mapping[str, str] = {
    "ack.received": "What the survivor is told when their first message arrives.",
    "ack.web_form": "Shown after the web form is submitted; gets {case_code}.",
    "reply.signature": "Appended to replies from staff; gets {helpline_name}.",
    "notice.privacy": "The short privacy notice shown before a survivor writes.",
    "notice.emergency": "Where to turn in an emergency; gets {emergency_numbers}.",
}

# The survivor message templates, keyed as in MESSAGE_KEYS above. N_() marks
# each text for extraction into locale/helplinekit.pot (`helplinekit translations extract`);
# the "Translators:" comments reach translators there.
ENGLISH_MESSAGES: Mapping[str, str] = {
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

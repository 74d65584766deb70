"""A language pack for helplinekit: ``{{ cookiecutter.language_tag }}``.

The message templates start as copies of helplinekit's English ones, marked not reviewed.
Translate each one, have a native speaker review them, then set ``REVIEWED = True``.
README.md says how to add a catalog for the interface's strings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from helplinekit import hookimpl
from helplinekit.hookspecs import Register

if TYPE_CHECKING:
    from helplinekit.contracts import LanguagePack, TriageLexicon

TAG = "{{ cookiecutter.language_tag }}"  # BCP 47; deployments enable the pack under this tag
ENGLISH_NAME = {{ cookiecutter.name | py_string }}
NATIVE_NAME = {{ cookiecutter.native_name | py_string }}
SCRIPT = "{{ cookiecutter.script }}"  # ISO 15924; the writing direction follows from it
# The gettext plural rule (from CLDR); a catalog added later must declare the same.
PLURAL_FORMS = {{ cookiecutter._plural_forms | py_string_block }}

# False until a native speaker has reviewed every text; helplinekit shows the pack as
# "not yet reviewed" until then.
REVIEWED = False

# Triage lexicons, one TOML file per script (triage/README.md says how to write one).
LEXICON_DIR = Path(__file__).parent / "triage"

# The texts the helpline sends to survivors, copied from helplinekit's English pack.
# TODO: translate each one. Keep every {field} exactly as it is: helplinekit fills it in,
# and the tests check that each text uses the same fields as the English one.
MESSAGES = {
    # What the survivor is told when their first message arrives.
    "ack.received": (
        "Thank you for contacting us. Your message has reached the helpline and a member of "
        "our team will reply. If you are in danger now, contact emergency services."
    ),
    # Shown after the web form is submitted; {case_code} is the survivor's case code.
    "ack.web_form": (
        "Your message has reached the helpline. Your case code is {case_code}. Keep it and "
        "your passphrase somewhere safe: you need both to read our reply."
    ),
    # Appended to replies from staff; {helpline_name} is the helpline's name.
    "reply.signature": "— {helpline_name}",
    # The short privacy notice shown before a survivor writes.
    "notice.privacy": (
        "What you write is kept encrypted and read only by the staff working on your case. "
        "We share nothing without your consent, and you can ask us to delete it."
    ),
    # Where to turn in an emergency; {emergency_numbers} lists the local numbers.
    "notice.emergency": "If you are in immediate danger, call {emergency_numbers}.",
}


def triage_lexicons() -> tuple[TriageLexicon, ...]:
    """The lexicons in triage/, in file-name order (none until you add one)."""
    from helplinekit.contracts import TriageLexicon

    return tuple(TriageLexicon.from_toml(path) for path in sorted(LEXICON_DIR.glob("*.toml")))


def build() -> LanguagePack:
    """The language pack (built on demand, so importing this module stays cheap)."""
    from helplinekit.contracts.language import RTL_SCRIPTS, LanguagePack

    return LanguagePack(
        tag=TAG,
        english_name=ENGLISH_NAME,
        native_name=NATIVE_NAME,
        script=SCRIPT,
        rtl=SCRIPT in RTL_SCRIPTS,
        messages=MESSAGES,
        # A folder holding <tag>/LC_MESSAGES/helplinekit.po, once you add a catalog.
        locale_dir=None,
        reviewed=REVIEWED,
        plural_forms=PLURAL_FORMS,
        triage_lexicons=triage_lexicons(),
    )


@hookimpl
def register_languages(register: Register) -> None:
    register(build())

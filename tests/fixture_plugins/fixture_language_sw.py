"""Fixture language for tests: Swahili ("sw"), left to right, not reviewed."""

from helplinekit import hookimpl
from helplinekit.contracts import LanguagePack
from helplinekit.contracts.messages import ENGLISH_MESSAGES as MESSAGES


@hookimpl
def register_languages(register):
    register(
        LanguagePack(
            tag="sw",
            english_name="Swahili",
            native_name="Kiswahili",
            script="Latn",
            rtl=False,
            messages=dict(MESSAGES),
            reviewed=False,
        )
    )

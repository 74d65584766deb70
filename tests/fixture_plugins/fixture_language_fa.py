"""Fixture language for tests: Persian ("fa"), written right to left, not reviewed."""

from helplinekit import hookimpl
from helplinekit.contracts import LanguagePack
from helplinekit.contracts.messages import ENGLISH_MESSAGES as MESSAGES


@hookimpl
def register_languages(register):
    register(
        LanguagePack(
            tag="fa",
            english_name="Persian",
            native_name="فارسی",
            script="Arab",
            rtl=True,
            messages=dict(MESSAGES),
            reviewed=False,
        )
    )

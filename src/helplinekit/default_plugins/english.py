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


def build() -> LanguagePack:
    """English: its message templates are the source texts, in contracts.messages."""
    # Imported here, not at the top: the plugin manager registers this module whenever it
    # is built (even for ``helplinekit --help``), and the contracts bring in the domain.
    from helplinekit.contracts.language import LanguagePack
    from helplinekit.contracts.messages import ENGLISH_MESSAGES
    from helplinekit.default_plugins.keywords import english_lexicons

    return LanguagePack(
        tag="en",
        english_name="English",
        native_name="English",
        script="Latn",
        rtl=False,
        messages=ENGLISH_MESSAGES,
        locale_dir=None,
        reviewed=True,
        triage_lexicons=english_lexicons(),
    )


@hookimpl
def register_languages(register: Register) -> None:
    register(build())

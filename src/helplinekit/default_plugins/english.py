"""Built-in plugin: English, the source language of every catalog.

UI strings are written in English in the code, so English needs no catalog; it provides
the message templates every other language translates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helplinekit import hookimpl
from helplinekit.contracts.messages import ENGLISH_MESSAGES
from helplinekit.hookspecs import Register

if TYPE_CHECKING:
    from helplinekit.contracts.language import LanguagePack

#: The survivor message templates in English, the source every pack translates.
MESSAGES = ENGLISH_MESSAGES


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

"""Urdu (اردو) for helplinekit: the interface's strings and the survivor messages.

Urdu is a language, not a country: a helpline in Pakistan, India or anywhere else enables
it under the tag ``ur``, with whichever law plugin applies there. Nothing here is specific
to one country.

Every Urdu text lives in one file, ``locale/ur/LC_MESSAGES/helplinekit.po``: the
interface's strings and the message templates alike (:data:`LanguagePack.messages` is
read from the catalog). The translation has not yet been reviewed by a native speaker, so
:data:`REVIEWED` is False and helplinekit shows the pack as "not yet reviewed".

Triage reads Urdu with two lexicons in ``triage/``: ``ur-Arab.toml`` for Urdu written in
Nastaliq (or Naskh) and ``ur-Latn.toml`` for Roman Urdu, Urdu typed in Latin letters, which is
how most people in Pakistan write on their phones.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from helplinekit import hookimpl
from helplinekit.hookspecs import Register

if TYPE_CHECKING:
    from helplinekit.contracts import LanguagePack, TriageLexicon

__all__ = [
    "FONT_STACK",
    "LEXICON_DIR",
    "LOCALE_DIR",
    "PLURAL_FORMS",
    "REVIEWED",
    "TAG",
    "build",
    "triage_lexicons",
]

TAG = "ur"
ENGLISH_NAME = "Urdu"
NATIVE_NAME = "اردو"
SCRIPT = "Arab"

#: The folder holding ``ur/LC_MESSAGES/helplinekit.po``.
LOCALE_DIR = Path(__file__).parent / "locale"

#: The folder holding the triage lexicons, one per script.
LEXICON_DIR = Path(__file__).parent / "triage"

#: Urdu is usually printed in Nastaliq; Naskh is the fallback wherever Nastaliq fonts are
#: missing, and it still renders Urdu's letters correctly.
FONT_STACK = '"Noto Nastaliq Urdu", "Jameel Noori Nastaleeq", "Noto Naskh Arabic", serif'

#: CLDR's plural rule for Urdu, as Babel gives it: one form for 1, another for the rest.
#: The catalog's Plural-Forms header says the same; the conformance tests check both.
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

#: False until a native speaker has reviewed every string of the catalog and signed it
#: off (say so in the change that flips it).
REVIEWED = False


@cache
def triage_lexicons() -> tuple[TriageLexicon, ...]:
    """The Urdu lexicons (Nastaliq, then Roman Urdu), read once per process."""
    from helplinekit.contracts import TriageLexicon

    return tuple(
        TriageLexicon.from_toml(LEXICON_DIR / name) for name in ("ur-Arab.toml", "ur-Latn.toml")
    )


def build() -> LanguagePack:
    """The Urdu language pack (built on demand; the catalog is read at first use)."""
    from helplinekit.contracts.language import LanguagePack
    from helplinekit.i18n import catalog_messages

    return LanguagePack(
        tag=TAG,
        english_name=ENGLISH_NAME,
        native_name=NATIVE_NAME,
        script=SCRIPT,
        rtl=True,
        messages=catalog_messages(LOCALE_DIR, TAG),
        locale_dir=LOCALE_DIR,
        reviewed=REVIEWED,
        font_stack=FONT_STACK,
        plural_forms=PLURAL_FORMS,
        triage_lexicons=triage_lexicons(),
    )


@hookimpl
def register_languages(register: Register) -> None:
    register(build())

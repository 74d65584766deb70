"""Built-in: the English triage words, read from ``lexicons/en.toml``.

Before the language issue this module was a plugin of its own that read English messages
with fixed patterns. The words now live in a lexicon file that the English language pack
carries (:attr:`LanguagePack.triage_lexicons`), read by the core's triage with every other
enabled language's lexicon. The module stays registered (it implements no hook now), so a
deployment that named it in ``HELPLINEKIT_DISABLE_PLUGINS`` still starts.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helplinekit.contracts.lexicon import TriageLexicon

__all__ = ["LEXICON_DIR", "english_lexicons"]

#: The folder of the built-in lexicon files.
LEXICON_DIR = Path(__file__).parent / "lexicons"


@cache
def english_lexicons() -> tuple[TriageLexicon, ...]:
    """The English lexicon, read once per process (it is the same for every deployment)."""
    from helplinekit.contracts.lexicon import TriageLexicon

    return (TriageLexicon.from_toml(LEXICON_DIR / "en.toml"),)

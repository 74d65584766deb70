"""Text as people type it, made comparable: normalisation, scripts, and phrase patterns.

Triage matches a lexicon's phrases against survivors' messages. People type the same word
many ways: with or without diacritics, with Arabic or Persian letter forms on an Urdu
keyboard (ي/ی, ك/ک, ه/ہ), with stretched letters ("pleeease"), with or without the space
inside a verb ("kar dega", "kardega"). :func:`normalise` folds those differences on both
sides, so a lexicon lists a phrase once.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

__all__ = ["compile_phrase", "letter_scripts", "normalise", "script_of_char"]

#: Letter variants of the Arabic script folded to the forms Urdu uses.
_ARABIC_VARIANTS = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # alef maksura
        "ئ": "ی",  # yeh with hamza (after marks are stripped it is often typed plain)
        "ك": "ک",  # Arabic kaf
        "ه": "ہ",  # Arabic heh
        "ھ": "ہ",  # do-chashmi heh: typed for ہ and ه alike
        "ة": "ہ",  # teh marbuta
        "ۃ": "ہ",  # teh marbuta goal
        "ۀ": "ہ",
        "ە": "ہ",
    }
)
#: Characters that change nothing a reader sees (tatweel, zero-width joiners, soft hyphens)
#: are dropped; the zero-width non-joiner, which Urdu and Persian typists put between words
#: instead of a space, becomes a space.
_INVISIBLE: dict[int, str | None] = {
    **dict.fromkeys(map(ord, "\u0640\u200b\u200d\u2060\ufeff\u00ad"), None),
    0x200C: " ",
}
#: Scripts whose combining marks are diacritics a survivor may or may not type.
_STRIPPED_MARKS = frozenset({"Latn", "Arab", "Grek", "Cyrl"})
#: Arabic-script letters (after folding) that never join the letter after them.
_NON_JOINING = "اآأإدڈذرڑزژوؤےۓء"
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼ"), None)
_NON_WORD = re.compile(r"[^\w]+|_+")
_REPEATS = re.compile(r"([a-z])\1+")

#: Unicode character-name prefixes and the ISO 15924 script they name.
_NAME_SCRIPTS = {
    "LATIN": "Latn",
    "ARABIC": "Arab",
    "DEVANAGARI": "Deva",
    "BENGALI": "Beng",
    "GURMUKHI": "Guru",
    "GUJARATI": "Gujr",
    "ORIYA": "Orya",
    "TAMIL": "Taml",
    "TELUGU": "Telu",
    "KANNADA": "Knda",
    "MALAYALAM": "Mlym",
    "SINHALA": "Sinh",
    "THAI": "Thai",
    "LAO": "Laoo",
    "MYANMAR": "Mymr",
    "KHMER": "Khmr",
    "ETHIOPIC": "Ethi",
    "HEBREW": "Hebr",
    "GREEK": "Grek",
    "CYRILLIC": "Cyrl",
    "ARMENIAN": "Armn",
    "GEORGIAN": "Geor",
    "HANGUL": "Hang",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "CJK": "Hani",
    "THAANA": "Thaa",
    "SYRIAC": "Syrc",
    "TIFINAGH": "Tfng",
    "NKO": "Nkoo",
    "TIBETAN": "Tibt",
}


@lru_cache(maxsize=4096)
def script_of_char(char: str) -> str | None:
    """The ISO 15924 script of one letter (``Arab`` for ``ی``), None for others."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0]
    if first in ("FULLWIDTH", "MODIFIER") and "LATIN" in name:
        return "Latn"
    return _NAME_SCRIPTS.get(first)


def letter_scripts(text: str) -> Counter[str]:
    """How many letters of ``text`` each script has (letters of unknown script: ``Zyyy``)."""
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            counts[script_of_char(char) or "Zyyy"] += 1
    return counts


def _strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept: list[str] = []
    base_script: str | None = None
    for char in decomposed:
        if unicodedata.category(char) == "Mn":
            if base_script in _STRIPPED_MARKS:
                continue
        else:
            base_script = script_of_char(char) or base_script
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _ascii_digits(text: str) -> str:
    return "".join(
        str(unicodedata.digit(char)) if char.isdigit() and not char.isascii() else char
        for char in text
    )


def _fold_roman(word: str) -> str:
    # Romanised Urdu (and Hindi, Swahili) is spelt by ear: "ee"/"i", "oo"/"u" and doubled
    # letters vary from one person to the next, so they are folded on both sides.
    if not word.isascii():
        return word
    return _REPEATS.sub(r"\1", word.replace("ee", "i").replace("oo", "u"))


def normalise(text: str) -> str:
    """``text`` folded for matching: words in one case and form, separated by single spaces.

    NFKC, case folding, invisible characters and diacritics removed, Arabic-script letter
    variants folded, digits made ASCII, romanised spellings folded, punctuation made a space.
    """
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_APOSTROPHES)
    text = _strip_diacritics(text.casefold()).translate(_ARABIC_VARIANTS)
    text = _ascii_digits(text)
    words = _NON_WORD.sub(" ", text).split()
    return " ".join(_fold_roman(word) for word in words)


def compile_phrase(phrase: str) -> re.Pattern[str]:
    """The pattern that finds ``phrase`` in :func:`normalise`'d text.

    Words are separated by spaces, and the spaces are optional in the text (``kar dega``
    matches ``kardega``); a trailing ``*`` matches any ending of a word; a standalone
    ``...`` matches up to three words. The phrase matches whole words only.

    :raises ValueError: the phrase has no words.
    """
    pieces: list[str] = []
    gap_before = False
    for raw in phrase.split():
        if raw in ("...", "…"):
            gap_before = True
            continue
        wildcard = raw.endswith("*")
        words = normalise(raw.rstrip("*")).split()
        if not words:
            continue
        for index, word in enumerate(words):
            if pieces:
                pieces.append("(?: [^ ]+){1,3} ?| ?" if gap_before else " ?")
                if gap_before:
                    pieces[-1] = f"(?:{pieces[-1]})"
                gap_before = False
            pieces.append(re.escape(word))
            if wildcard and index == len(words) - 1:
                pieces.append(r"[^ ]*")
    if not pieces:
        raise ValueError(f"The phrase {phrase!r} has no words to look for.")
    start, end = r"(?:^| )", r"(?= |$)"
    several_words = len(normalise(phrase.replace("...", " ")).split()) > 1
    if several_words and letter_scripts(phrase).most_common(1)[0][0] == "Arab":
        # After a letter that does not join the next one, the space between two words is
        # invisible, so Urdu writers often leave it out ("ماردےگا" for "مار دے گا"). Only
        # phrases of several words get this leeway: one word alone would match inside others.
        start = rf"(?:^| |(?<=[{_NON_JOINING}]))"
        end = rf"(?:(?= |$)|(?<=[{_NON_JOINING}]))"
    return re.compile(start + "".join(pieces) + end)

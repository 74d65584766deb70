"""Triage lexicons: the words in each language that tell triage what a message signals.

A language pack carries its lexicons in :attr:`LanguagePack.triage_lexicons`, one per script
(Urdu has one for Nastaliq and one for Roman Urdu). They are TOML files a translator can edit
(see docs/your-language.md), read with :meth:`TriageLexicon.from_toml`. Triage only ever
raises risk and suggests categories and help; a person reviews every case, and a message in
which no lexicon finds anything goes to a person as "needs human triage".
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import define, field, frozen

from helplinekit.domain import RiskLevel, Specialism
from helplinekit.domain.errors import ConfigurationError
from helplinekit.domain.markers import N_
from helplinekit.domain.names import SCRIPT_RE, STORED_LANGUAGE_TAG_RE

if TYPE_CHECKING:
    from helplinekit.i18n.text import PhrasePattern

__all__ = ["RISK_SIGNALS", "Cue", "CueMatch", "LexiconError", "Phrase", "TriageLexicon"]

#: The risk signals a cue may name, with the label staff read (translated where shown).
RISK_SIGNALS: Mapping[str, str] = {
    "threat_to_life": N_("threat to life"),
    "violence": N_("threat of violence"),
    "self_harm": N_("self-harm"),
    "minor": N_("possible minor"),
    "sextortion": N_("sextortion"),
    "location_exposed": N_("location exposed or tracked"),
}

_CUE_KEYS = frozenset(
    {
        "signal",
        "level",
        "categories",
        "specialisms",
        "note",
        "phrases",
        "examples",
        "counter_examples",
    }
)


class LexiconError(ConfigurationError):
    """A lexicon file cannot be used; the message names the file, the cue and the fix."""


@frozen
class Phrase:
    """One way of saying something, and what it signals.

    Attributes:
        text: the words, as people type them (``...`` and a trailing ``*`` are wildcards).
        note: what it signals, when it says more than its cue's note.
    """

    text: str
    note: str = ""

    @cached_property
    def prepared(self) -> PhrasePattern:
        """The phrase's pattern source and anchor (checked when the lexicon is read)."""
        from helplinekit.i18n.text import phrase_pattern

        return phrase_pattern(self.text)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern, compiled the first time a text holds the anchor."""
        return re.compile(self.prepared.source)

    def found_in(self, normalised: str) -> bool:
        """True when the phrase occurs in text already passed through ``normalise``."""
        return self.prepared.anchor in normalised and self.pattern.search(normalised) is not None


def _phrases(values: Iterable[Phrase | str]) -> tuple[Phrase, ...]:
    return tuple(value if isinstance(value, Phrase) else Phrase(value) for value in values)


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _specialisms(values: Iterable[Specialism | str]) -> frozenset[Specialism]:
    return frozenset(Specialism(value) for value in values)


@frozen
class Cue:
    """Phrases that signal one thing, and what triage does when one is found.

    Attributes:
        level: the risk a match indicates.
        note: what the phrases signal (for the people who review the lexicon).
        phrases: the phrases.
        signal: one of :data:`RISK_SIGNALS`, or None for a cue that only suggests categories.
        categories: taxonomy codes a match suggests.
        specialisms: kinds of help a match suggests.
        examples: messages the cue must match (checked by the lexicon's self-test).
        counter_examples: messages it must not match.
    """

    level: RiskLevel = field(converter=RiskLevel)
    note: str
    phrases: tuple[Phrase, ...] = field(converter=_phrases)
    signal: str | None = None
    categories: tuple[str, ...] = field(default=(), converter=_strings)
    specialisms: frozenset[Specialism] = field(factory=frozenset, converter=_specialisms)
    examples: tuple[str, ...] = field(default=(), converter=_strings)
    counter_examples: tuple[str, ...] = field(default=(), converter=_strings)

    @property
    def label(self) -> str:
        """What staff are told the match means (English; translated where shown)."""
        if self.signal is not None:
            return RISK_SIGNALS[self.signal]
        return self.note

    def first_match(self, normalised: str) -> Phrase | None:
        """The first phrase found in text already passed through ``normalise``."""
        for phrase in self.phrases:
            if phrase.found_in(normalised):
                return phrase
        return None


@frozen
class CueMatch:
    """A cue that matched a message, and the phrase that did (never the message's text)."""

    cue: Cue
    phrase: Phrase
    lexicon: TriageLexicon


@define(frozen=True, eq=False)
class TriageLexicon:
    """The cues of one language written in one script.

    Attributes:
        language: the BCP 47 tag of the language (``ur``).
        script: the ISO 15924 script the phrases are written in (``Arab``; ``Latn`` for
            Roman Urdu). A message mostly in a script no enabled lexicon covers goes to a
            person.
        cues: the cues.
        source: where the lexicon was read from, for error messages.
    """

    language: str
    script: str
    cues: tuple[Cue, ...]
    source: str = ""

    def find(self, text: str) -> list[CueMatch]:
        """The cues ``text`` matches, in the lexicon's order."""
        from helplinekit.i18n.text import normalise

        return self.find_normalised(normalise(text))

    def find_normalised(self, normalised: str) -> list[CueMatch]:
        """The cues matched by text already passed through ``normalise`` (so several
        lexicons reading one message normalise it once)."""
        found = []
        for cue in self.cues:
            phrase = cue.first_match(normalised)
            if phrase is not None:
                found.append(CueMatch(cue=cue, phrase=phrase, lexicon=self))
        return found

    @classmethod
    def from_toml(cls, path: Path | str) -> TriageLexicon:
        """Read a lexicon file (the format is in docs/your-language.md).

        :raises LexiconError: naming the file, the cue and what to change.
        """
        path = Path(path)
        try:
            with path.open("rb") as handle:
                raw = tomllib.load(handle)
        except FileNotFoundError:
            raise LexiconError(f"Lexicon file {path} is missing.") from None
        except tomllib.TOMLDecodeError as error:
            raise LexiconError(f"Lexicon file {path} is not valid TOML: {error}.") from None
        return cls.from_mapping(raw, source=str(path))

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], *, source: str = "<lexicon>") -> TriageLexicon:
        """Build a lexicon from data shaped like its TOML file."""

        def fail(where: str, problem: str, fix: str) -> LexiconError:
            return LexiconError(f"{source}: {where} {problem} {fix}")

        language = raw.get("language")
        if not isinstance(language, str) or not STORED_LANGUAGE_TAG_RE.match(language):
            raise fail("language", f"is {language!r}.", 'Give a BCP 47 tag, e.g. language = "ur".')
        script = raw.get("script")
        if not isinstance(script, str) or not SCRIPT_RE.match(script):
            raise fail("script", f"is {script!r}.", 'Give an ISO 15924 code, e.g. script = "Arab".')
        cues = raw.get("cue")
        if not isinstance(cues, list) or not cues:
            raise fail("the file", "has no [[cue]] tables.", "Add at least one cue.")
        return cls(
            language=language,
            script=script,
            cues=tuple(_read_cue(entry, number, fail) for number, entry in enumerate(cues, 1)),
            source=source,
        )


def _read_cue(entry: Any, number: int, fail: Any) -> Cue:
    where = f"cue {number}"
    if not isinstance(entry, dict):
        raise fail(where, "is not a table.", "Write each cue as a [[cue]] table.")
    unknown = sorted(set(entry) - _CUE_KEYS)
    if unknown:
        raise fail(
            where, f"has unknown keys {unknown}.", f"Use only {', '.join(sorted(_CUE_KEYS))}."
        )
    signal = entry.get("signal")
    if signal is not None and signal not in RISK_SIGNALS:
        raise fail(
            where, f"has signal {signal!r}.", f"Use one of {', '.join(RISK_SIGNALS)} or none."
        )
    level = entry.get("level")
    if level not in ("low", "medium", "high"):
        raise fail(where, f"has level {level!r}.", 'Use "low", "medium" or "high".')
    note = entry.get("note")
    if not isinstance(note, str) or not note.strip():
        raise fail(where, "has no note.", "Say in a note what its phrases signal.")
    phrases = entry.get("phrases")
    if not isinstance(phrases, list) or not phrases:
        raise fail(where, "has no phrases.", "List at least one phrase.")
    read: list[Phrase] = []
    for phrase in phrases:
        if isinstance(phrase, dict) and isinstance(phrase.get("text"), str):
            read.append(Phrase(phrase["text"], str(phrase.get("note", ""))))
        elif isinstance(phrase, str) and phrase.strip():
            read.append(Phrase(phrase))
        else:
            raise fail(where, f"has the phrase {phrase!r}.", 'Write "words" or {text = "words"}.')
    try:
        for item in read:
            item.prepared  # noqa: B018 - prepared now, so a bad phrase fails at start-up
        specialisms = _specialisms(entry.get("specialisms", ()))
    except ValueError as error:
        raise fail(where, str(error), "Correct it or remove it.") from None
    return Cue(
        level=RiskLevel(level),
        note=note,
        phrases=tuple(read),
        signal=signal,
        categories=_strings(entry.get("categories", ())),
        specialisms=specialisms,
        examples=_strings(entry.get("examples", ())),
        counter_examples=_strings(entry.get("counter_examples", ())),
    )

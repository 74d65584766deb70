"""Reading a message with every enabled language's triage lexicon.

Every message and every logged-call summary is read with the lexicons of all the enabled
languages and of the fallback language, whatever language the case is in: survivors switch
languages, and a helpline's languages are few. What the lexicons find raises risk and
suggests categories and help. When they find nothing, or the text is mostly in a script no
lexicon reads, the reading says a person must triage it: safety first when unsure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import frozen

from helplinekit.contracts.lexicon import CueMatch, TriageLexicon
from helplinekit.contracts.triage import RiskSignal
from helplinekit.domain import Case, CaseStatus, Specialism, max_risk
from helplinekit.i18n.text import letter_scripts, normalise
from helplinekit.services.context import ServiceContext

__all__ = [
    "UNCOVERED_SHARE",
    "LexiconReading",
    "apply_reading",
    "enabled_lexicons",
    "read_text",
]

#: A script holding at least this share of a message's letters must be read by some lexicon,
#: or the message goes to a person.
UNCOVERED_SHARE = 0.3


@frozen
class LexiconReading:
    """What the lexicons found in one text (never the text itself).

    Attributes:
        matches: the cues that matched.
        uncovered_scripts: scripts holding much of the text that no lexicon reads.
    """

    matches: tuple[CueMatch, ...]
    uncovered_scripts: tuple[str, ...]

    @property
    def signals(self) -> list[RiskSignal]:
        return [
            RiskSignal(
                level=match.cue.level,
                reason=match.cue.label,
                categories=match.cue.categories,
                specialisms=match.cue.specialisms,
                signal=match.cue.signal,
            )
            for match in self.matches
        ]

    @property
    def found_nothing(self) -> bool:
        return not self.matches

    @property
    def unreadable(self) -> bool:
        """True when much of the text is in a script no enabled lexicon covers."""
        return bool(self.uncovered_scripts)


def enabled_lexicons(ctx: ServiceContext) -> tuple[TriageLexicon, ...]:
    """The lexicons of the enabled languages and the fallback language, each once."""
    languages = ctx.config.languages
    tags = dict.fromkeys((*languages.enabled, languages.fallback))
    lexicons: dict[int, TriageLexicon] = {}
    for tag in tags:
        for lexicon in ctx.languages.pack(tag).triage_lexicons:
            lexicons.setdefault(id(lexicon), lexicon)
    return tuple(lexicons.values())


def read_text(lexicons: Sequence[TriageLexicon], text: str) -> LexiconReading:
    """Read ``text`` with ``lexicons``."""
    normalised = normalise(text)
    matches = [match for lexicon in lexicons for match in lexicon.find_normalised(normalised)]
    return LexiconReading(
        matches=tuple(matches),
        uncovered_scripts=_uncovered(text, {lexicon.script for lexicon in lexicons}),
    )


def _uncovered(text: str, covered: Iterable[str]) -> tuple[str, ...]:
    scripts = letter_scripts(text)
    total = sum(scripts.values())
    if not total:
        return ()
    readable = set(covered)
    return tuple(
        sorted(
            script
            for script, count in scripts.items()
            if script not in readable and count >= UNCOVERED_SHARE * total
        )
    )


def apply_reading(
    ctx: ServiceContext, case: Case, signals: Sequence[RiskSignal], *, unreadable: bool
) -> Case:
    """``case`` with what ``signals`` suggest: risk raised, categories and help added.

    A case nobody has triaged yet (still new) that the signals say nothing about, or whose
    text no lexicon could read, is flagged for a person's triage.
    """
    import attrs

    taxonomy = ctx.registries.build_taxonomy()
    offered = {Specialism(name) for name in ctx.config.helpline.specialisms}
    suggested = [code for signal in signals for code in signal.categories if code in taxonomy]
    help_needed = {sp for signal in signals for sp in signal.specialisms} & offered
    changes: dict[str, object] = {
        "risk_level": max_risk(case.risk_level, *(signal.level for signal in signals)),
        "specialisms_needed": case.specialisms_needed | help_needed,
        "categories": tuple(dict.fromkeys((*case.categories, *suggested))),
    }
    if case.status is CaseStatus.NEW and (not signals or unreadable):
        changes["needs_manual_triage"] = True
    return attrs.evolve(case, **changes)  # type: ignore[arg-type]

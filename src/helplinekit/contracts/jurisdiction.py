"""The jurisdiction contract: a country's law as facts with sources.

Every legal fact carries its source URL, a confidence mark and the date someone checked it
against that source (``reviewed_on``). A fact nobody checked has ``reviewed_on=None`` and the
product shows it as unverified; nothing here is legal advice, so every jurisdiction ships a
disclaimer.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from attrs import evolve, field, frozen, validators

from helplinekit.contracts.prosecution import ProsecutionRule
from helplinekit.domain._convert import as_frozenset, as_tuple
from helplinekit.domain.markers import N_
from helplinekit.domain.names import COUNTRY_CODE_RE, NAMESPACED_NAME_RE

if TYPE_CHECKING:
    from helplinekit.contracts.conditions import Condition

__all__ = [
    "NO_SPECIFIC_PROVISION",
    "Authority",
    "CitationStyle",
    "ComplaintTemplate",
    "Confidence",
    "CoverageReport",
    "EmergencyNumber",
    "Fact",
    "Jurisdiction",
    "NoSpecificProvision",
    "ProsecutionRule",
    "Provision",
    "ProvisionFlag",
    "ProvisionKind",
    "ProvisionRef",
    "Region",
    "RemovalRoute",
    "TimeLimit",
]

_URL = re.compile(r"^https?://\S+$")


class Confidence(enum.StrEnum):
    """How sure we are of a legal fact (DOMAIN.md's marks)."""

    confirmed = "C"  # an official text or several independent reports
    secondary = "S"  # one secondary source
    uncertain = "U"  # must be shown as unverified, never as settled fact


class ProvisionFlag(enum.StrEnum):
    """Qualifiers that change how a provision may be presented."""

    contested = "contested"  # a court or authority has put its validity in doubt
    victim_must_be_woman = "victim_must_be_woman"
    offender_must_be_man = "offender_must_be_man"
    minor_victim_only = "minor_victim_only"
    repealed = "repealed"


class CitationStyle(enum.StrEnum):
    """How a jurisdiction's laws number their parts, and so how a provision is cited."""

    section = "section"  # common law: "s.24(1)(a)"
    article = "article"  # civil law: "art. 218-C"


#: The label before the number, per style: ``s.24``, ``art. 218-C``.
_CITATION_LABELS = {CitationStyle.section: "s.", CitationStyle.article: "art. "}


class ProvisionKind(enum.StrEnum):
    """Whether a provision makes something a crime or gives the survivor another route."""

    offence = "offence"  # cited in a complaint as an offence
    remedy = "remedy"  # a takedown, protection order or civil claim: not a crime


@frozen
class Fact:
    """Where a legal fact comes from and how sure we are.

    Attributes:
        source_url: where the text can be read.
        confidence: the confidence mark.
        reviewed_on: the day someone checked the text against the source; None if nobody did.
        source_note: what was checked (e.g. "checked against a stored copy of the gazette").
    """

    # Any string here: the provision, authority, route, time limit or emergency number that
    # holds the fact checks it, so the error names that item (see ``_sourced``).
    source_url: str = field(validator=validators.instance_of(str))
    confidence: Confidence = field(converter=Confidence)
    reviewed_on: date | None = None
    source_note: str = ""

    @property
    def is_verified(self) -> bool:
        """True only when the fact was checked and is not marked uncertain."""
        return self.reviewed_on is not None and self.confidence is not Confidence.uncertain


def _owner(item: object) -> str:
    """``Provision 'pakistan.peca2016.s21'``: the item a fact belongs to, for an error."""
    if isinstance(item, EmergencyNumber):
        return f"Emergency number {item.number!r}"
    if isinstance(item, TimeLimit):
        return f"Time limit {item.description[:40]!r}"
    kind = "Removal route" if isinstance(item, RemovalRoute) else type(item).__name__
    return f"{kind} {getattr(item, 'key', '')!r}"


def _sourced(item: object, attribute: object, fact: Fact) -> None:
    """A fact must say where its text can be read; the error names the item that holds it."""
    if isinstance(fact, Fact) and not _URL.match(fact.source_url):
        raise ValueError(
            f"{_owner(item)} has no source: its fact's source_url is {fact.source_url!r}, "
            "not a web address. Set it to the http:// or https:// address where anyone can "
            'read the text, e.g. Fact(source_url="https://…", confidence=Confidence.uncertain).'
        )


def _optional_style(style: str | None) -> CitationStyle | None:
    return None if style is None else CitationStyle(style)


@frozen
class Provision:
    """One section of one Act, as enacted, with its source.

    Attributes:
        key: a stable key, namespaced by the plugin (``pakistan.peca2016.s21``).
        act: the Act's name (``Prevention of Electronic Crimes Act``).
        act_version: which text the numbering follows (``2016 as enacted``).
        section: the section as cited (``21(1)(a)``).
        title: the section's title in that text.
        summary: what it makes an offence or allows, in plain words.
        penalty: the maximum penalty, in plain words; empty if not an offence.
        in_force_from: the day it came into force, if known.
        in_force_until: the day it stopped applying, if it did.
        flags: qualifiers such as contested or gendered.
        flag_note: why a flag is set (e.g. the court decision behind "contested").
        fact: source, confidence and review date.
        victim_age_under: the provision protects only victims younger than this (12, 14, 16
            or 18); decided from the victim's recorded age or age band.
        replaces: keys of provisions this one replaced (a new code replacing an old one);
            the one in force on the incident date is offered, with the other named.
        kind: an offence (the default) or a remedy (a takedown, protection or civil route
            that is not a crime); a complaint draft cites only offences as offences.
        prosecution: who must complain and within what time, where the law says so; None
            when the plugin records no rule (not "anyone, any time").
        citation_style: how it is cited; None takes its jurisdiction's ``citation_style``
            (a provision outside a jurisdiction is cited by section).
    """

    key: str = field(validator=validators.matches_re(NAMESPACED_NAME_RE))
    act: str
    act_version: str
    section: str
    title: str
    summary: str
    fact: Fact = field(validator=_sourced)
    penalty: str = ""
    in_force_from: date | None = None
    in_force_until: date | None = None
    flags: frozenset[ProvisionFlag] = field(factory=frozenset, converter=as_frozenset)
    flag_note: str = ""
    victim_age_under: int | None = None
    replaces: tuple[str, ...] = field(default=(), converter=as_tuple)
    kind: ProvisionKind = field(default=ProvisionKind.offence, converter=ProvisionKind)
    prosecution: ProsecutionRule | None = field(
        default=None, validator=validators.optional(validators.instance_of(ProsecutionRule))
    )
    citation_style: CitationStyle | None = field(default=None, converter=_optional_style)

    @property
    def citation_label(self) -> str:
        """``s.21(1)(a)`` or ``art. 218-C``: the part of the Act, as its style cites it."""
        return _CITATION_LABELS[self.citation_style or CitationStyle.section] + self.section

    @property
    def citation(self) -> str:
        """``Prevention of Electronic Crimes Act (2016 as enacted) s.21(1)(a)``."""
        return f"{self.act} ({self.act_version}) {self.citation_label}"

    @property
    def is_remedy(self) -> bool:
        return self.kind is ProvisionKind.remedy

    @property
    def is_contested(self) -> bool:
        return ProvisionFlag.contested in self.flags


@frozen
class ProvisionRef:
    """A pointer from a taxonomy code to a provision, with the condition it needs.

    Attributes:
        provision: the provision's key.
        when: the condition on case facts for it to apply (see
            :mod:`helplinekit.contracts.conditions`): ``{"victim_is_minor": True}``, a list
            of values for "any of", or ``AnyOf(...)`` / ``AllOf(...)``; a fact that is not
            recorded makes the provision "applies if…" rather than dropping or asserting it.
            Checked when the helpline starts.
        note: why it applies, for staff.
    """

    provision: str
    when: Condition = field(factory=dict)
    note: str = ""


@frozen
class NoSpecificProvision:
    """An explicit statement that the law has no specific provision for a code.

    Attributes:
        note: what to do instead (e.g. "refer to the platform; offline violence law").
    """

    note: str


#: The marker for codes with no specific provision; a plugin may also build its own with a note.
#: Its note is marked for translation: the console shows it in the reader's language.
NO_SPECIFIC_PROVISION = NoSpecificProvision(
    note=N_("No specific provision; see the referral routes.")
)


@frozen
class Authority:
    """A body that takes complaints or reports.

    Attributes:
        key: namespaced key.
        name: the body's name.
        how_to_report: the steps, in plain words.
        phone: a helpline number, if any.
        url: a portal, if any.
        fact: source and confidence (a phone number can be [U]).
        regions: the ISO 3166-2 codes it serves (``PK-PB``); empty means the whole country.
    """

    key: str = field(validator=validators.matches_re(NAMESPACED_NAME_RE))
    name: str
    how_to_report: str
    fact: Fact = field(validator=_sourced)
    phone: str | None = None
    url: str | None = None
    regions: frozenset[str] = field(factory=frozenset, converter=as_frozenset)


@frozen
class RemovalRoute:
    """How to get harmful content taken down.

    Attributes:
        key: namespaced key.
        title: a short name.
        steps: what to do.
        applies_to: taxonomy codes it is for (empty means any).
        fact: source and confidence.
        regions: the ISO 3166-2 codes where it is open (``PK-PB``); empty means the whole
            country.
    """

    key: str = field(validator=validators.matches_re(NAMESPACED_NAME_RE))
    title: str
    steps: str
    fact: Fact = field(validator=_sourced)
    applies_to: frozenset[str] = field(factory=frozenset, converter=as_frozenset)
    regions: frozenset[str] = field(factory=frozenset, converter=as_frozenset)


@frozen
class TimeLimit:
    """A deadline the survivor should know about (to file, to appeal)."""

    description: str
    fact: Fact = field(validator=_sourced)
    applies_to: frozenset[str] = field(factory=frozenset, converter=as_frozenset)


@frozen
class ComplaintTemplate:
    """A complaint draft in one language, with ``{placeholders}`` filled from the case.

    Attributes:
        language: the BCP 47 tag it is written in.
        authority: the authority key it is addressed to.
        text: the template; placeholders use :meth:`str.format_map` syntax.
        reviewed: False until a lawyer who reads the language has checked it.
    """

    language: str
    authority: str
    text: str = field(repr=False)
    reviewed: bool = False


@frozen
class EmergencyNumber:
    """A number to call in immediate danger, shown on the public web form.

    A wrong emergency number is worse than none, so the public pages show only numbers whose
    fact is [C] or [S]; an [U] number stays in the plugin until someone checks it.

    Attributes:
        number: what to dial, digits only (a leading ``+`` allowed): ``15``, ``1122``.
        service: who answers, in plain words, with where it works if not everywhere
            (``Police``; ``Rescue: ambulance, fire and rescue, in Punjab ...``).
        fact: source and confidence.
    """

    number: str
    service: str
    fact: Fact = field(validator=_sourced)

    @property
    def shown_publicly(self) -> bool:
        """True when the number may be shown to survivors: its fact is [C] or [S]."""
        return self.fact.confidence in (Confidence.confirmed, Confidence.secondary)


@frozen
class Region:
    """A region for statistics (ISO 3166-2 where one exists)."""

    code: str
    name: str


@frozen
class CoverageReport:
    """Which taxonomy codes a jurisdiction maps, marks as uncovered, or forgets.

    Attributes:
        mapped: codes mapped to at least one provision.
        no_specific: codes explicitly marked "no specific provision".
        missing: codes the jurisdiction says nothing about.
        dangling: provision keys referenced by a mapping but not defined.
    """

    mapped: tuple[str, ...]
    no_specific: tuple[str, ...]
    missing: tuple[str, ...]
    dangling: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.dangling

    def describe(self) -> str:
        """One paragraph for a test failure or a CLI warning."""
        if self.complete:
            return (
                f"Covers every taxonomy code ({len(self.mapped)} mapped, "
                f"{len(self.no_specific)} marked 'no specific provision')."
            )
        parts = []
        if self.missing:
            parts.append(
                "no mapping for "
                + ", ".join(self.missing)
                + " (map each to provisions, or mark it NO_SPECIFIC_PROVISION)"
            )
        if self.dangling:
            parts.append("mappings cite undefined provisions " + ", ".join(self.dangling))
        return "Incomplete: " + "; ".join(parts) + "."


@frozen
class Jurisdiction:
    """A country's (or no country's) legal options for the harassment taxonomy.

    Attributes:
        key: namespaced key, e.g. ``pakistan.pk`` or ``intl.baseline``.
        name: a human name (``Pakistan``).
        country: ISO 3166-1 alpha-2 code, or None for the international baseline.
        provisions: every provision the plugin cites.
        mappings: taxonomy code → provision refs, or :class:`NoSpecificProvision`.
        authorities: where to report.
        removal_routes: how to get content removed.
        evidence_guidance: what to keep first, in order.
        time_limits: deadlines.
        complaint_templates: drafts per language.
        regions: regions for statistics.
        emergency_numbers: numbers to call in immediate danger, most general first; the
            public web form shows those that are [C] or [S] (see :class:`EmergencyNumber`).
        disclaimer: shown with every legal option.
        reviewed_on: when the plugin as a whole was last reviewed.
        citation_style: how its laws are cited (``s.24`` or ``art. 218-C``); each provision
            without a style of its own takes this one.
    """

    key: str = field(validator=validators.matches_re(NAMESPACED_NAME_RE))
    name: str
    country: str | None = field(
        validator=validators.optional(validators.matches_re(COUNTRY_CODE_RE))
    )
    disclaimer: str
    provisions: tuple[Provision, ...] = ()
    mappings: Mapping[str, tuple[ProvisionRef, ...] | NoSpecificProvision] = field(factory=dict)
    authorities: tuple[Authority, ...] = ()
    removal_routes: tuple[RemovalRoute, ...] = ()
    evidence_guidance: tuple[str, ...] = ()
    time_limits: tuple[TimeLimit, ...] = ()
    complaint_templates: tuple[ComplaintTemplate, ...] = ()
    regions: tuple[Region, ...] = ()
    emergency_numbers: tuple[EmergencyNumber, ...] = ()
    reviewed_on: date | None = None
    citation_style: CitationStyle = field(default=CitationStyle.section, converter=CitationStyle)

    def __attrs_post_init__(self) -> None:
        # A provision is cited the way its jurisdiction cites unless it says otherwise (a
        # civil-law country may still cite a statute's sections).
        provisions = tuple(
            evolve(p, citation_style=self.citation_style)
            if isinstance(p, Provision) and p.citation_style is None
            else p
            for p in self.provisions
        )
        object.__setattr__(self, "provisions", provisions)

    def region_names(self, codes: Iterable[str]) -> tuple[str, ...]:
        """The names of ``codes`` in the order of :attr:`regions` (a code the jurisdiction
        does not list is shown as the code, after them)."""
        wanted = set(codes)
        named = [region.name for region in self.regions if region.code in wanted]
        listed = {region.code for region in self.regions}
        return (*named, *sorted(wanted - listed))

    def provision(self, key: str) -> Provision:
        """Look up a provision by key; KeyError names the key and the plugin."""
        for provision in self.provisions:
            if provision.key == key:
                return provision
        raise KeyError(f"Jurisdiction {self.key!r} has no provision {key!r}.")

    def coverage(self, codes: Iterable[str]) -> CoverageReport:
        """Check the mapping against a taxonomy's codes."""
        known = {provision.key for provision in self.provisions}
        mapped, no_specific, missing = [], [], []
        dangling: list[str] = []
        for code in codes:
            entry = self.mappings.get(code)
            if entry is None:
                missing.append(code)
            elif isinstance(entry, NoSpecificProvision):
                no_specific.append(code)
            elif not entry:
                missing.append(code)
            else:
                mapped.append(code)
                dangling.extend(ref.provision for ref in entry if ref.provision not in known)
        return CoverageReport(
            mapped=tuple(mapped),
            no_specific=tuple(no_specific),
            missing=tuple(missing),
            dangling=tuple(dict.fromkeys(dangling)),
        )

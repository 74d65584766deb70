"""Legal options for a case: what the jurisdiction plugin says applies, and why.

For each of the case's categories the jurisdiction maps to provisions (or says explicitly
that there is no specific provision). A provision whose condition depends on something not
recorded — whether the victim is a minor, the victim's gender for a gendered offence — is
shown as "applies if …" rather than asserted or dropped. Contested provisions are shown as
contested; facts nobody has checked against their source are shown as unverified. The
disclaimer and the review date always come with the options.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from attrs import field, frozen
from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list

from helplinekit.contracts.jurisdiction import (
    Authority,
    ComplaintTemplate,
    Jurisdiction,
    ProvisionKind,
    RemovalRoute,
    TimeLimit,
)
from helplinekit.domain import DEFAULT_TAXONOMY, Caller, Case, DomainError, Taxonomy
from helplinekit.i18n import N_
from helplinekit.security.policy import Action, Actor
from helplinekit.services.actions import service_action
from helplinekit.services.audit_trail import audit_now
from helplinekit.services.case_access import CaseRef, case_reading
from helplinekit.services.context import ServiceContext
from helplinekit.services.legal_evaluation import ApplicableProvision, evaluate

__all__ = [
    "ApplicableProvision",
    "DraftWording",
    "LegalOptions",
    "build_options",
    "draft_wording",
    "evaluate",
    "legal_options",
    "long_date",
]

#: Filled in for ``{provisions}`` (or ``{remedies}``) when nothing surely applies, in the
#: draft's language.
PROVISIONS_FOR_THE_LAWYER = N_("(to be completed by the lawyer)")

#: The translations for a language tag (a language pack's ``translations``).
TranslationsFor = Callable[[str], gettext.NullTranslations]


def english(tag: str) -> gettext.NullTranslations:
    """No translation: the source text, for a caller with no language packs at hand."""
    return gettext.NullTranslations()


@frozen
class LegalOptions:
    """Everything the jurisdiction offers for one case.

    Attributes:
        case_reference: the case.
        jurisdiction: the jurisdiction used.
        provisions: provisions that apply or may apply, in mapping order.
        no_specific: (code, what to do instead) for codes with no specific provision.
        unmapped: the case's codes the jurisdiction says nothing about.
        authorities: where to report.
        removal_routes: how to get content removed (those for the case's codes first).
        evidence_guidance: what to keep, in order.
        time_limits: deadlines that apply.
        complaint_draft: a draft complaint in the case's language, if a template exists.
        complaint_language: the language of that draft.
    """

    case_reference: str
    jurisdiction: Jurisdiction
    provisions: tuple[ApplicableProvision, ...]
    no_specific: tuple[tuple[str, str], ...]
    unmapped: tuple[str, ...]
    authorities: tuple[Authority, ...]
    removal_routes: tuple[RemovalRoute, ...]
    evidence_guidance: tuple[str, ...]
    time_limits: tuple[TimeLimit, ...]
    complaint_draft: str | None = field(default=None, repr=False)
    complaint_language: str | None = None

    @property
    def disclaimer(self) -> str:
        return self.jurisdiction.disclaimer

    @property
    def reviewed_on(self) -> date | None:
        return self.jurisdiction.reviewed_on


def _complaint(
    jurisdiction: Jurisdiction,
    case: Case,
    applicable: list[ApplicableProvision],
    language: str,
    wording: DraftWording,
) -> tuple[str | None, str | None]:
    templates: dict[str, ComplaintTemplate] = {
        t.language: t for t in jurisdiction.complaint_templates
    }
    template = templates.get(language) or templates.get("en")
    if template is None:
        return None, None
    # What helplinekit fills in reads in the language the draft is written in (the case's,
    # when the plugin has a template for it); the citations stay as the law writes them.
    translate = wording.translations_for(template.language).gettext
    values = {
        "reference": case.reference,
        "date": long_date(wording.today or date.today(), template.language),
        "categories": _listed(
            wording.taxonomy.titles_of(case.categories, translate), template.language
        ),
        # Only offences are cited as offences: a takedown or protection route is not a crime,
        # and a letter that says it is misleads the authority.
        "provisions": _cited(applicable, ProvisionKind.offence)
        or translate(PROVISIONS_FOR_THE_LAWYER),
        "remedies": _cited(applicable, ProvisionKind.remedy)
        or translate(PROVISIONS_FOR_THE_LAWYER),
        "authority": next(
            (a.name for a in jurisdiction.authorities if a.key == template.authority),
            template.authority,
        ),
    }
    return template.text.format_map(_Blank(values)), template.language


def _cited(applicable: list[ApplicableProvision], kind: ProvisionKind) -> str:
    """The citations of ``kind`` that surely apply and are not contested: a draft to an
    authority must not present a contested provision as settled; the lawyer adds it if they
    rely on it."""
    return "; ".join(
        p.provision.citation
        for p in applicable
        if p.provision.kind is kind and p.certain and not p.contested
    )


def _locale(language: str) -> Locale | None:
    """CLDR's locale for ``language``; None for a tag CLDR does not know (a made-up one)."""
    try:
        return Locale.parse(language, sep="-")
    except (UnknownLocaleError, ValueError):
        return None


def long_date(day: date, language: str) -> str:
    """``December 4, 2026`` or ``4 دسمبر، 2026``: the date as a letter in ``language`` writes it
    (ISO 8601, which every reader can read, for a tag CLDR does not know)."""
    locale = _locale(language)
    return day.isoformat() if locale is None else format_date(day, "long", locale=locale)


def _listed(items: list[str], language: str) -> str:
    """``A, B, and C`` or ``A، B، اور C``: a list as ``language`` writes one."""
    locale = _locale(language)
    return ", ".join(items) if locale is None else format_list(items, locale=locale)


@frozen
class DraftWording:
    """What a complaint draft is worded with, besides the case and the law.

    Attributes:
        taxonomy: the deployment's taxonomy, for the categories' titles.
        translations_for: the catalog of a language tag, for those titles and the draft's
            other filled-in words.
        today: the draft's date; today's when None.
    """

    taxonomy: Taxonomy = field(factory=lambda: Taxonomy(DEFAULT_TAXONOMY))
    translations_for: TranslationsFor = english
    today: date | None = None


class _Blank(dict[str, str]):
    """Unknown placeholders stay visible for the lawyer to fill in, instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def build_options(
    case: Case,
    jurisdiction: Jurisdiction,
    caller: Caller | None,
    language: str | None,
    wording: DraftWording | None = None,
) -> LegalOptions:
    """The legal options for ``case``, with its complaint draft in ``language`` if the
    jurisdiction has a template in it (else in English); ``wording`` gives the draft its
    category titles and words in that language (English titles without it)."""
    applicable, no_specific, unmapped = evaluate(
        case, jurisdiction, caller, today=wording.today if wording else None
    )
    codes = set(case.categories)
    routes = sorted(
        jurisdiction.removal_routes,
        key=lambda route: (not (route.applies_to & codes), route.key),
    )
    routes = [r for r in routes if not r.applies_to or r.applies_to & codes]
    limits = [t for t in jurisdiction.time_limits if not t.applies_to or t.applies_to & codes]
    draft, draft_language = _complaint(
        jurisdiction, case, applicable, language or "en", wording or DraftWording()
    )
    return LegalOptions(
        case_reference=case.reference,
        jurisdiction=jurisdiction,
        provisions=tuple(applicable),
        no_specific=tuple(no_specific),
        unmapped=tuple(unmapped),
        authorities=jurisdiction.authorities,
        removal_routes=tuple(routes),
        evidence_guidance=jurisdiction.evidence_guidance,
        time_limits=tuple(limits),
        complaint_draft=draft,
        complaint_language=draft_language,
    )


@service_action(Action.CASE_LEGAL_OPTIONS)
def legal_options(ctx: ServiceContext, actor: Actor, case_ref: CaseRef) -> LegalOptions:
    """The legal options for a case, from the deployment's jurisdiction plugin."""
    with case_reading(ctx, actor, case_ref) as reading:
        # With its attributes, now that access is granted.
        case = reading.uow.cases.get(reading.case.id)
        caller = reading.uow.callers.get(case.caller_id)
    key = ctx.config.jurisdiction
    if key not in ctx.registries.jurisdictions:
        raise DomainError.translatable(
            N_("The jurisdiction %(key)s is not installed."), key=repr(key)
        )
    options = build_options(
        case, ctx.registries.jurisdictions.get(key), caller, case.language, draft_wording(ctx)
    )
    audit_now(ctx, actor, "case.legal_options", "case", case.id, provisions=len(options.provisions))
    return options


def draft_wording(ctx: ServiceContext) -> DraftWording:
    """The deployment's taxonomy and language packs, for wording a complaint draft."""
    languages = ctx.registries.languages

    def translations_for(tag: str) -> gettext.NullTranslations:
        return languages.get(tag).translations if tag in languages else english(tag)

    return DraftWording(
        taxonomy=ctx.registries.build_taxonomy(),
        translations_for=translations_for,
        # The day where the helpline is: a letter dated by UTC could read as yesterday.
        today=ctx.clock().astimezone(ZoneInfo(ctx.config.helpline.timezone)).date(),
    )

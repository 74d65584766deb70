"""Reading form fields into domain values, for the console and the public pages.

Each parser raises :class:`BadInput` (a :class:`~helplinekit.domain.DomainError`, so the
problem page shows its message) naming the field and the fix; nothing here touches the
database.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import parse_qs

from helplinekit.domain import (
    URN,
    AtRiskIdentity,
    CaseAttributes,
    DomainError,
    Gender,
    InvalidURN,
    InvalidValue,
    PerpetratorRelation,
    UnknownScheme,
    UnsafeCharacter,
    VictimAgeBand,
    VictimRelation,
    parse_urn,
)
from helplinekit.i18n import N_
from helplinekit.web.http import FormData

__all__ = [
    "BadInput",
    "attributes",
    "choice",
    "flag",
    "form_fields",
    "one_of",
    "parse_uuid",
    "phone_urn",
    "safe_contact_problem",
    "text",
    "yes_no",
]

#: Said when the safe contact is neither unsafe nor of an unknown scheme, just unreadable.
_BAD_SAFE_CONTACT = N_(
    "The safe way to reach you is not a phone number or address we can use. Write it like "
    "tel:+923001234567 or mailto:name@example.org."
)


class BadInput(DomainError):
    """A form field holds a value the console cannot use; the message names it.

    Attributes:
        template: the English message, marked for translation (``N_``), with ``%(name)s``
            placeholders; the problem page translates it, then fills in :attr:`params`
            (:func:`helplinekit.web.text.explain`).
        params: the values for :attr:`template`, as text.
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params: Mapping[str, str] = {name: str(value) for name, value in params.items()}
        super().__init__(template % self.params)

    def __reduce__(self) -> tuple[object, ...]:
        return (_bad_input, (self.template, dict(self.params)))


def _bad_input(template: str, params: dict[str, str]) -> BadInput:
    return BadInput(template, **params)


def choice(form: FormData, name: str, kind: Callable[[str], Any], *, required: bool = True) -> Any:
    """The field ``name`` read by ``kind`` (an enum, ``int``, …); None when optional and empty."""
    value = form.one(name)
    if not value:
        if required:
            raise BadInput(N_("The field %(field)s is required."), field=repr(name))
        return None
    return one_of(kind, value, name)


def one_of(kind: Callable[[str], Any], value: str, name: str) -> Any:
    """``value`` read by ``kind``; BadInput naming the field ``name`` when it is not one."""
    try:
        return kind(value)
    except ValueError:
        raise BadInput(
            N_("%(value)s is not a valid choice for %(field)s."),
            value=repr(value),
            field=repr(name),
        ) from None


def text(form: FormData, name: str, *, required: bool = True, limit: int = 20_000) -> str:
    """The field ``name``, stripped, at most ``limit`` characters."""
    value = form.one(name).strip()
    if required and not value:
        raise BadInput(N_("Please fill in %(field)s."), field=repr(name))
    if len(value) > limit:
        raise BadInput(
            N_("%(field)s is longer than %(limit)s characters; shorten it."),
            field=repr(name),
            limit=limit,
        )
    return value


def flag(form: FormData, name: str) -> bool:
    """Whether the checkbox ``name`` is ticked."""
    return form.one(name) in ("yes", "on", "1", "true")


def yes_no(form: FormData, name: str) -> bool | None:
    """A yes / no / not known choice: "not known" stays distinct from "no"."""
    answers = {"yes": True, "no": False, "unknown": None}
    value = form.one(name) or "unknown"
    if value not in answers:
        raise BadInput(
            N_("%(value)s is not a valid choice for %(field)s; use yes, no or unknown."),
            value=repr(value),
            field=repr(name),
        )
    return answers[value]


#: Said when a select of the victim's facts holds a value that is not one of its choices (a
#: stale form, or one sent by hand); one message per field, so each names its field in the
#: reader's language.
_NOT_A_CHOICE = {
    "victim": N_(
        "%(value)s is not a choice for “Who the victim is to the caller”; choose one from the "
        "list, or “not known”."
    ),
    "victim_gender": N_(
        "%(value)s is not a choice for “The victim's gender”; choose one from the list, or "
        "“not known”."
    ),
    "offender_gender": N_(
        "%(value)s is not a choice for “The offender's gender”; choose one from the list, or "
        "“not known”."
    ),
    "victim_age_band": N_(
        "%(value)s is not a choice for “The victim's age band”; choose one from the list, or "
        "“not known”."
    ),
}
_BAD_AGE = N_(
    "The victim's age must be a whole number of years from 0 to 120, not %(value)s; correct "
    "it, or leave it empty when it is not known."
)
_BAD_DATE = N_(
    "The incident date %(value)s is not a date; write it as year-month-day (e.g. 2026-03-14), "
    "or leave it empty when it is not known."
)
_FUTURE_DATE = N_(
    "The incident date %(value)s is in the future; give the day the harm happened or began "
    "(today or earlier)."
)
_AGE_NOT_IN_BAND = N_(
    "The victim's age %(age)s does not fit the age band chosen; correct one of them, or set "
    "the band to “not known” when the age is known."
)
_MINOR_DISAGREES = N_(
    "The victim's age or age band and “The victim is a minor” disagree; correct one of them, "
    "or set “The victim is a minor” to “not known”."
)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_Choice = TypeVar("_Choice", bound=StrEnum)


def _fact_choice(form: FormData, name: str, kind: type[_Choice]) -> _Choice | None:
    """A select of the victim's facts: None for "not known" (empty)."""
    value = form.one(name)
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise BadInput(_NOT_A_CHOICE[name], value=repr(value)) from None


def victim_age(form: FormData) -> int | None:
    """The victim's age in whole years (0-120), or None when the field is empty."""
    value = form.one("victim_age").strip()
    if not value:
        return None
    # isdecimal, not int(): int() also takes "+14", " 14_0" and "1e2"-like spellings.
    if not value.isdecimal() or len(value) > 3 or not 0 <= int(value) <= 120:
        raise BadInput(_BAD_AGE, value=repr(value))
    return int(value)


def incident_date(form: FormData, *, today: date) -> date | None:
    """The incident date (year-month-day, not after ``today``), or None when empty."""
    value = form.one("incident_date").strip()
    if not value:
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        when = date.fromisoformat(value)
    except ValueError:
        raise BadInput(_BAD_DATE, value=repr(value)) from None
    if when > today:
        raise BadInput(_FUTURE_DATE, value=repr(value))
    return when


def attributes(form: FormData, *, today: date) -> CaseAttributes:
    """The case's facts from the triage form (shown only to staff who may read the case).

    ``today`` is the helpline's local date: an incident date after it is refused. Facts that
    contradict each other (an age of 30 and "the victim is a minor") are refused here, in the
    reader's language, rather than by the domain's English message.
    """
    platforms = tuple(
        dict.fromkeys(
            p.strip().lower()
            for p in form.one("platforms").replace("،", ",").split(",")
            if p.strip()
        )
    )
    age, band = victim_age(form), _fact_choice(form, "victim_age_band", VictimAgeBand)
    is_minor = yes_no(form, "victim_is_minor")
    facts: dict[str, Any] = {
        "victim_is_minor": is_minor,
        "ai_generated_content": yes_no(form, "ai_generated_content"),
        "perpetrator_relation": choice(
            form, "perpetrator_relation", PerpetratorRelation, required=False
        ),
        "platforms": platforms,
        "first_contact_channel": form.one("first_contact_channel") or None,
        "at_risk_identities": [one_of(AtRiskIdentity, v, "identity") for v in form.all("identity")],
        "victim": _fact_choice(form, "victim", VictimRelation),
        "victim_gender": _fact_choice(form, "victim_gender", Gender),
        "victim_age": age,
        "victim_age_band": band,
        "offender_gender": _fact_choice(form, "offender_gender", Gender),
        "incident_date": incident_date(form, today=today),
    }
    try:
        return CaseAttributes(**facts)
    except InvalidValue:
        # Which rule was broken is found by asking the domain again, not by reading its text.
        if not _agrees(victim_age=age, victim_age_band=band):
            raise BadInput(_AGE_NOT_IN_BAND, age=age) from None
        if not _agrees(victim_age=age, victim_age_band=band, victim_is_minor=is_minor):
            raise BadInput(_MINOR_DISAGREES) from None
        raise  # another rule: its own message, rather than a wrong one


def _agrees(**facts: Any) -> bool:
    """Whether ``facts`` alone make valid case attributes."""
    try:
        CaseAttributes(**facts)
    except InvalidValue:
        return False
    return True


def parse_uuid(value: str, what: str) -> uuid.UUID:
    """An id from a URL; BadInput saying it is not a ``what`` id."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadInput(
            N_("%(value)s is not a %(what)s id."), value=repr(value), what=what
        ) from None


def phone_urn(number: str, country: str | None) -> URN:
    """The caller's number as a ``tel:`` URN, or BadInput naming it."""
    try:
        return parse_urn("tel:" + number, default_region=country)
    except UnsafeCharacter:
        raise  # it names the character and the fix, in the staff member's language
    except (ValueError, DomainError):
        raise BadInput(
            N_(
                "%(number)s is not a phone number we can use; write it with its country code, "
                "e.g. +92 300 1234567."
            ),
            number=repr(number),
        ) from None


def form_fields(body: bytes) -> dict[str, str] | None:
    """A public form's fields, each sent once; None when the body is not such a form."""
    try:
        decoded = body.decode("utf-8")
        parsed = parse_qs(decoded, keep_blank_values=True, max_num_fields=32)
    except (UnicodeDecodeError, ValueError):
        return None
    if any(len(values) != 1 for values in parsed.values()):
        return None
    return {key: values[0] for key, values in parsed.items()}


def safe_contact_problem(value: str, schemes: tuple[str, ...]) -> InvalidURN | None:
    """Why the survivor's "safe way to reach me" cannot be used, or None (also when empty).

    Checked here rather than left to the channel, so the survivor is told what is wrong (an
    invisible character, a scheme nobody can be reached on) instead of "the form could not
    be accepted".
    """
    if not value.strip():
        return None
    try:
        parse_urn(value, schemes=schemes)
    except (UnsafeCharacter, UnknownScheme) as error:
        return error
    except InvalidURN:
        return InvalidURN(_BAD_SAFE_CONTACT)
    return None

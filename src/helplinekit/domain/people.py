"""People: callers (survivors, pseudonymous) and specialists (staff), with consent.

A caller is known only by an id and the contact points they used; everything that could
identify them is hidden from ``repr``. Statistics answers (gender, age band, region) are kept
only while the caller consents to anonymised statistics.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from attrs import Attribute, define, evolve, field, frozen, validators

from helplinekit.domain._convert import as_frozenset, as_list, as_tuple
from helplinekit.domain._validation import (
    at_least,
    aware_datetime,
    check_contact_text,
    frozenset_of,
    is_uuid,
    language_tag,
    not_blank,
    optional_aware_datetime,
    optional_not_blank,
    optional_uuid,
    tuple_of,
    utc_now,
)
from helplinekit.domain.errors import ConsentRequired, InvalidValue
from helplinekit.domain.names import EMAIL_RE
from helplinekit.domain.urns import URN


class Role(StrEnum):
    """What a staff member does; a specialist may hold several roles."""

    INTAKE = "intake"
    LAWYER = "lawyer"
    DIGITAL_SECURITY = "digital_security"
    COUNSELLOR = "counsellor"
    SUPERVISOR = "supervisor"
    # Admins manage accounts and configuration; they do not read case content by default.
    ADMIN = "admin"


class Specialism(StrEnum):
    """A kind of help a case may need and a specialist may give."""

    LEGAL = "legal"
    DIGITAL_SECURITY = "digital_security"
    COUNSELLING = "counselling"


class NoteSection(StrEnum):
    """A section of case notes; access to each is granted by specialism."""

    GENERAL = "general"
    LEGAL = "legal"
    DIGITAL_SECURITY = "digital_security"
    COUNSELLING = "counselling"


#: The note section a specialism writes in (and may read).
SECTION_FOR_SPECIALISM: Mapping[Specialism, NoteSection] = MappingProxyType(
    {
        Specialism.LEGAL: NoteSection.LEGAL,
        Specialism.DIGITAL_SECURITY: NoteSection.DIGITAL_SECURITY,
        Specialism.COUNSELLING: NoteSection.COUNSELLING,
    }
)


class Gender(StrEnum):
    """Gender as the caller states it, for anonymised statistics only."""

    WOMAN = "woman"
    MAN = "man"
    NON_BINARY = "non_binary"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class AgeBand(StrEnum):
    """Age band as the caller states it, for anonymised statistics only."""

    UNDER_18 = "under-18"
    AGE_18_24 = "18-24"
    AGE_25_34 = "25-34"
    AGE_35_44 = "35-44"
    AGE_45_54 = "45-54"
    AGE_55_PLUS = "55+"
    UNDISCLOSED = "undisclosed"


def _consent_needs_time(instance: Consent, attribute: Attribute[Any], value: object) -> None:
    granted = instance.services or instance.referral or instance.anonymised_statistics
    if granted and value is None:
        raise InvalidValue(
            "Consent.recorded_at is required when any consent is given; "
            "record when the caller gave it."
        )


@frozen(kw_only=True)
class Consent:
    """What the caller agreed to, and when. A new Consent replaces the old one.

    Attributes:
        services: The caller agrees to receive the helpline's services (their data is used
            to help them).
        referral: The caller agrees to be referred to a partner organisation.
        anonymised_statistics: The caller agrees that their gender, age band and region are
            kept for anonymised statistics.
        recorded_at: When the consent was given; required as soon as any consent is given.
        recorded_by: The staff member who recorded it, or ``None`` when the caller gave it
            themselves (e.g. on the web form).
        note: Free-text context (e.g. limits the caller set). Sensitive: hidden from repr.
    """

    services: bool = field(default=False, validator=validators.instance_of(bool))
    referral: bool = field(default=False, validator=validators.instance_of(bool))
    anonymised_statistics: bool = field(default=False, validator=validators.instance_of(bool))
    recorded_at: datetime | None = field(
        default=None, validator=[optional_aware_datetime, _consent_needs_time]
    )
    recorded_by: uuid.UUID | None = field(default=None, validator=optional_uuid)
    note: str = field(default="", repr=False, validator=validators.instance_of(str))


@frozen(kw_only=True)
class SafeContactMethod:
    """A contact point the caller marked safe for the helpline to use.

    Attributes:
        urn: The contact point.
        note: The caller's conditions (e.g. "only after 6pm"). Sensitive: hidden from repr.
        safe_to_leave_message: Whether a voicemail or unanswered message is safe to leave.
        case_id: The case on which it was recorded (``None``: recorded before cases kept
            their own, shown with the caller's first case). It is shown only on that case, or
            to staff who may read that case.
        confirmed: Whether staff confirmed it with the survivor. One typed into the public
            form is not (anyone can type anyone's number): nobody calls it until a staff
            member has asked the survivor.
    """

    urn: URN = field(validator=validators.instance_of(URN))
    note: str = field(default="", repr=False, validator=validators.instance_of(str))
    safe_to_leave_message: bool = field(default=False, validator=validators.instance_of(bool))
    case_id: uuid.UUID | None = field(default=None, validator=optional_uuid)
    confirmed: bool = field(default=True, validator=validators.instance_of(bool))


def _statistics_need_consent(instance: Caller, attribute: Attribute[Any], value: object) -> None:
    # Called for the consent field and each statistics field, at creation and on assignment:
    # combine the value being set with the other fields' current values.
    state = {name: getattr(instance, name) for name in ("consent", "gender", "age_band", "region")}
    state[attribute.name] = value
    if not isinstance(state["consent"], Consent):
        return  # the consent field's own type check reports this
    if state["consent"].anonymised_statistics:
        return
    recorded = [name for name in ("gender", "age_band", "region") if state[name] is not None]
    if recorded:
        raise ConsentRequired(
            f"Caller {instance.id} has {', '.join(recorded)} recorded without consent to "
            "anonymised statistics; record that consent first, or clear them with "
            "clear_statistics()."
        )


def _distinct_urns(instance: Caller, attribute: Attribute[Any], value: list[URN]) -> None:
    if len(set(value)) != len(value):
        raise InvalidValue(f"Caller.{attribute.name} lists the same contact point twice.")


class _Keep(enum.Enum):
    """Marker for "leave this field as it is" in :meth:`Caller.with_statistics`."""

    KEEP = enum.auto()


_KEEP = _Keep.KEEP


@define(kw_only=True)
class Caller:
    """A person who contacts the helpline, known pseudonymously.

    Attributes:
        id: Application-generated identifier.
        contact_points: URNs the caller has used to reach the helpline. Sensitive.
        display_name: How the caller asked to be addressed, if given. Sensitive.
        gender: Statistics answer; only with consent to anonymised statistics.
        age_band: Statistics answer; only with consent to anonymised statistics.
        region: Province or area (free form or ISO 3166-2); only with that consent.
        safe_contact_methods: The only contact points the helpline may use to reach out.
            Sensitive.
        consent: The caller's current consent.
        created_at: When the caller was first recorded.
    """

    id: uuid.UUID = field(factory=uuid.uuid4, validator=is_uuid)
    contact_points: list[URN] = field(
        factory=list,
        converter=as_list,
        repr=False,
        validator=[validators.deep_iterable(validators.instance_of(URN)), _distinct_urns],
    )
    display_name: str | None = field(default=None, repr=False, validator=optional_not_blank)
    gender: Gender | None = field(
        default=None,
        validator=[validators.optional(validators.instance_of(Gender)), _statistics_need_consent],
    )
    age_band: AgeBand | None = field(
        default=None,
        validator=[validators.optional(validators.instance_of(AgeBand)), _statistics_need_consent],
    )
    region: str | None = field(
        default=None, validator=[optional_not_blank, _statistics_need_consent]
    )
    safe_contact_methods: list[SafeContactMethod] = field(
        factory=list,
        converter=as_list,
        repr=False,
        validator=validators.deep_iterable(validators.instance_of(SafeContactMethod)),
    )
    consent: Consent = field(
        factory=Consent,
        validator=[validators.instance_of(Consent), _statistics_need_consent],
    )
    created_at: datetime = field(factory=utc_now, validator=aware_datetime)

    def with_statistics(
        self,
        *,
        gender: Gender | _Keep | None = _KEEP,
        age_band: AgeBand | _Keep | None = _KEEP,
        region: str | _Keep | None = _KEEP,
    ) -> Caller:
        """Return a copy with the given statistics answers (omitted ones stay as they are).

        Raises:
            ConsentRequired: the caller has not consented to anonymised statistics.
        """
        if not self.consent.anonymised_statistics:
            raise ConsentRequired(
                f"Caller {self.id} has not consented to anonymised statistics; record that "
                "consent before recording gender, age band or region."
            )
        changes: dict[str, Any] = {
            name: value
            for name, value in (("gender", gender), ("age_band", age_band), ("region", region))
            if value is not _KEEP
        }
        return evolve(self, **changes)

    def clear_statistics(self) -> Caller:
        """Return a copy with gender, age band and region removed."""
        return evolve(self, gender=None, age_band=None, region=None)

    def with_consent(self, consent: Consent) -> Caller:
        """Return a copy with ``consent``; withdrawing statistics consent clears the answers."""
        base = self if consent.anonymised_statistics else self.clear_statistics()
        return evolve(base, consent=consent)

    def is_safe_to_contact(self, urn: URN) -> bool:
        """Tell whether the caller marked ``urn`` as a safe way to reach them."""
        return any(method.urn == urn for method in self.safe_contact_methods)


def _non_empty(instance: Specialist, attribute: Attribute[Any], value: frozenset[Role]) -> None:
    if not value:
        raise InvalidValue(
            f"Specialist {instance.id} must hold at least one role, e.g. Role.INTAKE."
        )


def _check_email(instance: Specialist, attribute: Attribute[Any], value: object) -> None:
    # Not quoted in the message: a staff address is personal data.
    not_blank(instance, attribute, value)
    check_contact_text(str(value))  # an address others write to must look like what it is
    if not EMAIL_RE.match(str(value)):
        raise InvalidValue(
            f"Specialist {instance.id} has an invalid email address; write it as name@example.org."
        )


@define(kw_only=True)
class Specialist:
    """A staff member who works on cases.

    Attributes:
        id: Application-generated identifier.
        email: Login and notification address. Personal data: hidden from repr.
        display_name: Name shown to colleagues. Personal data: hidden from repr.
        roles: What the person does (at least one).
        specialisms: Kinds of help the person gives (may be empty, e.g. for intake staff).
        languages: BCP 47 tags of the languages the person works in, e.g. ``("ur", "en")``.
        capacity: How many open cases the person may hold; a wellbeing cap, 0 pauses routing.
        active: Whether the account may be given work.
    """

    id: uuid.UUID = field(factory=uuid.uuid4, validator=is_uuid)
    email: str = field(repr=False, validator=_check_email)
    display_name: str = field(repr=False, validator=not_blank)
    roles: frozenset[Role] = field(
        converter=as_frozenset, validator=[frozenset_of(validators.instance_of(Role)), _non_empty]
    )
    specialisms: frozenset[Specialism] = field(
        factory=frozenset,
        converter=as_frozenset,
        validator=frozenset_of(validators.instance_of(Specialism)),
    )
    languages: tuple[str, ...] = field(
        factory=tuple, converter=as_tuple, validator=tuple_of(language_tag)
    )
    capacity: int = field(validator=at_least(0))
    active: bool = field(default=True, validator=validators.instance_of(bool))

    def has_role(self, role: Role) -> bool:
        """Tell whether the specialist holds ``role``."""
        return role in self.roles

    def can_take(self, open_case_count: int) -> bool:
        """Tell whether one more case fits: active and below capacity."""
        if open_case_count < 0:
            raise InvalidValue(f"open_case_count cannot be negative, got {open_case_count}.")
        return self.active and open_case_count < self.capacity

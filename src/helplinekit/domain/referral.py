"""Referrals to partner organisations, and the partners themselves.

A referral shares only what the caller agreed to share, with a partner from the directory
(built-in plugins, jurisdiction plugins and the deployment's own file). :class:`ReferralPartner`
is also the value that plugins register through ``register_referral_partners``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from attrs import Attribute, define, evolve, field, frozen, setters, validators

from helplinekit.domain._convert import as_frozenset, as_tuple
from helplinekit.domain._validation import (
    aware_datetime,
    frozenset_of,
    in_order,
    is_uuid,
    language_tag,
    matches,
    not_blank,
    require_aware,
    tuple_of,
    utc_now,
)
from helplinekit.domain.errors import ConsentRequired, InvalidValue
from helplinekit.domain.lifecycle import ReferralStatus, check_referral_transition
from helplinekit.domain.markers import N_
from helplinekit.domain.names import NAMESPACED_NAME_RE, REGION_RE
from helplinekit.domain.people import Consent, NoteSection

#: Partner keys are namespaced by the plugin or file that defines them: ``intl.stopncii``.
#: A referral partner key is a namespaced name (``intl.stopncii``).
PARTNER_KEY_RE = NAMESPACED_NAME_RE
#: ISO 3166-1 alpha-2 (``PK``), ISO 3166-2 (``PK-PB``), or ``*`` for worldwide.

_partner_key = matches(PARTNER_KEY_RE, "namespaced in lower case with a dot, e.g. 'intl.stopncii'")
_region = matches(REGION_RE, "an ISO 3166 code such as 'PK' or 'PK-PB', or '*' for worldwide")
_str_tuple = tuple_of(validators.instance_of(str))


def _calendar_date(instance: ReferralPartner, attribute: Attribute[Any], value: object) -> None:
    # A datetime is a date subclass; refuse it so "verified on" stays a plain calendar day.
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise TypeError(
            f"ReferralPartner.last_verified must be a date or None, got {type(value).__name__}."
        )


@frozen(kw_only=True)
class ReferralPartner:
    """An organisation the helpline can refer a survivor to.

    Attributes:
        key: Stable, namespaced identifier, e.g. ``intl.stopncii``.
        name: The organisation's name.
        services: What it does, as short keys, e.g. ``("image_hashing", "content_removal")``.
        regions: Where it serves: ISO 3166 codes, or ``"*"`` for worldwide.
        languages: BCP 47 tags of the languages it works in.
        eligibility: Who it helps, in plain words.
        contact: How to reach it (the organisation's own public contact details).
        url: Its website, if any.
        last_verified: The day someone last checked the entry, or ``None`` if never: the
            directory shows unverified entries as such.
    """

    key: str = field(validator=_partner_key)
    name: str = field(validator=not_blank)
    services: tuple[str, ...] = field(factory=tuple, converter=as_tuple, validator=_str_tuple)
    regions: tuple[str, ...] = field(factory=tuple, converter=as_tuple, validator=tuple_of(_region))
    languages: tuple[str, ...] = field(
        factory=tuple, converter=as_tuple, validator=tuple_of(language_tag)
    )
    eligibility: str = field(default="", validator=validators.instance_of(str))
    contact: str = field(default="", validator=validators.instance_of(str))
    url: str | None = field(default=None, validator=validators.optional(not_blank))
    last_verified: date | None = field(default=None, validator=_calendar_date)

    @property
    def is_verified(self) -> bool:
        """Whether anyone has checked the entry (``last_verified`` is set)."""
        return self.last_verified is not None

    def serves_region(self, region: str) -> bool:
        """Whether the partner serves ``region`` (an ISO 3166 code), worldwide included."""
        return "*" in self.regions or region in self.regions


def _referral_consent(instance: Referral, attribute: Attribute[Any], value: Consent) -> None:
    if not value.referral:
        # No internal id in it: staff read this when a referral is refused.
        raise ConsentRequired.translatable(
            N_(
                "A referral to %(partner)s needs the survivor's recorded consent to referral; "
                "ask the survivor and record it before referring."
            ),
            partner=repr(instance.partner_key),
        )


@define(kw_only=True)
class Referral:
    """A case referred to a partner, with what is shared and how it went.

    ``status`` cannot be assigned in place: use :meth:`transition`.

    Attributes:
        id: Application-generated identifier.
        case_id: The case being referred.
        partner_key: The partner's :attr:`ReferralPartner.key`.
        status: Where the referral is in its lifecycle.
        consent: The caller's consent as recorded when the referral was made; must
            include consent to referral.
        shared_sections: Note sections the partner may read.
        summary: What the helpline tells the partner. Sensitive: hidden from repr.
        outcome: What the partner reported back. Sensitive: hidden from repr.
        created_at: When the referral was proposed.
        updated_at: When it last changed; never before ``created_at``.
    """

    id: uuid.UUID = field(factory=uuid.uuid4, validator=is_uuid)
    case_id: uuid.UUID = field(validator=is_uuid)
    partner_key: str = field(validator=_partner_key)
    status: ReferralStatus = field(
        default=ReferralStatus.PROPOSED,
        on_setattr=setters.frozen,
        validator=validators.instance_of(ReferralStatus),
    )
    consent: Consent = field(validator=[validators.instance_of(Consent), _referral_consent])
    shared_sections: frozenset[NoteSection] = field(
        factory=frozenset,
        converter=as_frozenset,
        validator=frozenset_of(validators.instance_of(NoteSection)),
    )
    summary: str = field(default="", repr=False, validator=validators.instance_of(str))
    outcome: str = field(default="", repr=False, validator=validators.instance_of(str))
    created_at: datetime = field(
        factory=utc_now, validator=[aware_datetime, in_order("created_at", "updated_at")]
    )
    # Defaults to created_at: a new referral has not changed since it was made.
    updated_at: datetime = field(validator=[aware_datetime, in_order("created_at", "updated_at")])

    @updated_at.default
    def _updated_at_default(self) -> datetime:
        return self.created_at

    def transition(
        self, to: ReferralStatus, *, at: datetime, outcome: str | None = None
    ) -> Referral:
        """Return a copy moved to status ``to`` at ``at``, optionally with the partner's outcome.

        Raises:
            InvalidTransition: the referral lifecycle does not allow the move.
            InvalidValue: ``at`` is before the referral's last change.
        """
        require_aware("at", at)
        check_referral_transition(self.status, to)
        if at < self.updated_at:
            raise InvalidValue(
                f"Referral {self.id} cannot change at {at.isoformat()}, before its last "
                f"change ({self.updated_at.isoformat()})."
            )
        changes: dict[str, Any] = {"status": ReferralStatus(to), "updated_at": at}
        if outcome is not None:
            changes["outcome"] = outcome
        return evolve(self, **changes)

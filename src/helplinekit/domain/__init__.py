"""The helplinekit domain: attrs classes and rules, with no I/O.

Everything here is pure and fast to test: no database, no HTTP, no CLI. Services load and save
these objects through repositories; plugins receive them as hook arguments. Survivor content
(names, contact points, message bodies, notes, free text) never appears in a ``repr``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from helplinekit.domain._validation import (
        DIRECTION_CONTROLS,
        character_kind,
        check_contact_text,
        describe_character,
        is_hidden_control,
    )
    from helplinekit.domain.case import (
        CASE_REFERENCE_RE,
        Assignment,
        AtRiskIdentity,
        Case,
        CaseAttributes,
        PerpetratorRelation,
        RiskLevel,
        format_case_reference,
        max_risk,
        parse_case_reference,
    )
    from helplinekit.domain.conversation import (
        Attachment,
        Contact,
        ContactKind,
        Direction,
        Message,
    )
    from helplinekit.domain.errors import (
        CaseOnLegalHold,
        ConsentRequired,
        DomainError,
        InvalidTransition,
        InvalidURN,
        InvalidValue,
        UnknownCategory,
        UnknownScheme,
        UnsafeCharacter,
    )
    from helplinekit.domain.lifecycle import (
        CASE_TRANSITIONS,
        REFERRAL_TRANSITIONS,
        CaseStatus,
        ReferralStatus,
        allowed_transitions,
        check_referral_transition,
        check_transition,
    )
    from helplinekit.domain.notes import Note
    from helplinekit.domain.people import (
        SECTION_FOR_SPECIALISM,
        AgeBand,
        Caller,
        Consent,
        Gender,
        NoteSection,
        Role,
        SafeContactMethod,
        Specialism,
        Specialist,
    )
    from helplinekit.domain.referral import PARTNER_KEY_RE, Referral, ReferralPartner
    from helplinekit.domain.tasks import Task, TaskKind
    from helplinekit.domain.taxonomy import (
        DEFAULT_TAXONOMY,
        TAXONOMY_CODE_RE,
        Taxonomy,
        TaxonomyCode,
    )
    from helplinekit.domain.urns import KNOWN_URN_SCHEMES, URN, URN_SCHEME_RE, parse_urn
    from helplinekit.domain.victim import VictimAgeBand, VictimRelation

__all__ = [
    "CASE_REFERENCE_RE",
    "CASE_TRANSITIONS",
    "DEFAULT_TAXONOMY",
    "DIRECTION_CONTROLS",
    "KNOWN_URN_SCHEMES",
    "PARTNER_KEY_RE",
    "REFERRAL_TRANSITIONS",
    "SECTION_FOR_SPECIALISM",
    "TAXONOMY_CODE_RE",
    "URN",
    "URN_SCHEME_RE",
    "AgeBand",
    "Assignment",
    "AtRiskIdentity",
    "Attachment",
    "Caller",
    "Case",
    "CaseAttributes",
    "CaseOnLegalHold",
    "CaseStatus",
    "Consent",
    "ConsentRequired",
    "Contact",
    "ContactKind",
    "Direction",
    "DomainError",
    "Gender",
    "InvalidTransition",
    "InvalidURN",
    "InvalidValue",
    "Message",
    "Note",
    "NoteSection",
    "PerpetratorRelation",
    "Referral",
    "ReferralPartner",
    "ReferralStatus",
    "RiskLevel",
    "Role",
    "SafeContactMethod",
    "Specialism",
    "Specialist",
    "Task",
    "TaskKind",
    "Taxonomy",
    "TaxonomyCode",
    "UnknownCategory",
    "UnknownScheme",
    "UnsafeCharacter",
    "VictimAgeBand",
    "VictimRelation",
    "allowed_transitions",
    "character_kind",
    "check_contact_text",
    "check_referral_transition",
    "check_transition",
    "describe_character",
    "format_case_reference",
    "is_hidden_control",
    "max_risk",
    "parse_case_reference",
    "parse_urn",
]

# Each name is imported from its module when first used, as in helplinekit.contracts: code
# that needs one error class (the CLI's error handler, the registry) does not import every
# entity, which keeps ``helplinekit --help`` fast.
_HOMES = {
    "AgeBand": "helplinekit.domain.people",
    "Assignment": "helplinekit.domain.case",
    "AtRiskIdentity": "helplinekit.domain.case",
    "Attachment": "helplinekit.domain.conversation",
    "CASE_REFERENCE_RE": "helplinekit.domain.case",
    "CASE_TRANSITIONS": "helplinekit.domain.lifecycle",
    "Caller": "helplinekit.domain.people",
    "Case": "helplinekit.domain.case",
    "CaseAttributes": "helplinekit.domain.case",
    "CaseOnLegalHold": "helplinekit.domain.errors",
    "CaseStatus": "helplinekit.domain.lifecycle",
    "Consent": "helplinekit.domain.people",
    "ConsentRequired": "helplinekit.domain.errors",
    "Contact": "helplinekit.domain.conversation",
    "ContactKind": "helplinekit.domain.conversation",
    "DEFAULT_TAXONOMY": "helplinekit.domain.taxonomy",
    "DIRECTION_CONTROLS": "helplinekit.domain._validation",
    "Direction": "helplinekit.domain.conversation",
    "DomainError": "helplinekit.domain.errors",
    "Gender": "helplinekit.domain.people",
    "InvalidTransition": "helplinekit.domain.errors",
    "InvalidURN": "helplinekit.domain.errors",
    "InvalidValue": "helplinekit.domain.errors",
    "KNOWN_URN_SCHEMES": "helplinekit.domain.urns",
    "Message": "helplinekit.domain.conversation",
    "Note": "helplinekit.domain.notes",
    "NoteSection": "helplinekit.domain.people",
    "PARTNER_KEY_RE": "helplinekit.domain.referral",
    "PerpetratorRelation": "helplinekit.domain.case",
    "REFERRAL_TRANSITIONS": "helplinekit.domain.lifecycle",
    "Referral": "helplinekit.domain.referral",
    "ReferralPartner": "helplinekit.domain.referral",
    "ReferralStatus": "helplinekit.domain.lifecycle",
    "RiskLevel": "helplinekit.domain.case",
    "VictimAgeBand": "helplinekit.domain.victim",
    "VictimRelation": "helplinekit.domain.victim",
    "Role": "helplinekit.domain.people",
    "SECTION_FOR_SPECIALISM": "helplinekit.domain.people",
    "SafeContactMethod": "helplinekit.domain.people",
    "Specialism": "helplinekit.domain.people",
    "Specialist": "helplinekit.domain.people",
    "TAXONOMY_CODE_RE": "helplinekit.domain.taxonomy",
    "Task": "helplinekit.domain.tasks",
    "TaskKind": "helplinekit.domain.tasks",
    "Taxonomy": "helplinekit.domain.taxonomy",
    "TaxonomyCode": "helplinekit.domain.taxonomy",
    "URN": "helplinekit.domain.urns",
    "URN_SCHEME_RE": "helplinekit.domain.urns",
    "UnknownCategory": "helplinekit.domain.errors",
    "UnknownScheme": "helplinekit.domain.errors",
    "UnsafeCharacter": "helplinekit.domain.errors",
    "allowed_transitions": "helplinekit.domain.lifecycle",
    "character_kind": "helplinekit.domain._validation",
    "check_contact_text": "helplinekit.domain._validation",
    "check_referral_transition": "helplinekit.domain.lifecycle",
    "check_transition": "helplinekit.domain.lifecycle",
    "describe_character": "helplinekit.domain._validation",
    "format_case_reference": "helplinekit.domain.case",
    "is_hidden_control": "helplinekit.domain._validation",
    "max_risk": "helplinekit.domain.case",
    "parse_case_reference": "helplinekit.domain.case",
    "parse_urn": "helplinekit.domain.urns",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'helplinekit.domain' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)

"""The helplinekit domain: attrs classes and rules, with no I/O.

Everything here is pure and fast to test: no database, no HTTP, no CLI. Services load and save
these objects through repositories; plugins receive them as hook arguments. Survivor content
(names, contact points, message bodies, notes, free text) never appears in a ``repr``.
"""

from __future__ import annotations

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

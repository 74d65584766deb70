"""Contracts that plugins implement: channels, language packs, jurisdictions, key providers.

Referral partners are plain values: :class:`helplinekit.domain.ReferralPartner`.
"""

from __future__ import annotations

from helplinekit.contracts.channel import (
    BASE_CONTACT_SCHEMES,
    Channel,
    ChannelError,
    ChannelEvent,
    ChannelEventKind,
    ChannelExample,
    ChannelReply,
    DeliveryStatus,
    InboundMessage,
    InboundRequest,
    OutboundMessage,
    ParsedEvent,
    SendResult,
    StatusUpdate,
    VerificationFailed,
    contact_schemes,
)
from helplinekit.contracts.jurisdiction import (
    NO_SPECIFIC_PROVISION,
    Authority,
    ComplaintTemplate,
    Confidence,
    CoverageReport,
    EmergencyNumber,
    Fact,
    Jurisdiction,
    NoSpecificProvision,
    Provision,
    ProvisionFlag,
    ProvisionRef,
    Region,
    RemovalRoute,
    TimeLimit,
)
from helplinekit.contracts.keys import KEY_BYTES, KeyProvider, KeyUnavailable
from helplinekit.contracts.language import MESSAGE_KEYS, RTL_SCRIPTS, LanguagePack

__all__ = [
    "BASE_CONTACT_SCHEMES",
    "KEY_BYTES",
    "MESSAGE_KEYS",
    "NO_SPECIFIC_PROVISION",
    "RTL_SCRIPTS",
    "Authority",
    "Channel",
    "ChannelError",
    "ChannelEvent",
    "ChannelEventKind",
    "ChannelExample",
    "ChannelReply",
    "ComplaintTemplate",
    "Confidence",
    "CoverageReport",
    "DeliveryStatus",
    "EmergencyNumber",
    "Fact",
    "InboundMessage",
    "InboundRequest",
    "Jurisdiction",
    "KeyProvider",
    "KeyUnavailable",
    "LanguagePack",
    "NoSpecificProvision",
    "OutboundMessage",
    "ParsedEvent",
    "Provision",
    "ProvisionFlag",
    "ProvisionRef",
    "Region",
    "RemovalRoute",
    "SendResult",
    "StatusUpdate",
    "TimeLimit",
    "VerificationFailed",
    "contact_schemes",
]

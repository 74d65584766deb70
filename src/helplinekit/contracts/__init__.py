"""Contracts that plugins implement: channels, language packs, jurisdictions, key providers.

Referral partners are plain values: :class:`helplinekit.domain.ReferralPartner`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from helplinekit.contracts.conditions import CASE_FACTS, AllOf, AnyOf, CaseFact
    from helplinekit.contracts.jurisdiction import (
        NO_SPECIFIC_PROVISION,
        Authority,
        CitationStyle,
        ComplaintTemplate,
        Confidence,
        CoverageReport,
        EmergencyNumber,
        Fact,
        Jurisdiction,
        NoSpecificProvision,
        Provision,
        ProvisionFlag,
        ProvisionKind,
        ProvisionRef,
        Region,
        RemovalRoute,
        TimeLimit,
    )
    from helplinekit.contracts.keys import KEY_BYTES, AuditKeyProvider, KeyProvider, KeyUnavailable
    from helplinekit.contracts.language import MESSAGE_KEYS, RTL_SCRIPTS, LanguagePack
    from helplinekit.contracts.lexicon import RISK_SIGNALS, Cue, LexiconError, Phrase, TriageLexicon
    from helplinekit.contracts.prosecution import ProsecutionRule

__all__ = [
    "BASE_CONTACT_SCHEMES",
    "CASE_FACTS",
    "KEY_BYTES",
    "MESSAGE_KEYS",
    "NO_SPECIFIC_PROVISION",
    "RISK_SIGNALS",
    "RTL_SCRIPTS",
    "AllOf",
    "AnyOf",
    "AuditKeyProvider",
    "Authority",
    "CaseFact",
    "Channel",
    "ChannelError",
    "ChannelEvent",
    "ChannelEventKind",
    "ChannelExample",
    "ChannelReply",
    "CitationStyle",
    "ComplaintTemplate",
    "Confidence",
    "CoverageReport",
    "Cue",
    "DeliveryStatus",
    "EmergencyNumber",
    "Fact",
    "InboundMessage",
    "InboundRequest",
    "Jurisdiction",
    "KeyProvider",
    "KeyUnavailable",
    "LanguagePack",
    "LexiconError",
    "NoSpecificProvision",
    "OutboundMessage",
    "ParsedEvent",
    "Phrase",
    "ProsecutionRule",
    "Provision",
    "ProvisionFlag",
    "ProvisionKind",
    "ProvisionRef",
    "Region",
    "RemovalRoute",
    "SendResult",
    "StatusUpdate",
    "TimeLimit",
    "TriageLexicon",
    "VerificationFailed",
    "contact_schemes",
]

# Each name is imported from its module when first used: a plugin that needs one contract
# (the web form needs the channel's) does not import every other (a jurisdiction's
# validators bring in the whole domain), which keeps ``helplinekit --help`` fast.
_HOMES = {
    "AllOf": "helplinekit.contracts.conditions",
    "AnyOf": "helplinekit.contracts.conditions",
    "CASE_FACTS": "helplinekit.contracts.conditions",
    "CaseFact": "helplinekit.contracts.conditions",
    "AuditKeyProvider": "helplinekit.contracts.keys",
    "Authority": "helplinekit.contracts.jurisdiction",
    "CitationStyle": "helplinekit.contracts.jurisdiction",
    "BASE_CONTACT_SCHEMES": "helplinekit.contracts.channel",
    "Channel": "helplinekit.contracts.channel",
    "ChannelError": "helplinekit.contracts.channel",
    "ChannelEvent": "helplinekit.contracts.channel",
    "ChannelEventKind": "helplinekit.contracts.channel",
    "ChannelExample": "helplinekit.contracts.channel",
    "ChannelReply": "helplinekit.contracts.channel",
    "ComplaintTemplate": "helplinekit.contracts.jurisdiction",
    "Confidence": "helplinekit.contracts.jurisdiction",
    "CoverageReport": "helplinekit.contracts.jurisdiction",
    "Cue": "helplinekit.contracts.lexicon",
    "DeliveryStatus": "helplinekit.contracts.channel",
    "EmergencyNumber": "helplinekit.contracts.jurisdiction",
    "Fact": "helplinekit.contracts.jurisdiction",
    "InboundMessage": "helplinekit.contracts.channel",
    "InboundRequest": "helplinekit.contracts.channel",
    "Jurisdiction": "helplinekit.contracts.jurisdiction",
    "KEY_BYTES": "helplinekit.contracts.keys",
    "KeyProvider": "helplinekit.contracts.keys",
    "KeyUnavailable": "helplinekit.contracts.keys",
    "LanguagePack": "helplinekit.contracts.language",
    "LexiconError": "helplinekit.contracts.lexicon",
    "MESSAGE_KEYS": "helplinekit.contracts.language",
    "NO_SPECIFIC_PROVISION": "helplinekit.contracts.jurisdiction",
    "NoSpecificProvision": "helplinekit.contracts.jurisdiction",
    "OutboundMessage": "helplinekit.contracts.channel",
    "ParsedEvent": "helplinekit.contracts.channel",
    "Phrase": "helplinekit.contracts.lexicon",
    "Provision": "helplinekit.contracts.jurisdiction",
    "ProsecutionRule": "helplinekit.contracts.prosecution",
    "ProvisionFlag": "helplinekit.contracts.jurisdiction",
    "ProvisionKind": "helplinekit.contracts.jurisdiction",
    "ProvisionRef": "helplinekit.contracts.jurisdiction",
    "RISK_SIGNALS": "helplinekit.contracts.lexicon",
    "RTL_SCRIPTS": "helplinekit.contracts.language",
    "Region": "helplinekit.contracts.jurisdiction",
    "RemovalRoute": "helplinekit.contracts.jurisdiction",
    "SendResult": "helplinekit.contracts.channel",
    "StatusUpdate": "helplinekit.contracts.channel",
    "TimeLimit": "helplinekit.contracts.jurisdiction",
    "TriageLexicon": "helplinekit.contracts.lexicon",
    "VerificationFailed": "helplinekit.contracts.channel",
    "contact_schemes": "helplinekit.contracts.channel",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'helplinekit.contracts' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)

"""Built-in plugin: a conservative keyword reader for English messages.

It only ever raises risk and suggests help; it never lowers anything, and a person always
reviews triage. Language plugins can ship their own readers for other languages.
Matching is on whole words, case-insensitively.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from helplinekit import hookimpl

if TYPE_CHECKING:
    from helplinekit.contracts.triage import RiskSignal
    from helplinekit.domain import Case, Message

# (pattern, level, reason, categories, specialisms)
_RULES: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        r"kill (myself|me)|suicid\w*|end my life|self[- ]harm",
        "high",
        "self-harm indicator",
        (),
        ("counselling",),
    ),
    (
        r"(will|going to|gonna) (kill|hurt|rape|attack)|threat\w* to (kill|rape|hurt)|acid",
        "high",
        "threat of violence",
        ("THREATS",),
        ("legal", "counselling"),
    ),
    (
        r"my address|where i live|knows where|follow(ing|ed) me|location",
        "high",
        "location exposed or tracked",
        ("DOXING_PRIVATE_INFO",),
        ("digital_security",),
    ),
    (
        r"i am (1[0-7]|[1-9])\b|i'?m (1[0-7]|[1-9]) (years|yrs)|under ?age|minor|school ?girl",
        "high",
        "possible minor",
        (),
        ("legal", "counselling"),
    ),
    (
        r"blackmail\w*|extort\w*|pay (him|them|or)|money or",
        "medium",
        "blackmail",
        ("SEXTORTION_BLACKMAIL",),
        ("legal", "counselling"),
    ),
    (
        r"nudes?|intimate|private (photos?|pictures?|videos?)|morphed|deep ?fake",
        "medium",
        "intimate images",
        ("NCII_SHARED",),
        ("legal", "digital_security", "counselling"),
    ),
    (
        r"hack\w*|password|locked out|account (taken|stolen)|otp|phish\w*",
        "low",
        "account compromise",
        ("ACCOUNT_COMPROMISE",),
        ("digital_security",),
    ),
    (
        r"fake (profile|account|id)|impersonat\w*|pretending to be me",
        "low",
        "impersonation",
        ("IMPERSONATION",),
        ("legal", "digital_security"),
    ),
    (
        r"stalk\w*|keeps (messaging|calling)|won'?t stop",
        "medium",
        "stalking",
        ("CYBERSTALKING",),
        ("legal", "counselling"),
    ),
)
_COMPILED = [
    (re.compile(rf"\b(?:{pattern})", re.I), level, reason, categories, specialisms)
    for pattern, level, reason, categories, specialisms in _RULES
]


@hookimpl
def assess_risk(case: Case, message: Message) -> list[RiskSignal]:
    from helplinekit.contracts.triage import RiskSignal
    from helplinekit.domain import RiskLevel, Specialism

    signals: list[RiskSignal] = []
    for pattern, level, reason, categories, specialisms in _COMPILED:
        if pattern.search(message.body):
            signals.append(
                RiskSignal(
                    level=RiskLevel(level),
                    reason=reason,
                    categories=categories,
                    specialisms=frozenset(Specialism(s) for s in specialisms),
                )
            )
    return signals

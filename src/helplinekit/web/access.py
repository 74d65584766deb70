"""Case codes and "check my case": moved to :mod:`helplinekit.services.survivor_access`.

This module re-exports the names so ``from helplinekit.web.access import …`` keeps working.
"""

from __future__ import annotations

from helplinekit.services.survivor_access import (
    CASE_CODE_PURPOSE,
    CODE_ALPHABET,
    CODE_ENTROPY_BITS,
    MIN_PASSPHRASE_SCORE,
    RATE_LIMIT_PURPOSE,
    CaseCheck,
    MalformedCaseCode,
    case_code_hash,
    check_case,
    client_network,
    hit_rate_limit,
    new_case_code,
    normalise_case_code,
    passphrase_is_weak,
    receive_with_access,
    sent_replies,
)

__all__ = [
    "CASE_CODE_PURPOSE",
    "CODE_ALPHABET",
    "CODE_ENTROPY_BITS",
    "MIN_PASSPHRASE_SCORE",
    "RATE_LIMIT_PURPOSE",
    "CaseCheck",
    "MalformedCaseCode",
    "case_code_hash",
    "check_case",
    "client_network",
    "hit_rate_limit",
    "new_case_code",
    "normalise_case_code",
    "passphrase_is_weak",
    "receive_with_access",
    "sent_replies",
]

"""The victim, apart from the caller: who they are to the caller, their gender and age.

The caller is not always the victim (someone calls for a sister, a mother for her child), and
laws turn on the victim's facts: "the victim is a woman", "a child under 16". These are case
facts, recorded by staff for the legal options; they never come from the caller's optional
statistics answers.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LEGAL_AGE_THRESHOLDS", "VictimAgeBand", "VictimRelation", "age_is_under"]


class VictimRelation(StrEnum):
    """Who the victim is to the person who contacted the helpline."""

    SELF = "self"
    CHILD = "child"
    SIBLING = "sibling"
    PARENT = "parent"
    PARTNER = "partner"
    OTHER_RELATIVE = "other_relative"
    FRIEND = "friend"
    CLIENT = "client"  # a lawyer, teacher or NGO worker contacting for someone they help
    OTHER = "other"


class VictimAgeBand(StrEnum):
    """The victim's age when only a band is known, cut where laws draw their lines."""

    UNDER_12 = "under_12"
    AGE_12_13 = "12_13"
    AGE_14_15 = "14_15"
    AGE_16_17 = "16_17"
    ADULT = "18_plus"


#: The ages laws use as thresholds, and that the bands are cut at.
LEGAL_AGE_THRESHOLDS = (12, 14, 16, 18)

#: Each band's youngest and oldest age (None: no upper bound).
_BAND_AGES: dict[VictimAgeBand, tuple[int, int | None]] = {
    VictimAgeBand.UNDER_12: (0, 11),
    VictimAgeBand.AGE_12_13: (12, 13),
    VictimAgeBand.AGE_14_15: (14, 15),
    VictimAgeBand.AGE_16_17: (16, 17),
    VictimAgeBand.ADULT: (18, None),
}


def age_is_under(
    threshold: int,
    *,
    age: int | None,
    band: VictimAgeBand | None,
    is_minor: bool | None,
) -> bool | None:
    """Whether the victim is younger than ``threshold``; None when what is recorded cannot
    tell (the option is then shown as "applies if…")."""
    if age is not None:
        return age < threshold
    if band is not None:
        youngest, oldest = _BAND_AGES[band]
        if oldest is not None and oldest < threshold:
            return True
        if youngest >= threshold:
            return False
    if is_minor is not None:
        if is_minor is False and threshold <= 18:
            return False
        if is_minor is True and threshold >= 18:
            return True
    return None

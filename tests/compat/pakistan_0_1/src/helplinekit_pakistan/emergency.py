"""The emergency numbers shown on a Pakistani helpline's public web form.

A wrong emergency number is worse than none: helplinekit shows a number only while its fact
is [C] or [S], and ``service`` says where a number works when it does not work everywhere.
:mod:`helplinekit_pakistan.sources` says what was checked against what. The service names are
marked for translation: the form shows them in the survivor's language where the language
pack's catalog translates them (the Urdu pack does), in English otherwise.
"""

from __future__ import annotations

from helplinekit.contracts import Confidence, EmergencyNumber, Fact
from helplinekit.i18n import N_

from helplinekit_pakistan import sources

__all__ = ["EMERGENCY_NUMBERS"]

EMERGENCY_NUMBERS: tuple[EmergencyNumber, ...] = (
    EmergencyNumber(
        number="15",
        service=N_("Police"),
        fact=Fact(
            source_url=sources.ISLAMABAD_POLICE_15_URL,
            confidence=Confidence.secondary,
            reviewed_on=sources.CHECKED_ON,
            source_note=sources.POLICE_15_CHECKED,
        ),
    ),
    EmergencyNumber(
        number="1122",
        service=N_(
            "Rescue (ambulance, fire and rescue) in Punjab, Khyber Pakhtunkhwa and parts of "
            "other provinces"
        ),
        fact=Fact(
            source_url=sources.RESCUE_1122_URL,
            confidence=Confidence.secondary,
            reviewed_on=None,
            source_note=sources.RESCUE_1122_NOT_CHECKED,
        ),
    ),
)

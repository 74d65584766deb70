"""What the triage form on the case page shows in its fields: the case as recorded, or what
the staff member typed when the form was refused.

A refused triage shows the case page again with the error and the fields as they were sent
(see :func:`helplinekit.web.console.case_forms.case_triage`), so a typo in the victim's age
does not cost the categories, the risk and the other facts just chosen. Both functions give
each field's value as the form sends it: text for a field sent once, a list for checkboxes.
"""

from __future__ import annotations

from enum import Enum

from helplinekit.domain import Case
from helplinekit.web.http import FormData

__all__ = ["TriageFields", "recorded_triage", "typed_triage"]

#: Each field of the triage form and its value as the form sends it.
TriageFields = dict[str, str | list[str]]

#: The fields sent once (text, radio buttons, selects).
_SINGLE = (
    "risk",
    "victim_is_minor",
    "ai_generated_content",
    "perpetrator_relation",
    "platforms",
    "victim",
    "victim_gender",
    "victim_age",
    "victim_age_band",
    "offender_gender",
    "incident_date",
)
#: The checkboxes, each of which may be sent several times.
_SEVERAL = ("category", "specialism", "identity")


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else "yes" if value else "no"


def _sent(value: Enum | None) -> str:
    return "" if value is None else str(value.value)


def recorded_triage(case: Case) -> TriageFields:
    """The triage form's fields filled with what is recorded on ``case``."""
    at = case.attributes
    return {
        "category": list(case.categories),
        "risk": case.risk_level.value,
        "specialism": [s.value for s in case.specialisms_needed],
        "victim_is_minor": _yes_no(at.victim_is_minor),
        "ai_generated_content": _yes_no(at.ai_generated_content),
        "perpetrator_relation": _sent(at.perpetrator_relation),
        "platforms": ", ".join(at.platforms),
        "identity": [i.value for i in at.at_risk_identities],
        "victim": _sent(at.victim),
        "victim_gender": _sent(at.victim_gender),
        "victim_age": "" if at.victim_age is None else str(at.victim_age),
        "victim_age_band": _sent(at.victim_age_band),
        "offender_gender": _sent(at.offender_gender),
        "incident_date": "" if at.incident_date is None else at.incident_date.isoformat(),
    }


def typed_triage(form: FormData) -> TriageFields:
    """The triage form's fields as the staff member sent them (refused, so shown again)."""
    fields: TriageFields = {name: form.one(name) for name in _SINGLE}
    fields["victim_is_minor"] = fields["victim_is_minor"] or "unknown"
    fields["ai_generated_content"] = fields["ai_generated_content"] or "unknown"
    fields.update({name: form.all(name) for name in _SEVERAL})
    return fields

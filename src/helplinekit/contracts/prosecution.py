"""Who must complain for an offence to be prosecuted, and by when.

Some offences are prosecuted only on the victim's complaint, or a guardian's; some only
within months of the incident. A jurisdiction plugin records the rule where its sources
state it (``Provision.prosecution``), and helplinekit shows it with the legal option, with
the last day to complain when the case records the incident date.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from attrs import field, frozen, validators

__all__ = ["ProsecutionRule"]

_NOT_NEGATIVE = [validators.instance_of(int), validators.ge(0)]


@frozen
class ProsecutionRule:
    """Who may set a prosecution going, and the time allowed.

    Attributes:
        complainant: who must complain, in plain words: ``"the victim or her guardian"``,
            ``"any person"``, ``"the state"`` (the police or prosecutor act without one).
        months: calendar months allowed from the incident (with ``days``: both 0 when the
            law sets no time limit or the plugin records none).
        days: days allowed, after the months.
        note: anything staff must know, e.g. when the time starts if not at the incident.
    """

    complainant: str = field(validator=validators.instance_of(str))
    months: int = field(default=0, validator=_NOT_NEGATIVE)
    days: int = field(default=0, validator=_NOT_NEGATIVE)
    note: str = ""

    @property
    def has_time_limit(self) -> bool:
        return bool(self.months or self.days)

    def deadline(self, incident: date) -> date | None:
        """The last day to complain about an incident on ``incident``; None without a
        time limit. Months are calendar months: 31 January plus one month is the end of
        February."""
        if not self.has_time_limit:
            return None
        month_index = incident.month - 1 + self.months
        year, month = incident.year + month_index // 12, month_index % 12 + 1
        day = min(incident.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(days=self.days)

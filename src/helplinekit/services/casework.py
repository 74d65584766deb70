"""Casework: what staff do on cases, each call checked against the policy.

This module keeps the names it has always offered; the code now lives by concern:

- :mod:`helplinekit.services.case_access`: the one transaction skeleton every case service
  runs (:func:`~helplinekit.services.case_access.case_change` and
  :func:`~helplinekit.services.case_access.case_reading`: load, check, change, save,
  audit, commit) and the policy checks on one case;
- :mod:`helplinekit.services.case_reading`: :func:`list_cases`, :func:`view_case`,
  :func:`read_timeline`, :func:`read_notes`, :func:`list_tasks`, :func:`list_referrals`;
- :mod:`helplinekit.services.contacts`: :func:`open_case_from_contact`,
  :func:`record_contact`, :func:`record_consent`, :func:`confirm_safe_contact`,
  :func:`safe_contacts_shown`;
- :mod:`helplinekit.services.case_changes`: :func:`triage_case`, :func:`assign`,
  :func:`change_status`, :func:`close_case`, :func:`add_note`, :func:`queue_reply`,
  :func:`create_task`, :func:`complete_task`, :func:`set_legal_hold`;
- :mod:`helplinekit.services.referrals`: :func:`propose_referral`, :func:`update_referral`;
- :mod:`helplinekit.services.staff`: :func:`save_staff`, :func:`change_roles`,
  :func:`refuse_role_pairs` (with the rest of staff management).

:class:`NotFound` is :class:`helplinekit.domain.errors.NotFound`.
"""

from __future__ import annotations

from helplinekit.domain.errors import NotFound
from helplinekit.domain.filters import CaseFilters
from helplinekit.services.case_changes import (
    add_note,
    assign,
    change_status,
    close_case,
    complete_task,
    create_task,
    queue_reply,
    set_legal_hold,
    triage_case,
)
from helplinekit.services.case_reading import (
    Page,
    TimelineEntry,
    list_cases,
    list_referrals,
    list_tasks,
    read_notes,
    read_timeline,
    view_case,
)
from helplinekit.services.contacts import (
    confirm_safe_contact,
    open_case_from_contact,
    record_consent,
    record_contact,
    safe_contacts_shown,
)
from helplinekit.services.referrals import propose_referral, update_referral
from helplinekit.services.staff import change_roles, refuse_role_pairs, save_staff

__all__ = [
    "CaseFilters",
    "NotFound",
    "Page",
    "TimelineEntry",
    "add_note",
    "assign",
    "change_roles",
    "change_status",
    "close_case",
    "complete_task",
    "confirm_safe_contact",
    "create_task",
    "list_cases",
    "list_referrals",
    "list_tasks",
    "open_case_from_contact",
    "propose_referral",
    "queue_reply",
    "read_notes",
    "read_timeline",
    "record_consent",
    "record_contact",
    "refuse_role_pairs",
    "safe_contacts_shown",
    "save_staff",
    "set_legal_hold",
    "triage_case",
    "update_referral",
    "view_case",
]

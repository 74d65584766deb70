"""What a refused person is told: one message per :class:`~helplinekit.security.policy.Action`.

A refusal names neither the policy's vocabulary (``case.legal_options``) nor the person's
id: it says what they may do instead and whom to ask, in words a caseworker uses. The
messages are written in English and marked for translation; a face shows them in the
reader's language (see :func:`helplinekit.web.text.explain`). What exactly was refused,
and to whom, goes to the audit log, never into the message.
"""

from __future__ import annotations

from collections.abc import Mapping

from helplinekit.i18n import N_
from helplinekit.security.policy import Action

__all__ = ["REFUSALS"]

# Most grants follow one of two conditions (see policy.GRANTS): a lawyer, digital-security
# expert or counsellor works on the cases assigned to them, an intake agent on the cases
# waiting for intake. The messages say so, and that a supervisor assigns.

#: The message an :class:`~helplinekit.security.policy.AccessDenied` carries, by action.
REFUSALS: Mapping[Action, str] = {
    Action.CASE_LIST: N_(
        "You can see the cases assigned to you, and intake agents the cases waiting for "
        "intake; ask a supervisor to assign you."
    ),
    Action.CASE_VIEW: N_(
        "You can open the cases assigned to you, and intake agents the cases waiting for "
        "intake; ask a supervisor to assign you."
    ),
    Action.CASE_READ_MESSAGES: N_(
        "You can read the messages of cases assigned to you, and intake agents those of cases "
        "waiting for intake; ask a supervisor to assign you."
    ),
    Action.CASE_LEGAL_OPTIONS: N_(
        "You can see the legal options of cases assigned to you; ask a supervisor to assign you."
    ),
    Action.CASE_TRIAGE: N_(
        "You can triage the cases assigned to you, and intake agents the cases waiting for "
        "intake; ask a supervisor to assign you."
    ),
    Action.CASE_ASSIGN: N_(
        "Supervisors assign cases, and intake agents the cases waiting for intake; ask a "
        "supervisor to assign you, or, in an emergency, break the glass on the case page (with "
        "a written reason, for a limited time, reviewed by another supervisor)."
    ),
    Action.CASE_CHANGE_STATUS: N_(
        "You can change the status of cases assigned to you; ask a supervisor to assign you, "
        "or to change the status."
    ),
    Action.CASE_CLOSE: N_(
        "You can close the cases assigned to you; ask a supervisor to assign you, or to close "
        "the case."
    ),
    Action.CASE_LEGAL_HOLD: N_(
        "A supervisor, or the lawyer assigned to the case, places and lifts a legal hold; ask "
        "one of them."
    ),
    Action.CASE_ERASE: N_(
        "Only a supervisor can erase a case or what the helpline holds about a survivor; ask a "
        "supervisor."
    ),
    Action.CONTACT_RECORD: N_(
        "You can log a call or a visit on the cases assigned to you; ask a supervisor to assign "
        "you."
    ),
    Action.CASE_OPEN: N_(
        "Intake agents, lawyers, digital-security experts and counsellors log calls and visits "
        "from new callers; ask one of them, or ask an administrator for one of those roles."
    ),
    Action.NOTE_READ: N_(
        "You can read the notes of cases assigned to you, in the sections your role works "
        "with; ask a supervisor to assign you."
    ),
    Action.NOTE_WRITE: N_(
        "You can write notes on cases assigned to you, in the sections your role works with; "
        "ask a supervisor to assign you."
    ),
    Action.REPLY_SEND: N_(
        "You can reply to the survivor on cases assigned to you; ask a supervisor to assign you."
    ),
    Action.TASK_MANAGE: N_(
        "You can manage the tasks of cases assigned to you; ask a supervisor to assign you."
    ),
    Action.REFERRAL_MANAGE: N_(
        "Lawyers, digital-security experts and counsellors refer the cases assigned to them, "
        "sharing only the note sections they may read; ask a supervisor to assign you, or "
        "share fewer sections."
    ),
    Action.STAFF_MANAGE: N_(
        "Staff accounts are managed by an administrator: the operator adds staff and changes "
        "their roles on the server ('helplinekit staff add', 'helplinekit staff roles'), and "
        "resets passwords and authenticators there too ('helplinekit staff set-password', "
        "'helplinekit staff enrol-totp'); ask an administrator."
    ),
    Action.BREAK_GLASS: N_(
        "Intake agents, lawyers, digital-security experts and counsellors can break the glass "
        "on a case in an emergency; ask a supervisor to assign you instead."
    ),
    Action.BREAK_GLASS_REVIEW: N_(
        "Supervisors review break-the-glass access, but never access they used themselves; "
        "ask another supervisor."
    ),
}

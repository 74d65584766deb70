"""The policy's vocabulary and its grant table: what may be done, and by which role when.

A fixed set of :class:`Action` s and :class:`Condition` s, and :data:`GRANTS`, the table of
(role, action) -> condition that :class:`~helplinekit.security.policy.Policy` reads (a
deployment may only take grants away). Also the note sections each role's work needs and
the role each specialism's assignments are in. Import these from
:mod:`helplinekit.security.policy`, which re-exports them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from helplinekit.domain import CaseStatus, NoteSection, Role, Specialism

__all__ = [
    "CONTENT_ROLES",
    "GRANTS",
    "INTAKE_STATUSES",
    "ROLE_FOR_SPECIALISM",
    "SECTIONS",
    "Action",
    "Condition",
]


class Action(enum.StrEnum):
    """Everything a service can be asked to do to a case or the helpline."""

    CASE_LIST = "case.list"  # see the case in lists, counts and queues
    CASE_VIEW = "case.view"  # open its metadata: status, risk, categories, assignments
    CASE_READ_MESSAGES = "case.read_messages"  # read the timeline: messages, call summaries
    CASE_LEGAL_OPTIONS = "case.legal_options"  # the law that applies, from the case's details
    CASE_TRIAGE = "case.triage"  # set categories, attributes, risk, specialisms needed
    CASE_ASSIGN = "case.assign"
    CASE_CHANGE_STATUS = "case.change_status"
    CASE_CLOSE = "case.close"
    CASE_LEGAL_HOLD = "case.legal_hold"
    CASE_ERASE = "case.erase"  # crypto-shred a case, or everything about a survivor
    CONTACT_RECORD = "contact.record"  # log a call or walk-in on an existing case
    CASE_OPEN = "case.open"  # log a call or walk-in from a new caller
    NOTE_READ = "note.read"
    NOTE_WRITE = "note.write"
    REPLY_SEND = "reply.send"
    TASK_MANAGE = "task.manage"
    REFERRAL_MANAGE = "referral.manage"
    STAFF_MANAGE = "staff.manage"
    BREAK_GLASS = "case.break_glass"  # emergency access to one case, with a written reason
    BREAK_GLASS_REVIEW = "break_glass.review"


class Condition(enum.StrEnum):
    """When a grant applies to a case.

    An assignment counts only for the role it is in (see
    :func:`~helplinekit.security.role_pairs.roles_of_assignment`), so roles held together
    never lend each other their cases.
    """

    ANY = "any"  # every case (or no case needed)
    ASSIGNED = "assigned"  # the actor is assigned to the case in this role
    # The case awaits intake (new or triaged), or someone else assigned the actor to it: an
    # intake agent who took a case from the intake queue keeps it only while it is there.
    INTAKE = "intake"


#: Statuses in which a case is in the intake queue.
INTAKE_STATUSES = frozenset({CaseStatus.NEW, CaseStatus.TRIAGED})

_I, _L, _D, _C, _S, _A = (
    Role.INTAKE,
    Role.LAWYER,
    Role.DIGITAL_SECURITY,
    Role.COUNSELLOR,
    Role.SUPERVISOR,
    Role.ADMIN,
)
_caseworkers = (_L, _D, _C)

#: The roles that read case content; a supervisor holding one of them could assign
#: themselves any case, so the pair is refused unless the deployment opts in.
CONTENT_ROLES = frozenset({_I, *_caseworkers})

#: The specialist role an assignment for each specialism is in.
ROLE_FOR_SPECIALISM: Mapping[Specialism, Role] = {
    Specialism.LEGAL: _L,
    Specialism.DIGITAL_SECURITY: _D,
    Specialism.COUNSELLING: _C,
}

#: The whole policy: (role, action) -> condition. Anything not listed is denied.
GRANTS: Mapping[tuple[Role, Action], Condition] = {
    # Intake: first contact and triage of cases waiting in the intake queue.
    **{(_I, a): Condition.INTAKE for a in (
        Action.CASE_LIST, Action.CASE_VIEW, Action.CASE_READ_MESSAGES, Action.CASE_TRIAGE,
        Action.CASE_LEGAL_OPTIONS,
        Action.CASE_ASSIGN, Action.CASE_CHANGE_STATUS, Action.CASE_CLOSE, Action.CONTACT_RECORD,
        Action.NOTE_READ, Action.NOTE_WRITE, Action.REPLY_SEND, Action.TASK_MANAGE,
    )},
    (_I, Action.CASE_OPEN): Condition.ANY,
    # Lawyers, digital-security experts and counsellors: the cases assigned to them.
    **{(role, a): Condition.ASSIGNED for role in _caseworkers for a in (
        Action.CASE_LIST, Action.CASE_VIEW, Action.CASE_READ_MESSAGES, Action.CASE_TRIAGE,
        Action.CASE_LEGAL_OPTIONS,
        Action.CASE_CHANGE_STATUS, Action.CASE_CLOSE, Action.CONTACT_RECORD, Action.NOTE_READ,
        Action.NOTE_WRITE, Action.REPLY_SEND, Action.TASK_MANAGE, Action.REFERRAL_MANAGE,
    )},
    **{(role, Action.CASE_OPEN): Condition.ANY for role in _caseworkers},
    **{(role, Action.BREAK_GLASS): Condition.ANY for role in (_I, *_caseworkers)},
    (_L, Action.CASE_LEGAL_HOLD): Condition.ASSIGNED,
    # Supervisors: assignment and status of every case, not its content (task titles are
    # content, so tasks belong to the staff on the case).
    **{(_S, a): Condition.ANY for a in (
        Action.CASE_LIST, Action.CASE_VIEW, Action.CASE_TRIAGE, Action.CASE_ASSIGN,
        Action.CASE_CHANGE_STATUS, Action.CASE_CLOSE, Action.CASE_LEGAL_HOLD,
        Action.CASE_ERASE, Action.BREAK_GLASS_REVIEW,
    )},
    # Admins: accounts and configuration; no case content, not even case lists.
    (_A, Action.STAFF_MANAGE): Condition.ANY,
}  # fmt: skip

#: The note sections each role's work needs.
SECTIONS: Mapping[Role, frozenset[NoteSection]] = {
    _I: frozenset({NoteSection.GENERAL}),
    _L: frozenset({NoteSection.GENERAL, NoteSection.LEGAL}),
    _D: frozenset({NoteSection.GENERAL, NoteSection.DIGITAL_SECURITY}),
    _C: frozenset({NoteSection.GENERAL, NoteSection.COUNSELLING}),
    _S: frozenset(),
    _A: frozenset(),
}

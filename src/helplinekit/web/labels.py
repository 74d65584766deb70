"""Labels for the console's fixed vocabularies, marked for translation.

They are registered once as globals of the web templates (see
:func:`helplinekit.web.http.jinja_environment`): a template writes ``_(STATUS[case.status])``
and the label is translated into the reader's language where it is shown.
"""

from __future__ import annotations

from helplinekit.domain import (
    AtRiskIdentity,
    CaseStatus,
    ContactKind,
    NoteSection,
    PerpetratorRelation,
    ReferralStatus,
    RiskLevel,
    Role,
    Specialism,
    TaskKind,
)
from helplinekit.i18n import N_

__all__ = ["TEMPLATE_LABELS"]

STATUS_LABELS = {
    CaseStatus.NEW: N_("New"),
    CaseStatus.TRIAGED: N_("Triaged"),
    CaseStatus.IN_PROGRESS: N_("In progress"),
    CaseStatus.WAITING_ON_CALLER: N_("Waiting on the survivor"),
    CaseStatus.REFERRED: N_("Referred"),
    CaseStatus.RESOLVED: N_("Resolved"),
    CaseStatus.CLOSED: N_("Closed"),
    CaseStatus.ERASED: N_("Erased"),
}
RISK_LABELS = {
    RiskLevel.UNKNOWN: N_("Risk not assessed"),
    RiskLevel.LOW: N_("Low risk"),
    RiskLevel.MEDIUM: N_("Medium risk"),
    RiskLevel.HIGH: N_("High risk"),
}
SPECIALISM_LABELS = {
    Specialism.LEGAL: N_("Legal"),
    Specialism.DIGITAL_SECURITY: N_("Digital security"),
    Specialism.COUNSELLING: N_("Counselling"),
}
SECTION_LABELS = {
    NoteSection.GENERAL: N_("General"),
    NoteSection.LEGAL: N_("Legal"),
    NoteSection.DIGITAL_SECURITY: N_("Digital security"),
    NoteSection.COUNSELLING: N_("Counselling"),
}
CONTACT_LABELS = {
    ContactKind.MESSAGE_THREAD: N_("Messages"),
    ContactKind.CALL: N_("Phone call"),
    ContactKind.WALK_IN: N_("Walk-in"),
    ContactKind.WEB_FORM: N_("Web form"),
    ContactKind.EMAIL_THREAD: N_("Email"),
}
REFERRAL_LABELS = {
    ReferralStatus.PROPOSED: N_("Proposed"),
    ReferralStatus.SENT: N_("Sent"),
    ReferralStatus.ACCEPTED: N_("Accepted"),
    ReferralStatus.DECLINED: N_("Declined"),
    ReferralStatus.COMPLETED: N_("Completed"),
    ReferralStatus.WITHDRAWN: N_("Withdrawn"),
}
DELIVERY_LABELS = {
    "queued": N_("queued"),
    "held": N_("held: not sent to an unsafe contact"),
    "sent": N_("sent"),
    "failed": N_("not sent"),
}
TASK_LABELS = {
    TaskKind.FOLLOW_UP: N_("Follow-up"),
    TaskKind.CALLBACK: N_("Call back"),
    TaskKind.OTHER: N_("Other"),
}
RELATION_LABELS = {
    PerpetratorRelation.KNOWN: N_("Someone they know"),
    PerpetratorRelation.PARTNER_EX: N_("A partner or former partner"),
    PerpetratorRelation.UNKNOWN: N_("Someone unknown"),
    PerpetratorRelation.GROUP: N_("A group"),
}
IDENTITY_LABELS = {
    AtRiskIdentity.JOURNALIST: N_("Journalist"),
    AtRiskIdentity.HUMAN_RIGHTS_DEFENDER: N_("Human rights defender"),
    AtRiskIdentity.TRANS: N_("Trans person"),
    AtRiskIdentity.MINORITY: N_("Religious or ethnic minority"),
}
ROLE_LABELS = {
    Role.INTAKE: N_("Intake"),
    Role.LAWYER: N_("Lawyer"),
    Role.DIGITAL_SECURITY: N_("Digital-security expert"),
    Role.COUNSELLOR: N_("Counsellor"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.ADMIN: N_("Administrator"),
}


#: The names the templates know the label dictionaries by.
TEMPLATE_LABELS = {
    "STATUS": STATUS_LABELS,
    "RISK": RISK_LABELS,
    "SPECIALISM": SPECIALISM_LABELS,
    "SECTION": SECTION_LABELS,
    "CONTACT": CONTACT_LABELS,
    "REFERRAL": REFERRAL_LABELS,
    "TASK": TASK_LABELS,
    "DELIVERY": DELIVERY_LABELS,
    "ROLE": ROLE_LABELS,
    "RELATION": RELATION_LABELS,
    "IDENTITY": IDENTITY_LABELS,
}

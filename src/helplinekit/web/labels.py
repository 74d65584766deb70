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
    Gender,
    NoteSection,
    PerpetratorRelation,
    ReferralStatus,
    RiskLevel,
    Role,
    Specialism,
    TaskKind,
    VictimAgeBand,
    VictimRelation,
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
# Translators: who the victim is to the person who contacted the helpline ("the caller").
VICTIM_LABELS = {
    VictimRelation.SELF: N_("The caller themselves"),
    VictimRelation.CHILD: N_("The caller's child"),
    VictimRelation.SIBLING: N_("The caller's brother or sister"),
    VictimRelation.PARENT: N_("The caller's parent"),
    VictimRelation.PARTNER: N_("The caller's partner or spouse"),
    VictimRelation.OTHER_RELATIVE: N_("Another relative of the caller"),
    VictimRelation.FRIEND: N_("The caller's friend"),
    VictimRelation.CLIENT: N_("Someone the caller helps (client, student, beneficiary)"),
    VictimRelation.OTHER: N_("Someone else"),
}
# Translators: a person's gender, as a fact of the case (the victim's or the offender's).
GENDER_LABELS = {
    Gender.WOMAN: N_("Woman or girl"),
    Gender.MAN: N_("Man or boy"),
    Gender.NON_BINARY: N_("Non-binary"),
    Gender.OTHER: N_("Another gender"),
    Gender.UNDISCLOSED: N_("Not disclosed"),
}
AGE_BAND_LABELS = {
    VictimAgeBand.UNDER_12: N_("Under 12"),
    VictimAgeBand.AGE_12_13: N_("12 or 13"),
    VictimAgeBand.AGE_14_15: N_("14 or 15"),
    VictimAgeBand.AGE_16_17: N_("16 or 17"),
    VictimAgeBand.ADULT: N_("18 or older"),
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
    "VICTIM": VICTIM_LABELS,
    "GENDER": GENDER_LABELS,
    "AGE_BAND": AGE_BAND_LABELS,
}

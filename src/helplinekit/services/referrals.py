"""Referrals to partners: proposed with the survivor's consent, then followed to an outcome.

A referral shares only the note sections chosen, and only sections the actor may read
themselves. Its lifecycle (proposed → sent → accepted / declined → completed, or
withdrawn) is the domain's; sending one moves a case in progress to "referred".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import attrs

from helplinekit.domain import CaseStatus, DomainError, NoteSection, Referral, ReferralStatus
from helplinekit.i18n import N_
from helplinekit.security.policy import AccessDenied, Action, Actor
from helplinekit.services.actions import service_action
from helplinekit.services.audit_trail import audit_refusal
from helplinekit.services.case_access import (
    CaseRef,
    case_change,
    case_of_referral,
    readable_sections,
)
from helplinekit.services.contacts import updated_consent
from helplinekit.services.context import ServiceContext

__all__ = ["propose_referral", "update_referral"]


@service_action(Action.REFERRAL_MANAGE)
def propose_referral(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: CaseRef,
    partner_key: str,
    *,
    shared_sections: Iterable[NoteSection],
    summary: str,
    consent_given_now: bool = False,
) -> Referral:
    """Propose a referral; the caller's recorded consent to referral is required.

    ``consent_given_now``: the survivor has just agreed (asked by the actor); their consent
    is recorded in the same transaction, only if the referral itself is allowed and valid.
    The partner may be given only note sections the actor may read.
    """
    if partner_key not in ctx.registries.partners:
        known = ", ".join(sorted(ctx.registries.partners.names())) or "none"
        raise DomainError.translatable(
            N_("There is no referral partner %(partner)s (known: %(known)s)."),
            partner=repr(partner_key),
            known=known,
        )
    sections = frozenset(shared_sections)
    now = ctx.clock()
    with case_change(ctx, actor, case_ref) as change:
        case = change.case
        unreadable = sections - readable_sections(ctx, actor, case)
        if unreadable:
            names = sorted(section.value for section in unreadable)
            audit_refusal(
                ctx,
                change.uow,
                actor,
                "case",
                case.id,
                attempted=Action.REFERRAL_MANAGE.value,
                sections=names,
            )
            raise AccessDenied(
                Action.REFERRAL_MANAGE,
                actor,
                "sharing note sections they may not read: " + ", ".join(names),
            )
        consent = case.consent
        if consent_given_now and not consent.referral:
            consent = updated_consent(consent, actor, now, referral=True)
        referral = Referral(
            case_id=case.id,
            partner_key=partner_key,
            consent=consent,
            shared_sections=sections,
            summary=summary,
            created_at=now,
            updated_at=now,
        )
        if consent is not case.consent:
            change.after = attrs.evolve(case, consent=consent)
            change.audit("consent.record", referral=True)
        change.uow.referrals.save(referral)
        change.audit(
            "referral.propose",
            partner=partner_key,
            sections=[x.value for x in referral.shared_sections],
        )
    return referral


@service_action(Action.REFERRAL_MANAGE)
def update_referral(
    ctx: ServiceContext,
    actor: Actor,
    referral_id: uuid.UUID,
    to: ReferralStatus,
    *,
    outcome: str | None = None,
) -> Referral:
    """Move a referral along its lifecycle, with the partner's outcome when it ends."""
    # The summary and outcome are decrypted only once the access check has passed.
    with case_change(ctx, actor, case_of_referral(referral_id)) as change:
        case = change.case
        referral = change.uow.referrals.get(referral_id).transition(
            to, at=ctx.clock(), outcome=outcome
        )
        change.uow.referrals.save(referral)
        if to is ReferralStatus.SENT and case.status in (
            CaseStatus.TRIAGED,
            CaseStatus.IN_PROGRESS,
        ):
            change.after = case.transition(CaseStatus.REFERRED, at=ctx.clock())
        change.audit("referral.update", status=to.value)
    return referral

"""A case: logging a call from someone new, and the case page.

The case page asks :class:`~helplinekit.services.case_page.CasePage` what the staff member
may see and do, and shows only that; the forms on it are in
:mod:`helplinekit.web.console.case_forms`.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from helplinekit.domain import (
    REFERRAL_TRANSITIONS,
    AtRiskIdentity,
    CaseStatus,
    ContactKind,
    Direction,
    Gender,
    NoteSection,
    PerpetratorRelation,
    ReferralStatus,
    RiskLevel,
    Specialism,
    TaskKind,
    VictimAgeBand,
    VictimRelation,
    errors,
)
from helplinekit.i18n import N_
from helplinekit.security.policy import AccessDenied, Action
from helplinekit.services import case_page, casework, sessions
from helplinekit.services.sessions import StaffSession
from helplinekit.web import forms
from helplinekit.web.console.deps import CheckedForm, Refusal, Staff, back_to, staff_page
from helplinekit.web.console.triage_form import TriageFields, recorded_triage
from helplinekit.web.forms import BadInput
from helplinekit.web.pages import path_for
from helplinekit.web.site import Site, SiteDep

__all__ = ["ACCESS_DENIED", "case_page_response", "local_today", "router"]

ACCESS_DENIED = N_("You do not have access to do this.")

router = APIRouter(prefix="/cases")


@router.get("/new")
def new_case_form(request: Request, site: SiteDep, session: Staff) -> Response:
    if not site.ctx.policy.allows(session.actor, Action.CASE_OPEN):
        raise Refusal(403, ACCESS_DENIED)
    return staff_page(request, "new_case.html", session, helpline_languages=site.language_choices())


@router.post("/new", dependencies=[back_to("new_case_form")])
def new_case(request: Request, site: SiteDep, session: Staff, form: CheckedForm) -> Response:
    kind = forms.choice(form, "kind", ContactKind)
    if kind not in (ContactKind.CALL, ContactKind.WALK_IN):
        raise BadInput(N_("Log a phone call or a walk-in here."))
    summary = forms.text(form, "summary")
    number = form.one("phone").strip()
    contact_point = forms.phone_urn(number, site.country) if number else None
    case_language = form.one("language") or site.default_language
    if case_language not in site.enabled_languages:
        raise BadInput(
            N_("%(language)s is not one of this helpline's languages."),
            language=repr(case_language),
        )
    case = casework.open_case_from_contact(
        site.ctx,
        session.actor,
        summary=summary,
        kind=kind,
        contact_point=contact_point,
        safe_contact=forms.flag(form, "safe_contact"),
        consent_services=forms.flag(form, "consent_services"),
        consent_referral=forms.flag(form, "consent_referral"),
        consent_statistics=forms.flag(form, "consent_statistics"),
        language=case_language,
    )
    return RedirectResponse(path_for(request, "case_view", ref=case.reference), status_code=303)


@router.get("/{ref}")
def case_view(request: Request, site: SiteDep, session: Staff, ref: str) -> Response:
    return case_page_response(request, site, session, ref)


def case_page_response(
    request: Request,
    site: Site,
    session: StaffSession,
    ref: str,
    *,
    status: int = 200,
    triage_error: str | None = None,
    triage: TriageFields | None = None,
) -> Response:
    """The case page; after a refused triage, with ``triage_error`` (already translated) and
    the triage form holding what was typed (``triage``) instead of what is recorded."""
    ctx = site.ctx
    try:
        page = case_page.open_case_page(ctx, session.actor, ref)
    except (AccessDenied, errors.AccessDenied):
        # Not the generic refusal: this page offers to break the glass, where allowed.
        may_break = ctx.policy.allows(session.actor, Action.BREAK_GLASS)
        return staff_page(request, "denied.html", session, 403, ref=ref, may_break=may_break)
    partners = [ctx.registries.partners.get(key) for key in sorted(ctx.registries.partners.names())]
    return staff_page(
        request,
        "case.html",
        session,
        status,
        page=page,
        case=page.case,
        names=sessions.staff_names(ctx),
        taxonomy=list(ctx.registries.build_taxonomy()),
        partners=partners,
        partner_names={p.key: p.name for p in partners},
        statuses=list(CaseStatus),
        risks=list(RiskLevel),
        specialisms=list(Specialism),
        sections=list(NoteSection),
        task_kinds=list(TaskKind),
        relations=list(PerpetratorRelation),
        identities=list(AtRiskIdentity),
        victim_relations=list(VictimRelation),
        genders=list(Gender),
        age_bands=list(VictimAgeBand),
        triage=triage if triage is not None else recorded_triage(page.case),
        triage_error=triage_error,
        referral_moves=_referral_moves(),
        Direction=Direction,
        Action=Action,
        today=ctx.clock().date().isoformat(),
        local_today=local_today(site).isoformat(),
    )


def local_today(site: Site) -> date:
    """Today where the helpline is (an incident date after it is refused)."""
    return site.ctx.clock().astimezone(site.local_time).date()


def _referral_moves() -> dict[ReferralStatus, tuple[ReferralStatus, ...]]:
    """Where each referral status may move, in the order the menu shows them."""
    return {
        status: tuple(s for s in ReferralStatus if s in moves)
        for status, moves in REFERRAL_TRANSITIONS.items()
    }

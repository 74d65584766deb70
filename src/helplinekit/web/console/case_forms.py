"""The forms on the case page: each changes one thing through a service, then goes back.

Every route here takes :data:`~helplinekit.web.console.deps.CheckedForm`, and a refusal
(access denied, no such case, a rule of the domain) is answered by the app's error
handlers, with "Go back" leading to the case page. Forms post back and redirect
(post/redirect/get), so reloading the page never repeats an action.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from helplinekit.domain import (
    CaseStatus,
    ContactKind,
    NoteSection,
    ReferralStatus,
    RiskLevel,
    Specialism,
    TaskKind,
)
from helplinekit.i18n import N_
from helplinekit.services import casework
from helplinekit.web import forms
from helplinekit.web.console.cases import case_page_response, local_today
from helplinekit.web.console.deps import CheckedForm, Staff, back_to_the_case, language_of
from helplinekit.web.console.triage_form import typed_triage
from helplinekit.web.forms import BadInput
from helplinekit.web.pages import path_for
from helplinekit.web.site import SiteDep
from helplinekit.web.text import explain

__all__ = ["router"]

router = APIRouter(prefix="/cases/{ref}", dependencies=[Depends(back_to_the_case)])


def back_to_case(request: Request, ref: str) -> Response:
    """The answer to a form that did what it said: the case page again."""
    return RedirectResponse(path_for(request, "case_view", ref=ref), status_code=303)


@router.post("/call")
def case_call(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    kind = forms.choice(form, "kind", ContactKind)
    if kind not in (ContactKind.CALL, ContactKind.WALK_IN):
        raise BadInput(N_("Log a phone call or a walk-in here."))
    casework.record_contact(
        site.ctx,
        session.actor,
        ref,
        summary=forms.text(form, "summary"),
        kind=kind,
        consent_services=True if forms.flag(form, "consent_services") else None,
        consent_referral=True if forms.flag(form, "consent_referral") else None,
        consent_statistics=True if forms.flag(form, "consent_statistics") else None,
    )
    return back_to_case(request, ref)


@router.post("/consent")
def case_consent(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    # A box left unticked changes nothing: this form records consent given.
    casework.record_consent(
        site.ctx,
        session.actor,
        ref,
        services=True if forms.flag(form, "consent_services") else None,
        referral=True if forms.flag(form, "consent_referral") else None,
        statistics=True if forms.flag(form, "consent_statistics") else None,
    )
    return back_to_case(request, ref)


@router.post("/safe-contacts/confirm")
def case_safe_contacts_confirm(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    urn = forms.text(form, "urn", limit=400)
    casework.confirm_safe_contact(site.ctx, session.actor, ref, urn)
    return back_to_case(request, ref)


@router.post("/notes")
def case_notes(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    section = forms.choice(form, "section", NoteSection)
    casework.add_note(site.ctx, session.actor, ref, section, forms.text(form, "body"))
    return back_to_case(request, ref)


@router.post("/reply")
def case_reply(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    casework.queue_reply(site.ctx, session.actor, ref, forms.text(form, "body", limit=4000))
    return back_to_case(request, ref)


@router.post("/triage")
def case_triage(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    try:
        categories = [code for code in form.all("category") if code]
        specialisms = [
            forms.one_of(Specialism, value, "specialism") for value in form.all("specialism")
        ]
        attributes = (
            forms.attributes(form, today=local_today(site))
            if forms.flag(form, "with_attributes")
            else None
        )
        risk_level = forms.choice(form, "risk", RiskLevel)
    except BadInput as error:
        # The case page again, with the message and the form as it was typed: nothing is
        # stored, and nothing the staff member chose is lost.
        language = language_of(request, session)
        return case_page_response(
            request,
            site,
            session,
            ref,
            status=400,
            triage_error=explain(error, language.translations),
            triage=typed_triage(form),
        )
    casework.triage_case(
        site.ctx,
        session.actor,
        ref,
        categories=categories,
        attributes=attributes,
        risk_level=risk_level,
        specialisms_needed=specialisms,
    )
    return back_to_case(request, ref)


@router.post("/assign")
def case_assign(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    staff_id = forms.choice(form, "staff_id", uuid.UUID)
    specialism = forms.choice(form, "specialism", Specialism, required=False)
    casework.assign(site.ctx, session.actor, ref, staff_id, specialism)
    return back_to_case(request, ref)


@router.post("/status")
def case_status(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    to = forms.choice(form, "status", CaseStatus)
    casework.change_status(site.ctx, session.actor, ref, to)
    return back_to_case(request, ref)


@router.post("/tasks")
def case_tasks(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    due = forms.choice(form, "due", lambda value: datetime.fromisoformat(value).date())
    casework.create_task(
        site.ctx,
        session.actor,
        ref,
        title=forms.text(form, "title", limit=500),
        # The end of the working day where the helpline is.
        due_at=datetime.combine(due, time(17, 0), tzinfo=site.local_time),
        kind=forms.choice(form, "kind", TaskKind),
    )
    return back_to_case(request, ref)


@router.post("/tasks/{task_id}/done")
def task_done(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str, task_id: str
) -> Response:
    casework.complete_task(site.ctx, session.actor, forms.parse_uuid(task_id, "task"))
    return back_to_case(request, ref)


@router.post("/legal-hold")
def case_legal_hold(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    casework.set_legal_hold(site.ctx, session.actor, ref, forms.flag(form, "hold"))
    return back_to_case(request, ref)


@router.post("/referrals")
def case_referrals(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    sections = [forms.one_of(NoteSection, value, "share") for value in form.all("share")]
    casework.propose_referral(
        site.ctx,
        session.actor,
        ref,
        forms.text(form, "partner"),
        shared_sections=sections,
        summary=forms.text(form, "summary"),
        # The survivor said yes just now: recorded with the referral, or not at all.
        consent_given_now=forms.flag(form, "consent_referral"),
    )
    return back_to_case(request, ref)


@router.post("/referrals/{referral_id}")
def referral_update(
    request: Request,
    site: SiteDep,
    session: Staff,
    form: CheckedForm,
    ref: str,
    referral_id: str,
) -> Response:
    casework.update_referral(
        site.ctx,
        session.actor,
        forms.parse_uuid(referral_id, "referral"),
        forms.choice(form, "status", ReferralStatus),
        outcome=form.one("outcome").strip() or None,
    )
    return back_to_case(request, ref)

"""Break-the-glass review: supervisors see who opened a case they were not on, and why."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from helplinekit.services import sessions
from helplinekit.services.break_glass import (
    break_glass,
    list_break_glass,
    review_break_glass,
    reviewers,
)
from helplinekit.web import forms
from helplinekit.web.console.deps import (
    CheckedForm,
    Staff,
    back_to,
    back_to_the_case,
    staff_page,
)
from helplinekit.web.pages import path_for
from helplinekit.web.site import SiteDep

__all__ = ["case_router", "router"]

router = APIRouter(prefix="/break-glass", dependencies=[back_to("glass_review")])


@router.get("")
def glass_review(request: Request, site: SiteDep, session: Staff) -> Response:
    grants = list_break_glass(site.ctx, session.actor)
    return staff_page(
        request,
        "break_glass.html",
        session,
        grants=grants,
        names=sessions.staff_names(site.ctx),
        lone_reviewer=reviewers(site.ctx) < 2,
    )


@router.post("/{grant_id}/reviewed")
def glass_reviewed(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, grant_id: str
) -> Response:
    review_break_glass(site.ctx, session.actor, forms.parse_uuid(grant_id, "grant"))
    return RedirectResponse(path_for(request, "glass_review"), status_code=303)


#: Breaking the glass is asked for from the case page it opens.
case_router = APIRouter(prefix="/cases/{ref}", dependencies=[Depends(back_to_the_case)])


@case_router.post("/break-glass")
def case_break_glass(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, ref: str
) -> Response:
    minutes = forms.choice(form, "minutes", int)
    reason = forms.text(form, "reason", limit=2000)
    break_glass(site.ctx, session.actor, ref, reason, minutes=minutes)
    return RedirectResponse(path_for(request, "case_view", ref=ref), status_code=303)

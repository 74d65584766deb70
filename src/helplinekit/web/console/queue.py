"""The console's home and the case queues (mine and the team's), filtered and paged."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from helplinekit.domain import CaseStatus, DomainError, RiskLevel, Specialism
from helplinekit.i18n import N_
from helplinekit.security.policy import Action
from helplinekit.services import casework, check_guard, sessions
from helplinekit.services.auth import accounts_under_attack
from helplinekit.services.casework import CaseFilters
from helplinekit.web.console.deps import Refusal, Staff, staff_page
from helplinekit.web.forms import BadInput
from helplinekit.web.pages import path_for
from helplinekit.web.site import SiteDep

__all__ = ["OPEN_STATUSES", "PAGE_SIZE", "router"]

PAGE_SIZE = 50
#: What a queue shows when no status is chosen.
OPEN_STATUSES = frozenset(CaseStatus) - {CaseStatus.CLOSED, CaseStatus.ERASED}

router = APIRouter()


@router.get("/")
def home(request: Request, site: SiteDep, session: Staff) -> Response:
    may_list = not site.ctx.policy.scope(session.actor, Action.CASE_LIST).is_empty
    target = path_for(request, "queue" if may_list else "account")
    return RedirectResponse(target, status_code=303)


@router.get("/queue")
def queue(request: Request, site: SiteDep, session: Staff) -> Response:
    ctx, actor = site.ctx, session.actor
    if ctx.policy.scope(actor, Action.CASE_LIST).is_empty:
        raise Refusal(403, N_("Your role does not give access to cases."))
    params = request.query_params
    view = params.get("view", "mine")
    try:
        if view not in ("mine", "team"):
            raise BadInput(N_("%(view)s is not a queue; use 'mine' or 'team'."), view=repr(view))
        # Without a status chosen, a queue holds the cases still open: work to do.
        statuses = frozenset(CaseStatus(s) for s in params.getlist("status") if s) or (
            OPEN_STATUSES
        )
        risks = frozenset(RiskLevel(r) for r in params.getlist("risk") if r)
        specialism = Specialism(params["specialism"]) if params.get("specialism") else None
        language_filter = params.get("language") or None
        if language_filter is not None and language_filter not in site.enabled_languages:
            raise BadInput(
                N_("%(language)s is not one of this helpline's languages."),
                language=repr(language_filter),
            )
        page_number = int(params.get("page", "1"))
        if not 1 <= page_number <= 100_000:
            raise ValueError
    except (ValueError, DomainError) as error:
        message = str(error) if isinstance(error, BadInput) else None
        raise Refusal(
            400,
            message or N_("A filter has a value the queue does not recognise."),
            back=path_for(request, "queue"),
        ) from None
    filters = CaseFilters(
        statuses=statuses,
        risk_levels=risks,
        specialism=specialism,
        language=language_filter,
        assigned_to=actor.id if view == "mine" else None,
    )
    page = casework.list_cases(
        ctx,
        actor,
        filters,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
        with_attributes=False,  # the queue does not show them: nothing to decrypt
    )
    query = [(k, v) for k, v in params.multi_items() if k != "page"]
    return staff_page(
        request,
        "queue.html",
        session,
        guessing=check_guard.guessing_alerts(ctx, actor),  # supervisors only
        view=view,
        page=page,
        page_number=page_number,
        pages=max(1, -(-page.total // PAGE_SIZE)),
        names=sessions.staff_names(ctx),
        filters={
            "status": {s.value for s in statuses},
            "risk": {r.value for r in risks},
            "specialism": specialism.value if specialism else "",
            "language": language_filter or "",
        },
        statuses=list(CaseStatus),
        risks=list(RiskLevel),
        specialisms=list(Specialism),
        helpline_languages=site.language_choices(),
        query_without_page=urlencode(query),
        signin_alerts=accounts_under_attack(ctx, actor),
    )

"""The staff member's own account: the console language and the known devices."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from helplinekit.services import devices, sessions
from helplinekit.web import forms
from helplinekit.web.console.deps import CheckedForm, Staff, back_to, staff_page
from helplinekit.web.pages import path_for
from helplinekit.web.site import SiteDep

__all__ = ["router"]

router = APIRouter(prefix="/account", dependencies=[back_to("account")])


@router.get("")
def account(request: Request, site: SiteDep, session: Staff) -> Response:
    return staff_page(
        request,
        "account.html",
        session,
        current_language=session.ui_language or "",
        devices=devices.list_devices(site.ctx, session.actor),
    )


@router.post("/language")
def account_language(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm
) -> Response:
    sessions.set_ui_language(site.ctx, session.actor, form.one("language") or None)
    return RedirectResponse(path_for(request, "account"), status_code=303)


@router.post("/devices/{device_id}/revoke")
def account_device_revoke(
    request: Request, site: SiteDep, session: Staff, form: CheckedForm, device_id: str
) -> Response:
    devices.revoke_device(site.ctx, session.actor, forms.parse_uuid(device_id, "device"))
    return RedirectResponse(path_for(request, "account"), status_code=303)

"""The public pages: the intake form, "check my case" and the quick exit.

Bodies over :data:`MAX_BODY_BYTES` are refused before they are parsed; submissions are rate
limited per client (its IPv4 address or IPv6 /64) in the database, and "check my case" is
guarded against guessing by a backoff per code and client and a daily cap that cannot lock
the survivor out (see services/survivor_access.py and services/check_guard.py). The form's
own anti-forgery scheme is the channel's: a signed, short-lived token in the form and a
honeypot field, both checked by ``channel.verify``. Nothing is stored from a request that
fails a check (every bad input gets a 4xx page, never a 5xx), and the answer to a submission
is the same whether or not its sender is already known: the form always opens a new contact.
The survivor's case code is stored in the same transaction as their message. The form and
the "sent" page show the configured jurisdiction's emergency numbers ([C] and [S] only), each
service named in the reader's language.

The endpoints are plain functions, so hashing and the database run in the thread pool;
only the body is read on the event loop, by :func:`posted_body`.
"""

from __future__ import annotations

import gettext
import math
import secrets
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup, escape
from starlette.responses import Response

from helplinekit.contracts.channel import ChannelError, InboundRequest, VerificationFailed
from helplinekit.domain.errors import Conflict
from helplinekit.i18n import N_
from helplinekit.services import survivor_access as access
from helplinekit.services.password_rules import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PasswordRejected,
    hash_password,
    normalise_password,
)
from helplinekit.services.survivor_access import (
    MalformedCaseCode,
    hit_rate_limit,
    normalise_case_code,
    passphrase_is_weak,
    receive_with_access,
)
from helplinekit.web.forms import form_fields, safe_contact_problem
from helplinekit.web.http import FORM_CONTENT_TYPE, content_type, read_body
from helplinekit.web.pages import render
from helplinekit.web.site import FORM_CHANNEL, Site, SiteDep
from helplinekit.web.text import explain

if TYPE_CHECKING:
    from helplinekit.contracts.language import LanguagePack

__all__ = ["EXIT_COOKIE", "MAX_BODY_BYTES", "posted_body", "router"]

MAX_BODY_BYTES = 64 * 1024
#: What the form shows again after an error, besides the message (never the passphrase).
KEPT_FIELDS = ("consent_services", "consent_statistics", "safe_contact")
#: Set by the no-JavaScript quick exit only to evict the form from the back/forward cache.
EXIT_COOKIE = "__Host-hk_exit"

router = APIRouter()


async def posted_body(request: Request) -> bytes:
    """The posted body, refused (BodyTooLarge, a 413) over :data:`MAX_BODY_BYTES` unparsed."""
    return await read_body(request, MAX_BODY_BYTES)


PostedBody = Annotated[bytes, Depends(posted_body)]


#: One emergency number in the notice: who answers, then what to dial.
# Translators: one emergency number on the public form, e.g. "Police: 15"; the number is kept
# left to right inside the sentence.
EMERGENCY_ENTRY = N_("%(service)s: %(number)s")
# Translators: what separates two emergency numbers, e.g. "Police: 15; Rescue …: 1122".
EMERGENCY_SEPARATOR = N_("; ")


def emergency_numbers(site: Site, translations: gettext.NullTranslations) -> Markup:
    """The jurisdiction's emergency numbers, ``Police: 15; Rescue …: 1122``, in the reader's
    language; empty for none.

    Only numbers whose fact is [C] or [S] are shown: a wrong emergency number is worse than
    none, so an uncertain one stays off the public pages. Each entry is isolated (``<bdi>``)
    so it reads whole inside the sentence, and its number is isolated left to right, so a
    right-to-left page reads the service and then the number, digits in order.
    """
    jurisdictions = site.ctx.registries.jurisdictions
    key = site.ctx.config.jurisdiction
    if key not in jurisdictions:
        return Markup("")
    entry_text = escape(translations.gettext(EMERGENCY_ENTRY))
    entries = [
        Markup("<bdi>{}</bdi>").format(
            entry_text
            % {
                "service": translations.gettext(entry.service),
                "number": Markup('<bdi dir="ltr">{}</bdi>').format(entry.number),
            }
        )
        for entry in jurisdictions.get(key).emergency_numbers
        if entry.shown_publicly
    ]
    return escape(translations.gettext(EMERGENCY_SEPARATOR)).join(entries)


def _emergency(site: Site, language: LanguagePack) -> Markup | None:
    numbers = emergency_numbers(site, language.translations)
    if not numbers:
        return None
    # The survivor message is text; escaped, it carries the numbers' markup unescaped.
    return escape(language.messages["notice.emergency"]).format(emergency_numbers=numbers)


def _form_page(
    request: Request,
    site: Site,
    language: LanguagePack,
    *,
    status: int = 200,
    error: str | None = None,
    message: str = "",
    contact_error: str | None = None,
    kept: dict[str, str] | None = None,
) -> HTMLResponse:
    # ``kept``: what the survivor typed and ticked, shown again with the error so that
    # nothing they wrote is lost (never the passphrase).
    return render(
        request,
        "form.html",
        language,
        status,
        token=site.form_channel.issue_token(),
        privacy=language.message("notice.privacy"),
        emergency=_emergency(site, language),
        min_passphrase=MIN_PASSWORD_LENGTH,
        max_passphrase=MAX_PASSWORD_LENGTH,
        error=error,
        message=message,
        contact_error=contact_error,
        kept=kept or {},
    )


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/exit")
def quick_exit(site: SiteDep) -> Response:
    """The quick exit without JavaScript: leave for the exit address.

    Chromium keeps even ``no-store`` pages in its back/forward cache, so Back after a
    plain link would show the form as it was left, message and all. A cookie that
    changes evicts those pages; this one holds nothing and expires in seconds.
    """
    response = RedirectResponse(site.settings.exit_url, status_code=303)
    response.set_cookie(
        EXIT_COOKIE,
        secrets.token_hex(8),
        max_age=5,
        secure=True,
        httponly=True,
        samesite="strict",
        path="/",
    )
    return response


@router.get("/form", response_class=HTMLResponse)
def show_form(request: Request, site: SiteDep, lang: str | None = None) -> Response:
    return _form_page(request, site, site.pack(lang))


def _over_rate_limit(request: Request, site: Site, page: str) -> bool:
    """Count this submission to ``page`` for its client; True when over ``[web] rate_limit``."""
    settings = site.settings
    return hit_rate_limit(
        site.ctx,
        page,
        _client_address(request),
        limit=settings.rate_limit,
        window=settings.rate_window,
    )


@router.post("/form", response_class=HTMLResponse)
def submit_form(request: Request, site: SiteDep, body: PostedBody) -> Response:
    ctx, channel = site.ctx, site.form_channel
    fields = form_fields(body)
    language = site.pack((fields or {}).get("language"))
    if _over_rate_limit(request, site, "form"):
        return render(request, "error.html", language, 429, error="rate")
    if fields is None or content_type(request) != FORM_CONTENT_TYPE:
        return render(request, "error.html", language, 400, error="invalid")
    passphrase = fields.pop("passphrase", "")
    message = fields.get("message", "")
    inbound = InboundRequest(
        method="POST",
        url=str(request.url),
        headers={"Content-Type": FORM_CONTENT_TYPE},
        body=urlencode(fields).encode(),
    )
    try:
        # The token, and the honeypot: a filled honeypot gets the same generic 403.
        channel.verify(inbound)
    except (VerificationFailed, ChannelError):
        return render(request, "error.html", language, 403, error="token")
    kept = {name: fields.get(name, "") for name in KEPT_FIELDS}

    def again(error: str, contact_error: str | None = None) -> HTMLResponse:
        return _form_page(
            request,
            site,
            language,
            status=400,
            error=error,
            message=message,
            contact_error=contact_error,
            kept=kept,
        )

    if not message.strip():
        return again("empty")
    length = len(normalise_password(passphrase))
    if length < MIN_PASSWORD_LENGTH:
        return again("passphrase")
    if length > MAX_PASSWORD_LENGTH:
        return again("passphrase_long")
    contact_error = safe_contact_problem(fields.get("safe_contact", ""), site.safe_schemes)
    if contact_error is not None:
        return again("contact", explain(contact_error, language.translations))
    # The code is drawn now so the passphrase can be checked against it too.
    code = access.new_case_code()
    if passphrase_is_weak(passphrase, helpline_name=site.helpline_name, case_code=code):
        return again("passphrase_weak")  # refused before anything is stored
    try:
        channel.parse(inbound)  # every check before the slow hash; stores nothing
    except ChannelError:
        return again("invalid")
    try:
        passphrase_hash = hash_password(passphrase)  # before the transaction opens
    except PasswordRejected:
        return again("passphrase")
    try:
        # The message and the survivor's access, in one transaction: both or neither.
        _, stored_code = receive_with_access(ctx, FORM_CHANNEL, inbound, passphrase_hash, code=code)
    except VerificationFailed:
        return render(request, "error.html", language, 403, error="token")
    except ChannelError:
        return again("invalid")
    except Conflict:
        # A clash on a unique row that survived every retry: nothing was stored.
        return render(request, "error.html", language, 409, error="unsaved")
    if stored_code is None:
        # The same form sent twice (a double click, a retry): stored once already.
        return render(request, "error.html", language, 409, error="duplicate")
    return render(
        request,
        "sent.html",
        language,
        ack=language.message("ack.web_form", case_code=stored_code),
        emergency=_emergency(site, language),
    )


@router.get("/check", response_class=HTMLResponse)
def show_check(request: Request, site: SiteDep, lang: str | None = None) -> Response:
    return render(request, "check.html", site.pack(lang))


@router.post("/check", response_class=HTMLResponse)
def check_case(request: Request, site: SiteDep, body: PostedBody) -> Response:
    ctx = site.ctx
    fields = form_fields(body)
    language = site.pack((fields or {}).get("language"))
    if _over_rate_limit(request, site, "check"):
        return render(request, "error.html", language, 429, error="rate")
    if fields is None or content_type(request) != FORM_CONTENT_TYPE:
        return render(request, "check.html", language, 400, error="invalid")
    passphrase = fields.get("passphrase", "")
    if not passphrase or len(normalise_password(passphrase)) > MAX_PASSWORD_LENGTH:
        # No passphrase could match: refused before any lookup.
        return render(request, "check.html", language, 400, error="invalid")
    try:
        code = normalise_case_code(fields.get("code", ""))
    except MalformedCaseCode:
        return render(request, "check.html", language, 400, error="code")
    # Guessing is held back per code and client (backoff) and per code (a daily cap that
    # refuses only the clients that guessed), known and unknown codes alike.
    checked = access.check_case(ctx, code, passphrase, _client_address(request))
    if checked.wait is not None:
        seconds = max(1, math.ceil(checked.wait.total_seconds()))
        response = render(
            request,
            "check.html",
            language,
            429,
            error="wait",
            wait_minutes=math.ceil(seconds / 60),
        )
        response.headers["Retry-After"] = str(seconds)
        return response
    if checked.closed_until is not None:
        response = render(request, "check.html", language, 429, error="closed")
        left = (checked.closed_until - ctx.clock()).total_seconds()
        response.headers["Retry-After"] = str(max(1, math.ceil(left)))
        return response
    if checked.replies is None:
        return render(request, "check.html", language, 403, error="nomatch")
    return render(request, "replies.html", language, replies=checked.replies)

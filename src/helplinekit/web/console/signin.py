"""Signing in and out: the sign-in page, first-sign-in enrolment, and signing out.

Sessions are ``__Host-`` cookies (Secure, HttpOnly, SameSite=Strict, path ``/``) holding a
random token whose hash is kept in the database; signing in always issues a new token.
Before sign-in the form's CSRF token is bound to a short-lived sign-in cookie, during
enrolment to the enrolling session. The endpoints are plain functions: Argon2id and the
database run in the thread pool, never on the event loop.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from hashlib import sha256
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from helplinekit.domain import DomainError
from helplinekit.i18n import N_
from helplinekit.services import devices, sessions
from helplinekit.services.auth import (
    AuthenticationFailed,
    EnrolmentCodeRejected,
    LoginThrottled,
    SignInClient,
    begin_first_sign_in,
    confirm_first_sign_in,
    first_sign_in_secret,
    sign_in,
)
from helplinekit.services.sessions import StaffSession
from helplinekit.web.console.deps import (
    DEVICE_COOKIE,
    FORM_EXPIRED,
    FORM_TOO_LARGE,
    SESSION_COOKIE,
    SESSION_ENDED,
    SIGN_IN_COOKIE,
    CheckedForm,
    PostedForm,
    Refusal,
    Staff,
    csrf_for,
    csrf_matches,
    staff_page,
)
from helplinekit.web.http import FormData
from helplinekit.web.pages import path_for
from helplinekit.web.site import SiteDep, site_of

if TYPE_CHECKING:
    from helplinekit.contracts.language import LanguagePack

__all__ = ["SignInFormExpired", "router", "sign_in_page"]

SIGN_IN_COOKIE_SECONDS = 15 * 60
DEVICE_COOKIE_SECONDS = int(devices.DEVICE_LIFETIME.total_seconds())

router = APIRouter()


class SignInFormExpired(Exception):
    """The sign-in form's token does not match its cookie: the page is shown afresh (403)."""

    def __init__(self, language: LanguagePack) -> None:
        super().__init__("the sign-in form expired")
        self.language = language


@dataclass(frozen=True)
class Enrolment:
    """An enrolling session with its checked form (see :func:`enrolment_form`)."""

    session: StaffSession
    token: str
    form: FormData
    language: LanguagePack


def sign_in_form(request: Request, site: SiteDep, posted: PostedForm) -> FormData:
    """The sign-in form, once its size and its token (bound to the sign-in cookie) are checked."""
    if posted.too_large:
        raise Refusal(
            413, FORM_TOO_LARGE, back=path_for(request, "login_form"), language=site.pack(None)
        )
    form = posted.form
    language = site.pack(form.one("language") if form else None)
    cookie = request.cookies.get(SIGN_IN_COOKIE, "")
    if form is None or not cookie or not csrf_matches(site, form, "sign-in|" + cookie):
        raise SignInFormExpired(language)
    return form


def enrolment_form(request: Request, site: SiteDep, posted: PostedForm) -> Enrolment:
    """The enrolling session and its form, once the form's size and token are checked."""
    form = posted.form
    language = site.pack(form.one("language") if form else None)
    back = path_for(request, "login_form")
    token = request.cookies.get(SESSION_COOKIE)
    session = sessions.resume_session(site.ctx, token, idle=site.settings.session_idle)
    if session is None or session.stage != sessions.ENROLLING or token is None:
        raise Refusal(403, SESSION_ENDED, back=back, language=language)
    if posted.too_large:
        raise Refusal(413, FORM_TOO_LARGE, back=back, language=language)
    if form is None or not csrf_matches(site, form, "enrol|" + session.token_hash):
        raise Refusal(403, FORM_EXPIRED, back=back, language=language)
    return Enrolment(session, token, form, language)


def sign_in_page(
    request: Request,
    language: LanguagePack,
    *,
    status: int = 200,
    error: str | None = None,
    email: str = "",
    target: str = "",
    translated_error: str | None = None,
) -> Response:
    """The sign-in page, with a fresh (or the same) sign-in cookie its form's token is bound to."""
    site = site_of(request)
    token = request.cookies.get(SIGN_IN_COOKIE) or uuid.uuid4().hex + uuid.uuid4().hex
    response = staff_page(
        request,
        "login.html",
        None,
        status,
        language=language,
        csrf=csrf_for(site, "sign-in|" + token),
        next=target if _is_console_path(target) else "",
        error=translated_error or (language.translations.gettext(error) if error else None),
        email=email,
    )
    response.set_cookie(
        SIGN_IN_COOKIE,
        token,
        max_age=SIGN_IN_COOKIE_SECONDS,
        secure=True,
        httponly=True,
        samesite="strict",
        path="/",
    )
    return response


@router.get("/login")
def login_form(request: Request, site: SiteDep) -> Response:
    return sign_in_page(
        request,
        site.pack(request.query_params.get("lang")),
        target=request.query_params.get("next", ""),
    )


@router.post("/login")
def login(
    request: Request, site: SiteDep, form: Annotated[FormData, Depends(sign_in_form)]
) -> Response:
    ctx = site.ctx
    language = site.pack(form.one("language"))
    email, password, code = form.one("email"), form.one("password"), form.one("code")
    client = SignInClient(
        address=request.client.host if request.client else "unknown",
        device_cookie=request.cookies.get(DEVICE_COOKIE),
        user_agent=request.headers.get("user-agent", ""),
    )
    device_cookie = None
    try:
        if code.strip():
            signed = sign_in(ctx, email, password, code.strip().replace(" ", ""), client)
            actor, device_cookie = signed.actor, signed.device_cookie
            stage = sessions.ACTIVE
            enrolment = None
        else:
            actor, enrolment = begin_first_sign_in(ctx, email, password, client)
            stage = sessions.ENROLLING
    except LoginThrottled as throttled:
        return sign_in_page(
            request,
            language,
            status=429,
            translated_error=_wait_message(language, throttled.retry_after),
            email=email,
            target=form.one("next"),
        )
    except AuthenticationFailed:
        return sign_in_page(
            request,
            language,
            status=401,
            error=N_("Wrong email, password or code."),
            email=email,
            target=form.one("next"),
        )
    assert actor.id is not None
    token = sessions.start_session(
        ctx, actor.id, stage=stage, replacing=request.cookies.get(SESSION_COOKIE)
    )
    if enrolment is None:
        target = form.one("next")
        if not _is_console_path(target):
            target = path_for(request, "home")
        response: Response = RedirectResponse(target, status_code=303)
    else:
        response = staff_page(
            request,
            "enrol.html",
            None,
            language=language,
            csrf=csrf_for(site, "enrol|" + sha256(token.encode()).hexdigest()),
            secret=_grouped(enrolment.secret),
            uri=enrolment.uri,
            recovery_codes=enrolment.recovery_codes,
        )
    _set_session_cookie(response, token)
    if device_cookie is not None:
        # Long-lived, and only ever sent back to this site over https.
        response.set_cookie(
            DEVICE_COOKIE,
            device_cookie,
            max_age=DEVICE_COOKIE_SECONDS,
            secure=True,
            httponly=True,
            samesite="strict",
            path="/",
        )
    response.delete_cookie(SIGN_IN_COOKIE, path="/", secure=True, httponly=True)
    return response


@router.post("/enrol")
def enrol(
    request: Request, site: SiteDep, enrolling: Annotated[Enrolment, Depends(enrolment_form)]
) -> Response:
    session, form, language = enrolling.session, enrolling.form, enrolling.language
    try:
        confirm_first_sign_in(site.ctx, session.actor, form.one("code").replace(" ", ""))
    except EnrolmentCodeRejected:
        # The same key again (the app may already hold it); the recovery codes were
        # shown once, on the page before.
        secret, uri = first_sign_in_secret(site.ctx, session.actor)
        return staff_page(
            request,
            "enrol.html",
            None,
            400,
            language=language,
            csrf=form.one("csrf"),
            secret=_grouped(secret),
            uri=uri,
            recovery_codes=(),
            error=language.translations.gettext(
                N_(
                    "That code is not right. Enter the 6 digits the app shows now; if it "
                    "keeps failing, check the phone's clock."
                )
            ),
        )
    except DomainError:
        # Enrolment already finished or the account changed: this session is over.
        raise Refusal(
            403, SESSION_ENDED, back=path_for(request, "login_form"), language=language
        ) from None
    assert session.actor.id is not None
    # The enrolling session ends; the staff member gets a new token for the real one.
    new_token = sessions.start_session(site.ctx, session.actor.id, replacing=enrolling.token)
    response = RedirectResponse(path_for(request, "home"), status_code=303)
    _set_session_cookie(response, new_token)
    return response


@router.post("/logout")
def logout(request: Request, site: SiteDep, session: Staff, form: CheckedForm) -> Response:
    sessions.end_session(site.ctx, session)
    response = RedirectResponse(path_for(request, "login_form"), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True)
    return response


def _set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, secure=True, httponly=True, samesite="strict", path="/"
    )


def _wait_message(language: LanguagePack, seconds: int) -> str:
    """How long to wait before the next sign-in attempt, in the staff member's language."""
    translations = language.translations
    if seconds < 120:
        text = translations.ngettext(
            "Too many failed sign-ins. Please wait %(num)d second and try again.",
            "Too many failed sign-ins. Please wait %(num)d seconds and try again.",
            seconds,
        )
        return text % {"num": seconds}
    minutes = -(-seconds // 60)
    text = translations.ngettext(
        "Too many failed sign-ins. Please wait %(num)d minute and try again.",
        "Too many failed sign-ins. Please wait %(num)d minutes and try again.",
        minutes,
    )
    return text % {"num": minutes}


def _grouped(secret: str) -> str:
    """An authenticator key in groups of four, easier to type into an app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _is_console_path(target: str) -> bool:
    """Whether a "go back after sign-in" address is a console page (never another site)."""
    return target.startswith("/staff/") and "//" not in target and "\\" not in target

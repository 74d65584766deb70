"""The staff console: server-rendered pages under ``/staff`` (no JavaScript needed).

Every page is a thin face over the services: the services check the access policy and
write the audit log, so the console can show a button the policy would refuse and still be
safe (it does not: each page asks :class:`~helplinekit.services.case_page.CasePage` what
the staff member may do). Forms post back and redirect (post/redirect/get), so reloading a
page never repeats an action.

Sessions are ``__Host-`` cookies (Secure, HttpOnly, SameSite=Strict, path ``/``) holding a
random token whose hash is kept in the database; signing in always issues a new token.
Every form carries a CSRF token, an HMAC of the session (or, before sign-in, of a
short-lived sign-in cookie) under a key derived from the deployment's keys.
"""

from __future__ import annotations

import functools
import hmac
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from helplinekit.domain import (
    URN,
    AtRiskIdentity,
    CaseAttributes,
    CaseStatus,
    ContactKind,
    Direction,
    DomainError,
    NoteSection,
    PerpetratorRelation,
    ReferralStatus,
    RiskLevel,
    Role,
    Specialism,
    TaskKind,
    UnsafeCharacter,
    parse_urn,
)
from helplinekit.domain.filters import CaseFilters
from helplinekit.i18n import N_
from helplinekit.security.policy import AccessDenied, Action
from helplinekit.services import case_page, casework, check_guard, devices, sessions
from helplinekit.services.auth import (
    AuthenticationFailed,
    EnrolmentCodeRejected,
    LoginThrottled,
    SignInClient,
    accounts_under_attack,
    begin_first_sign_in,
    confirm_first_sign_in,
    first_sign_in_secret,
    sign_in,
)
from helplinekit.services.break_glass import (
    break_glass,
    list_break_glass,
    review_break_glass,
    reviewers,
)
from helplinekit.web.http import BodyTooLarge, FormData, jinja_environment, read_form
from helplinekit.web.text import explain

if TYPE_CHECKING:
    from helplinekit.api import Helpline
    from helplinekit.contracts.language import LanguagePack

__all__ = ["CONSOLE_ROUTES", "DEVICE_COOKIE", "SESSION_COOKIE", "SIGN_IN_COOKIE", "console_router"]

HERE = Path(__file__).parent
SESSION_COOKIE = "__Host-hk_session"
SIGN_IN_COOKIE = "__Host-hk_signin"
SIGN_IN_COOKIE_SECONDS = 15 * 60
#: The known-device cookie (see helplinekit.services.devices): kept as long as a device is.
DEVICE_COOKIE = "__Host-hk_device"
DEVICE_COOKIE_SECONDS = int(devices.DEVICE_LIFETIME.total_seconds())
MAX_FORM_BYTES = 64 * 1024
PAGE_SIZE = 50
CSRF_PURPOSE = "console-csrf:v1"

#: What a queue shows when no status is chosen.
OPEN_STATUSES = frozenset(CaseStatus) - {CaseStatus.CLOSED, CaseStatus.ERASED}

#: Every console route (method, path): the route × role test walks exactly these.
CONSOLE_ROUTES: tuple[tuple[str, str], ...] = (
    ("GET", "/staff/"),
    ("GET", "/staff/login"),
    ("POST", "/staff/login"),
    ("POST", "/staff/enrol"),
    ("POST", "/staff/logout"),
    ("GET", "/staff/queue"),
    ("GET", "/staff/account"),
    ("POST", "/staff/account/language"),
    ("POST", "/staff/account/devices/{device_id}/revoke"),
    ("GET", "/staff/cases/new"),
    ("POST", "/staff/cases/new"),
    ("GET", "/staff/cases/{ref}"),
    ("POST", "/staff/cases/{ref}/call"),
    ("POST", "/staff/cases/{ref}/consent"),
    ("POST", "/staff/cases/{ref}/safe-contacts/confirm"),
    ("POST", "/staff/cases/{ref}/notes"),
    ("POST", "/staff/cases/{ref}/reply"),
    ("POST", "/staff/cases/{ref}/triage"),
    ("POST", "/staff/cases/{ref}/assign"),
    ("POST", "/staff/cases/{ref}/status"),
    ("POST", "/staff/cases/{ref}/tasks"),
    ("POST", "/staff/cases/{ref}/tasks/{task_id}/done"),
    ("POST", "/staff/cases/{ref}/legal-hold"),
    ("POST", "/staff/cases/{ref}/referrals"),
    ("POST", "/staff/cases/{ref}/referrals/{referral_id}"),
    ("POST", "/staff/cases/{ref}/break-glass"),
    ("GET", "/staff/break-glass"),
    ("POST", "/staff/break-glass/{grant_id}/reviewed"),
)

# Labels for the fixed vocabularies, translated where they are shown.
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


class BadInput(DomainError):
    """A form field holds a value the console cannot use; the message names it."""


class _Refused(Exception):
    """Stop handling the request and answer with ``response``."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _choice(form: FormData, name: str, kind: Callable[[str], Any], *, required: bool = True) -> Any:
    value = form.one(name)
    if not value:
        if required:
            raise BadInput(f"The field {name!r} is required.")
        return None
    try:
        return kind(value)
    except ValueError:
        raise BadInput(f"{value!r} is not a valid choice for {name!r}.") from None


def _text(form: FormData, name: str, *, required: bool = True, limit: int = 20_000) -> str:
    value = form.one(name).strip()
    if required and not value:
        raise BadInput(f"Please fill in {name!r}.")
    if len(value) > limit:
        raise BadInput(f"{name!r} is longer than {limit} characters; shorten it.")
    return value


def _flag(form: FormData, name: str) -> bool:
    return form.one(name) in ("yes", "on", "1", "true")


def console_router(helpline: Helpline, *, idle: timedelta) -> APIRouter:
    """The console's routes for ``helpline``; mounted by :func:`helplinekit.web.create_app`."""
    ctx = helpline.context
    languages = ctx.registries.languages
    enabled = list(helpline.config.languages.enabled)
    default_language = helpline.config.languages.default
    csrf_key = ctx.web_keys[CSRF_PURPOSE]

    # Times are shown in the helpline's own time zone, where its staff work.
    local_time = ZoneInfo(helpline.config.helpline.timezone)

    def pack(tag: str | None) -> LanguagePack:
        return languages.get(tag if tag in enabled else default_language)

    def when(value: datetime | None, tag: str) -> Markup:
        """A date and time in the staff member's locale, isolated from the text around it
        (so "28/11/26 3:36 PM" keeps its order inside a right-to-left sentence)."""
        if value is None:
            return Markup("")
        try:
            text = format_datetime(value, "short", tzinfo=local_time, locale=tag.replace("-", "_"))
        except (ValueError, LookupError):
            text = value.astimezone(local_time).strftime("%Y-%m-%d %H:%M")
        return Markup('<bdi dir="ltr">{}</bdi>').format(text)

    def csrf_for(secret: str) -> str:
        return hmac.new(csrf_key, secret.encode(), sha256).hexdigest()

    def render(
        template: str,
        language: LanguagePack,
        status: int = 200,
        session: sessions.StaffSession | None = None,
        **values: Any,
    ) -> HTMLResponse:
        page = jinja_environment(language.translations).get_template(f"console/{template}")
        actor = session.actor if session else None
        html = page.render(
            lang=language.tag,
            direction=language.direction,
            me=actor.staff if actor else None,
            roles=actor.roles if actor else frozenset(),
            csrf=csrf_for("session|" + session.token_hash) if session else values.pop("csrf", ""),
            when=lambda value: when(value, language.tag),
            STATUS=STATUS_LABELS,
            RISK=RISK_LABELS,
            SPECIALISM=SPECIALISM_LABELS,
            SECTION=SECTION_LABELS,
            CONTACT=CONTACT_LABELS,
            REFERRAL=REFERRAL_LABELS,
            TASK=TASK_LABELS,
            DELIVERY=DELIVERY_LABELS,
            ROLE=ROLE_LABELS,
            RELATION=RELATION_LABELS,
            IDENTITY=IDENTITY_LABELS,
            may_review=actor is not None and ctx.policy.allows(actor, Action.BREAK_GLASS_REVIEW),
            may_open=actor is not None and ctx.policy.allows(actor, Action.CASE_OPEN),
            may_list=actor is not None and not ctx.policy.scope(actor, Action.CASE_LIST).is_empty,
            **values,
        )
        return HTMLResponse(html, status_code=status)

    def problem(
        language: LanguagePack,
        status: int,
        message: str | Exception,
        session: sessions.StaffSession | None = None,
        back: str | None = None,
    ) -> HTMLResponse:
        if isinstance(message, Exception):
            text = explain(message, language.translations)  # translates UnsafeCharacter
        else:
            text = language.translations.gettext(message)
        return render("problem.html", language, status, session, message=text, back=back)

    # -- sessions ----------------------------------------------------------------------

    def current(request: Request) -> sessions.StaffSession | None:
        found = sessions.resume_session(ctx, request.cookies.get(SESSION_COOKIE), idle=idle)
        return found if found is not None and found.stage == sessions.ACTIVE else None

    def language_of(session: sessions.StaffSession | None, request: Request) -> LanguagePack:
        if session is not None and session.ui_language:
            return pack(session.ui_language)
        return pack(request.query_params.get("lang"))

    def set_session_cookie(response: Response, token: str) -> None:
        response.set_cookie(
            SESSION_COOKIE, token, secure=True, httponly=True, samesite="strict", path="/"
        )

    def signed_in(request: Request) -> sessions.StaffSession:
        """The staff member's session, or a redirect to sign in (pages) / 403 (forms)."""
        session = current(request)
        if session is None:
            if request.method == "GET":
                target = "/staff/login"
                if request.url.path != "/staff/":
                    target += "?next=" + quote(request.url.path)
                raise _Refused(RedirectResponse(target, status_code=303))
            raise _Refused(
                problem(
                    pack(None),
                    403,
                    N_("Your session has ended. Please sign in again."),
                    back="/staff/login",
                )
            )
        return session

    def posted(request: Request, session: sessions.StaffSession) -> FormData:
        """The form's fields, once its size and CSRF token are checked."""
        language = language_of(session, request)
        try:
            form = received(request)
        except BodyTooLarge:
            raise _Refused(problem(language, 413, N_("The form is too large."), session)) from None
        if form is None:
            raise _Refused(
                problem(language, 400, N_("The form could not be read. Please try again."), session)
            )
        expected = csrf_for("session|" + session.token_hash)
        if not hmac.compare_digest(form.one("csrf").encode(), expected.encode()):
            raise _Refused(
                problem(
                    language,
                    403,
                    N_("This form has expired. Please reload the page and try again."),
                    session,
                )
            )
        return form

    def run(
        request: Request,
        session: sessions.StaffSession,
        action: Callable[[], Any],
        *,
        back: str,
    ) -> Response:
        """Do a service call for a form; answer with a redirect, or the reason it failed."""
        language = language_of(session, request)
        try:
            action()
        except AccessDenied:
            return problem(language, 403, N_("You do not have access to do this."), session, back)
        except casework.NotFound:
            return problem(language, 404, N_("There is no such case."), session, "/staff/queue")
        except (DomainError, LookupError, ValueError) as error:
            return problem(language, 400, str(error), session, back)
        return RedirectResponse(back, status_code=303)

    router = APIRouter(prefix="/staff")

    def guarded(handler: Callable[..., Response]) -> Callable[..., Any]:
        """Run ``handler`` off the event loop, turning a :class:`_Refused` into its response.

        Handlers are plain functions: they call the database and Argon2id, which would
        block every other request if run on the event loop. A posted body is read first,
        here (asynchronously, refusing one over the size limit before it is parsed), and
        handed over in ``request.state``.
        """

        @functools.wraps(handler)
        async def wrapper(request: Request, **params: Any) -> Response:
            if request.method == "POST":
                try:
                    request.state.form = await read_form(request, MAX_FORM_BYTES)
                except BodyTooLarge:
                    request.state.form = BodyTooLarge

            def call() -> Response:
                try:
                    return handler(request, **params)
                except _Refused as refused:
                    return refused.response

            return await run_in_threadpool(call)

        return wrapper

    # -- signing in --------------------------------------------------------------------

    @router.get("/")
    @guarded
    def home(request: Request) -> Response:
        session = signed_in(request)
        may_list = not ctx.policy.scope(session.actor, Action.CASE_LIST).is_empty
        return RedirectResponse("/staff/queue" if may_list else "/staff/account", status_code=303)

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
        token = request.cookies.get(SIGN_IN_COOKIE) or uuid.uuid4().hex + uuid.uuid4().hex
        response = render(
            "login.html",
            language,
            status,
            csrf=csrf_for("sign-in|" + token),
            next=target if _is_console_path(target) else "",
            error=translated_error or (language.translations.gettext(error) if error else None),
            email=email,
            languages=[(tag, languages.get(tag).native_name) for tag in enabled],
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
    @guarded
    def login_form(request: Request) -> Response:
        return sign_in_page(
            request,
            pack(request.query_params.get("lang")),
            target=request.query_params.get("next", ""),
        )

    @router.post("/login")
    @guarded
    def login(request: Request) -> Response:
        try:
            form = received(request)
        except BodyTooLarge:
            return problem(pack(None), 413, N_("The form is too large."), back="/staff/login")
        language = pack(form.one("language") if form else None)
        sign_in_token = request.cookies.get(SIGN_IN_COOKIE, "")
        if (
            form is None
            or not sign_in_token
            or not hmac.compare_digest(
                form.one("csrf").encode(), csrf_for("sign-in|" + sign_in_token).encode()
            )
        ):
            return sign_in_page(
                request,
                language,
                status=403,
                error=N_("The sign-in form expired. Please try again."),
            )
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
                target = "/staff/"
            response: Response = RedirectResponse(target, status_code=303)
        else:
            response = render(
                "enrol.html",
                language,
                csrf=csrf_for("enrol|" + sha256(token.encode()).hexdigest()),
                secret=_grouped(enrolment.secret),
                uri=enrolment.uri,
                recovery_codes=enrolment.recovery_codes,
            )
        set_session_cookie(response, token)
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
    @guarded
    def enrol(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        session = sessions.resume_session(ctx, token, idle=idle)
        posted_form = request.state.form
        language = pack(posted_form.one("language") if isinstance(posted_form, FormData) else None)
        if session is None or session.stage != sessions.ENROLLING or token is None:
            return problem(
                language,
                403,
                N_("Your session has ended. Please sign in again."),
                back="/staff/login",
            )
        try:
            form = received(request)
        except BodyTooLarge:
            return problem(language, 413, N_("The form is too large."), back="/staff/login")
        if form is None or not hmac.compare_digest(
            form.one("csrf").encode(), csrf_for("enrol|" + session.token_hash).encode()
        ):
            return problem(
                language,
                403,
                N_("This form has expired. Please reload the page and try again."),
                back="/staff/login",
            )
        try:
            confirm_first_sign_in(ctx, session.actor, form.one("code").replace(" ", ""))
        except EnrolmentCodeRejected:
            # The same key again (the app may already hold it); the recovery codes were
            # shown once, on the page before.
            secret, uri = first_sign_in_secret(ctx, session.actor)
            return render(
                "enrol.html",
                language,
                400,
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
            return problem(
                language,
                403,
                N_("Your session has ended. Please sign in again."),
                back="/staff/login",
            )
        assert session.actor.id is not None
        # The enrolling session ends; the staff member gets a new token for the real one.
        new_token = sessions.start_session(ctx, session.actor.id, replacing=token)
        response = RedirectResponse("/staff/", status_code=303)
        set_session_cookie(response, new_token)
        return response

    @router.post("/logout")
    @guarded
    def logout(request: Request) -> Response:
        session = signed_in(request)
        posted(request, session)
        sessions.end_session(ctx, session)
        response = RedirectResponse("/staff/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True)
        return response

    # -- account -----------------------------------------------------------------------

    @router.get("/account")
    @guarded
    def account(request: Request) -> Response:
        session = signed_in(request)
        return render(
            "account.html",
            language_of(session, request),
            session=session,
            languages=[(tag, languages.get(tag).native_name) for tag in enabled],
            current_language=session.ui_language or "",
            devices=devices.list_devices(ctx, session.actor),
        )

    @router.post("/account/language")
    @guarded
    def account_language(request: Request) -> Response:
        session = signed_in(request)
        form = posted(request, session)
        tag = form.one("language") or None
        return run(
            request,
            session,
            lambda: sessions.set_ui_language(ctx, session.actor, tag),
            back="/staff/account",
        )

    @router.post("/account/devices/{device_id}/revoke")
    @guarded
    def account_device_revoke(request: Request, device_id: str) -> Response:
        session = signed_in(request)
        posted(request, session)

        def revoke() -> None:
            devices.revoke_device(ctx, session.actor, _parse_uuid(device_id, "device"))

        return run(request, session, revoke, back="/staff/account")

    # -- queues ------------------------------------------------------------------------

    @router.get("/queue")
    @guarded
    def queue(request: Request) -> Response:
        session = signed_in(request)
        language = language_of(session, request)
        actor = session.actor
        if ctx.policy.scope(actor, Action.CASE_LIST).is_empty:
            return problem(language, 403, N_("Your role does not give access to cases."), session)
        params = request.query_params
        view = params.get("view", "mine")
        try:
            if view not in ("mine", "team"):
                raise BadInput(f"{view!r} is not a queue; use 'mine' or 'team'.")
            # Without a status chosen, a queue holds the cases still open: work to do.
            statuses = frozenset(CaseStatus(s) for s in params.getlist("status") if s) or (
                OPEN_STATUSES
            )
            risks = frozenset(RiskLevel(r) for r in params.getlist("risk") if r)
            specialism = Specialism(params["specialism"]) if params.get("specialism") else None
            language_filter = params.get("language") or None
            if language_filter is not None and language_filter not in enabled:
                raise BadInput(f"{language_filter!r} is not one of this helpline's languages.")
            page_number = int(params.get("page", "1"))
            if not 1 <= page_number <= 100_000:
                raise ValueError
        except (ValueError, DomainError) as error:
            message = str(error) if isinstance(error, BadInput) else None
            return problem(
                language,
                400,
                message or N_("A filter has a value the queue does not recognise."),
                session,
                "/staff/queue",
            )
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
        names = sessions.staff_names(ctx)
        query = [(k, v) for k, v in params.multi_items() if k != "page"]
        return render(
            "queue.html",
            language,
            session=session,
            guessing=check_guard.guessing_alerts(ctx, actor),  # supervisors only
            view=view,
            page=page,
            page_number=page_number,
            pages=max(1, -(-page.total // PAGE_SIZE)),
            names=names,
            filters={
                "status": {s.value for s in statuses},
                "risk": {r.value for r in risks},
                "specialism": specialism.value if specialism else "",
                "language": language_filter or "",
            },
            statuses=list(CaseStatus),
            risks=list(RiskLevel),
            specialisms=list(Specialism),
            helpline_languages=[(tag, languages.get(tag).native_name) for tag in enabled],
            query_without_page=urlencode(query),
            signin_alerts=accounts_under_attack(ctx, actor),
        )

    # -- log a call from someone new ------------------------------------------------------

    @router.get("/cases/new")
    @guarded
    def new_case_form(request: Request) -> Response:
        session = signed_in(request)
        language = language_of(session, request)
        if not ctx.policy.allows(session.actor, Action.CASE_OPEN):
            return problem(language, 403, N_("You do not have access to do this."), session)
        return render(
            "new_case.html",
            language,
            session=session,
            helpline_languages=[(tag, languages.get(tag).native_name) for tag in enabled],
        )

    @router.post("/cases/new")
    @guarded
    def new_case(request: Request) -> Response:
        session = signed_in(request)
        form = posted(request, session)
        language = language_of(session, request)
        try:
            kind = _choice(form, "kind", ContactKind)
            if kind not in (ContactKind.CALL, ContactKind.WALK_IN):
                raise BadInput("Log a phone call or a walk-in here.")
            summary = _text(form, "summary")
            number = form.one("phone").strip()
            contact_point = _phone_urn(number, ctx.config.helpline.country) if number else None
            case_language = form.one("language") or default_language
            if case_language not in enabled:
                raise BadInput(f"{case_language!r} is not one of this helpline's languages.")
            case = casework.open_case_from_contact(
                ctx,
                session.actor,
                summary=summary,
                kind=kind,
                contact_point=contact_point,
                safe_contact=_flag(form, "safe_contact"),
                consent_services=_flag(form, "consent_services"),
                consent_referral=_flag(form, "consent_referral"),
                consent_statistics=_flag(form, "consent_statistics"),
                language=case_language,
            )
        except AccessDenied:
            return problem(language, 403, N_("You do not have access to do this."), session)
        except (DomainError, ValueError) as error:
            return problem(language, 400, error, session, "/staff/cases/new")
        return RedirectResponse(f"/staff/cases/{case.reference}", status_code=303)

    # -- the case page -------------------------------------------------------------------

    @router.get("/cases/{ref}")
    @guarded
    def case_view(request: Request, ref: str) -> Response:
        session = signed_in(request)
        language = language_of(session, request)
        try:
            page = case_page.open_case_page(ctx, session.actor, ref)
        except casework.NotFound:
            return problem(language, 404, N_("There is no such case."), session, "/staff/queue")
        except AccessDenied:
            may_break = ctx.policy.allows(session.actor, Action.BREAK_GLASS)
            return render("denied.html", language, 403, session, ref=ref, may_break=may_break)
        taxonomy = ctx.registries.build_taxonomy()
        partners = [
            ctx.registries.partners.get(key) for key in sorted(ctx.registries.partners.names())
        ]
        return render(
            "case.html",
            language,
            session=session,
            page=page,
            case=page.case,
            names=sessions.staff_names(ctx),
            taxonomy=list(taxonomy),
            partners=partners,
            partner_names={p.key: p.name for p in partners},
            statuses=list(CaseStatus),
            risks=list(RiskLevel),
            specialisms=list(Specialism),
            sections=list(NoteSection),
            task_kinds=list(TaskKind),
            relations=list(PerpetratorRelation),
            identities=list(AtRiskIdentity),
            referral_moves=_referral_moves(),
            Direction=Direction,
            Action=Action,
            today=ctx.clock().date().isoformat(),
        )

    def case_form(path: str, handle: Callable[[FormData, sessions.StaffSession, str], Any]) -> None:
        """A form on the case page: checks, then ``handle``, then back to the case."""

        def endpoint(request: Request, ref: str) -> Response:
            session = signed_in(request)
            form = posted(request, session)
            back = f"/staff/cases/{quote(ref)}"
            return run(request, session, lambda: handle(form, session, ref), back=back)

        endpoint.__name__ = "case_" + path.strip("/").replace("-", "_").replace("/", "_")
        router.add_api_route(f"/cases/{{ref}}{path}", guarded(endpoint), methods=["POST"])

    def log_call(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        kind = _choice(form, "kind", ContactKind)
        if kind not in (ContactKind.CALL, ContactKind.WALK_IN):
            raise BadInput("Log a phone call or a walk-in here.")
        casework.record_contact(
            ctx,
            session.actor,
            ref,
            summary=_text(form, "summary"),
            kind=kind,
            consent_services=True if _flag(form, "consent_services") else None,
            consent_referral=True if _flag(form, "consent_referral") else None,
            consent_statistics=True if _flag(form, "consent_statistics") else None,
        )

    def confirm_contact(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        casework.confirm_safe_contact(ctx, session.actor, ref, _text(form, "urn", limit=400))

    def consent(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        # A box left unticked changes nothing: this form records consent given.
        casework.record_consent(
            ctx,
            session.actor,
            ref,
            services=True if _flag(form, "consent_services") else None,
            referral=True if _flag(form, "consent_referral") else None,
            statistics=True if _flag(form, "consent_statistics") else None,
        )

    def note(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        section = _choice(form, "section", NoteSection)
        casework.add_note(ctx, session.actor, ref, section, _text(form, "body"))

    def reply(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        casework.queue_reply(ctx, session.actor, ref, _text(form, "body", limit=4000))

    def triage(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        categories = [code for code in form.all("category") if code]
        specialisms = [_to(Specialism, value, "specialism") for value in form.all("specialism")]
        casework.triage_case(
            ctx,
            session.actor,
            ref,
            categories=categories,
            attributes=_attributes(form) if _flag(form, "with_attributes") else None,
            risk_level=_choice(form, "risk", RiskLevel),
            specialisms_needed=specialisms,
        )

    def assign(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        staff_id = _choice(form, "staff_id", uuid.UUID)
        specialism = _choice(form, "specialism", Specialism, required=False)
        casework.assign(ctx, session.actor, ref, staff_id, specialism)

    def status(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        to = _choice(form, "status", CaseStatus)
        casework.change_status(ctx, session.actor, ref, to)

    def task(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        due = _choice(form, "due", lambda text: datetime.fromisoformat(text).date())
        casework.create_task(
            ctx,
            session.actor,
            ref,
            title=_text(form, "title", limit=500),
            due_at=datetime.combine(due, time(17, 0), tzinfo=local_time),  # the end of a day there
            kind=_choice(form, "kind", TaskKind),
        )

    def legal_hold(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        casework.set_legal_hold(ctx, session.actor, ref, _flag(form, "hold"))

    def referral(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        sections = [_to(NoteSection, value, "share") for value in form.all("share")]
        casework.propose_referral(
            ctx,
            session.actor,
            ref,
            _text(form, "partner"),
            shared_sections=sections,
            summary=_text(form, "summary"),
            # The survivor said yes just now: recorded with the referral, or not at all.
            consent_given_now=_flag(form, "consent_referral"),
        )

    def glass(form: FormData, session: sessions.StaffSession, ref: str) -> None:
        minutes = _choice(form, "minutes", int)
        break_glass(ctx, session.actor, ref, _text(form, "reason", limit=2000), minutes=minutes)

    case_form("/call", log_call)
    case_form("/consent", consent)
    case_form("/safe-contacts/confirm", confirm_contact)
    case_form("/notes", note)
    case_form("/reply", reply)
    case_form("/triage", triage)
    case_form("/assign", assign)
    case_form("/status", status)
    case_form("/tasks", task)
    case_form("/legal-hold", legal_hold)
    case_form("/referrals", referral)
    case_form("/break-glass", glass)

    @router.post("/cases/{ref}/tasks/{task_id}/done")
    @guarded
    def task_done(request: Request, ref: str, task_id: str) -> Response:
        session = signed_in(request)
        posted(request, session)
        back = f"/staff/cases/{quote(ref)}"

        def complete() -> None:
            casework.complete_task(ctx, session.actor, _parse_uuid(task_id, "task"))

        return run(request, session, complete, back=back)

    @router.post("/cases/{ref}/referrals/{referral_id}")
    @guarded
    def referral_update(request: Request, ref: str, referral_id: str) -> Response:
        session = signed_in(request)
        form = posted(request, session)
        back = f"/staff/cases/{quote(ref)}"

        def update() -> None:
            casework.update_referral(
                ctx,
                session.actor,
                _parse_uuid(referral_id, "referral"),
                _choice(form, "status", ReferralStatus),
                outcome=form.one("outcome").strip() or None,
            )

        return run(request, session, update, back=back)

    # -- break-the-glass review ------------------------------------------------------------

    @router.get("/break-glass")
    @guarded
    def glass_review(request: Request) -> Response:
        session = signed_in(request)
        language = language_of(session, request)
        try:
            grants = list_break_glass(ctx, session.actor)
        except AccessDenied:
            return problem(language, 403, N_("You do not have access to do this."), session)
        return render(
            "break_glass.html",
            language,
            session=session,
            grants=grants,
            names=sessions.staff_names(ctx),
            lone_reviewer=reviewers(ctx) < 2,
        )

    @router.post("/break-glass/{grant_id}/reviewed")
    @guarded
    def glass_reviewed(request: Request, grant_id: str) -> Response:
        session = signed_in(request)
        posted(request, session)

        def review() -> None:
            review_break_glass(ctx, session.actor, _parse_uuid(grant_id, "grant"))

        return run(request, session, review, back="/staff/break-glass")

    return router


def received(request: Request) -> FormData | None:
    """The form :func:`guarded` read for this request; BodyTooLarge if it was too large."""
    form = request.state.form
    if form is BodyTooLarge:
        raise BodyTooLarge
    return form


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


def _to(kind: Callable[[str], Any], value: str, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise BadInput(f"{value!r} is not a valid choice for {name!r}.") from None


def _yes_no(form: FormData, name: str) -> bool | None:
    """A yes / no / not known choice: "not known" stays distinct from "no"."""
    answers = {"yes": True, "no": False, "unknown": None}
    value = form.one(name) or "unknown"
    if value not in answers:
        raise BadInput(f"{value!r} is not a valid choice for {name!r}; use yes, no or unknown.")
    return answers[value]


def _attributes(form: FormData) -> CaseAttributes:
    """The case's facts from the triage form (shown only to staff who may read the case)."""
    platforms = tuple(
        dict.fromkeys(
            p.strip().lower()
            for p in form.one("platforms").replace("،", ",").split(",")
            if p.strip()
        )
    )
    return CaseAttributes(
        victim_is_minor=_yes_no(form, "victim_is_minor"),
        ai_generated_content=_yes_no(form, "ai_generated_content"),
        perpetrator_relation=_choice(
            form, "perpetrator_relation", PerpetratorRelation, required=False
        ),
        platforms=platforms,
        first_contact_channel=form.one("first_contact_channel") or None,
        at_risk_identities=[_to(AtRiskIdentity, v, "identity") for v in form.all("identity")],
    )


def _parse_uuid(text: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise BadInput(f"{text!r} is not a {what} id.") from None


def _phone_urn(number: str, country: str | None) -> URN:
    """The caller's number as a ``tel:`` URN, or BadInput naming it."""
    try:
        return parse_urn("tel:" + number, default_region=country)
    except UnsafeCharacter:
        raise  # it names the character and the fix, in the staff member's language
    except (ValueError, DomainError):
        raise BadInput(
            f"{number!r} is not a phone number we can use; write it with its country code, "
            "e.g. +92 300 1234567."
        ) from None


def _referral_moves() -> dict[ReferralStatus, tuple[ReferralStatus, ...]]:
    from helplinekit.domain import REFERRAL_TRANSITIONS

    return {
        status: tuple(s for s in ReferralStatus if s in moves)
        for status, moves in REFERRAL_TRANSITIONS.items()
    }

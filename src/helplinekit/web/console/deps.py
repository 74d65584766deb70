"""The console's dependencies: who is signed in, and a posted form that may be acted on.

A console route takes :data:`Staff` (the signed-in session; without one a page redirects
to sign-in and a form is refused) and, when it changes something, :data:`CheckedForm`: the
body read under :data:`MAX_FORM_BYTES` before it is parsed, then its CSRF token checked
against the session. A state-changing route cannot be written without it: the test
``tests/web/test_route_dependencies.py`` walks every route and proves each one has it.

Refusals are raised, not returned: :class:`Refusal` (a problem page) and
:class:`SignInRequired` are answered by the handlers in :mod:`helplinekit.web.errors`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import TYPE_CHECKING, Annotated, Any

from babel.dates import format_datetime
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from helplinekit.i18n import N_
from helplinekit.i18n.tags import babel_locale
from helplinekit.security.policy import Action
from helplinekit.services import sessions
from helplinekit.services.sessions import StaffSession
from helplinekit.web.http import BodyTooLarge, FormData, read_form
from helplinekit.web.pages import path_for, render
from helplinekit.web.site import Site, SiteDep, site_of

if TYPE_CHECKING:
    from helplinekit.contracts.language import LanguagePack

__all__ = [
    "DEVICE_COOKIE",
    "MAX_FORM_BYTES",
    "SESSION_COOKIE",
    "SIGN_IN_COOKIE",
    "CheckedForm",
    "Posted",
    "Refusal",
    "SignInRequired",
    "Staff",
    "checked_form",
    "csrf_for",
    "posted_form",
    "signed_in",
    "staff_page",
]

SESSION_COOKIE = "__Host-hk_session"
SIGN_IN_COOKIE = "__Host-hk_signin"
#: The known-device cookie (see helplinekit.services.devices): kept as long as a device is.
DEVICE_COOKIE = "__Host-hk_device"
MAX_FORM_BYTES = 64 * 1024

SESSION_ENDED = N_("Your session has ended. Please sign in again.")
FORM_TOO_LARGE = N_("The form is too large.")
FORM_UNREADABLE = N_("The form could not be read. Please try again.")
FORM_EXPIRED = N_("This form has expired. Please reload the page and try again.")


class Refusal(Exception):
    """Answer with the problem page: ``status`` and ``message`` (marked for translation).

    ``language`` is the language pack to answer in when no staff member is signed in (the
    sign-in forms); otherwise the staff member's own is used.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        back: str | None = None,
        language: LanguagePack | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.back, self.language = status, message, back, language


class SignInRequired(Exception):
    """Nobody is signed in: a page redirects to sign-in, a form gets a 403."""


@dataclass(frozen=True)
class Posted:
    """A posted body as read under the size limit: the form, or why there is none."""

    form: FormData | None
    too_large: bool = False


def csrf_for(site: Site, secret: str) -> str:
    """The CSRF token for ``secret`` (a session's or sign-in cookie's hash, with its purpose)."""
    return hmac.new(site.csrf_key, secret.encode(), sha256).hexdigest()


def csrf_matches(site: Site, form: FormData, secret: str) -> bool:
    """Whether ``form`` carries the CSRF token for ``secret`` (compared in constant time)."""
    return hmac.compare_digest(form.one("csrf").encode(), csrf_for(site, secret).encode())


async def posted_form(request: Request) -> Posted:
    """The posted form, read asynchronously and refused (unparsed) over the size limit.

    Only the body is read on the event loop; everything that follows (the session, the
    database, Argon2id) runs in the thread pool, as the endpoints are plain functions.
    """
    try:
        return Posted(await read_form(request, MAX_FORM_BYTES))
    except BodyTooLarge:
        return Posted(None, too_large=True)


PostedForm = Annotated[Posted, Depends(posted_form)]


def signed_in(request: Request, site: SiteDep) -> StaffSession:
    """The signed-in staff member's session; :class:`SignInRequired` without one."""
    found = sessions.resume_session(
        site.ctx, request.cookies.get(SESSION_COOKIE), idle=site.settings.session_idle
    )
    if found is None or found.stage != sessions.ACTIVE:
        raise SignInRequired
    # The error handlers show the problem page with this staff member's menu and language.
    request.state.staff_session = found
    return found


#: The signed-in staff member's session.
Staff = Annotated[StaffSession, Depends(signed_in)]


def checked_form(request: Request, site: SiteDep, session: Staff, posted: PostedForm) -> FormData:
    """The posted form, once its size, encoding and CSRF token are checked."""
    if posted.too_large:
        raise Refusal(413, FORM_TOO_LARGE)
    if posted.form is None:
        raise Refusal(400, FORM_UNREADABLE)
    if not csrf_matches(site, posted.form, "session|" + session.token_hash):
        raise Refusal(403, FORM_EXPIRED)
    # From here on a service's ValueError is the staff member's input, answered with a 400.
    request.state.checked_form = True
    return posted.form


#: A posted form whose size and CSRF token are checked (for every state-changing route).
CheckedForm = Annotated[FormData, Depends(checked_form)]


def language_of(request: Request, session: StaffSession | None) -> LanguagePack:
    """The console language: the staff member's choice, else the page's ``?lang=``."""
    site = site_of(request)
    if session is not None and session.ui_language:
        return site.pack(session.ui_language)
    return site.pack(request.query_params.get("lang"))


def _when(site: Site, value: datetime | None, tag: str) -> Markup:
    """A date and time in the staff member's locale, isolated from the text around it
    (so "28/11/26 3:36 PM" keeps its order inside a right-to-left sentence)."""
    if value is None:
        return Markup("")
    try:
        text = format_datetime(value, "short", tzinfo=site.local_time, locale=babel_locale(tag))
    except (ValueError, LookupError):
        text = value.astimezone(site.local_time).strftime("%Y-%m-%d %H:%M")
    return Markup('<bdi dir="ltr">{}</bdi>').format(text)


def _language_name(site: Site, tag: str | None) -> str:
    """A case's language by its own name (``اردو``); the tag when no plugin knows it now."""
    languages = site.ctx.registries.languages
    if not tag:
        return "—"
    return languages.get(tag).native_name if tag in languages else tag


def staff_page(
    request: Request,
    template: str,
    session: StaffSession | None,
    status: int = 200,
    *,
    language: LanguagePack | None = None,
    **values: Any,
) -> HTMLResponse:
    """A console page (``console/<template>``), with the menu ``session`` may see."""
    site = site_of(request)
    language = language or language_of(request, session)
    actor = session.actor if session else None
    policy = site.ctx.policy
    if session is not None:
        values["csrf"] = csrf_for(site, "session|" + session.token_hash)
    taxonomy = site.ctx.registries.build_taxonomy()
    return render(
        request,
        f"console/{template}",
        language,
        status,
        me=actor.staff if actor else None,
        roles=actor.roles if actor else frozenset(),
        when=lambda value: _when(site, value, language.tag),
        # A category as a person reads it: its title in the page's language, never the code.
        category=lambda code: taxonomy.title_of(code, language.translations.gettext),
        language_name=lambda tag: _language_name(site, tag),
        may_review=actor is not None and policy.allows(actor, Action.BREAK_GLASS_REVIEW),
        may_open=actor is not None and policy.allows(actor, Action.CASE_OPEN),
        may_list=actor is not None and not policy.scope(actor, Action.CASE_LIST).is_empty,
        **{"csrf": "", **values},
    )


def problem_page(
    request: Request,
    status: int,
    message: str,
    *,
    back: str | None = None,
    language: LanguagePack | None = None,
) -> HTMLResponse:
    """The problem page: ``message`` (already translated) and a way back."""
    session: StaffSession | None = getattr(request.state, "staff_session", None)
    return staff_page(
        request, "problem.html", session, status, language=language, message=message, back=back
    )


def back_to(name: str) -> Any:
    """A router dependency: after a refused form, "Go back" leads to the route ``name``."""

    def remember(request: Request) -> None:
        if request.method != "GET":  # a page that was refused has nothing to go back to
            request.state.back = path_for(request, name)

    return Depends(remember)


def back_to_the_case(request: Request, ref: str) -> None:
    """A router dependency: after a refused case form, "Go back" leads to the case page."""
    if request.method != "GET":
        request.state.back = path_for(request, "case_view", ref=ref)

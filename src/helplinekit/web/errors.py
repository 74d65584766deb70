"""How the web app answers an error: one handler per kind of error, registered on the app.

A console route raises; it does not build its own error page. An access refusal is a 403,
something missing a 404, a broken rule of the domain a 400 whose page gives the error's
message in the reader's language (:func:`helplinekit.web.text.explain`); a "Go back" link
leads where the route's router said (``request.state.back``). Anything else is a plain 500
page: never a traceback, and nothing of the request in the log.

The kinds are the roots in :mod:`helplinekit.domain.errors`; every error helplinekit raises
on purpose is beneath one of them, so a new error class needs no new handler. A refusal's
page says what the person may do instead and whom to ask (the policy's message, translated).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from helplinekit.domain import errors
from helplinekit.i18n import N_
from helplinekit.web.console.deps import (
    SESSION_ENDED,
    Refusal,
    SignInRequired,
    language_of,
    problem_page,
)
from helplinekit.web.console.signin import SignInFormExpired, sign_in_page
from helplinekit.web.http import BodyTooLarge
from helplinekit.web.middleware import SECURITY_HEADERS
from helplinekit.web.pages import path_for, render
from helplinekit.web.site import site_of
from helplinekit.web.text import explain

__all__ = ["install_error_handlers"]

ACCESS_DENIED = N_("You do not have access to do this.")
NO_SUCH_CASE = N_("There is no such case.")

Handler = Callable[[Request, Exception], Awaitable[Response]]


def _in_console(request: Request) -> bool:
    """Whether a staff member's session was resumed for this request (a console route)."""
    return getattr(request.state, "staff_session", None) is not None


def _problem(request: Request, status: int, message: str, back: str | None) -> Response:
    session = getattr(request.state, "staff_session", None)
    language = language_of(request, session)
    return problem_page(request, status, language.translations.gettext(message), back=back)


async def sign_in_required(request: Request, exc: Exception) -> Response:
    """Nobody signed in: a page redirects to sign-in (and back after), a form gets a 403."""
    login = path_for(request, "login_form")
    if request.method == "GET":
        if request.url.path != path_for(request, "home"):
            login += "?next=" + quote(request.url.path)
        return RedirectResponse(login, status_code=303)
    language = site_of(request).pack(None)
    message = language.translations.gettext(SESSION_ENDED)
    return problem_page(request, 403, message, back=login, language=language)


async def refused(request: Request, exc: Exception) -> Response:
    """A :class:`Refusal` raised by a console dependency or route: its problem page."""
    assert isinstance(exc, Refusal)
    back = exc.back or getattr(request.state, "back", None)
    if exc.language is not None:
        message = exc.language.translations.gettext(exc.message)
        return problem_page(request, exc.status, message, back=back, language=exc.language)
    return _problem(request, exc.status, exc.message, back)


async def sign_in_form_expired(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInFormExpired)
    error = N_("The sign-in form expired. Please try again.")
    return sign_in_page(request, exc.language, status=403, error=error)


def _explained(request: Request, status: int, exc: Exception, back: str | None) -> Response:
    """The problem page with the error's own message, in the reader's language."""
    session = getattr(request.state, "staff_session", None)
    language = language_of(request, session)
    message = explain(exc, language.translations) or language.translations.gettext(
        ACCESS_DENIED if status == 403 else NO_SUCH_CASE
    )
    return problem_page(request, status, message, back=back)


async def access_denied(request: Request, exc: Exception) -> Response:
    """A refusal: 403, saying what the person may do instead and whom to ask."""
    if not _in_console(request):
        return await unexpected(request, exc)
    return _explained(request, 403, exc, getattr(request.state, "back", None))


async def not_found(request: Request, exc: Exception) -> Response:
    """Something missing (a case, a task, a device): 404, saying what and what to do."""
    if not _in_console(request):
        return await unexpected(request, exc)
    back = getattr(request.state, "back", None) or path_for(request, "queue")
    return _explained(request, 404, exc, back)


async def domain_rule(request: Request, exc: Exception) -> Response:
    """A rule of the domain refused the input: 400, with the error's own message."""
    if not _in_console(request):
        return await unexpected(request, exc)
    session = getattr(request.state, "staff_session", None)
    language = language_of(request, session)
    message = explain(exc, language.translations)  # translates UnsafeCharacter and its kin
    return problem_page(request, 400, message, back=getattr(request.state, "back", None))


async def bad_value(request: Request, exc: Exception) -> Response:
    """A ValueError or LookupError from a service acting on a checked console form: 400.

    Anywhere else (a page being built, a public page) it is a fault of ours: a 500.
    """
    if getattr(request.state, "checked_form", False):
        return await domain_rule(request, exc)
    return await unexpected(request, exc)


async def too_large(request: Request, exc: Exception) -> Response:
    # Refused before the body is read, so the language is the page's ?lang= at most.
    language = site_of(request).pack(request.query_params.get("lang"))
    return render(request, "error.html", language, 413, error="size")


async def unexpected(request: Request, exc: Exception) -> Response:
    # Never a traceback for the user, and nothing of the request in the log: exception
    # texts (a database error quotes its parameters) may hold what someone typed.
    logging.getLogger("helplinekit.web").error(
        "Unexpected %s answering %s %s", type(exc).__name__, request.method, request.url.path
    )
    language = site_of(request).pack(request.query_params.get("lang"))
    response = render(request, "error.html", language, 500, error="server")
    # This answer may come from outside the middleware stack: add the headers here too.
    response.headers.update(SECURITY_HEADERS)
    return response


#: Each error class and its handler; a class is answered by its nearest listed ancestor.
HANDLERS: dict[type[Exception], Handler] = {
    SignInRequired: sign_in_required,
    Refusal: refused,
    SignInFormExpired: sign_in_form_expired,
    errors.AccessDenied: access_denied,
    errors.NotFound: not_found,
    errors.HelplinekitError: domain_rule,
    ValueError: bad_value,
    LookupError: bad_value,
    BodyTooLarge: too_large,
    Exception: unexpected,
}


def install_error_handlers(app: FastAPI) -> None:
    """Register :data:`HANDLERS` on ``app``."""
    for kind, handler in HANDLERS.items():
        app.add_exception_handler(kind, handler)

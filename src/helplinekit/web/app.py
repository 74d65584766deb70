"""The public pages: the intake form and "check my case".

``create_app(helpline)`` returns an ASGI app (FastAPI) usable from a test client or uvicorn::

    uvicorn --factory mymodule:make_app   # where make_app() opens a Helpline and calls this

Every response carries a strict Content-Security-Policy (no inline script, nothing from
another host), ``Referrer-Policy: no-referrer``, ``X-Content-Type-Options: nosniff`` and
``Cache-Control: no-store`` (so Back shows an empty form). Bodies over 64 KiB are refused
before they are parsed; submissions are rate limited per client (its IPv4 address or IPv6
/64) in the database, and "check my case" is guarded against guessing by a backoff per code
and client and a daily cap that cannot lock the survivor out (see web/access.py). Nothing
is stored from a request that fails a check (every bad input gets a 4xx page, never a 5xx),
and the answer to a submission is the same whether or not its sender is already known: the
form always opens a new contact. The survivor's case code is stored in the same transaction
as their message. The form and the "sent" page show the configured jurisdiction's emergency
numbers ([C] and [S] only).
"""

from __future__ import annotations

import logging
import math
import secrets
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from helplinekit.contracts.channel import (
    ChannelError,
    InboundRequest,
    VerificationFailed,
    contact_schemes,
)
from helplinekit.domain import InvalidURN, UnknownScheme, UnsafeCharacter, parse_urn
from helplinekit.i18n import N_
from helplinekit.security.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PasswordRejected,
    hash_password,
    normalise_password,
)
from helplinekit.web import access
from helplinekit.web.access import (
    MalformedCaseCode,
    hit_rate_limit,
    normalise_case_code,
    passphrase_is_weak,
    receive_with_access,
)
from helplinekit.web.http import (
    FORM_CONTENT_TYPE,
    BodyTooLarge,
    content_type,
    jinja_environment,
    read_body,
)
from helplinekit.web.text import explain

if TYPE_CHECKING:
    from helplinekit.api import Helpline
    from helplinekit.contracts.language import LanguagePack
    from helplinekit.services.context import ServiceContext

__all__ = ["SECURITY_HEADERS", "create_app"]

HERE = Path(__file__).parent
CHANNEL = "web.form"
MAX_BODY_BYTES = 64 * 1024
DEFAULT_EXIT_URL = "https://en.wikipedia.org/wiki/Special:Random"
DEFAULT_RATE_LIMIT = 10
DEFAULT_RATE_WINDOW_SECONDS = 600

#: The settings ``[web]`` may hold.
KNOWN_WEB_SETTINGS = frozenset(
    {"exit_url", "rate_limit", "rate_window_seconds", "session_idle_minutes"}
)
DEFAULT_SESSION_IDLE_MINUTES = 30
#: What the form shows again after an error, besides the message (never the passphrase).
KEPT_FIELDS = ("consent_services", "consent_statistics", "safe_contact")
#: Set by the no-JavaScript quick exit only to evict the form from the back/forward cache.
EXIT_COOKIE = "__Host-hk_exit"

#: Said when the safe contact is neither unsafe nor of an unknown scheme, just unreadable.
_BAD_SAFE_CONTACT = N_(
    "The safe way to reach you is not a phone number or address we can use. Write it like "
    "tel:+923001234567 or mailto:name@example.org."
)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


class _SecurityHeaders:
    """ASGI middleware: the security headers on every response, whatever produced it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name in SECURITY_HEADERS}
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.decode().lower() not in names
                ]
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _form_fields(body: bytes) -> dict[str, str] | None:
    try:
        text = body.decode("utf-8")
        parsed = parse_qs(text, keep_blank_values=True, max_num_fields=32)
    except (UnicodeDecodeError, ValueError):
        return None
    if any(len(values) != 1 for values in parsed.values()):
        return None
    return {key: values[0] for key, values in parsed.items()}


def _safe_contact_problem(text: str, schemes: tuple[str, ...]) -> InvalidURN | None:
    """Why the survivor's "safe way to reach me" cannot be used, or None (also when empty).

    Checked here rather than left to the channel, so the survivor is told what is wrong (an
    invisible character, a scheme nobody can be reached on) instead of "the form could not
    be accepted".
    """
    if not text.strip():
        return None
    try:
        parse_urn(text, schemes=schemes)
    except (UnsafeCharacter, UnknownScheme) as error:
        return error
    except InvalidURN:
        return InvalidURN(_BAD_SAFE_CONTACT)
    return None


def _emergency_numbers(ctx: ServiceContext) -> str:
    """The jurisdiction's emergency numbers, ``15 (Police), 1122 (Rescue …)``; "" for none.

    Only numbers whose fact is [C] or [S] are shown: a wrong emergency number is worse than
    none, so an uncertain one stays off the public pages.
    """
    jurisdictions = ctx.registries.jurisdictions
    key = ctx.config.jurisdiction
    if key not in jurisdictions:
        return ""
    # Each entry is a bidi isolate (FSI … PDI): "15 (Police)" stays whole and in order
    # inside a right-to-left sentence.
    return ", ".join(
        f"\u2068{entry.number} ({entry.service})\u2069"
        for entry in jurisdictions.get(key).emergency_numbers
        if entry.shown_publicly
    )


def create_app(helpline: Helpline) -> FastAPI:
    """The public web pages of ``helpline`` (which must have the ``web.form`` channel)."""

    ctx = helpline.context
    channel = ctx.channels.get(CHANNEL)
    if channel is None:
        raise ValueError(
            "The public web pages need the web.form channel: add it to [channels] enabled."
        )
    settings = dict(helpline.config.extra.get("web") or {})
    unknown = sorted(set(settings) - KNOWN_WEB_SETTINGS)
    if unknown:
        # A misspelt setting must not be silently ignored (the exit address matters).
        raise ValueError(
            f"[web] has an unknown setting {unknown[0]!r}; known settings: "
            f"{', '.join(sorted(KNOWN_WEB_SETTINGS))}."
        )
    exit_url = str(settings.get("exit_url") or DEFAULT_EXIT_URL)
    if not exit_url.startswith(("https://", "http://", "/")):
        raise ValueError(f"[web] exit_url must be an http(s) address, not {exit_url!r}.")
    rate_limit = int(settings.get("rate_limit", DEFAULT_RATE_LIMIT))
    rate_window = timedelta(
        seconds=int(settings.get("rate_window_seconds", DEFAULT_RATE_WINDOW_SECONDS))
    )
    languages = ctx.registries.languages
    enabled = list(helpline.config.languages.enabled)
    default_language = helpline.config.languages.default
    emergency_numbers = _emergency_numbers(ctx)
    # A safe contact may be a number, an email address, or an address on an enabled channel.
    safe_schemes = contact_schemes(ctx.channels.values())

    def pack(tag: str | None) -> LanguagePack:
        return languages.get(tag if tag in enabled else default_language)

    def render(
        template: str, language: LanguagePack, status: int = 200, **values: Any
    ) -> HTMLResponse:
        page = jinja_environment(language.translations).get_template(template)
        html = page.render(
            lang=language.tag,
            direction=language.direction,
            exit_url=exit_url,
            languages=[(tag, languages.get(tag).native_name) for tag in enabled],
            **values,
        )
        return HTMLResponse(html, status_code=status)

    def emergency(language: LanguagePack) -> str | None:
        if not emergency_numbers:
            return None
        return language.message("notice.emergency", emergency_numbers=emergency_numbers)

    def form_page(
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
            "form.html",
            language,
            status,
            token=channel.issue_token(),
            privacy=language.message("notice.privacy"),
            emergency=emergency(language),
            min_passphrase=MIN_PASSWORD_LENGTH,
            max_passphrase=MAX_PASSWORD_LENGTH,
            error=error,
            message=message,
            contact_error=contact_error,
            kept=kept or {},
        )

    def client_address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(_SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.helpline = helpline

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        # Refused before the body is read, so the language is the page's ?lang= at most.
        return render("error.html", pack(request.query_params.get("lang")), 413, error="size")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Never a traceback for the user, and nothing of the request in the log: exception
        # texts (a database error quotes its parameters) may hold what someone typed.
        logging.getLogger("helplinekit.web").error(
            "Unexpected %s answering %s %s", type(exc).__name__, request.method, request.url.path
        )
        response = render("error.html", pack(request.query_params.get("lang")), 500, error="server")
        # This answer comes from outside the middleware stack: add the headers here too.
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.get("/exit")
    def quick_exit() -> Response:
        """The quick exit without JavaScript: leave for the exit address.

        Chromium keeps even ``no-store`` pages in its back/forward cache, so Back after a
        plain link would show the form as it was left, message and all. A cookie that
        changes evicts those pages; this one holds nothing and expires in seconds.
        """
        response = RedirectResponse(exit_url, status_code=303)
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

    @app.get("/form", response_class=HTMLResponse)
    def show_form(lang: str | None = None) -> Response:
        return form_page(pack(lang))

    @app.post("/form", response_class=HTMLResponse)
    async def submit_form(request: Request) -> Response:
        body = await read_body(request, MAX_BODY_BYTES)
        # The rest hashes and writes: off the event loop, so other requests go on meanwhile.
        return await run_in_threadpool(store_submission, request, body)

    def store_submission(request: Request, body: bytes) -> Response:
        fields = _form_fields(body)
        language = pack((fields or {}).get("language"))
        if hit_rate_limit(
            ctx, "form", client_address(request), limit=rate_limit, window=rate_window
        ):
            return render("error.html", language, 429, error="rate")
        if fields is None or content_type(request) != FORM_CONTENT_TYPE:
            return render("error.html", language, 400, error="invalid")
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
            return render("error.html", language, 403, error="token")
        kept = {name: fields.get(name, "") for name in KEPT_FIELDS}

        def again(error: str) -> HTMLResponse:
            return form_page(language, status=400, error=error, message=message, kept=kept)

        if not message.strip():
            return again("empty")
        length = len(normalise_password(passphrase))
        if length < MIN_PASSWORD_LENGTH:
            return again("passphrase")
        if length > MAX_PASSWORD_LENGTH:
            return again("passphrase_long")
        contact_error = _safe_contact_problem(fields.get("safe_contact", ""), safe_schemes)
        if contact_error is not None:
            return form_page(
                language,
                status=400,
                error="contact",
                contact_error=explain(contact_error, language.translations),
                message=message,
                kept=kept,
            )
        # The code is drawn now so the passphrase can be checked against it too.
        code = access.new_case_code()
        if passphrase_is_weak(
            passphrase, helpline_name=helpline.config.helpline.name, case_code=code
        ):
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
            _, code = receive_with_access(ctx, CHANNEL, inbound, passphrase_hash, code=code)
        except VerificationFailed:
            return render("error.html", language, 403, error="token")
        except ChannelError:
            return again("invalid")
        except IntegrityError:
            # A clash on a unique row that survived every retry: nothing was stored.
            return render("error.html", language, 409, error="unsaved")
        if code is None:
            # The same form sent twice (a double click, a retry): stored once already.
            return render("error.html", language, 409, error="duplicate")
        return render(
            "sent.html",
            language,
            ack=language.message("ack.web_form", case_code=code),
            emergency=emergency(language),
        )

    @app.get("/check", response_class=HTMLResponse)
    def show_check(lang: str | None = None) -> Response:
        return render("check.html", pack(lang))

    @app.post("/check", response_class=HTMLResponse)
    async def check_case(request: Request) -> Response:
        body = await read_body(request, MAX_BODY_BYTES)
        return await run_in_threadpool(show_replies, request, body)

    def show_replies(request: Request, body: bytes) -> Response:
        fields = _form_fields(body)
        language = pack((fields or {}).get("language"))
        if hit_rate_limit(
            ctx, "check", client_address(request), limit=rate_limit, window=rate_window
        ):
            return render("error.html", language, 429, error="rate")
        if fields is None or content_type(request) != FORM_CONTENT_TYPE:
            return render("check.html", language, 400, error="invalid")
        passphrase = fields.get("passphrase", "")
        if not passphrase or len(normalise_password(passphrase)) > MAX_PASSWORD_LENGTH:
            # No passphrase could match: refused before any lookup.
            return render("check.html", language, 400, error="invalid")
        try:
            code = normalise_case_code(fields.get("code", ""))
        except MalformedCaseCode:
            return render("check.html", language, 400, error="code")
        # Guessing is held back per code and client (backoff) and per code (a daily cap that
        # refuses only the clients that guessed), known and unknown codes alike.
        checked = access.check_case(ctx, code, passphrase, client_address(request))
        if checked.wait is not None:
            seconds = max(1, math.ceil(checked.wait.total_seconds()))
            response = render(
                "check.html", language, 429, error="wait", wait_minutes=math.ceil(seconds / 60)
            )
            response.headers["Retry-After"] = str(seconds)
            return response
        if checked.closed_until is not None:
            response = render("check.html", language, 429, error="closed")
            seconds = (checked.closed_until - ctx.clock()).total_seconds()
            response.headers["Retry-After"] = str(max(1, math.ceil(seconds)))
            return response
        if checked.replies is None:
            return render("check.html", language, 403, error="nomatch")
        return render("replies.html", language, replies=checked.replies)

    idle_minutes = int(settings.get("session_idle_minutes", DEFAULT_SESSION_IDLE_MINUTES))
    if not 1 <= idle_minutes <= 24 * 60:
        raise ValueError(
            f"[web] session_idle_minutes must be 1 to 1440 minutes, not {idle_minutes}."
        )
    from helplinekit.web.console import console_router

    app.include_router(console_router(helpline, idle=timedelta(minutes=idle_minutes)))
    return app

"""Every route's protection is in its dependency tree, not left to each handler to call.

The app's routes are walked (included routers too, however deeply nested), and each
route's ``dependant`` is searched recursively for the dependencies that protect it:

- every state-changing route (POST, PUT, PATCH, DELETE) reads its body under the size
  limit and checks an anti-forgery token: the console's through ``checked_form`` (or the
  sign-in and enrolment variants, whose tokens are bound to their own cookies); the public
  form's through ``posted_body`` and the ``web.form`` channel's signed token;
- every console route but the sign-in pages needs the signed-in session (``signed_in``).

Then each state-changing console route is posted without a CSRF token, and refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from helplinekit.domain import Role
from helplinekit.web import create_app
from helplinekit.web.console import CONSOLE_ROUTES
from helplinekit.web.console.deps import checked_form, posted_form, signed_in
from helplinekit.web.console.signin import enrolment_form, sign_in_form
from helplinekit.web.public import posted_body

from .console_kit import add_staff_member, console_client, sign_in

pytestmark = pytest.mark.database

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
#: The console's CSRF checks: each reads the form through ``posted_form`` (the size limit).
CSRF_CHECKS = {checked_form, sign_in_form, enrolment_form}
#: The console routes reached before a session exists.
SIGN_IN_ROUTES = {("GET", "/staff/login"), ("POST", "/staff/login"), ("POST", "/staff/enrol")}
#: The public pages' state-changing routes: their own token scheme (the form's) and limit.
PUBLIC_POSTS = {"/form", "/check"}


def _calls(dependant: Any) -> Iterator[Callable[..., Any]]:
    """Every callable in ``dependant``'s tree, sub-dependencies of sub-dependencies too."""
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _call_chains(dependant: Any, chain: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Each path from the endpoint down to a dependency, as the tuple of callables on it."""
    for sub in dependant.dependencies:
        here = (*chain, sub.call)
        yield here
        yield from _call_chains(sub, here)


def _routes(app: Any) -> list[tuple[str, str, Any]]:
    """(method, path, dependant) for every route the app serves that has a dependant."""
    found = []
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue  # the static files
        for method in route.methods or ():
            found.append((method, route.path, dependant))
    return found


@pytest.fixture
def app(open_helpline):
    return create_app(open_helpline())


def test_the_walk_finds_every_console_route(app) -> None:
    served = {(method, path) for method, path, _ in _routes(app) if path.startswith("/staff")}
    assert served == set(CONSOLE_ROUTES)


def test_every_state_changing_route_checks_its_form_through_a_dependency(app) -> None:
    changing = [(m, p, d) for m, p, d in _routes(app) if m in STATE_CHANGING]
    assert changing, "the walk found no state-changing route"
    public = set()
    for method, path, dependant in changing:
        calls = set(_calls(dependant))
        if path.startswith("/staff"):
            checks = calls & CSRF_CHECKS
            assert checks, f"{method} {path} has no CSRF check among its dependencies"
            # The check itself reads the body under the limit: posted_form is beneath it.
            assert any(
                chain[-1] is posted_form and set(chain) & checks
                for chain in _call_chains(dependant)
            ), f"{method} {path}: the CSRF check does not read the form under the size limit"
        else:
            assert posted_body in calls, f"{method} {path} reads its body without the limit"
            public.add(path)
    # A new public state-changing route must be added here, with its anti-forgery scheme.
    assert public == PUBLIC_POSTS


def test_every_console_route_but_sign_in_needs_the_session(app) -> None:
    for method, path, dependant in _routes(app):
        if not path.startswith("/staff") or (method, path) in SIGN_IN_ROUTES:
            continue
        assert signed_in in set(_calls(dependant)), f"{method} {path} does not need a session"


def test_the_checked_form_needs_the_session_before_the_form(app) -> None:
    # A form posted without a session is refused as such, whatever its body.
    from fastapi.dependencies.utils import get_dependant

    calls = [sub.call for sub in get_dependant(path="/", call=checked_form).dependencies]
    assert calls.index(signed_in) < calls.index(posted_form)


def _concrete(path: str) -> str:
    return (
        path.replace("{ref}", "HL-2026-000001")
        .replace("{task_id}", "00000000-0000-0000-0000-000000000001")
        .replace("{referral_id}", "00000000-0000-0000-0000-000000000002")
        .replace("{device_id}", "00000000-0000-0000-0000-000000000003")
        .replace("{grant_id}", "00000000-0000-0000-0000-000000000004")
    )


def test_a_console_form_without_its_token_is_refused(open_helpline) -> None:
    helpline = open_helpline()
    supervisor = add_staff_member(helpline, "supervisor", {Role.SUPERVISOR})
    client = console_client(helpline)
    csrf = sign_in(client, supervisor)
    posts = [path for method, path in CONSOLE_ROUTES if method == "POST"]
    for path in posts:
        if ("POST", path) in SIGN_IN_ROUTES:
            continue
        url = _concrete(path)
        for data in ({"note": "no token"}, {"csrf": "0" * len(csrf)}):
            response = client.post(url, data=data)
            assert response.status_code == 403, (path, data, response.status_code)
            assert "This form has expired" in response.text, path
    # Still signed in: the refusals changed nothing, and a token makes the same form work.
    assert client.post("/staff/account/language", data={"csrf": csrf}).status_code == 303


def test_the_sign_in_forms_without_their_token_are_refused(open_helpline) -> None:
    helpline = open_helpline()
    login = add_staff_member(helpline, "intake", {Role.INTAKE})
    client = console_client(helpline)
    client.get("/staff/login")  # the sign-in cookie, without the form's token
    refused = client.post(
        "/staff/login", data={"email": login.email, "password": "x", "code": login.code()}
    )
    assert refused.status_code == 403 and "The sign-in form expired" in refused.text
    # Enrolment without an enrolling session (and so without its token): refused.
    assert client.post("/staff/enrol", data={"code": "123456"}).status_code == 403


def test_the_public_form_keeps_its_own_token_and_limit(open_helpline) -> None:
    helpline = open_helpline()
    client = TestClient(create_app(helpline), base_url="https://testserver")
    fields = {"message": "someone is posting my photos", "passphrase": "purple kettle morning"}
    without_token = client.post("/form", data=fields)
    assert without_token.status_code == 403
    forged = client.post("/form", data={**fields, "token": "forged"})
    assert forged.status_code == 403
    for path in sorted(PUBLIC_POSTS):
        too_large = client.post(
            path,
            content=b"message=" + b"x" * (65 * 1024),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert too_large.status_code == 413, path

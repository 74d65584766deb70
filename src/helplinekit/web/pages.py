"""The one way a web page is rendered: a template, a language pack and the page's values.

Every page gets ``lang`` and ``direction`` (for ``<html>``), the language menu, the quick-exit
address and ``url_for(name, **params)``, which builds a link from a route's name (under the
root path the app is served at, if any), so no template writes a path by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse

from helplinekit.web.http import jinja_environment
from helplinekit.web.site import site_of

if TYPE_CHECKING:
    from helplinekit.contracts.language import LanguagePack

__all__ = ["path_for", "render"]


def path_for(request: Request, name: str, **params: object) -> str:
    """The path of the route called ``name``, its parameters percent-encoded.

    A relative path (no scheme or host), so a link reads the same behind any proxy; a
    parameter is quoted whole, so a reference holding ``?`` or ``#`` stays one segment.
    """
    quoted = {key: quote(str(value), safe="") for key, value in params.items()}
    return request.url_for(name, **quoted).path


def render(
    request: Request,
    template: str,
    language: LanguagePack,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    """``template`` rendered in ``language`` with ``values``, as an HTML response."""
    site = site_of(request)
    page = jinja_environment(language.translations).get_template(template)
    values.setdefault("languages", site.language_choices())
    values.setdefault("language_menu", site.language_menu())
    html = page.render(
        lang=language.tag,
        direction=language.direction,
        language=language,
        fallback=site.fallback_pack(),
        fallback_name=site.fallback_name(),
        exit_url=site.settings.exit_url,
        url_for=lambda name, **params: path_for(request, name, **params),
        **values,
    )
    return HTMLResponse(html, status_code=status)

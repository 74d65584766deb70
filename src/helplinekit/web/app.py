"""The web app: the public pages and the staff console, as one ASGI app (FastAPI).

``create_app(helpline)`` returns it, usable from a test client or uvicorn::

    uvicorn --factory mymodule:make_app   # where make_app() opens a Helpline and calls this

It is assembled here and nowhere else: the security headers middleware
(:mod:`helplinekit.web.middleware`), one error handler per kind of error
(:mod:`helplinekit.web.errors`), the static files, the public router
(:mod:`helplinekit.web.public`) and the console's (:mod:`helplinekit.web.console`). What the
routers need of the helpline is on ``app.state.site`` (:class:`helplinekit.web.site.Site`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from helplinekit.web import public
from helplinekit.web.console import console_router
from helplinekit.web.errors import install_error_handlers
from helplinekit.web.middleware import SECURITY_HEADERS, SecurityHeaders
from helplinekit.web.site import Site

if TYPE_CHECKING:
    from helplinekit.api import Helpline

__all__ = ["SECURITY_HEADERS", "create_app"]

HERE = Path(__file__).parent


def create_app(helpline: Helpline) -> FastAPI:
    """The web pages of ``helpline`` (which must have the ``web.form`` channel).

    :raises ValueError: the ``web.form`` channel is not enabled, or ``[web]`` is unusable.
    """
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.site = Site.of(helpline)
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(public.router)
    app.include_router(console_router())
    return app

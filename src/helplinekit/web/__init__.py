"""The public web pages: the intake form and "check my case" (``create_app``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # What __getattr__ hands out, for the type checker; at run time FastAPI stays unloaded.
    from helplinekit.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    # FastAPI is imported only when the web app is used.
    if name == "create_app":
        from helplinekit.web.app import create_app

        return create_app
    raise AttributeError(name)

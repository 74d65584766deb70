"""What the public pages and the console share: reading a posted form safely (a size limit
before parsing, UTF-8, a field limit) and a translated Jinja environment per language."""

from __future__ import annotations

import functools
import gettext
from pathlib import Path
from urllib.parse import parse_qsl

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape

from helplinekit.web.labels import TEMPLATE_LABELS
from helplinekit.web.text import show_controls

__all__ = [
    "FORM_CONTENT_TYPE",
    "BodyTooLarge",
    "FormData",
    "content_type",
    "jinja_environment",
    "read_body",
    "read_form",
]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
#: More fields than any console or public form has: a flood of fields is refused.
MAX_FIELDS = 200


class BodyTooLarge(Exception):
    """The request body is over the limit; nothing of it was parsed."""


class FormData:
    """A parsed form: ``one(name)`` for a single value, ``all(name)`` for checkboxes."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def one(self, name: str) -> str:
        """The field's value ("" when absent; the last one when sent several times)."""
        values = self.all(name)
        return values[-1] if values else ""

    def all(self, name: str) -> list[str]:
        return [value for key, value in self._pairs if key == name]


def content_type(request: Request) -> str:
    """The request's media type, lower case, without parameters (``charset=…``)."""
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (before parsing anything) one larger than ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


async def read_form(request: Request, limit: int) -> FormData | None:
    """The posted form, or None when it is not a URL-encoded UTF-8 form.

    :raises BodyTooLarge: the body is over ``limit`` bytes.
    """
    body = await read_body(request, limit)
    if content_type(request) != FORM_CONTENT_TYPE:
        return None
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            max_num_fields=MAX_FIELDS,
            strict_parsing=False,
        )
    except (UnicodeDecodeError, ValueError):
        return None
    return FormData(pairs)


TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def jinja_environment(translations: gettext.NullTranslations) -> Environment:
    """The web templates, autoescaped, with ``_()`` translating through ``translations``, the
    ``show_controls`` filter (:func:`helplinekit.web.text.show_controls`), the ``translated``
    filter and the label dictionaries of :mod:`helplinekit.web.labels` as globals
    (``STATUS``, ``RISK``, …).

    ``translated`` is for text that is data (a category's title, a legal condition) rather
    than written in the template: unlike ``_()``, which marks its result safe, it leaves the
    text to be escaped like any other value. ``long_date`` writes a date as the reader's
    language does (``day|long_date(lang)``)."""
    from helplinekit.services.legal import long_date

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    # Survivor and staff text goes through it, so a direction control shows, not acts.
    env.filters["show_controls"] = show_controls
    env.filters["translated"] = translations.gettext
    env.filters["long_date"] = long_date
    env.globals.update(TEMPLATE_LABELS)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return env

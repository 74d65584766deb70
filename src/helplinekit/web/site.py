"""What every web page needs to know of the helpline, built once by ``create_app``.

:class:`Site` holds the service context and the settings read from ``[web]``; the routers
reach it through the :data:`SiteDep` dependency (``request.app.state.site``), so they are
plain module-level routers rather than closures over a helpline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Protocol
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from helplinekit.contracts.channel import contact_schemes

if TYPE_CHECKING:
    from collections.abc import Sequence

    from helplinekit.api import Helpline
    from helplinekit.config import tables as config_tables
    from helplinekit.contracts.channel import InboundRequest, ParsedEvent
    from helplinekit.contracts.language import LanguagePack
    from helplinekit.services.context import ServiceContext

__all__ = ["LanguageChoice", "Site", "SiteDep", "WebSettings", "site_of"]

#: The channel the public form is.
FORM_CHANNEL = "web.form"
CSRF_PURPOSE = "console-csrf:v1"


class FormChannel(Protocol):
    """The public form's channel as the pages use it: it issues and checks the form's token."""

    def issue_token(self) -> str: ...

    def verify(self, request: InboundRequest) -> None: ...

    def parse(self, request: InboundRequest) -> Sequence[ParsedEvent]: ...


@dataclass(frozen=True)
class WebSettings:
    """The ``[web]`` table as the pages use it (checked when ``helpline.toml`` loads)."""

    exit_url: str
    rate_limit: int
    rate_window: timedelta
    session_idle: timedelta

    @classmethod
    def of(cls, web: config_tables.WebSettings) -> WebSettings:
        """The pages' view of the checked ``[web]`` table."""
        return cls(
            exit_url=web.exit_url,
            rate_limit=web.rate_limit,
            rate_window=timedelta(seconds=web.rate_window_seconds),
            session_idle=timedelta(minutes=web.session_idle_minutes),
        )


@dataclass(frozen=True)
class LanguageChoice:
    """One entry of the language switcher."""

    tag: str
    name: str
    #: False for a language with no translation yet: its pages are in the fallback language.
    translated: bool
    #: False until a native speaker has reviewed the translation.
    reviewed: bool


@dataclass(frozen=True)
class Site:
    """The helpline as the web pages see it."""

    ctx: ServiceContext
    settings: WebSettings
    form_channel: FormChannel
    enabled_languages: tuple[str, ...]
    default_language: str
    helpline_name: str
    country: str | None
    #: Times are shown in the helpline's own time zone, where its staff work.
    local_time: ZoneInfo
    #: A safe contact may be a number, an email address, or an address on an enabled channel.
    safe_schemes: tuple[str, ...]
    csrf_key: bytes

    @classmethod
    def of(cls, helpline: Helpline) -> Site:
        """The site of ``helpline``.

        :raises ValueError: it lacks the ``web.form`` channel.
        """
        ctx = helpline.context
        channel = ctx.channels.get(FORM_CHANNEL)
        if channel is None:
            raise ValueError(
                "The public web pages need the web.form channel: add it to [channels] enabled."
            )
        config = helpline.config
        return cls(
            ctx=ctx,
            settings=WebSettings.of(config.web),
            form_channel=channel,
            enabled_languages=tuple(config.languages.enabled),
            default_language=config.languages.default,
            helpline_name=config.helpline.name,
            country=config.helpline.country,
            local_time=ZoneInfo(config.helpline.timezone),
            safe_schemes=tuple(contact_schemes(ctx.channels.values())),
            csrf_key=ctx.web_keys[CSRF_PURPOSE],
        )

    def pack(self, tag: str | None) -> LanguagePack:
        """The language pack for ``tag``, or the helpline's default when it is not enabled."""
        chosen = tag if tag in self.enabled_languages else self.default_language
        return self.ctx.languages.pack(chosen)

    def language_menu(self) -> list[LanguageChoice]:
        """The enabled languages for the language switcher, each with its state marked."""
        menu = []
        for tag in self.enabled_languages:
            pack = self.ctx.languages.pack(tag)
            menu.append(
                LanguageChoice(
                    tag=tag,
                    name=pack.native_name,
                    translated=pack.translated,
                    reviewed=pack.reviewed,
                )
            )
        return menu

    def fallback_pack(self) -> LanguagePack:
        """The language shown where a language has no translation yet."""
        return self.ctx.languages.pack(self.ctx.languages.fallback_tag)

    def fallback_name(self) -> str:
        """The fallback language's own name, for "shown in …" notices."""
        return self.fallback_pack().native_name

    def language_choices(self) -> list[tuple[str, str]]:
        """The enabled languages as (tag, name in that language), for a language menu."""
        languages = self.ctx.languages
        return [(tag, languages.pack(tag).native_name) for tag in self.enabled_languages]


def site_of(request: Request) -> Site:
    """The :class:`Site` of the app serving ``request``."""
    site: Site = request.app.state.site
    return site


SiteDep = Annotated[Site, Depends(site_of)]

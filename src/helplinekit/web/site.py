"""What every web page needs to know of the helpline, built once by ``create_app``.

:class:`Site` holds the service context and the settings read from ``[web]``; the routers
reach it through the :data:`SiteDep` dependency (``request.app.state.site``), so they are
plain module-level routers rather than closures over a helpline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, Protocol
from zoneinfo import ZoneInfo

from fastapi import Depends, Request

from helplinekit.contracts.channel import contact_schemes

if TYPE_CHECKING:
    from collections.abc import Sequence

    from helplinekit.api import Helpline
    from helplinekit.contracts.channel import InboundRequest, ParsedEvent
    from helplinekit.contracts.language import LanguagePack
    from helplinekit.services.context import ServiceContext

__all__ = ["Site", "SiteDep", "WebSettings", "site_of"]

#: The channel the public form is.
FORM_CHANNEL = "web.form"
DEFAULT_EXIT_URL = "https://en.wikipedia.org/wiki/Special:Random"
DEFAULT_RATE_LIMIT = 10
DEFAULT_RATE_WINDOW_SECONDS = 600
DEFAULT_SESSION_IDLE_MINUTES = 30
#: The settings ``[web]`` may hold.
KNOWN_WEB_SETTINGS = frozenset(
    {"exit_url", "rate_limit", "rate_window_seconds", "session_idle_minutes"}
)
CSRF_PURPOSE = "console-csrf:v1"


class FormChannel(Protocol):
    """The public form's channel as the pages use it: it issues and checks the form's token."""

    def issue_token(self) -> str: ...

    def verify(self, request: InboundRequest) -> None: ...

    def parse(self, request: InboundRequest) -> Sequence[ParsedEvent]: ...


@dataclass(frozen=True)
class WebSettings:
    """The ``[web]`` table, checked: the quick-exit address, rate limits, the idle timeout."""

    exit_url: str = DEFAULT_EXIT_URL
    rate_limit: int = DEFAULT_RATE_LIMIT
    rate_window: timedelta = timedelta(seconds=DEFAULT_RATE_WINDOW_SECONDS)
    session_idle: timedelta = timedelta(minutes=DEFAULT_SESSION_IDLE_MINUTES)

    @classmethod
    def from_table(cls, table: Mapping[str, Any] | None) -> WebSettings:
        """The settings in ``table``; ValueError naming a misspelt or unusable one."""
        settings = dict(table or {})
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
        window = int(settings.get("rate_window_seconds", DEFAULT_RATE_WINDOW_SECONDS))
        idle_minutes = int(settings.get("session_idle_minutes", DEFAULT_SESSION_IDLE_MINUTES))
        if not 1 <= idle_minutes <= 24 * 60:
            raise ValueError(
                f"[web] session_idle_minutes must be 1 to 1440 minutes, not {idle_minutes}."
            )
        return cls(
            exit_url=exit_url,
            rate_limit=rate_limit,
            rate_window=timedelta(seconds=window),
            session_idle=timedelta(minutes=idle_minutes),
        )


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

        :raises ValueError: it lacks the ``web.form`` channel, or ``[web]`` is unusable.
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
            settings=WebSettings.from_table(config.extra.get("web")),
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
        return self.ctx.registries.languages.get(chosen)

    def language_choices(self) -> list[tuple[str, str]]:
        """The enabled languages as (tag, name in that language), for a language menu."""
        languages = self.ctx.registries.languages
        return [(tag, languages.get(tag).native_name) for tag in self.enabled_languages]


def site_of(request: Request) -> Site:
    """The :class:`Site` of the app serving ``request``."""
    site: Site = request.app.state.site
    return site


SiteDep = Annotated[Site, Depends(site_of)]

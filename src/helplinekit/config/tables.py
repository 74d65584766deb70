"""The ``[web]`` and ``[retention]`` tables of ``helpline.toml``, checked when it is loaded.

Checked here rather than where they are used, so ``helplinekit config check`` refuses what
``helplinekit serve`` would refuse, and names the value and the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from attrs import frozen

__all__ = ["RetentionSettings", "WebSettings", "read_retention", "read_web"]

#: Where the quick exit leads when ``[web] exit_url`` is not set.
DEFAULT_EXIT_URL = "https://en.wikipedia.org/wiki/Special:Random"

#: ``(problem, fix)`` → the error to raise, naming the file and the key.
ErrorFactory = Callable[[str, str, str], Exception]


@frozen
class WebSettings:
    """The ``[web]`` table: the public pages and the staff console.

    Attributes:
        exit_url: where the quick exit leads (an http(s) address or a path on this server).
        rate_limit: how many form submissions or case checks one client may make per window.
        rate_window_seconds: the length of that window.
        session_idle_minutes: how long a staff session may sit idle before it ends.
    """

    exit_url: str = DEFAULT_EXIT_URL
    rate_limit: int = 10
    rate_window_seconds: int = 600
    session_idle_minutes: int = 30


@frozen
class RetentionSettings:
    """The ``[retention]`` table: how long data is kept.

    Attributes:
        closed_case_days: how long a closed case is kept after it was closed.
        backup_days: how long backups are kept (erasure reaches backups when they expire).
    """

    closed_case_days: int = 365
    backup_days: int = 30


def _whole_number(
    error: ErrorFactory,
    key: str,
    value: object,
    unit: str,
    *,
    example: int,
    at_most: int | None = None,
) -> int:
    too_big = at_most is not None and isinstance(value, int) and value > at_most
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or too_big:
        span = f"from 1 to {at_most}" if at_most is not None else "of at least 1"
        raise error(
            key,
            f"{value!r} is not a whole number of {unit} {span}.",
            f"Write a number without quotes, e.g. {key.rsplit('.', 1)[-1]} = {example}.",
        )
    return value


def _refuse_unknown(
    error: ErrorFactory, section: str, table: Mapping[str, Any], known: tuple[str, ...]
) -> None:
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise error(
            f"{section}.{unknown[0]}",
            f"[{section}] has an unknown setting {unknown[0]!r}.",
            f"Known settings in [{section}]: {', '.join(sorted(known))}. Check the spelling.",
        )


def read_web(table: Mapping[str, Any], error: ErrorFactory) -> WebSettings:
    """Check ``[web]``; a misspelt setting is refused (the exit address matters)."""
    default = WebSettings()
    _refuse_unknown(
        error,
        "web",
        table,
        ("exit_url", "rate_limit", "rate_window_seconds", "session_idle_minutes"),
    )
    exit_url = table.get("exit_url", default.exit_url)
    if not isinstance(exit_url, str) or not exit_url.startswith(("https://", "http://", "/")):
        raise error(
            "web.exit_url",
            f"{exit_url!r} is not an http(s) address.",
            'Use a harmless page, e.g. "https://en.wikipedia.org/wiki/Special:Random", or a '
            'path on this server such as "/bye".',
        )
    rate_limit = table.get("rate_limit", default.rate_limit)
    window = table.get("rate_window_seconds", default.rate_window_seconds)
    idle = table.get("session_idle_minutes", default.session_idle_minutes)
    return WebSettings(
        exit_url=exit_url,
        rate_limit=_whole_number(error, "web.rate_limit", rate_limit, "requests", example=10),
        rate_window_seconds=_whole_number(
            error, "web.rate_window_seconds", window, "seconds", example=600
        ),
        session_idle_minutes=_whole_number(
            error, "web.session_idle_minutes", idle, "minutes", example=30, at_most=24 * 60
        ),
    )


def read_retention(table: Mapping[str, Any], error: ErrorFactory) -> RetentionSettings:
    """Check ``[retention]``: whole numbers of days, at least one."""
    default = RetentionSettings()
    _refuse_unknown(error, "retention", table, ("closed_case_days", "backup_days"))
    closed = table.get("closed_case_days", default.closed_case_days)
    backups = table.get("backup_days", default.backup_days)
    return RetentionSettings(
        closed_case_days=_whole_number(
            error, "retention.closed_case_days", closed, "days", example=365
        ),
        backup_days=_whole_number(error, "retention.backup_days", backups, "days", example=30),
    )

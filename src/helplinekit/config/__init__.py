"""``helpline.toml``: one deployment's configuration, loaded into attrs classes.

Found, in order, at ``--config PATH``, ``$HELPLINEKIT_CONFIG``, or ``./helpline.toml``.
Every error names the file, the key and the fix; unknown keys are errors too, because a
misspelt security setting must never be silently ignored.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import field, frozen

from helplinekit.config.tables import RetentionSettings, WebSettings, read_retention, read_web
from helplinekit.domain.errors import ConfigurationError
from helplinekit.domain.names import REFERENCE_PREFIX_RE

__all__ = [
    "CONFIG_ENV",
    "CONFIG_FILENAME",
    "ConfigError",
    "HelplineConfig",
    "RetentionSettings",
    "WebSettings",
    "find_config",
    "load_config",
]

CONFIG_FILENAME = "helpline.toml"
CONFIG_ENV = "HELPLINEKIT_CONFIG"

_SPECIALISMS = ("legal", "digital_security", "counselling")


class ConfigError(ConfigurationError):
    """The configuration is missing or invalid.

    Attributes:
        path: the file.
        key: the dotted key at fault, or None for the whole file.
        problem: what is wrong, including the offending value.
        fix: how to put it right.
    """

    def __init__(self, path: Path | None, key: str | None, problem: str, fix: str) -> None:
        self.path, self.key, self.problem, self.fix = path, key, problem, fix
        where = str(path) if path is not None else "helpline.toml"
        if key:
            where += f", key '{key}'"
        super().__init__(f"{where}: {problem} {fix}")


@frozen
class HelplineSettings:
    """The ``[helpline]`` table.

    Attributes:
        name: the helpline's public name.
        country: ISO 3166-1 alpha-2 code of the country it serves.
        timezone: an IANA timezone, e.g. ``Asia/Karachi``.
        reference_prefix: the letters of case references (``HL`` → ``HL-2026-000123``).
        specialisms: the specialisms the helpline offers.
        id: a unique name for this deployment (written by ``helplinekit init``); it names the
            key file, so two deployments never share keys by having same-named folders.
    """

    name: str
    country: str
    timezone: str = "UTC"
    reference_prefix: str = "HL"
    specialisms: tuple[str, ...] = _SPECIALISMS
    id: str | None = None


@frozen
class LanguageSettings:
    """The ``[languages]`` table: the BCP 47 tags in use, the default, and the fallback.

    Tags are kept in BCP 47's canonical case (``EN`` is read as ``en``). ``fallback`` is the
    language whose strings show where a language has no translation yet (English unless
    set).
    """

    enabled: tuple[str, ...]
    default: str
    fallback: str = "en"


@frozen
class ChannelSettings:
    """The ``[channels]`` table: enabled channels and each one's settings."""

    enabled: tuple[str, ...]
    settings: Mapping[str, Mapping[str, Any]] = field(factory=dict, repr=False)


@frozen
class KeySettings:
    """The ``[keys]`` table: which key provider, and its settings (never the keys)."""

    provider: str = "local.keyfile"
    settings: Mapping[str, Any] = field(factory=dict)


@frozen
class HelplineConfig:
    """A whole deployment's configuration.

    Attributes:
        path: the file it was read from.
        helpline: the ``[helpline]`` table.
        languages: the ``[languages]`` table.
        channels: the ``[channels]`` table.
        jurisdiction: the registered jurisdiction key (``[jurisdiction] key``).
        database_url: a SQLAlchemy URL; relative SQLite paths are inside the folder.
        keys: the ``[keys]`` table.
        extra: tables owned by later features, kept as read.
        web: the ``[web]`` table, checked.
        retention: the ``[retention]`` table, checked.
    """

    path: Path
    helpline: HelplineSettings
    languages: LanguageSettings
    channels: ChannelSettings
    jurisdiction: str
    database_url: str
    keys: KeySettings
    extra: Mapping[str, Any] = field(factory=dict)
    web: WebSettings = field(factory=WebSettings)
    retention: RetentionSettings = field(factory=RetentionSettings)

    @property
    def directory(self) -> Path:
        """The deployment folder: the one holding ``helpline.toml``."""
        return self.path.parent


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where the configuration is: ``explicit``, ``$HELPLINEKIT_CONFIG``, or ``./helpline.toml``."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env)
    return Path.cwd() / CONFIG_FILENAME


def load_config(path: str | os.PathLike[str] | None = None) -> HelplineConfig:
    """Read and validate ``helpline.toml``.

    :raises ConfigError: naming the file, the key and the fix.
    """
    config_path = find_config(path).expanduser().absolute()
    try:
        raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            config_path,
            None,
            "the file does not exist.",
            "Run 'helplinekit init' to create a deployment, pass --config PATH, or set "
            f"{CONFIG_ENV}.",
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            config_path,
            None,
            "is a folder, not a file.",
            f"Point to the {CONFIG_FILENAME} inside it.",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(config_path, None, "is not UTF-8 text.", "Save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            config_path, None, f"is not valid TOML ({error}).", "Fix the syntax at that line."
        ) from None
    return _Reader(config_path).read(raw)


_LATER_TABLES = frozenset({"retention", "policy", "opening_hours", "audit", "web", "worker"})


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, key: str, problem: str, fix: str) -> ConfigError:
        return ConfigError(self.path, key, problem, fix)

    def table(
        self, raw: Mapping[str, Any], key: str, allowed: set[str], *, required: bool = True
    ) -> dict[str, Any]:
        value = raw.get(key)
        if value is None:
            if required:
                raise self.error(key, f"the [{key}] table is missing.", f"Add a [{key}] table.")
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"must be a table, not {value!r}.", f"Write it as [{key}].")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.error(
                f"{key}.{unknown[0]}",
                "is not a known setting.",
                f"Known settings in [{key}]: {', '.join(sorted(allowed))}. Check the spelling.",
            )
        return value

    def string(
        self, table: Mapping[str, Any], section: str, key: str, default: str | None = None
    ) -> str:
        value = table.get(key, default)
        if value is None:
            raise self.error(f"{section}.{key}", "is required.", f'Add {key} = "…" to [{section}].')
        if not isinstance(value, str) or not value.strip():
            raise self.error(
                f"{section}.{key}", f"must be a non-empty string, not {value!r}.", "Quote it."
            )
        return value.strip()

    def strings(
        self,
        table: Mapping[str, Any],
        section: str,
        key: str,
        default: tuple[str, ...] | None = None,
    ) -> tuple[str, ...]:
        value = table.get(key, default)
        if value is None:
            raise self.error(
                f"{section}.{key}", "is required.", f'Add {key} = ["…"] to [{section}].'
            )
        if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
            raise self.error(
                f"{section}.{key}",
                f"must be a list of strings, not {value!r}.",
                f'Write it as {key} = ["a", "b"].',
            )
        if len(set(value)) != len(value):
            raise self.error(
                f"{section}.{key}", f"lists a value twice: {list(value)!r}.", "Remove the repeat."
            )
        return tuple(value)

    def read(self, raw: Mapping[str, Any]) -> HelplineConfig:
        known_tables = {"helpline", "languages", "channels", "jurisdiction", "database", "keys"}
        unknown = sorted(set(raw) - known_tables - _LATER_TABLES)
        if unknown:
            raise self.error(
                unknown[0],
                "is not a known table.",
                f"Known tables: {', '.join(sorted(known_tables | _LATER_TABLES))}.",
            )
        self.opening_hours(raw)  # checked now; kept in ``extra`` for the console's use
        return HelplineConfig(
            path=self.path,
            helpline=self.helpline(raw),
            languages=self.languages(raw),
            channels=self.channels(raw),
            jurisdiction=self.string(
                self.table(raw, "jurisdiction", {"key"}, required=False),
                "jurisdiction",
                "key",
                "intl.baseline",
            ),
            database_url=self.database(raw),
            keys=self.keys(raw),
            extra={key: raw[key] for key in _LATER_TABLES if key in raw},
            web=read_web(
                self.table(raw, "web", set(raw.get("web") or ()), required=False), self.error
            ),
            retention=read_retention(
                self.table(raw, "retention", set(raw.get("retention") or ()), required=False),
                self.error,
            ),
        )

    def opening_hours(self, raw: Mapping[str, Any]) -> dict[str, str]:
        """``[opening_hours]``: a weekday -> "HH:MM-HH:MM" or "closed" (validated only)."""
        days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        table = self.table(raw, "opening_hours", set(days), required=False)
        for day, value in table.items():
            if value == "closed":
                continue
            match = re.fullmatch(
                r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)", str(value)
            )
            if not match or match.group(1) + match.group(2) >= match.group(3) + match.group(4):
                raise self.error(
                    f"opening_hours.{day}",
                    f"{value!r} is not an opening time.",
                    'Write "09:00-17:00" (24-hour clock, opening before closing) or "closed".',
                )
        return dict(table)

    def helpline(self, raw: Mapping[str, Any]) -> HelplineSettings:
        table = self.table(
            raw,
            "helpline",
            {"name", "country", "timezone", "reference_prefix", "specialisms", "id"},
        )
        name = self.string(table, "helpline", "name")
        country = self.string(table, "helpline", "country").upper()
        import pycountry

        if pycountry.countries.get(alpha_2=country) is None:
            raise self.error(
                "helpline.country",
                f"{country!r} is not an ISO 3166-1 alpha-2 country code.",
                'Use two letters, e.g. "PK" for Pakistan or "KE" for Kenya.',
            )
        timezone = self.string(table, "helpline", "timezone", "UTC")
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.error(
                "helpline.timezone",
                f"{timezone!r} is not a known IANA timezone.",
                'Use a name such as "Asia/Karachi" or "Africa/Nairobi".',
            ) from None
        prefix = self.string(table, "helpline", "reference_prefix", "HL")
        if not REFERENCE_PREFIX_RE.match(prefix):
            raise self.error(
                "helpline.reference_prefix",
                f"{prefix!r} is not 2 to 6 capital letters.",
                'Use e.g. "HL".',
            )
        specialisms = self.strings(table, "helpline", "specialisms", _SPECIALISMS)
        for item in specialisms:
            if item not in _SPECIALISMS:
                raise self.error(
                    "helpline.specialisms",
                    f"{item!r} is not a specialism.",
                    f"Use some of: {', '.join(_SPECIALISMS)}.",
                )
        deployment_id = table.get("id")
        if deployment_id is not None and not (
            isinstance(deployment_id, str)
            and re.fullmatch(r"[a-z0-9][a-z0-9-]{3,63}", deployment_id)
        ):
            raise self.error(
                "helpline.id",
                f"{deployment_id!r} is not a deployment id.",
                'Use 4 to 64 lower-case letters, digits and dashes, e.g. "pk-7f3a9c2e".',
            )
        return HelplineSettings(name, country, timezone, prefix, specialisms, deployment_id)

    def languages(self, raw: Mapping[str, Any]) -> LanguageSettings:
        from helplinekit.i18n.tags import UnknownLanguage, normalise_tag

        table = self.table(raw, "languages", {"enabled", "default", "fallback"})
        given = self.strings(table, "languages", "enabled")
        if not given:
            raise self.error(
                "languages.enabled", "is empty.", 'Enable at least one language, e.g. ["en"].'
            )

        def tag_of(key: str, value: str) -> str:
            try:
                return normalise_tag(value)
            except UnknownLanguage:
                raise self.error(
                    f"languages.{key}",
                    f"{value!r} is not a BCP 47 language tag.",
                    'Use tags such as "sw", "bn", "ur", "en" or "pa-Arab".',
                ) from None

        enabled = tuple(dict.fromkeys(tag_of("enabled", tag) for tag in given))
        default = tag_of("default", self.string(table, "languages", "default", enabled[0]))
        if default not in enabled:
            raise self.error(
                "languages.default",
                f"{default!r} is not one of the enabled languages {list(enabled)!r}.",
                "Add it to [languages] enabled or pick one of them.",
            )
        fallback = tag_of("fallback", self.string(table, "languages", "fallback", "en"))
        return LanguageSettings(enabled, default, fallback)

    def channels(self, raw: Mapping[str, Any]) -> ChannelSettings:
        table = self.table(raw, "channels", {"enabled", "settings"})
        enabled = self.strings(table, "channels", "enabled")
        settings = table.get("settings", {})
        if not isinstance(settings, dict) or not all(
            isinstance(v, dict) for v in settings.values()
        ):
            raise self.error(
                "channels.settings",
                "must hold one table per channel.",
                'Write [channels.settings."web.form"] and its keys below it.',
            )
        for name in settings:
            if name not in enabled:
                raise self.error(
                    f"channels.settings.{name}",
                    f"configures channel {name!r}, which is not in [channels] enabled.",
                    "Enable it or remove its settings.",
                )
        return ChannelSettings(enabled, settings)

    def database(self, raw: Mapping[str, Any]) -> str:
        table = self.table(raw, "database", {"url"}, required=False)
        url = self.string(table, "database", "url", "sqlite:///helpline.db")
        if not url.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
            raise self.error(
                "database.url",
                f"{url!r} is not a SQLite or PostgreSQL URL.",
                'Use "sqlite:///helpline.db" or "postgresql+psycopg://user@host/dbname".',
            )
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            relative = url.removeprefix("sqlite:///")
            if relative and relative != ":memory:":
                url = f"sqlite:///{(self.path.parent / relative).absolute()}"
        return url

    def keys(self, raw: Mapping[str, Any]) -> KeySettings:
        for secret_looking in ("key", "kek", "secret", "index_key"):
            if isinstance(raw.get("keys"), dict) and secret_looking in raw["keys"]:
                raise self.error(
                    f"keys.{secret_looking}",
                    "looks like a key; keys must never be written in helpline.toml.",
                    "Remove it, rotate that key, and keep keys in the key file outside the "
                    "deployment folder ('helplinekit keys init').",
                )
        table = self.table(raw, "keys", {"provider", "path"}, required=False)
        provider = self.string(table, "keys", "provider", "local.keyfile")
        settings = {k: v for k, v in table.items() if k != "provider"}
        given = raw.get("helpline")
        helpline_table: Mapping[str, Any] = given if isinstance(given, dict) else {}
        if "path" not in settings and helpline_table.get("id"):
            # The key file is named after the deployment, not its folder's name.
            settings["deployment_id"] = helpline_table["id"]
        return KeySettings(provider, settings)

"""The composition root: one function builds a running helpline's whole object graph.

configuration → plugin manager → registries → keys → database → service context. Every face
(the Python API, the CLI, the web) opens a deployment through :func:`open_context`, so the
order of start-up checks and what each refuses is written once, here.

Start-up refuses, clearly, when the configuration is invalid, a plugin it names is not
installed, the keys are missing, or the keys do not match the data already stored.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helplinekit.config import HelplineConfig, load_config
from helplinekit.domain.errors import ConfigurationError

if TYPE_CHECKING:
    import pluggy
    from sqlalchemy.engine import Engine

    from helplinekit.db.uow import Database
    from helplinekit.i18n.languages import Languages
    from helplinekit.registry import Registries
    from helplinekit.security.crypto import FieldCipher, KeyWrapper
    from helplinekit.security.policy import Policy
    from helplinekit.services.context import ServiceContext

__all__ = [
    "WEB_KEY_PURPOSES",
    "StartupError",
    "check_against",
    "open_context",
]


class StartupError(ConfigurationError):
    """The helpline cannot start; the message lists every problem and its fix."""


#: Keys the public web pages use, each derived from the blind-index key for one purpose.
WEB_KEY_PURPOSES = ("case-code:v1", "rate-limit:v1", "console-csrf:v1", "console-device:v1")


def check_against(config: HelplineConfig, registries: Registries) -> list[str]:
    """Problems with ``config`` given the installed plugins (empty when fine)."""
    where = config.path
    problems = [
        f"{where}: channel {name!r} in [channels] enabled is not provided by any installed "
        f"plugin (installed: {_known(registries.channels.names())}); install its plugin or "
        "remove it."
        for name in config.channels.enabled
        if name not in registries.channels
    ]
    languages = languages_of(config, registries)
    problems.extend(
        f"{where}: [languages]: {problem}"
        for problem in languages.problems(
            dict.fromkeys((*config.languages.enabled, config.languages.fallback))
        )
    )
    if config.jurisdiction in registries.jurisdictions:
        from helplinekit.contracts.conditions import check_conditions

        jurisdiction = registries.jurisdictions.get(config.jurisdiction)
        plugin = registries.jurisdictions.plugin_of(config.jurisdiction)
        problems.extend(check_conditions(jurisdiction, plugin))
    if config.jurisdiction not in registries.jurisdictions:
        problems.append(
            f"{where}: jurisdiction {config.jurisdiction!r} in [jurisdiction] key is not "
            f"installed (installed: {_known(registries.jurisdictions.names())}); install its "
            "plugin, or use 'intl.baseline' for international routes only."
        )
    if config.keys.provider not in registries.key_providers:
        problems.append(
            f"{where}: key provider {config.keys.provider!r} in [keys] provider is not "
            f"installed (installed: {_known(registries.key_providers.names())})."
        )
    return problems


def languages_of(config: HelplineConfig, registries: Registries) -> Languages:
    """The deployment's languages: plugins' packs, CLDR's, and its own ``locale/`` catalogs."""
    from helplinekit.i18n.languages import DEPLOYMENT_LOCALE_DIR, Languages

    return Languages(
        registries.languages,
        fallback=config.languages.fallback,
        catalog_dir=config.directory / DEPLOYMENT_LOCALE_DIR,
    )


def _compiled_languages(config: HelplineConfig, registries: Registries) -> Languages:
    """The languages, with every enabled one's catalog compiled now, so a broken file stops
    the start rather than the first page in that language."""
    from helplinekit.i18n.runtime import CatalogError

    languages = languages_of(config, registries)
    problems = []
    for tag in dict.fromkeys((*config.languages.enabled, config.languages.fallback)):
        try:
            languages.pack(tag).translations  # noqa: B018 - compiled here, on purpose
        except CatalogError as error:
            problems.append(f"{config.path}: language {tag!r}: {error}")
    if problems:
        raise StartupError("\n".join(problems))
    return languages


def _known(names: list[str]) -> str:
    return ", ".join(sorted(names)) or "none"


def open_context(
    config: HelplineConfig | str | os.PathLike[str] | None = None,
    *,
    pm: pluggy.PluginManager | None = None,
    cipher: FieldCipher | None = None,
    clock: Callable[[], datetime] | None = None,
    database_url: str | None = None,
) -> tuple[ServiceContext, list[str]]:
    """Open a deployment: its service context and the warnings found on the way.

    Runs pending migrations on SQLite (the embedded default). The parameters are those of
    :meth:`helplinekit.api.Helpline.open`.

    :raises StartupError: listing every problem found.
    """
    from helplinekit.contracts.keys import KeyUnavailable
    from helplinekit.db.uow import Database
    from helplinekit.plugins import get_plugin_manager, load_local_plugins
    from helplinekit.security.audit import AuditKeySource
    from helplinekit.security.blind_index import BlindIndex, MessageIdHasher
    from helplinekit.security.crypto import AesGcmCipher, KeyWrapper
    from helplinekit.services.context import ServiceContext, utc_now

    helpline = config if isinstance(config, HelplineConfig) else load_config(config)
    pm = pm or get_plugin_manager()
    load_local_plugins(pm, helpline.directory / "plugins")
    registries = _registries(pm, helpline)
    policy = _policy(helpline)

    provider_class = registries.key_providers.get(helpline.keys.provider)
    provider = provider_class(helpline.keys.settings, helpline.directory)
    try:
        provider.key_encryption_key()
        index_key = provider.blind_index_key()
        audit_key = AuditKeySource(provider)
    except KeyUnavailable as error:
        raise StartupError(f"The helpline cannot start without its keys: {error}") from None

    url = database_url or helpline.database_url
    engine = _migrated_engine(url, KeyWrapper(provider))
    database = Database(
        url,
        engine=engine,
        wrapper=KeyWrapper(provider),
        cipher=cipher or AesGcmCipher(),
        index=BlindIndex.from_index_key(index_key),
        message_ids=MessageIdHasher.from_index_key(index_key),
        audit_key=audit_key,
    )
    try:
        _check_keys_match(database)
        warnings = _check_audit_key(database)
    except StartupError:
        database.dispose()
        raise
    channels = {
        name: registries.channels.get(name)(
            _derived_channel_settings(
                registries.channels.get(name), helpline.channels.settings.get(name, {}), index_key
            )
        )
        for name in helpline.channels.enabled
    }
    try:
        languages = _compiled_languages(helpline, registries)
    except StartupError:
        database.dispose()
        raise
    context = ServiceContext(
        config=helpline,
        pm=pm,
        registries=registries,
        languages=languages,
        database=database,
        policy=policy,
        channels=channels,
        clock=clock or utc_now,
        key_provider=provider,
        web_keys=_derived_web_keys(index_key),
    )
    return context, warnings


def _registries(pm: pluggy.PluginManager, helpline: HelplineConfig) -> Registries:
    """What the plugins registered, refusing a configuration that names what is missing."""
    from helplinekit.partners.directory import DirectoryError
    from helplinekit.registry import Registries

    try:
        registries = Registries(pm, helpline)
    except DirectoryError as error:
        raise StartupError(str(error)) from None
    problems = check_against(helpline, registries)
    if problems:
        raise StartupError("\n".join(problems))
    return registries


def _policy(helpline: HelplineConfig) -> Policy:
    """The access policy of ``[policy]`` (``[retention]`` was checked when it was loaded)."""
    from helplinekit.security.policy import Policy, PolicyError

    try:
        return Policy.from_config(helpline.extra.get("policy"))
    except PolicyError as error:
        raise StartupError(f"{helpline.path}: {error}") from None


def _migrated_engine(url: str, wrapper: KeyWrapper) -> Engine:
    """An engine on an up-to-date schema: migrated here on SQLite, by the operator elsewhere."""
    from helplinekit.db import migrate
    from helplinekit.db.engine import refresh_statistics

    engine = _connect(url)
    if engine.dialect.name == "sqlite":
        # The key-encryption key is checked before migrating: a refused start-up (a wrong
        # key file) must not write to the database, not even a schema upgrade.
        try:
            _check_kek_before_migrating(engine, wrapper)
        except StartupError:
            engine.dispose()
            raise
        migrate.upgrade(engine)
        refresh_statistics(engine)
    elif migrate.current_revision(engine) != migrate.head_revision():
        engine.dispose()
        raise StartupError(
            "The database schema is not up to date; run 'helplinekit db upgrade' first."
        )
    return engine


def _derived_channel_settings(
    channel_class: type, settings: Mapping[str, Any], index_key: bytes
) -> dict[str, Any]:
    """A channel's settings plus the secrets it asks the core to derive from the keys.

    A channel class may declare ``derived_secrets``, a mapping of setting name → purpose
    (the web form: ``{"token_secret": "web-form-token:v1"}``): such secrets come from the
    deployment's keys, never from ``helpline.toml``.
    """
    from helplinekit.security.blind_index import derive_key

    merged = dict(settings)
    for setting, purpose in getattr(channel_class, "derived_secrets", {}).items():
        merged.setdefault(setting, derive_key(index_key, purpose))
    return merged


def _derived_web_keys(index_key: bytes) -> dict[str, bytes]:
    from helplinekit.security.blind_index import derive_key

    return {purpose: derive_key(index_key, purpose) for purpose in WEB_KEY_PURPOSES}


def _check_wrapped_key(
    wrapper: Any, owner_kind: str, owner_id: Any, kek_version: int, blob: bytes
) -> None:
    """Refuse to start unless the key-encryption key unwraps this stored data key."""
    from helplinekit.contracts.keys import KeyUnavailable
    from helplinekit.security.crypto import DecryptionError, WrappedKey

    try:
        wrapper.check_key(owner_kind, owner_id, WrappedKey(kek_version, blob))
    except KeyUnavailable as error:
        raise StartupError(f"The keys cannot open this database: {error}") from None
    except DecryptionError:
        raise StartupError(
            "The key-encryption key does not match the data in this database. Restore the "
            "key file this database was created with (from your key backup); a new key "
            "cannot read the existing data."
        ) from None


def _check_kek_before_migrating(engine: Engine, wrapper: Any) -> None:
    """On a database that already holds data keys, check the KEK without writing anything.

    Reads only the columns ``data_keys`` has had since the first migration, so it works on a
    schema that is not yet up to date.
    """
    from helplinekit.db.keys import first_stored_key

    row = first_stored_key(engine)
    if row is not None:
        _check_wrapped_key(wrapper, row.owner_kind, row.id, row.kek_version, row.wrapped)


def _check_audit_key(database: Database) -> list[str]:
    """Refuse to start when the log is keyed and the audit key is gone; warn otherwise.

    A missing audit key on a log that was never keyed is a warning, not a refusal: existing
    deployments keep working, only hash-chained, until ``keys add-audit-key`` is run.
    """
    from helplinekit.contracts.keys import KeyUnavailable
    from helplinekit.services.audit_trail import audit_key_status

    try:
        warning = audit_key_status(database).warning
    except KeyUnavailable as error:
        raise StartupError(f"The keys cannot open this database: {error}") from None
    if warning is None:
        return []
    logging.getLogger("helplinekit").warning("%s", warning)
    return [warning]


def _connect(url: str) -> Engine:
    """An engine that has reached its database, or a StartupError saying why not."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from helplinekit.db.engine import make_engine

    try:
        engine = make_engine(url)
    except ModuleNotFoundError as error:
        raise StartupError(
            f"The database driver {error.name!r} is not installed; for PostgreSQL run "
            "pip install 'helplinekit[postgresql]'."
        ) from None
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        engine.dispose()
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "unknown reason"
        raise StartupError(
            f"Cannot reach the database in [database] url ({reason}). Check that the server "
            "runs and the database exists, or fix the URL."
        ) from None
    if engine.dialect.name == "sqlite":
        # The file holds ciphertext, but its metadata (how many cases, when) is still
        # nobody else's business: readable by the helpline's user only.
        path = make_url(url).database
        if path and path != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                file = Path(path + suffix)
                if file.exists():
                    file.chmod(0o600)
    return engine


def _check_keys_match(database: Database) -> None:
    """Refuse to start when the keys cannot read the data already stored."""
    with database.uow(read_only=True) as uow:
        row = uow.keys.any_key()
        if row is None:
            return  # nothing stored yet: these keys will be the ones
        _check_wrapped_key(database.wrapper, row.owner_kind, row.id, row.kek_version, row.wrapped)
        indexed = uow.callers.any_index_entry()
        if indexed is not None:
            caller_id, stored_value = indexed
            caller = uow.callers.get(caller_id)
            values = {database.index.of_urn(urn) for urn in caller.contact_points}
            if stored_value not in values:
                raise StartupError(
                    "The blind-index key does not match this database: returning callers would "
                    "not be recognised. Restore the key file this database was created with."
                )

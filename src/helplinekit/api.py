"""The Python API: open a helpline from its configuration and work with it.

::

    from helplinekit.api import Helpline

    with Helpline.open("path/to/helpline.toml") as helpline:
        result = helpline.receive("web.form", request)      # a provider's request
        helpline.run_pending()                              # triage and send replies
        lawyer = helpline.authenticate("lawyer@example.org", password, code)
        page = helpline.list_cases(lawyer)

Start-up refuses, clearly, when the configuration is invalid, a plugin it names is not
installed, the keys are missing, or the keys do not match the data already stored.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from helplinekit.api_casework import CaseworkMethods
from helplinekit.api_staff import StaffMethods
from helplinekit.config import HelplineConfig, load_config

if TYPE_CHECKING:
    import pluggy

    from helplinekit.contracts.channel import InboundMessage, InboundRequest
    from helplinekit.security.crypto import FieldCipher
    from helplinekit.security.policy import Actor
    from helplinekit.services.context import ServiceContext
    from helplinekit.services.intake import IntakeResult, ReceiveResult
    from helplinekit.services.worker import WorkReport

__all__ = ["Helpline", "StartupError"]


class StartupError(Exception):
    """The helpline cannot start; the message lists every problem and its fix."""


def _derived_channel_settings(
    name: str, settings: Mapping[str, Any], index_key: bytes
) -> dict[str, Any]:
    from helplinekit.security.blind_index import derive_key

    merged = dict(settings)
    if name == "web.form":
        # The form-token secret is derived from the deployment's keys: never in the config.
        merged.setdefault("token_secret", derive_key(index_key, "web-form-token:v1"))
    return merged


#: Keys the public web pages use, each derived from the blind-index key for one purpose.
WEB_KEY_PURPOSES = ("case-code:v1", "rate-limit:v1", "console-csrf:v1", "console-device:v1")


def _derived_web_keys(index_key: bytes) -> dict[str, bytes]:
    from helplinekit.security.blind_index import derive_key

    return {purpose: derive_key(index_key, purpose) for purpose in WEB_KEY_PURPOSES}


class Helpline(CaseworkMethods, StaffMethods):
    """One running helpline: configuration, plugins, database, policy.

    Every service that acts for a person is a method, ``helpline.<service>(actor, …)``
    (:class:`~helplinekit.api_casework.CaseworkMethods`,
    :class:`~helplinekit.api_staff.StaffMethods`).
    """

    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        #: Sentences for the operator found at start-up (e.g. no audit key); also logged.
        self.warnings: list[str] = []

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        config: HelplineConfig | str | os.PathLike[str] | None = None,
        *,
        pm: pluggy.PluginManager | None = None,
        cipher: FieldCipher | None = None,
        clock: Callable[[], datetime] | None = None,
        database_url: str | None = None,
    ) -> Helpline:
        """Open a deployment; run pending migrations on SQLite (the embedded default).

        :param config: a loaded config, or where to find ``helpline.toml``.
        :param pm: a plugin manager (built from the installed plugins when None).
        :param cipher: the field cipher (AES-256-GCM unless a test passes another).
        :param clock: the current time (tests move it).
        :param database_url: overrides ``[database] url`` (tests point it elsewhere).
        :raises StartupError: listing every problem found.
        """
        from helplinekit.contracts.keys import KeyUnavailable
        from helplinekit.db import migrate
        from helplinekit.db.engine import refresh_statistics
        from helplinekit.db.uow import Database
        from helplinekit.plugins import get_plugin_manager
        from helplinekit.registry import Registries
        from helplinekit.security.audit import AuditKeySource
        from helplinekit.security.blind_index import BlindIndex, MessageIdHasher
        from helplinekit.security.crypto import AesGcmCipher, KeyWrapper
        from helplinekit.security.policy import Policy, PolicyError
        from helplinekit.services.context import ServiceContext, utc_now

        helpline = config if isinstance(config, HelplineConfig) else load_config(config)
        from helplinekit.partners.directory import DirectoryError
        from helplinekit.plugins import load_local_plugins

        pm = pm or get_plugin_manager()
        load_local_plugins(pm, helpline.directory / "plugins")
        try:
            registries = Registries(pm, helpline)
        except DirectoryError as error:
            raise StartupError(str(error)) from None
        problems = helpline.check_against(registries)
        if problems:
            raise StartupError("\n".join(problems))
        from helplinekit.services.retention import RetentionConfigError, RetentionRules

        try:
            policy = Policy.from_config(helpline.extra.get("policy"))
            RetentionRules.from_config(helpline.extra.get("retention"))
        except (PolicyError, RetentionConfigError) as error:
            raise StartupError(f"{helpline.path}: {error}") from None

        provider_class = registries.key_providers.get(helpline.keys.provider)
        provider = provider_class(helpline.keys.settings, helpline.directory)
        try:
            provider.key_encryption_key()
            index_key = provider.blind_index_key()
            audit_key = AuditKeySource(provider)
        except KeyUnavailable as error:
            raise StartupError(f"The helpline cannot start without its keys: {error}") from None

        url = database_url or helpline.database_url
        engine = _connect(url)
        if engine.dialect.name == "sqlite":
            # The key-encryption key is checked before migrating: a refused start-up (a wrong
            # key file) must not write to the database, not even a schema upgrade.
            try:
                _check_kek_before_migrating(engine, KeyWrapper(provider))
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
                _derived_channel_settings(name, helpline.channels.settings.get(name, {}), index_key)
            )
            for name in helpline.channels.enabled
        }
        context = ServiceContext(
            config=helpline,
            pm=pm,
            registries=registries,
            database=database,
            policy=policy,
            channels=channels,
            clock=clock or utc_now,
            key_provider=provider,
            web_keys=_derived_web_keys(index_key),
        )
        opened = cls(context)
        opened.warnings.extend(warnings)
        return opened

    def close(self) -> None:
        self.context.database.dispose()

    def __enter__(self) -> Helpline:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def config(self) -> HelplineConfig:
        return self.context.config

    # -- actors ------------------------------------------------------------------------

    def actor(self, email: str) -> Actor:
        """The staff member with this email, as an actor; an unknown email is an error.

        .. deprecated:: 0.10
            It asks for no credentials and leaves no trace: use :meth:`authenticate` (a
            person signing in) or :meth:`operator_actor` (the operator acting for someone,
            audited).
        """
        import warnings

        warnings.warn(
            "Helpline.actor(email) acts as a staff member without their credentials and "
            "without an audit entry; use Helpline.authenticate(email, password, code), or "
            "Helpline.operator_actor(email, reason) for the operator acting for them.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._staff_actor(email)

    def operator_actor(self, email: str, reason: str) -> Actor:
        """The operator acting as a staff member (a script, a migration, support), audited.

        ``reason`` is a short machine word kept in the audit log (``nightly-export``,
        ``support:1234``), never free text. The entry ``operator.act_as`` names the staff
        id and the operating-system user, so the audit log shows who acted for whom.
        """
        from helplinekit.domain import DomainError
        from helplinekit.security.audit import check_details
        from helplinekit.services.audit_trail import audit_now

        try:
            details = check_details({"reason": reason})
        except ValueError:
            details = {}
        if not reason or not details:
            raise DomainError(
                f"The reason {reason!r} must be a short word of lower-case letters, digits and "
                "- _ . : (at most 64), e.g. 'nightly-export'; it goes into the audit log."
            )
        actor = self._staff_actor(email)
        audit_now(self.context, self.system(), "operator.act_as", "staff", actor.id, **details)
        return actor

    def _staff_actor(self, email: str) -> Actor:
        from helplinekit.domain import DomainError
        from helplinekit.security.policy import Actor

        with self.context.database.uow(read_only=True) as uow:
            staff = uow.staff.by_email(email)
        if staff is None:
            raise DomainError(
                f"No staff member has the email {email!r}; add them with 'helplinekit staff add'."
            )
        if not staff.active:
            raise DomainError(f"The staff account {email!r} is disabled.")
        return Actor(staff)

    @staticmethod
    def system() -> Actor:
        """The system, for scheduled jobs and set-up commands run by the operator."""
        from helplinekit.security.policy import Actor

        return Actor.system()

    # -- intake and the worker ---------------------------------------------------------

    def receive(self, channel: str, request: InboundRequest) -> ReceiveResult:
        """Verify, parse and store a provider's request (commit before acknowledging)."""
        from helplinekit.services.intake import receive_request

        return receive_request(self.context, channel, request)

    def receive_message(self, event: InboundMessage) -> IntakeResult:
        """Store one already-parsed inbound message."""
        from helplinekit.services.intake import receive_message

        return receive_message(self.context, event)

    def run_pending(self, *, worker: str | None = None, limit: int = 20) -> WorkReport:
        """Run one pass of the worker: ready triage jobs, then ready replies."""
        from helplinekit.services.worker import run_pending

        return run_pending(self.context, worker=worker, limit=limit)

    def run_until_idle(self, *, worker: str | None = None, max_passes: int = 100) -> WorkReport:
        """Run worker passes until nothing is ready (for demos, tests and the CLI)."""
        from helplinekit.services.worker import WorkReport

        total = WorkReport()
        for _ in range(max_passes):
            report = self.run_pending(worker=worker)
            if not report.did_anything:
                break
            for name in (
                "jobs_done",
                "jobs_failed",
                "replies_sent",
                "replies_held",
                "replies_failed",
            ):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            total.errors.extend(report.errors)
        return total

    # -- retention ---------------------------------------------------------------------

    def run_retention(self) -> Any:
        """Shred every closed case whose retention has ended (not those on legal hold)."""
        from helplinekit.services.retention import run_retention

        return run_retention(self.context)


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


def _check_kek_before_migrating(engine: Any, wrapper: Any) -> None:
    """On a database that already holds data keys, check the KEK without writing anything.

    Reads only the columns ``data_keys`` has had since the first migration, so it works on a
    schema that is not yet up to date.
    """
    from sqlalchemy import inspect, select

    from helplinekit.db.engine import READ_ONLY
    from helplinekit.db.models import DataKeyRow

    reader = engine.execution_options(**{READ_ONLY: True})
    if DataKeyRow.__tablename__ not in inspect(reader).get_table_names():
        return
    table = DataKeyRow.__table__
    statement = select(table.c.id, table.c.owner_kind, table.c.kek_version, table.c.wrapped)
    with reader.connect() as connection:
        row = connection.execute(statement.limit(1)).first()
    if row is not None:
        _check_wrapped_key(wrapper, row.owner_kind, row.id, row.kek_version, row.wrapped)


def _check_audit_key(database: Any) -> list[str]:
    """Refuse to start when the log is keyed and the audit key is gone; warn otherwise.

    A missing audit key on a log that was never keyed is a warning, not a refusal: existing
    deployments keep working, only hash-chained, until ``keys add-audit-key`` is run.
    """
    import logging

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


def _connect(url: str) -> Any:
    """An engine that has reached its database, or a StartupError saying why not."""
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
        from pathlib import Path

        from sqlalchemy.engine import make_url

        path = make_url(url).database
        if path and path != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                file = Path(path + suffix)
                if file.exists():
                    file.chmod(0o600)
    return engine


def _check_keys_match(database: Any) -> None:
    """Refuse to start when the keys cannot read the data already stored."""
    from sqlalchemy import select

    from helplinekit.db.models import CallerIndexRow, DataKeyRow

    with database.uow(read_only=True) as uow:
        row = uow.session.scalars(select(DataKeyRow).limit(1)).first()
        if row is None:
            return  # nothing stored yet: these keys will be the ones
        _check_wrapped_key(database.wrapper, row.owner_kind, row.id, row.kek_version, row.wrapped)
        indexed = uow.session.scalars(select(CallerIndexRow).limit(1)).first()
        if indexed is not None:
            caller = uow.callers.get(indexed.caller_id)
            values = {database.index.of_urn(urn) for urn in caller.contact_points}
            if indexed.value not in values:
                raise StartupError(
                    "The blind-index key does not match this database: returning callers would "
                    "not be recognised. Restore the key file this database was created with."
                )

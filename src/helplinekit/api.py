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
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from helplinekit.api_casework import CaseworkMethods
from helplinekit.api_staff import StaffMethods
from helplinekit.bootstrap import StartupError, open_context
from helplinekit.config import HelplineConfig

if TYPE_CHECKING:
    import pluggy

    from helplinekit.contracts.channel import InboundMessage, InboundRequest
    from helplinekit.security.crypto import FieldCipher
    from helplinekit.security.policy import Actor
    from helplinekit.services.context import ServiceContext
    from helplinekit.services.intake import IntakeResult, ReceiveResult
    from helplinekit.services.worker import WorkReport

__all__ = ["Helpline", "StartupError"]


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
        context, warnings = open_context(
            config, pm=pm, cipher=cipher, clock=clock, database_url=database_url
        )
        opened = cls(context)
        opened.warnings.extend(warnings)
        return opened

    def close(self) -> None:
        """Close the database connections (``with Helpline.open(…)`` does it on leaving)."""
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
        """The deployment's ``helpline.toml``, loaded and checked."""
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

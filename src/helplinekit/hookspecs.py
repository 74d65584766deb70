"""Hook specifications: every seam a plugin can implement.

A plugin implements hooks with :data:`helplinekit.hookimpl`. Registration hooks receive a
``register`` callable owned by the core, which checks the type of what is registered,
records which plugin registered it and rejects a duplicate name naming both plugins.
Registered is not enabled: ``helpline.toml`` chooses what a deployment uses.

Hooks only grow: parameters may be added, never renamed or removed. A hook is declared in
the change that first calls it, and each one is documented in ``docs/plugin_hooks.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

from helplinekit import PROJECT_NAME

if TYPE_CHECKING:
    import click

    from helplinekit.config import HelplineConfig
    from helplinekit.contracts.triage import Candidate, RiskSignal
    from helplinekit.domain import Assignment, Case, CaseStatus, Message

hookspec = pluggy.HookspecMarker(PROJECT_NAME)

Register = Callable[[Any], None]

# ---------------------------------------------------------------------------------------
# Registration: what a plugin contributes. Each is called once per plugin, with a
# ``register`` callable bound to that plugin.
# ---------------------------------------------------------------------------------------


@hookspec
def register_taxonomy(register: Register) -> None:
    """Add harassment categories to the taxonomy.

    :param register: call with a :class:`helplinekit.domain.TaxonomyCode` for each code.
        A code another plugin already registered is rejected, naming both plugins.

    The built-in default registers the taxonomy of DOMAIN.md. Jurisdictions map every
    code, so adding a code makes installed jurisdictions report it as missing until they
    map it.
    """


@hookspec
def register_channels(register: Register) -> None:
    """Register channel classes.

    :param register: call with a class implementing :class:`helplinekit.contracts.Channel`.
        Its ``name`` must be namespaced (``twilio.sms``); the class is instantiated only
        when ``helpline.toml`` enables it.
    """


@hookspec
def register_languages(register: Register) -> None:
    """Register language packs.

    :param register: call with a :class:`helplinekit.contracts.LanguagePack`. Registered
        under its BCP 47 tag; a deployment lists the tags it uses in ``[languages]``.
    """


@hookspec
def register_jurisdictions(register: Register) -> None:
    """Register jurisdictions: a country's provisions, routes and guidance.

    :param register: call with a :class:`helplinekit.contracts.Jurisdiction`, registered
        under its namespaced ``key``; ``[jurisdiction] key`` in ``helpline.toml`` picks one.
    """


@hookspec
def register_referral_partners(register: Register, helpline: HelplineConfig | None) -> None:
    """Register referral partners for the directory.

    :param register: call with a :class:`helplinekit.domain.ReferralPartner`.
    :param helpline: the deployment's configuration, so a plugin can offer only the
        partners that serve its country; None outside a deployment (e.g.
        ``helplinekit plugins``), when a plugin should register everything it knows.
    """


@hookspec
def register_key_providers(register: Register) -> None:
    """Register key providers: where the key-encryption and blind-index keys come from.

    :param register: call with a class implementing :class:`helplinekit.contracts.KeyProvider`.
        ``[keys] provider`` in ``helpline.toml`` names the one to use; security never
        falls back to whichever plugin answers first.
    """


# ---------------------------------------------------------------------------------------
# Faces: what a plugin adds to the command line and the web.
# ---------------------------------------------------------------------------------------


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``helplinekit`` command line.

    :param cli: the root :class:`click.Group`; add commands with ``@cli.command()`` or
        ``cli.add_command``. Import heavy libraries inside the command, not at module level,
        so ``helplinekit --help`` stays fast.
    """


# ---------------------------------------------------------------------------------------
# Triage: run by the worker's triage job, outside any database transaction, so a failing
# plugin can never lose a survivor's message (the case is flagged for manual triage).
# ---------------------------------------------------------------------------------------


@hookspec
def assess_risk(case: Case, message: Message) -> list[RiskSignal] | None:
    """Read a new message for signs of danger and what kind of help it needs.

    :param case: the case the message belongs to.
    :param message: the inbound message (its ``body`` is the decrypted text).
    :return: a list of :class:`helplinekit.contracts.triage.RiskSignal`, or None. Every
        plugin's signals are combined: the case takes the highest level, and the union of
        suggested categories and specialisms. Never log or store the message text yourself.
    """


@hookspec(firstresult=True)
def route_case(case: Case, candidates: list[Candidate]) -> list[Assignment] | None:
    """Choose who works on a triaged case.

    :param case: the case, with ``specialisms_needed`` and ``language`` set by triage.
    :param candidates: active staff with the specialisms the case needs, and their loads.
    :return: the assignments to add (possibly empty), or None to let the next plugin decide.

    Stops at first non-None result. The built-in default (``trylast``) picks, for each
    specialism needed, the candidate who speaks the case's language and has the most spare
    capacity.
    """


# ---------------------------------------------------------------------------------------
# Lifecycle notifications: called only after the change was committed. Past tense; the
# return value is ignored, and an exception is logged (by type only) and swallowed.
# ---------------------------------------------------------------------------------------


@hookspec
def case_opened(case: Case) -> None:
    """A new case was opened (a first message arrived, or staff logged a new caller).

    :param case: the case as committed.
    """


@hookspec
def message_received(case: Case, message: Message) -> None:
    """An inbound message was stored.

    :param case: the case it joined.
    :param message: the message as stored (decrypted; do not log its body).
    """


@hookspec
def case_assigned(case: Case, assignment: Assignment) -> None:
    """Someone was assigned to a case (by the router or by a person).

    :param case: the case as committed.
    :param assignment: the new assignment.
    """


@hookspec
def case_status_changed(case: Case, previous: CaseStatus) -> None:
    """A case moved to a new status.

    :param case: the case as committed (``case.status`` is the new status).
    :param previous: the status it left.
    """

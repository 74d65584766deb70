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

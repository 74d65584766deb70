"""Test helpers for helplinekit and its plugins (a pytest plugin, loaded automatically).

Fixtures:

* ``plugin_manager`` — a fresh plugin manager with the built-ins and **no** entry points,
  so an installed plugin never changes a core test.
* ``register_plugin`` — a context manager that registers a throwaway plugin and always
  unregisters it.
* ``fixture_plugins_path`` — the folder of helplinekit's fixture plugins (a made-up law,
  two fixture languages, a fixture channel), for tests that copy them into a deployment's
  ``plugins/`` folder. They live in the source checkout's ``tests/fixture_plugins/``, not
  in the wheel; set ``HELPLINEKIT_FIXTURE_PLUGINS`` to use another folder.

Conformance checks, one per contract. Each ``check_*`` returns a list of problems (empty
when the item conforms); each ``assert_*`` fails a test with all of them::

    from helplinekit.testing import assert_jurisdiction_conforms

    def test_my_law_covers_the_taxonomy(plugin_manager):
        assert_jurisdiction_conforms(my_plugin.build(), plugin_manager)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from helplinekit._testing_staff import (
    STAFF_PASSWORD,
    StaffMember,
    make_staff_member,
)
from helplinekit._testing_staff import (  # the fixture: pytest finds it in this plugin module
    staff_member as staff_member,
)

if TYPE_CHECKING:
    import pluggy

    from helplinekit.contracts import Jurisdiction, LanguagePack, TriageLexicon
    from helplinekit.contracts.channel import Channel
    from helplinekit.domain import ReferralPartner
    from helplinekit.registry import Registries

__all__ = [
    "FIXTURE_PLUGINS_ENV",
    "STAFF_PASSWORD",
    "StaffMember",
    "assert_channel_conforms",
    "assert_jurisdiction_conforms",
    "assert_language_pack_conforms",
    "assert_referral_partner_conforms",
    "assert_triage_lexicon_conforms",
    "check_channel",
    "check_jurisdiction",
    "check_language_pack",
    "check_referral_partner",
    "check_triage_lexicon",
    "core_catalog_template",
    "find_fixture_plugins",
    "make_plugin_manager",
    "make_staff_member",
    "registered_plugin",
]


def make_plugin_manager(*extra: tuple[object, str]) -> pluggy.PluginManager:
    """A plugin manager with the built-ins and the given ``(plugin, name)`` pairs only."""
    from helplinekit.plugins import get_plugin_manager

    return get_plugin_manager(load_entrypoints=False, extra_plugins=extra)


@contextlib.contextmanager
def registered_plugin(
    pm: pluggy.PluginManager, plugin: object, name: str | None = None
) -> Iterator[object]:
    """Register ``plugin`` for the duration of a ``with`` block; always unregister it."""
    pm.register(plugin, name=name)
    try:
        pm.check_pending()
        yield plugin
    finally:
        pm.unregister(plugin)


@pytest.fixture
def plugin_manager() -> pluggy.PluginManager:
    """A fresh plugin manager: built-in plugins, no entry points."""
    return make_plugin_manager()


@pytest.fixture
def register_plugin(
    plugin_manager: pluggy.PluginManager,
) -> Callable[..., contextlib.AbstractContextManager[object]]:
    """``with register_plugin(MyPlugin()):`` registers a throwaway plugin for the block."""

    def register(
        plugin: object, name: str | None = None
    ) -> contextlib.AbstractContextManager[object]:
        return registered_plugin(plugin_manager, plugin, name)

    return register


#: A folder of fixture plugin files to use instead of the checkout's ``tests/fixture_plugins``.
FIXTURE_PLUGINS_ENV = "HELPLINEKIT_FIXTURE_PLUGINS"


def find_fixture_plugins() -> Path | None:
    """The fixture plugins' folder: ``$HELPLINEKIT_FIXTURE_PLUGINS``, else the checkout's.

    None when helplinekit is installed from a wheel, which does not carry them.
    """
    import os

    explicit = os.environ.get(FIXTURE_PLUGINS_ENV)
    if explicit:
        return Path(explicit)
    # src/helplinekit/testing.py → the checkout's root.
    in_checkout = Path(__file__).resolve().parents[2] / "tests" / "fixture_plugins"
    return in_checkout if in_checkout.is_dir() else None


@pytest.fixture
def fixture_plugins_path() -> Path:
    """The folder of fixture plugins (``fixture_law_ke.py``, ``fixture_language_sw.py``, …).

    Skips the test when helplinekit is not a source checkout and
    ``HELPLINEKIT_FIXTURE_PLUGINS`` is not set.
    """
    folder = find_fixture_plugins()
    if folder is None:
        pytest.skip(
            "The fixture plugins are in helplinekit's source checkout (tests/fixture_plugins); "
            f"set {FIXTURE_PLUGINS_ENV} to their folder."
        )
    return folder


def _registries(pm: pluggy.PluginManager | None) -> Registries:
    from helplinekit.registry import Registries

    return Registries(pm if pm is not None else make_plugin_manager())


def _fail(kind: str, name: str, problems: list[str]) -> None:
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        pytest.fail(f"{kind} {name!r} does not conform:\n{listing}", pytrace=False)


# -- jurisdictions -------------------------------------------------------------------------


def check_jurisdiction(
    jurisdiction: Jurisdiction, taxonomy_codes: Iterable[str], *, today: date | None = None
) -> list[str]:
    """Problems with a jurisdiction (empty when it conforms); the checks are listed in
    :mod:`helplinekit.conformance.jurisdiction` and docs/testing-plugins.md."""
    from helplinekit.conformance.jurisdiction import check_jurisdiction as check

    return check(jurisdiction, taxonomy_codes, today=today)


def assert_jurisdiction_conforms(
    jurisdiction: Jurisdiction, pm: pluggy.PluginManager | None = None
) -> None:
    """Fail unless the jurisdiction covers the installed taxonomy and every fact is sourced."""
    codes = _registries(pm).taxonomy.names()
    _fail("Jurisdiction", jurisdiction.key, check_jurisdiction(jurisdiction, codes))


# -- language packs ------------------------------------------------------------------------


def core_catalog_template() -> Path:
    """The message catalog template (``.pot``) extracted from helplinekit's code."""
    from helplinekit.i18n.runtime import TEMPLATE_PATH

    return TEMPLATE_PATH


def check_language_pack(pack: LanguagePack, *, template: Path | None = None) -> list[str]:
    """Problems with a language pack: direction, message templates, catalog completeness.

    The checks live in :func:`helplinekit.i18n.check_pack`, which ``helplinekit
    translations check`` runs too, so a test and the command always agree.
    """
    from helplinekit.i18n.check import check_pack

    report = check_pack(pack, template=template or core_catalog_template())
    return [problem.text for problem in report.problems]


def assert_language_pack_conforms(pack: LanguagePack, *, template: Path | None = None) -> None:
    """Fail unless the pack's direction, templates and catalog are right and complete."""
    _fail("Language pack", pack.tag, check_language_pack(pack, template=template))


def check_triage_lexicon(
    lexicon: TriageLexicon, pm: pluggy.PluginManager | None = None
) -> list[str]:
    """Problems with a triage lexicon: every cue's examples must match it, its
    counter-examples must not, and its categories must be in the installed taxonomy."""
    from helplinekit.i18n.check import lexicon_problems

    return lexicon_problems(lexicon, taxonomy=_registries(pm).taxonomy.names())


def assert_triage_lexicon_conforms(
    lexicon: TriageLexicon, pm: pluggy.PluginManager | None = None
) -> None:
    """Fail unless the lexicon's examples, counter-examples and categories are right."""
    _fail("Triage lexicon", lexicon.source or lexicon.language, check_triage_lexicon(lexicon, pm))


# -- channels ------------------------------------------------------------------------------


def check_channel(channel_class: type[Channel]) -> list[str]:
    """Problems with a channel: its sample request must verify, parse and round-trip."""
    from helplinekit.contracts.channel import (
        ChannelError,
        InboundMessage,
        StatusUpdate,
        VerificationFailed,
    )
    from helplinekit.domain.names import is_plugin_channel_name

    problems = []
    name = getattr(channel_class, "name", "")
    if not is_plugin_channel_name(name):
        problems.append(
            f"name {name!r} is not namespaced, 64 characters at most (e.g. 'acme.sms')."
        )
    example = channel_class.example()
    channel = channel_class(example.settings)
    try:
        channel.verify(example.request)
    except VerificationFailed as error:
        return [*problems, f"rejects its own sample request: {error}"]
    try:
        events = list(channel.parse(example.request))
    except ChannelError as error:
        return [*problems, f"cannot parse its own sample request: {error}"]
    urns = tuple(str(e.urn) for e in events if isinstance(e, InboundMessage))
    if urns != example.expected_urns:
        problems.append(
            f"parsed sender URNs {list(urns)} do not match the expected "
            f"{list(example.expected_urns)}."
        )
    for event in events:
        if getattr(event, "channel", None) != name:
            problems.append(
                f"an event names channel {getattr(event, 'channel', None)!r}, not {name!r}."
            )
        if isinstance(event, InboundMessage | StatusUpdate) and not event.provider_message_id:
            problems.append("an event has no provider message id, so it cannot be de-duplicated.")
    again = [str(e.urn) for e in channel.parse(example.request) if isinstance(e, InboundMessage)]
    if tuple(again) != urns:
        problems.append("parsing the same request twice gives different URNs.")
    if example.tampered is not None:
        try:
            channel.verify(example.tampered)
        except VerificationFailed:
            pass
        else:
            problems.append("accepts a tampered copy of its sample request.")
    return problems


def assert_channel_conforms(channel_class: type[Channel]) -> None:
    """Fail unless the channel verifies, parses and refuses a forgery of its sample request."""
    _fail(
        "Channel", getattr(channel_class, "name", repr(channel_class)), check_channel(channel_class)
    )


# -- referral partners ---------------------------------------------------------------------


def check_referral_partner(partner: ReferralPartner, *, today: date | None = None) -> list[str]:
    """Problems with a referral partner entry."""
    today = today or date.today()
    problems = []
    if not partner.services:
        problems.append("lists no services.")
    if not partner.regions:
        problems.append("lists no regions (use '*' for worldwide).")
    if partner.url is not None and not partner.url.startswith("https://"):
        problems.append(f"url {partner.url!r} is not https.")
    if not partner.contact.strip() and partner.url is None:
        problems.append("has neither contact details nor a URL.")
    if partner.last_verified is not None and partner.last_verified > today:
        problems.append(f"last_verified {partner.last_verified} is in the future.")
    return problems


def assert_referral_partner_conforms(partner: ReferralPartner) -> None:
    """Fail unless the partner entry is usable."""
    _fail("Referral partner", partner.key, check_referral_partner(partner))


# -- ciphers for positive controls -----------------------------------------------------------


class NullCipher:
    """A cipher that does not encrypt: the positive control of every "no plaintext" test.

    A search that cannot find canaries stored through this cipher proves nothing; the same
    search must find them here before it can be trusted to find none under real encryption.
    Never use it outside tests.
    """

    name = "null"
    _HEADER = b"\x00"

    def encrypt(self, key: Any, plaintext: bytes, context: Any) -> bytes:
        return self._HEADER + plaintext

    def decrypt(self, key: Any, ciphertext: bytes, context: Any) -> bytes:
        from helplinekit.security.crypto import DecryptionError

        if not ciphertext.startswith(self._HEADER):
            raise DecryptionError(f"Not a null-cipher value in {context.table}.{context.column}.")
        return ciphertext[len(self._HEADER) :]

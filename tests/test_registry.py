"""Registries: type checks, namespacing, duplicates naming both plugins."""

from __future__ import annotations

import pytest

from helplinekit import hookimpl
from helplinekit.channels.web_form import WebFormChannel
from helplinekit.registry import RegistrationError, Registries
from helplinekit.testing import registered_plugin


class _Channel(WebFormChannel):
    name = "acme.sms"
    title = "Acme SMS"


class _RegistersChannel:
    def __init__(self, channel: object) -> None:
        self.channel = channel

    @hookimpl
    def register_channels(self, register):
        register(self.channel)


def test_duplicate_name_names_both_plugins(plugin_manager, register_plugin) -> None:
    with (
        register_plugin(_RegistersChannel(_Channel), "first_sms"),
        register_plugin(_RegistersChannel(_Channel), "acme_sms"),
    ):
        with pytest.raises(RegistrationError) as caught:
            Registries(plugin_manager)
    message = str(caught.value)
    assert "'acme.sms'" in message
    assert "'first_sms'" in message and "'acme_sms'" in message
    assert "HELPLINEKIT_DISABLE_PLUGINS" in message


def test_duplicate_of_a_builtin_names_the_builtin(plugin_manager, register_plugin) -> None:
    with register_plugin(_RegistersChannel(WebFormChannel), "copycat"):
        with pytest.raises(
            RegistrationError, match="helplinekit.default_plugins.web_form.*copycat"
        ):
            Registries(plugin_manager)


def test_wrong_type_is_rejected_naming_the_plugin(plugin_manager, register_plugin) -> None:
    class Wrong:
        @hookimpl
        def register_languages(self, register):
            register("ur")

    with (
        register_plugin(Wrong(), "wrong_lang"),
        pytest.raises(RegistrationError, match=r"'wrong_lang' passed str to register_languages"),
    ):
        Registries(plugin_manager)


def test_channel_instance_instead_of_class_is_rejected(plugin_manager, register_plugin) -> None:
    instance = _Channel({"token_secret": b"0123456789abcdef0123"})
    with register_plugin(_RegistersChannel(instance), "instance_sms"):
        with pytest.raises(RegistrationError, match="register the channel class, not an instance"):
            Registries(plugin_manager)


def test_channel_missing_methods_is_rejected(plugin_manager, register_plugin) -> None:
    class Half:
        name = "acme.half"
        title = "Half"
        supports_poll = False

        def verify(self, request):
            pass

    with register_plugin(_RegistersChannel(Half), "half"):
        with pytest.raises(RegistrationError, match="without parse, send, reply, example"):
            Registries(plugin_manager)


@pytest.mark.parametrize("bad_name", ["sms", "Acme.SMS", "acme.", ".sms", "acme sms.x"])
def test_channel_names_must_be_namespaced(plugin_manager, register_plugin, bad_name) -> None:
    bad = type("Bad", (_Channel,), {"name": bad_name})
    with register_plugin(_RegistersChannel(bad), "bad"):
        with pytest.raises(RegistrationError, match="namespaced"):
            Registries(plugin_manager)


def test_registry_lookup_error_lists_what_is_registered(plugin_manager) -> None:
    registries = Registries(plugin_manager)
    with pytest.raises(KeyError, match=r"No channel named 'twilio.sms'.*web.form"):
        registries.channels.get("twilio.sms")
    assert registries.channels.plugin_of("web.form") == "helplinekit.default_plugins.web_form"


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("web.form", True),
        ("twilio.sms", True),
        ("phone", True),  # a call staff log by hand: the core's own, not a plugin's
        ("in_person", True),
        ("sms", False),  # accepted before: a channel name without its plugin's namespace
        ("whatsapp", False),
        ("Web.Form", False),
        ("acme." + "x" * 60, False),
    ],
)
def test_a_message_or_contact_comes_in_on_a_namespaced_channel(name: str, accepted: bool) -> None:
    from helplinekit.domain._validation import channel_name
    from helplinekit.domain.errors import InvalidValue

    class Where:
        pass

    attribute = type("Attribute", (), {"name": "channel"})()
    if accepted:
        channel_name(Where(), attribute, name)
    else:
        with pytest.raises(InvalidValue, match="namespaced"):
            channel_name(Where(), attribute, name)


def test_every_built_in_and_test_channel_is_namespaced(
    plugin_manager, fixture_plugins_path
) -> None:
    import importlib.util

    from helplinekit.domain.names import CHANNEL_NAME_RE, is_plugin_channel_name

    spec = importlib.util.spec_from_file_location(
        "fixture_channel", fixture_plugins_path / "fixture_channel.py"
    )
    assert spec is not None and spec.loader is not None
    fixture = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixture)
    with registered_plugin(plugin_manager, fixture, "fixture_channel"):
        names = Registries(plugin_manager).channels.names()
    assert "web.form" in names and len(names) >= 2
    assert all(is_plugin_channel_name(n) and CHANNEL_NAME_RE.match(n) for n in names)


def test_a_channel_named_without_a_namespace_is_refused(plugin_manager, register_plugin) -> None:
    class Bare(WebFormChannel):
        name = "sms"

    with register_plugin(_RegistersChannel(Bare), "bare"):
        with pytest.raises(RegistrationError, match="registered a channel named 'sms'"):
            Registries(plugin_manager)


@pytest.mark.parametrize(
    ("hook", "item", "expected"),
    [
        ("register_taxonomy", "NCII", "TaxonomyCode"),
        ("register_languages", "ur", "LanguagePack"),
        ("register_jurisdictions", "kenya.ke", "Jurisdiction"),
        ("register_referral_partners", "intl.x", "ReferralPartner"),
    ],
)
def test_each_registry_refuses_the_wrong_type_naming_the_hook(
    plugin_manager, register_plugin, hook: str, item: str, expected: str
) -> None:
    plugin = type("Wrong", (), {hook: hookimpl(lambda self, register, **_: register(item))})()
    with register_plugin(plugin, "wrong"):
        with pytest.raises(
            RegistrationError, match=f"'wrong' passed str to {hook}; expected a {expected}"
        ):
            Registries(plugin_manager)

"""Registries: what plugins registered, who registered it, and checks on the way in.

Each registration hook is called once per plugin with a ``register`` callable bound to that
plugin, so every item knows where it came from and a duplicate can name both plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from attrs import frozen

from helplinekit.domain.errors import ConfigurationError
from helplinekit.domain.names import is_namespaced, is_plugin_channel_name
from helplinekit.plugins import DISABLE_ENV

if TYPE_CHECKING:
    import pluggy

    from helplinekit.config import HelplineConfig
    from helplinekit.contracts import Jurisdiction, LanguagePack
    from helplinekit.domain import ReferralPartner, TaxonomyCode

__all__ = ["Registered", "RegistrationError", "Registries", "Registry"]

T = TypeVar("T")


class RegistrationError(ConfigurationError):
    """A plugin registered something the core cannot accept; the message says who and how to fix."""


@frozen
class Registered(Generic[T]):
    """One registered item and the plugin that registered it."""

    name: str
    item: T
    plugin: str


class Registry(Generic[T]):
    """Items of one kind, by name.

    :param kind: a human word for error messages ("channel", "language").
    :param check: validates an item and returns its name, raising :class:`RegistrationError`
        naming the plugin when it is not acceptable.
    """

    def __init__(self, kind: str, check: Callable[[Any, str], str]) -> None:
        self.kind = kind
        self._check = check
        self._items: dict[str, Registered[T]] = {}

    def register_for(self, plugin: str) -> Callable[[T], None]:
        """The ``register`` callable handed to one plugin's hook implementation."""

        def register(item: T) -> None:
            name = self._check(item, plugin)
            existing = self._items.get(name)
            if existing is not None:
                raise RegistrationError(
                    f"{self.kind.capitalize()} {name!r} is registered by both "
                    f"{existing.plugin!r} and {plugin!r}; disable one with {DISABLE_ENV}."
                )
            self._items[name] = Registered(name=name, item=item, plugin=plugin)

        return register

    def replace(self, item: T, *, plugin: str) -> None:
        """Put ``item`` in place of whatever has its name (for the deployment's own files)."""
        name = self._check(item, plugin)
        self._items[name] = Registered(name=name, item=item, plugin=plugin)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[Registered[T]]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> list[str]:
        return list(self._items)

    def get(self, name: str) -> T:
        """Return an item by name; a KeyError lists what is registered."""
        try:
            return self._items[name].item
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise KeyError(
                f"No {self.kind} named {name!r} is registered (registered: {known})."
            ) from None

    def plugin_of(self, name: str) -> str:
        return self._items[name].plugin


def _require(condition: bool, plugin: str, message: str) -> None:
    if not condition:
        raise RegistrationError(f"Plugin {plugin!r} {message}")


def _namespaced(name: object, plugin: str, kind: str) -> str:
    _require(
        is_plugin_channel_name(name) if kind == "channel" else is_namespaced(name),
        plugin,
        f"registered a {kind} named {name!r}; {kind} names are namespaced by the plugin, "
        f"lower case with a dot, e.g. 'acme.sms'"
        + (", 64 characters at most." if kind == "channel" else "."),
    )
    return name  # type: ignore[return-value]


def _instance_of(
    expected: Callable[[], type], hook: str, name_of: str, *, namespaced: str | None = None
) -> Callable[[Any, str], str]:
    """A check: the item is an instance of ``expected()``; its name is ``item.<name_of>``.

    ``expected`` is called at check time, so the contracts are imported only when a plugin
    registers something. ``namespaced`` names the kind when the name must be namespaced.
    """

    def check(item: Any, plugin: str) -> str:
        cls = expected()
        _require(
            isinstance(item, cls),
            plugin,
            f"passed {type(item).__name__} to {hook}; expected a {cls.__name__}.",
        )
        name = getattr(item, name_of)
        return _namespaced(name, plugin, namespaced) if namespaced else str(name)

    return check


def _taxonomy_code() -> type:
    from helplinekit.domain import TaxonomyCode

    return TaxonomyCode


def _language_pack() -> type:
    from helplinekit.contracts.language import LanguagePack

    return LanguagePack


def _jurisdiction() -> type:
    from helplinekit.contracts.jurisdiction import Jurisdiction

    return Jurisdiction


def _referral_partner() -> type:
    from helplinekit.domain import ReferralPartner

    return ReferralPartner


_check_taxonomy = _instance_of(_taxonomy_code, "register_taxonomy", "code")
_check_language = _instance_of(_language_pack, "register_languages", "tag")
_check_jurisdiction = _instance_of(
    _jurisdiction, "register_jurisdictions", "key", namespaced="jurisdiction"
)
_check_partner = _instance_of(
    _referral_partner, "register_referral_partners", "key", namespaced="referral partner"
)


def _check_channel(item: Any, plugin: str) -> str:
    from helplinekit.contracts.channel import Channel

    _require(
        isinstance(item, type),
        plugin,
        f"passed {item!r} to register_channels; register the channel class, not an instance.",
    )
    missing = [
        attr
        for attr in (
            "name",
            "title",
            "supports_poll",
            "verify",
            "parse",
            "send",
            "reply",
            "example",
        )
        if not hasattr(item, attr)
    ]
    _require(
        not missing,
        plugin,
        f"registered channel class {item.__name__} without {', '.join(missing)} "
        f"(see helplinekit.contracts.{Channel.__name__}).",
    )
    return _namespaced(item.name, plugin, "channel")


def _check_key_provider(item: Any, plugin: str) -> str:
    _require(
        isinstance(item, type)
        and all(hasattr(item, attr) for attr in ("name", "key_encryption_key", "blind_index_key")),
        plugin,
        f"passed {item!r} to register_key_providers; expected a class implementing "
        "helplinekit.contracts.KeyProvider.",
    )
    return _namespaced(item.name, plugin, "key provider")


class Registries:
    """Everything the installed plugins registered, collected once.

    :param pm: the plugin manager.
    :param helpline: the deployment's configuration, passed to hooks that take it.
    """

    def __init__(self, pm: pluggy.PluginManager, helpline: HelplineConfig | None = None) -> None:
        self.taxonomy: Registry[TaxonomyCode] = Registry("taxonomy code", _check_taxonomy)
        self.channels: Registry[type] = Registry("channel", _check_channel)
        self.languages: Registry[LanguagePack] = Registry("language", _check_language)
        self.jurisdictions: Registry[Jurisdiction] = Registry("jurisdiction", _check_jurisdiction)
        self.partners: Registry[ReferralPartner] = Registry("referral partner", _check_partner)
        self.key_providers: Registry[type] = Registry("key provider", _check_key_provider)
        _collect(pm, "register_taxonomy", self.taxonomy)
        _collect(pm, "register_channels", self.channels)
        _collect(pm, "register_languages", self.languages)
        _collect(pm, "register_jurisdictions", self.jurisdictions)
        _collect(pm, "register_referral_partners", self.partners, helpline=helpline)
        _collect(pm, "register_key_providers", self.key_providers)
        if helpline is not None:
            self._apply_directory(helpline)

    def _apply_directory(self, helpline: HelplineConfig) -> None:
        # The deployment's own referrals.csv is the last word: staff keep it up to date
        # (last_verified, local partners), so its entries replace the plugins' ones.
        from helplinekit.partners.directory import load_directory

        for partner in load_directory(helpline.directory) or ():
            self.partners.replace(partner, plugin=f"{helpline.directory.name}/referrals.csv")

    def build_taxonomy(self) -> Any:
        """The taxonomy as a :class:`helplinekit.domain.Taxonomy`."""
        from helplinekit.domain import Taxonomy

        return Taxonomy(entry.item for entry in self.taxonomy)


def _collect(
    pm: pluggy.PluginManager, hook_name: str, registry: Registry[Any], **kwargs: Any
) -> None:
    # Call the hook one plugin at a time, through pluggy (so tracing still sees each call),
    # to hand each plugin a ``register`` that knows its name.
    caller = getattr(pm.hook, hook_name)
    plugins = [impl.plugin for impl in caller.get_hookimpls()]
    all_plugins = pm.get_plugins()
    for plugin in plugins:
        name = pm.get_name(plugin) or repr(plugin)
        others = [other for other in all_plugins if other is not plugin]
        single = pm.subset_hook_caller(hook_name, remove_plugins=others)
        single(register=registry.register_for(name), **kwargs)

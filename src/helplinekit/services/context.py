"""What services need from the deployment, passed in rather than looked up."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from attrs import define, field

if TYPE_CHECKING:
    import pluggy

    from helplinekit.config import HelplineConfig
    from helplinekit.db.uow import Database
    from helplinekit.i18n.languages import Languages
    from helplinekit.registry import Registries
    from helplinekit.security.policy import Policy

log = logging.getLogger("helplinekit")


def utc_now() -> datetime:
    return datetime.now(UTC)


@define
class ServiceContext:
    """The deployment as services see it.

    Attributes:
        config: the deployment's configuration.
        pm: the plugin manager (for hooks).
        registries: what the plugins registered.
        languages: the pack for each language tag (a plugin's, or CLDR's).
        database: the database with its crypto.
        policy: the access policy, tightened by ``[policy]``.
        channels: the enabled channels, instantiated with their settings.
        clock: the current time (tests move it).
        os_user: the operating-system user running a CLI command, for the audit log.
        key_provider: the deployment's key provider (for key rotation).
        web_keys: keys for the public web pages, derived from the blind-index key by
            purpose (``case-code:v1``, ``rate-limit:v1``); secret, hidden from repr.
    """

    config: HelplineConfig
    pm: pluggy.PluginManager
    registries: Registries
    languages: Languages
    database: Database
    policy: Policy
    channels: Mapping[str, Any] = field(factory=dict)
    clock: Callable[[], datetime] = utc_now
    os_user: str | None = None
    key_provider: Any = None
    web_keys: Mapping[str, bytes] = field(factory=dict, repr=False)

    def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Call a lifecycle hook; a failing listener is logged by type and ignored."""
        try:
            getattr(self.pm.hook, hook_name)(**kwargs)
        except Exception as error:
            log.warning("%s listener failed: %s", hook_name, type(error).__name__)

"""What every command can reach through ``ctx.obj``: the plugin manager, and lazily the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pluggy

    from helplinekit.config import HelplineConfig
    from helplinekit.registry import Registries


class State:
    """Per-invocation state shared by commands."""

    def __init__(self, pm: pluggy.PluginManager | Any) -> None:
        self.pm = pm
        self._registries: dict[object, Registries] = {}

    def config(self, path: str | None) -> HelplineConfig:
        """Load ``helpline.toml`` (``--config``, ``$HELPLINEKIT_CONFIG`` or ``./helpline.toml``)."""
        from helplinekit.config import load_config
        from helplinekit.plugins import load_local_plugins

        helpline = load_config(path)
        load_local_plugins(self.pm, helpline.directory / "plugins")
        return helpline

    def registries(self, helpline: HelplineConfig | None = None) -> Registries:
        """What the installed plugins registered, for this deployment."""
        key = None if helpline is None else helpline.path
        if key not in self._registries:
            from helplinekit.registry import Registries

            self._registries[key] = Registries(self.pm, helpline)
        return self._registries[key]

"""The plugin manager factory.

Built-in channels, languages, laws and key providers are plugins registered exactly as a
third-party plugin is: their modules (in :mod:`helplinekit.default_plugins`, and the key
file provider in :mod:`helplinekit.security.keyfile`) are listed in :data:`DEFAULT_PLUGINS`,
and overridable defaults are marked ``@hookimpl(trylast=True)``. Nothing is built at
import time: call :func:`get_plugin_manager`.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pluggy

from helplinekit import PROJECT_NAME, hookspecs
from helplinekit.domain.errors import ConfigurationError

__all__ = [
    "DEFAULT_PLUGINS",
    "DISABLE_ENV",
    "TRACE_ENV",
    "disabled_plugin_names",
    "get_plugin_manager",
    "plugin_info",
]

#: The built-in plugins, by module path; registered under that same name.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "helplinekit.default_plugins.taxonomy",
    "helplinekit.default_plugins.baseline",
    "helplinekit.default_plugins.english",
    "helplinekit.default_plugins.web_form",
    "helplinekit.default_plugins.international",
    "helplinekit.security.keyfile",
    "helplinekit.default_plugins.keywords",
    "helplinekit.default_plugins.default_router",
)

#: The names the built-ins had before they moved into ``default_plugins``; a deployment's
#: ``HELPLINEKIT_DISABLE_PLUGINS`` written with them keeps working.
FORMER_NAMES: dict[str, str] = {
    "helplinekit.laws.taxonomy": "helplinekit.default_plugins.taxonomy",
    "helplinekit.laws.baseline": "helplinekit.default_plugins.baseline",
    "helplinekit.languages.english": "helplinekit.default_plugins.english",
    "helplinekit.channels.web_form": "helplinekit.default_plugins.web_form",
    "helplinekit.partners.international": "helplinekit.default_plugins.international",
    "helplinekit.triage.keywords": "helplinekit.default_plugins.keywords",
    "helplinekit.triage.default_router": "helplinekit.default_plugins.default_router",
}

#: Comma-separated plugin names (module paths for built-ins, entry-point names otherwise)
#: that must not be loaded.
DISABLE_ENV = "HELPLINEKIT_DISABLE_PLUGINS"

#: Set to 1 to print every hook call and its result to stderr.
TRACE_ENV = "HELPLINEKIT_TRACE_PLUGINS"


def disabled_plugin_names(environ: dict[str, str] | None = None) -> frozenset[str]:
    """The plugin names listed in ``HELPLINEKIT_DISABLE_PLUGINS``."""
    raw = (environ if environ is not None else os.environ).get(DISABLE_ENV, "")
    names = (name.strip() for name in raw.split(","))
    return frozenset(FORMER_NAMES.get(name, name) for name in names if name)


def get_plugin_manager(
    *,
    load_entrypoints: bool = True,
    default_plugins: Iterable[str] = DEFAULT_PLUGINS,
    extra_plugins: Iterable[tuple[object, str]] = (),
) -> pluggy.PluginManager:
    """Build a plugin manager with the specs, the defaults and (optionally) entry points.

    :param load_entrypoints: load third-party plugins from the ``helplinekit`` entry-point
        group. Core tests pass False so an installed plugin never changes their outcome.
    :param default_plugins: built-in plugin modules to register.
    :param extra_plugins: ``(plugin, name)`` pairs to register as well (local plugins).
    :raises pluggy.PluginValidationError: when a plugin implements a hook that does not
        exist (a misspelt hook name fails here, at start-up, not silently later).
    """
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name in disabled_plugin_names():
        pm.set_blocked(name)
    if load_entrypoints:
        pm.load_setuptools_entrypoints(PROJECT_NAME)
    for module_name in default_plugins:
        if pm.is_blocked(module_name):
            continue
        pm.register(importlib.import_module(module_name), name=module_name)
    for plugin, name in extra_plugins:
        if not pm.is_blocked(name):
            pm.register(plugin, name=name)
    pm.check_pending()
    if os.environ.get(TRACE_ENV, "") not in ("", "0"):
        _enable_tracing(pm)
    return pm


def _enable_tracing(pm: pluggy.PluginManager) -> None:
    # Domain objects keep survivor content out of repr (attrs repr=False), so a trace shows
    # ids and names only; that is what makes this safe to switch on in production.
    def before(hook_name: str, hook_impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
        plugins = ", ".join(pm.get_name(impl.plugin) or "?" for impl in hook_impls)
        arguments = ", ".join(f"{key}={value!r}" for key, value in kwargs.items())
        print(f"[helplinekit] {hook_name}({arguments}) -> [{plugins}]", file=sys.stderr)

    def after(
        outcome: Any, hook_name: str, hook_impls: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> None:
        exception = outcome.exception
        if exception is not None:
            print(f"[helplinekit] {hook_name} raised {type(exception).__name__}", file=sys.stderr)
        else:
            print(f"[helplinekit] {hook_name} returned {outcome.get_result()!r}", file=sys.stderr)

    pm.add_hookcall_monitoring(before, after)


class LocalPluginError(ConfigurationError):
    """A file in a deployment's plugins/ folder failed to load; the message names it."""


def load_local_plugins(pm: pluggy.PluginManager, folder: Path) -> list[str]:
    """Register every ``*.py`` file in a deployment's ``plugins/`` folder as a plugin.

    Like datasette's plugins directory: a deployment can carry its own small plugins (a
    law stub, a local partner list) without packaging them. Registered as ``local:<name>``.
    """
    import importlib.util

    names: list[str] = []
    if not folder.is_dir():
        return names
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        name = f"local:{path.stem}"
        if pm.has_plugin(name) or pm.is_blocked(name):
            continue
        module_name = f"helplinekit_local_{path.stem}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as error:
            sys.modules.pop(module_name, None)
            raise LocalPluginError(
                f"The local plugin {path} cannot be loaded ({type(error).__name__}: {error}); "
                "fix it or move it out of the plugins/ folder."
            ) from None
        pm.register(module, name=name)
        names.append(name)
    pm.check_pending()
    return names


def plugin_info(pm: pluggy.PluginManager) -> list[dict[str, Any]]:
    """Every registered plugin: its name, distribution version and the hooks it implements."""
    distributions = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    rows = []
    for plugin in pm.get_plugins():
        name = pm.get_name(plugin) or repr(plugin)
        dist = distributions.get(id(plugin))
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
        if dist is not None:
            version = dist.version
            package = dist.project_name
        elif name.startswith(f"{PROJECT_NAME}."):
            from helplinekit import __version__

            version, package = __version__, f"{PROJECT_NAME} (built-in)"
        else:
            version, package = "", "(local)"
        rows.append({"name": name, "package": package, "version": version, "hooks": hooks})
    return sorted(
        rows, key=lambda row: (row["package"] != f"{PROJECT_NAME} (built-in)", row["name"])
    )

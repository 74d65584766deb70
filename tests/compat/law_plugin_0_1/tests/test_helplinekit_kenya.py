"""The jurisdiction's own tests: ``pytest`` runs them, with helplinekit's conformance kit."""

from __future__ import annotations

from helplinekit.domain import DEFAULT_TAXONOMY
from helplinekit.registry import Registries
from helplinekit.testing import assert_jurisdiction_conforms

import helplinekit_kenya as plugin


def test_jurisdiction_conforms(plugin_manager) -> None:
    # Every taxonomy code mapped (or explicitly marked), every fact sourced, a disclaimer.
    assert_jurisdiction_conforms(plugin.build(), plugin_manager)


def test_every_category_of_the_default_taxonomy_is_mapped() -> None:
    assert {code.code for code in DEFAULT_TAXONOMY} <= set(plugin.build().mappings)


def test_mappings_cite_only_defined_provisions() -> None:
    jurisdiction = plugin.build()
    for code, entry in jurisdiction.mappings.items():
        for ref in entry if isinstance(entry, tuple) else ():
            assert jurisdiction.provision(ref.provision), code


def test_hook_registers_the_jurisdiction(plugin_manager, register_plugin) -> None:
    with register_plugin(plugin, "kenya"):
        jurisdiction = Registries(plugin_manager).jurisdictions.get(plugin.KEY)
    assert jurisdiction.country == plugin.COUNTRY
    assert jurisdiction.name == plugin.NAME

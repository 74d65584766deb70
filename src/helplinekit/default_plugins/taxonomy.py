"""Built-in plugin: the default harassment taxonomy of DOMAIN.md.

Plugins add codes through the same hook; a deployment can disable this plugin only if
another one registers a complete taxonomy.
"""

from __future__ import annotations

from helplinekit import hookimpl
from helplinekit.hookspecs import Register


@hookimpl
def register_taxonomy(register: Register) -> None:
    from helplinekit.domain.taxonomy import DEFAULT_TAXONOMY

    for code in DEFAULT_TAXONOMY:
        register(code)

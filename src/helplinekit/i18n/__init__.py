"""Gettext catalogs: mark, extract, compile and check the strings a helpline shows.

Three modules, by when they run: :mod:`~helplinekit.i18n.runtime` (loading catalogs, the
``N_`` marker: what a running helpline needs), :mod:`~helplinekit.i18n.extract` (building
``locale/helplinekit.pot`` from the code) and :mod:`~helplinekit.i18n.check` (what a language
pack still lacks). This module re-exports their public names; the extraction and checking
ones are imported when first used, so loading a catalog does not import the tooling.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from helplinekit.i18n.runtime import (
    N_,
    PACKAGE_DIR,
    SOURCE_LANGUAGE,
    TEMPLATE_PATH,
    CatalogError,
    CatalogMessages,
    catalog_messages,
    load_po,
)

if TYPE_CHECKING:
    from helplinekit.i18n.check import PackProblem, PackReport, check_pack
    from helplinekit.i18n.extract import (
        COMMENT_TAGS,
        EXTRACTION_IGNORED,
        EXTRACTION_METHODS,
        extract_template,
        render_template,
        stale_template_diff,
        write_template,
    )

__all__ = [
    "COMMENT_TAGS",
    "EXTRACTION_IGNORED",
    "EXTRACTION_METHODS",
    "N_",
    "PACKAGE_DIR",
    "SOURCE_LANGUAGE",
    "TEMPLATE_PATH",
    "CatalogError",
    "CatalogMessages",
    "PackProblem",
    "PackReport",
    "catalog_messages",
    "check_pack",
    "extract_template",
    "load_po",
    "render_template",
    "stale_template_diff",
    "write_template",
]

_LAZY = {
    **dict.fromkeys(("PackProblem", "PackReport", "check_pack"), "helplinekit.i18n.check"),
    **dict.fromkeys(
        (
            "COMMENT_TAGS",
            "EXTRACTION_IGNORED",
            "EXTRACTION_METHODS",
            "extract_template",
            "render_template",
            "stale_template_diff",
            "write_template",
        ),
        "helplinekit.i18n.extract",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'helplinekit.i18n' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

"""Gettext extraction: collect the marked strings of the package into the catalog template.

:func:`extract_template` collects them into ``locale/helplinekit.pot``, which every language
pack translates; ``helplinekit translations extract`` writes it, and a test fails when the
committed template is stale.
"""

from __future__ import annotations

import difflib
import io
from pathlib import Path
from typing import TYPE_CHECKING

from helplinekit.i18n.runtime import PACKAGE_DIR, TEMPLATE_PATH

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

__all__ = [
    "COMMENT_TAGS",
    "EXTRACTION_IGNORED",
    "EXTRACTION_METHODS",
    "extract_template",
    "render_template",
    "stale_template_diff",
    "write_template",
]

#: What is extracted, as (glob relative to the package, Babel extraction method); the first
#: pattern that matches a file decides. Jinja templates need Jinja2, which the web console
#: brings; the extractor is only imported once such a template exists.
EXTRACTION_METHODS: tuple[tuple[str, str], ...] = (
    ("web/templates/**.html", "jinja2.ext:babel_extract"),
    ("web/templates/**.txt", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
)

#: Paths never extracted: the cookiecutter templates a wheel carries are generated
#: projects' files, not helplinekit's strings.
EXTRACTION_IGNORED: tuple[str, ...] = ("_templates/**", "**/__pycache__/**")

#: Comments starting with this, on the line before a marked string, reach translators.
COMMENT_TAGS: tuple[str, ...] = ("Translators:",)

# ``{% trans %}`` blocks are extracted with whitespace collapsed; the web console's Jinja
# environment must set ``policies["ext.i18n.trimmed"] = True`` so the msgids agree.
_JINJA_OPTIONS = {"trimmed": "true"}

_HEADER_COMMENT = """\
# Translations template for helplinekit (AGPL-3.0-or-later).
# Made by `helplinekit translations extract`; do not edit by hand.
#"""

# Header lines that change on every extraction, or with the Babel version, and say
# nothing about the strings: ignored when deciding whether the template is current.
_VOLATILE_HEADERS = (b'"POT-Creation-Date:', b'"Generated-By:')


def _method_for(relative: str) -> str | None:
    from babel.util import pathmatch

    if any(pathmatch(pattern, relative) for pattern in EXTRACTION_IGNORED):
        return None
    return next((m for pattern, m in EXTRACTION_METHODS if pathmatch(pattern, relative)), None)


def extract_template(package_dir: Path | None = None) -> Catalog:
    """Every marked string of the package, as a catalog template.

    :param package_dir: the ``helplinekit`` package folder to read; the installed one by
        default. Locations are given as ``helplinekit/<path>``, without line numbers, so
        moving code around does not change the template.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

    package_dir = package_dir or PACKAGE_DIR
    catalog = Catalog(
        domain="helplinekit",
        project="helplinekit",
        header_comment=_HEADER_COMMENT,
        msgid_bugs_address="https://github.com/helplinekit/helplinekit/issues",
        charset="utf-8",
    )
    for path in sorted(package_dir.rglob("*")):
        relative = path.relative_to(package_dir).as_posix()
        method = _method_for(relative) if path.is_file() else None
        if method is None:
            continue
        options = _JINJA_OPTIONS if method.startswith("jinja2") else {}
        for _lineno, message, comments, context in extract_from_file(
            method,
            path,
            keywords=DEFAULT_KEYWORDS,
            comment_tags=COMMENT_TAGS,
            options=options,
        ):
            catalog.add(
                message,
                None,
                # No line number: babel's own PO reader stores such a location as
                # ``(path, None)`` and write_po leaves the number out, but Catalog.add is
                # annotated ``tuple[str, int]``; 0 would be a made-up line.
                [(f"helplinekit/{relative}", None)],  # type: ignore[list-item]
                # One paragraph, rewrapped for the .pot's width rather than the code's.
                auto_comments=[" ".join(comments)] if comments else [],
                context=context,
            )
    return catalog


def render_template(catalog: Catalog) -> bytes:
    """The ``.pot`` text of a template: sorted, wrapped at 76, no line numbers."""
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=76,
        sort_output=True,
        ignore_obsolete=True,
        include_lineno=False,
    )
    return buffer.getvalue()


def _comparable(text: bytes) -> list[str]:
    lines = text.decode("utf-8").splitlines(keepends=True)
    volatile = tuple(header.decode() for header in _VOLATILE_HEADERS)
    return [line for line in lines if not line.startswith(volatile)]


def stale_template_diff(
    path: Path = TEMPLATE_PATH, *, package_dir: Path | None = None
) -> str | None:
    """None when ``path`` holds what extraction gives now; else a diff of what would change.

    The creation date and the Babel version in the header are ignored.
    """
    fresh = _comparable(render_template(extract_template(package_dir)))
    current = _comparable(path.read_bytes()) if path.exists() else []
    if fresh == current:
        return None
    return "".join(
        difflib.unified_diff(current, fresh, f"{path} (committed)", f"{path} (from the code)")
    )


def write_template(
    path: Path = TEMPLATE_PATH, *, package_dir: Path | None = None
) -> tuple[bool, int]:
    """Extract the template into ``path``, unless only its header date would change.

    :returns: whether the file was written, and how many messages the template holds.
    """
    catalog = extract_template(package_dir)
    text = render_template(catalog)
    count = sum(1 for message in catalog if message.id)
    if path.exists() and _comparable(path.read_bytes()) == _comparable(text):
        return False, count
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
    return True, count

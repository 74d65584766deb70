"""Jinja filters that write free text safely into each kind of generated file.

Loaded by cookiecutter through ``_extensions`` in ``cookiecutter.json``. Free text (a plugin's
name, a language's native name) only ever reaches a generated file through one of these
filters, so no name can break out of its string: ``Women's "Safe" {{ 7*7 }}`` reads back
exactly from the TOML, the Python and the Markdown.

Jinja's own ``tojson`` is not used for this: it writes characters outside the Basic
Multilingual Plane (emoji, many scripts' supplementary letters) as JSON surrogate pairs,
which TOML rejects and Python reads as two broken characters.

The module name is unique on purpose: cookiecutter puts the template folder on ``sys.path``
to import it, and another template's ``local_extensions`` must not shadow it.
"""

from __future__ import annotations

import re

from jinja2 import Environment
from jinja2.ext import Extension

# Characters CommonMark and Python-Markdown unescape after a backslash; & and < become
# entities so no HTML can be formed.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>|~])")


def toml_string(text: str) -> str:
    """A TOML basic string (with quotes) that reads back as exactly ``text``."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def py_string(text: str) -> str:
    """A Python string literal that evaluates to ``text``, quoted as ruff format quotes it."""
    # Double quotes, unless the text holds more double quotes than single ones.
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = [quote]
    for char in text:
        if char == "\\" or char == quote:
            out.append("\\" + char)
        elif char in "'\"" or char.isprintable():
            out.append(char)
        else:
            out.append(repr(char)[1:-1])  # \n, \x7f, \u200b: as repr escapes it
    out.append(quote)
    return "".join(out)


def py_string_block(text: str, width: int = 80, indent: str = "    ") -> str:
    """A Python expression for ``text``: one literal, or several in parentheses when long."""
    if len(text) <= width:
        return py_string(text)
    lines: list[str] = []
    for piece in re.findall(r"\S+\s*|\s+", text):
        if lines and len(lines[-1]) + len(piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    body = "".join(f"{indent}{py_string(line)}\n" for line in lines)
    return f"(\n{body})"


def markdown_text(text: str) -> str:
    """Text that Markdown shows literally: no emphasis, links, headings or HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


class FileFormats(Extension):
    """Adds the filters ``toml_string``, ``py_string``, ``py_string_block``, ``markdown_text``."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["toml_string"] = toml_string
        environment.filters["py_string"] = py_string
        environment.filters["py_string_block"] = py_string_block
        environment.filters["markdown_text"] = markdown_text

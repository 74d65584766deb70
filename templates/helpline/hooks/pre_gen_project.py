"""Validate the context before anything is written. Values are read as data (JSON), never
pasted into code, so no answer can change what this hook does."""

import json
import re
import sys

CONTEXT = json.loads(r"""{{ cookiecutter | tojson }}""")


def fail(message: str) -> None:
    print(f"ERROR: {message}", file=sys.stderr)
    sys.exit(1)


def check_country(country: str) -> None:
    if not re.fullmatch(r"[A-Z]{2}", country):
        fail(f"{country!r} is not an ISO 3166-1 alpha-2 country code (e.g. PK).")


def check_languages(languages: list, default: str) -> None:
    if not languages:
        fail("At least one language is needed.")
    for tag in languages:
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?", tag):
            fail(f"{tag!r} is not a BCP 47 language tag.")
    if default not in languages:
        fail(f"The default language {default!r} is not one of {languages!r}.")


def check_name(name: str) -> None:
    if not name.strip():
        fail("The helpline needs a name.")


check_name(CONTEXT["_name"])
check_country(CONTEXT["_country"])
check_languages(CONTEXT["_languages"], CONTEXT["_default_language"])

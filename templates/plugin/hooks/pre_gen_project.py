"""Check the answers before anything is kept.

The answers are read as data (JSON), never pasted into code, so no answer can change what
this hook does. ``helplinekit new-plugin`` checks the same things (and more, against the
installed plugins) before cookiecutter runs; this hook protects people who run cookiecutter
on the template directly.
"""

import json
import re
import sys
import unicodedata

CONTEXT = json.loads(r"""{{ cookiecutter | tojson }}""")

KINDS = ("law", "channel", "language")
MAX_TEXT = 40
BCP47 = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")
SCRIPT = re.compile(r"[A-Z][a-z]{3}")


def fail(message: str) -> None:
    print(f"ERROR: {message}", file=sys.stderr)
    sys.exit(1)


def check_text(label: str, text: str) -> None:
    if not text.strip():
        fail(f"The {label} is empty; give one, e.g. 'Kenya'.")
    if len(text) > MAX_TEXT:
        fail(f"The {label} {text!r} is longer than {MAX_TEXT} characters; shorten it.")
    if any(unicodedata.category(char) == "Cc" for char in text):
        fail(f"The {label} {text!r} contains a control character (a newline?); use one line.")


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        fail(f"The kind {kind!r} is not one of {', '.join(KINDS)}.")


def check_name(name: str, namespace: str) -> None:
    check_text("name", name)
    if not namespace:
        fail(
            f"The name {name!r} has no letters or digits to make a package name from; "
            "use a name written in Latin letters, e.g. 'Kenya'."
        )


def check_country(country: str) -> None:
    if not re.fullmatch(r"[A-Z]{2}", country):
        fail(f"{country!r} is not an ISO 3166-1 alpha-2 country code; use e.g. KE.")
    try:
        import pycountry
    except ImportError:  # cookiecutter run outside helplinekit's environment
        return
    if pycountry.countries.get(alpha_2=country) is None:
        fail(f"{country!r} is not an ISO 3166-1 alpha-2 country code; use e.g. KE.")


def check_language(tag: str, script: str, native_name: str) -> None:
    if not BCP47.fullmatch(tag):
        fail(f"{tag!r} is not a BCP 47 language tag such as 'sw', 'ur' or 'pa-Arab'.")
    if not SCRIPT.fullmatch(script):
        fail(f"{script!r} is not an ISO 15924 script code such as 'Latn' or 'Arab'.")
    subtags = tag.split("-")
    if len(subtags) > 1 and len(subtags[1]) == 4 and subtags[1] != script:
        fail(f"The tag {tag!r} names the script {subtags[1]!r}, but the script is {script!r}.")
    check_text("native name", native_name)


check_kind(CONTEXT["kind"])
check_name(CONTEXT["name"], CONTEXT["__namespace"])
if CONTEXT["kind"] == "law":
    check_country(CONTEXT["country_code"])
if CONTEXT["kind"] == "language":
    check_language(CONTEXT["language_tag"], CONTEXT["script"], CONTEXT["native_name"])

"""The triage benchmark's labelled messages (bench/triage/messages.jsonl) are well formed.

The benchmark measures the triage lexicons, so a malformed line, an unknown code or a lopsided
split would silently skew every score computed from it; these checks catch that before any
lexicon is scored against the file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from helplinekit.domain.taxonomy import DEFAULT_TAXONOMY

ROOT = Path(__file__).resolve().parent.parent.parent
MESSAGES = ROOT / "bench" / "triage" / "messages.jsonl"

KEYS = {"id", "language", "text", "risk", "signals", "categories", "split"}
LANGUAGES = {"en", "ur", "ur-Latn"}
RISKS = {"high", "medium", "low", "none"}
SIGNALS = {
    "threat_to_life",
    "violence",
    "self_harm",
    "minor",
    "sextortion",
    "location_exposed",
}
SPLITS = {"tune", "holdout"}
CATEGORY_CODES = {code.code for code in DEFAULT_TAXONOMY}
ID_RE = re.compile(r"^(?P<language>en|ur|ur-Latn)-(?P<number>\d{3})$")


def _load() -> list[dict[str, Any]]:
    messages = []
    for line_number, line in enumerate(MESSAGES.read_text(encoding="utf-8").splitlines(), 1):
        try:
            message = json.loads(line)
        except json.JSONDecodeError as error:
            pytest.fail(f"{MESSAGES.name} line {line_number} is not valid JSON: {error}")
        assert isinstance(message, dict), f"line {line_number} is not a JSON object"
        messages.append(message)
    return messages


@pytest.fixture(scope="module")
def messages() -> list[dict[str, Any]]:
    return _load()


def _script_letters(text: str) -> tuple[int, int]:
    """How many letters of ``text`` are Arabic-script and how many Latin."""
    arabic = latin = 0
    for character in text:
        if not character.isalpha():
            continue
        name = unicodedata.name(character, "")
        if name.startswith("ARABIC"):
            arabic += 1
        elif name.startswith("LATIN"):
            latin += 1
    return arabic, latin


def test_every_line_has_exactly_the_fields_with_known_values(
    messages: list[dict[str, Any]],
) -> None:
    for line_number, message in enumerate(messages, 1):
        where = f"line {line_number} ({message.get('id')!r})"
        assert set(message) == KEYS, f"{where} has keys {sorted(message)}, expected {sorted(KEYS)}"
        assert message["language"] in LANGUAGES, f"{where}: language {message['language']!r}"
        assert isinstance(message["text"], str) and message["text"].strip(), f"{where}: empty text"
        assert message["risk"] in RISKS, f"{where}: risk {message['risk']!r} not in {RISKS}"
        assert isinstance(message["signals"], list), f"{where}: signals must be a list"
        assert set(message["signals"]) <= SIGNALS, (
            f"{where}: unknown signal in {message['signals']}"
        )
        assert len(set(message["signals"])) == len(message["signals"]), f"{where}: repeated signal"
        assert isinstance(message["categories"], list), f"{where}: categories must be a list"
        unknown = set(message["categories"]) - CATEGORY_CODES
        assert not unknown, f"{where}: unknown taxonomy codes {sorted(unknown)}"
        assert message["split"] in SPLITS, f"{where}: split {message['split']!r}"
        match = ID_RE.match(message["id"])
        assert match, f"{where}: id must look like 'en-001', 'ur-001' or 'ur-Latn-001'"
        assert match["language"] == message["language"], f"{where}: id and language disagree"
        if message["signals"]:
            assert message["risk"] != "none", f"{where}: has signals but risk 'none'"


def test_ids_are_unique_and_there_are_enough_messages(messages: list[dict[str, Any]]) -> None:
    ids = Counter(message["id"] for message in messages)
    repeated = [message_id for message_id, count in ids.items() if count > 1]
    assert not repeated, f"repeated ids: {repeated}"
    assert len(messages) >= 300, f"only {len(messages)} messages, the benchmark needs 300"
    per_language = Counter(message["language"] for message in messages)
    assert set(per_language) == LANGUAGES, f"languages present: {sorted(per_language)}"


def test_a_third_of_each_language_is_held_out_by_id(messages: list[dict[str, Any]]) -> None:
    for language in LANGUAGES:
        of_language = [message for message in messages if message["language"] == language]
        held_out = [message for message in of_language if message["split"] == "holdout"]
        assert abs(len(held_out) - len(of_language) / 3) <= 2, (
            f"{language}: {len(held_out)} of {len(of_language)} held out, expected a third"
        )
        for message in of_language:
            number = int(message["id"].rsplit("-", 1)[1])
            expected = "holdout" if number % 3 == 0 else "tune"
            assert message["split"] == expected, f"{message['id']} should be {expected!r}"


def test_the_holdout_covers_every_signal_and_taxonomy_code(
    messages: list[dict[str, Any]],
) -> None:
    held_out = [message for message in messages if message["split"] == "holdout"]
    signals = {signal for message in held_out for signal in message["signals"]}
    codes = {code for message in held_out for code in message["categories"]}
    assert signals == SIGNALS, f"signals missing from the holdout: {sorted(SIGNALS - signals)}"
    assert codes == CATEGORY_CODES, (
        f"taxonomy codes missing from the holdout: {sorted(CATEGORY_CODES - codes)}"
    )
    risks = {message["risk"] for message in held_out}
    assert risks == RISKS, f"risk levels missing from the holdout: {sorted(RISKS - risks)}"


def test_urdu_is_mostly_arabic_script_and_the_rest_latin(
    messages: list[dict[str, Any]],
) -> None:
    for message in messages:
        arabic, latin = _script_letters(message["text"])
        if message["language"] == "ur":
            assert arabic > 2 * latin, f"{message['id']} is labelled 'ur' but is not mostly Arabic"
        else:
            assert arabic == 0 and latin > 0, (
                f"{message['id']} is labelled {message['language']!r} but is not Latin script"
            )

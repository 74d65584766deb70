"""Blind indexes: stable, keyed, truncated to the planned size, and never the URN itself."""

from __future__ import annotations

import base64
import math
import random
from collections import Counter

import pytest

from helplinekit.domain.urns import URN, parse_urn
from helplinekit.security.blind_index import (
    DEFAULT_BITS,
    INDEX_VERSION,
    BlindIndex,
    MessageIdHasher,
    derive_key,
)

INDEX_KEY = bytes(range(32))
OTHER_INDEX_KEY = bytes(range(1, 33))
URNS = [
    parse_urn("tel:+923001234567"),
    parse_urn("tel:+923001234568"),
    parse_urn("whatsapp:923001234567"),
    parse_urn("mailto:someone@example.org"),
    parse_urn("signal:+923001234567"),
]


def _secret_forms(secret: bytes) -> list[str]:
    return [
        secret.hex(),
        secret.hex().upper(),
        base64.b64encode(secret).decode(),
        repr(secret)[2:-1],
        secret.decode("latin-1"),
    ]


def test_same_urn_gives_the_same_value_every_time() -> None:
    first = BlindIndex.from_index_key(INDEX_KEY)
    again = BlindIndex.from_index_key(INDEX_KEY)
    for urn in URNS:
        assert first.of_urn(urn) == again.of_urn(urn)


def test_every_spelling_of_a_number_gives_one_value() -> None:
    index = BlindIndex.from_index_key(INDEX_KEY)
    spellings = ["tel:+92 300 1234567", "tel:+92-300-123-4567", "tel:+923001234567"]
    assert len({index.of_urn(parse_urn(text)) for text in spellings}) == 1
    assert index.of_urn(parse_urn("tel:0300 1234567", default_region="PK")) == index.of_urn(URNS[0])


def test_value_has_the_version_prefix_and_default_size() -> None:
    value = BlindIndex.from_index_key(INDEX_KEY).of_urn(URNS[0])
    prefix, hex_part = value.split(":")
    assert prefix == f"v{INDEX_VERSION}" == "v1"
    assert len(hex_part) == math.ceil(DEFAULT_BITS / 4)
    int(hex_part, 16)  # hex digits only


@pytest.mark.parametrize("bits", [DEFAULT_BITS, 64])
def test_different_urns_give_different_values(bits: int) -> None:
    index = BlindIndex.from_index_key(INDEX_KEY, bits=bits)
    assert len({index.of_urn(urn) for urn in URNS}) == len(URNS)


def test_different_index_keys_give_different_values() -> None:
    ours = BlindIndex.from_index_key(INDEX_KEY, bits=64)
    theirs = BlindIndex.from_index_key(OTHER_INDEX_KEY, bits=64)
    for urn in URNS:
        assert ours.of_urn(urn) != theirs.of_urn(urn)


@pytest.mark.parametrize("bits", [8, 9, 10, 12, 15, 16, 17, 31, 33, 63, 64])
def test_truncation_keeps_exactly_the_configured_bits(bits: int) -> None:
    index = BlindIndex.from_index_key(INDEX_KEY, bits=bits)
    values = [index.of_urn(URN("tel", f"+9230012{n:05d}")).removeprefix("v1:") for n in range(300)]
    assert {len(value) for value in values} == {math.ceil(bits / 4)}
    numbers = [int(value, 16) for value in values]
    assert max(numbers) < 2**bits
    # The top bit is used (so no bit is wasted) and the lowest bit varies.
    assert max(numbers).bit_length() == bits
    assert {number & 1 for number in numbers} == {0, 1}


def test_shorter_truncation_is_a_prefix_of_the_same_hmac() -> None:
    # Sizes differ only in how much of one HMAC is kept: the 16-bit value is the top of the
    # 64-bit one.
    long = BlindIndex.from_index_key(INDEX_KEY, bits=64).of_urn(URNS[0]).removeprefix("v1:")
    short = BlindIndex.from_index_key(INDEX_KEY, bits=16).of_urn(URNS[0]).removeprefix("v1:")
    assert long.startswith(short)


def test_versions_give_unrelated_values() -> None:
    v1 = BlindIndex.from_index_key(INDEX_KEY, bits=64)
    v2 = BlindIndex.from_index_key(INDEX_KEY, bits=64, version=2)
    assert v2.version == 2 and v2.key != v1.key
    for urn in URNS:
        old, new = v1.of_urn(urn), v2.of_urn(urn)
        assert old.startswith("v1:") and new.startswith("v2:")
        assert old[3:] != new[3:]


def test_value_never_contains_the_urn() -> None:
    for bits in (DEFAULT_BITS, 64):
        index = BlindIndex.from_index_key(INDEX_KEY, bits=bits)
        for urn in [*URNS, URN("tel", "+1234567"), URN("telegram", "42")]:
            value = index.of_urn(urn)
            assert urn.path not in value
            assert urn.path.lstrip("+") not in value
            assert str(urn) not in value


def test_of_urn_takes_only_normalised_urns() -> None:
    index = BlindIndex.from_index_key(INDEX_KEY)
    with pytest.raises(TypeError, match="parse_urn"):
        index.of_urn("tel:+923001234567")  # type: ignore[arg-type]


@pytest.mark.parametrize("bits", [0, 7, 65, 256])
def test_bits_out_of_range_are_refused(bits: int) -> None:
    with pytest.raises(ValueError, match="bits"):
        BlindIndex.from_index_key(INDEX_KEY, bits=bits)


def test_collisions_match_the_sizing_rule() -> None:
    # R = 20,000 callers at L = 12 bits: C = R / 2**L ≈ 4.9 callers per value, and nearly
    # all 4096 values in use (expected 4096 * (1 - e**-4.9) ≈ 4065).
    index = BlindIndex.from_index_key(INDEX_KEY, bits=12)
    rng = random.Random(20_000)
    numbers = rng.sample(range(10**9), 20_000)
    buckets = Counter(index.of_urn(URN("tel", f"+92{n:09d}")) for n in numbers)
    assert sum(buckets.values()) == 20_000
    assert 4000 <= len(buckets) <= 4096
    assert max(buckets.values()) <= 20  # a lookup decrypts a few candidates, never hundreds


def test_derived_keys_are_independent_per_purpose_and_index_key() -> None:
    purposes = ["urn-index:v1", "urn-index:v2", "provider-message-id:v1", "urn-index:v1 "]
    keys = [derive_key(INDEX_KEY, purpose) for purpose in purposes]
    assert all(len(key) == 32 for key in keys)
    assert len(set(keys)) == len(purposes)
    assert INDEX_KEY not in keys
    assert derive_key(INDEX_KEY, "urn-index:v1") == keys[0]  # deterministic
    assert derive_key(OTHER_INDEX_KEY, "urn-index:v1") != keys[0]


def test_derive_key_refuses_a_bad_index_key() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        derive_key(b"short", "urn-index:v1")
    with pytest.raises(ValueError):
        derive_key(INDEX_KEY, "")


def test_reprs_show_no_key_bytes() -> None:
    index = BlindIndex.from_index_key(INDEX_KEY)
    hasher = MessageIdHasher.from_index_key(INDEX_KEY)
    text = repr(index) + str(index) + repr(hasher) + str(hasher)
    for secret in (index.key, hasher.key, INDEX_KEY):
        for form in _secret_forms(secret):
            assert form not in text
    assert "bits=16" in repr(index)


def test_message_id_hash_is_exact_and_per_channel() -> None:
    hasher = MessageIdHasher.from_index_key(INDEX_KEY)
    value = hasher.of("whatsapp.cloud", "wamid.HBgLOTIzMDAxMjM0NTY3FQIAEhg")
    assert value == MessageIdHasher.from_index_key(INDEX_KEY).of(
        "whatsapp.cloud", "wamid.HBgLOTIzMDAxMjM0NTY3FQIAEhg"
    )
    assert len(value) == 64 and int(value, 16) >= 0
    assert "wamid" not in value
    assert hasher.of("telegram.bot", "wamid.HBgLOTIzMDAxMjM0NTY3FQIAEhg") != value
    assert hasher.of("whatsapp.cloud", "wamid.HBgLOTIzMDAxMjM0NTY3FQIAEhh") != value
    # Length prefixes: moving characters between channel and id changes the hash.
    assert hasher.of("ab", "c") != hasher.of("a", "bc")
    other = MessageIdHasher.from_index_key(OTHER_INDEX_KEY)
    assert other.of("whatsapp.cloud", "wamid.HBgLOTIzMDAxMjM0NTY3FQIAEhg") != value


def test_message_id_hasher_and_blind_index_use_different_keys() -> None:
    assert MessageIdHasher.from_index_key(INDEX_KEY).key != BlindIndex.from_index_key(INDEX_KEY).key

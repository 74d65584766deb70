"""Envelope keys: data keys are stored wrapped, and only the right KEK unwraps them."""

from __future__ import annotations

import base64
import traceback
import uuid

import pytest

from helplinekit.contracts.keys import KeyUnavailable
from helplinekit.security.crypto import (
    AesGcmCipher,
    DataKey,
    DecryptionError,
    FieldContext,
    KeyWrapper,
    WrappedKey,
)

KEK_1 = b"\x11" * 16 + b"kek-one-material"
KEK_2 = b"\x22" * 16 + b"kek-two-material"
CASE_ID = uuid.UUID("11111111-2222-4333-8444-555555555555")
OTHER_CASE_ID = uuid.UUID("99999999-2222-4333-8444-555555555555")


class FakeProvider:
    """A key provider holding ``{version: key}`` in memory; the highest version is current."""

    name = "test.fake"

    def __init__(self, keks: dict[int, bytes], current: int | None = None) -> None:
        self.keks = keks
        self.current = max(keks) if current is None else current
        self.asked: list[int | None] = []

    def key_encryption_key(self, version: int | None = None) -> tuple[int, bytes]:
        self.asked.append(version)
        wanted = self.current if version is None else version
        try:
            return wanted, self.keks[wanted]
        except KeyError:
            raise KeyUnavailable(f"no key-encryption key version {wanted}") from None

    def blind_index_key(self) -> bytes:
        return b"\x33" * 32


def _secret_forms(secret: bytes) -> list[str]:
    return [
        secret.hex(),
        secret.hex().upper(),
        base64.b64encode(secret).decode(),
        repr(secret)[2:-1],
        secret.decode("latin-1"),
    ]


def _assert_no_secrets(text: str, *secrets: bytes) -> None:
    for secret in secrets:
        for form in _secret_forms(secret):
            assert form not in text


def test_new_data_key_unwraps_with_the_right_kek() -> None:
    wrapper = KeyWrapper(FakeProvider({1: KEK_1}))
    key, wrapped = wrapper.new_data_key("case", CASE_ID)
    assert key.id == CASE_ID
    assert len(key.material) == 32
    assert wrapped.kek_version == 1
    assert wrapped.blob[:1] == b"\x01"
    assert key.material not in wrapped.blob
    # A fresh wrapper, as after a restart, with the same key file.
    assert KeyWrapper(FakeProvider({1: KEK_1})).unwrap("case", CASE_ID, wrapped) == key


def test_data_keys_are_fresh_and_random_each_time() -> None:
    wrapper = KeyWrapper(FakeProvider({1: KEK_1}))
    keys = [wrapper.new_data_key("case", CASE_ID) for _ in range(20)]
    assert len({key.material for key, _ in keys}) == 20
    assert len({wrapped.blob for _, wrapped in keys}) == 20


def test_new_data_keys_use_the_current_kek() -> None:
    provider = FakeProvider({1: KEK_1, 2: KEK_2}, current=2)
    wrapper = KeyWrapper(provider)
    assert wrapper.current_kek_version == 2
    _, wrapped = wrapper.new_data_key("caller", CASE_ID)
    assert wrapped.kek_version == 2
    with pytest.raises(KeyUnavailable):
        KeyWrapper(FakeProvider({1: KEK_1})).unwrap("caller", CASE_ID, wrapped)


def test_a_different_kek_is_detected_clearly() -> None:
    key, wrapped = KeyWrapper(FakeProvider({1: KEK_1})).new_data_key("case", CASE_ID)
    wrong = KeyWrapper(FakeProvider({1: KEK_2}))
    with pytest.raises(DecryptionError, match="key-encryption key does not match") as excinfo:
        wrong.unwrap("case", CASE_ID, wrapped)
    text = "".join(traceback.format_exception(excinfo.value))
    assert str(CASE_ID) in str(excinfo.value)
    _assert_no_secrets(text, KEK_1, KEK_2, key.material)


def test_check_key_passes_for_the_right_kek_and_fails_for_another() -> None:
    _, wrapped = KeyWrapper(FakeProvider({1: KEK_1})).new_data_key("case", CASE_ID)
    KeyWrapper(FakeProvider({1: KEK_1})).check_key("case", CASE_ID, wrapped)
    with pytest.raises(DecryptionError, match="key-encryption key does not match"):
        KeyWrapper(FakeProvider({1: KEK_2})).check_key("case", CASE_ID, wrapped)


@pytest.mark.parametrize(
    ("owner", "owner_id"),
    [("case", OTHER_CASE_ID), ("caller", CASE_ID)],
    ids=["other-owner-id", "other-owner-kind"],
)
def test_wrapped_key_moved_to_another_owner_is_refused(owner: str, owner_id: uuid.UUID) -> None:
    wrapper = KeyWrapper(FakeProvider({1: KEK_1}))
    _, wrapped = wrapper.new_data_key("case", CASE_ID)
    with pytest.raises(DecryptionError):
        wrapper.unwrap(owner, owner_id, wrapped)


def test_wrapped_key_relabelled_with_another_kek_version_is_refused() -> None:
    # Both versions hold the same bytes, so only the bound version number can tell.
    wrapper = KeyWrapper(FakeProvider({1: KEK_1, 2: KEK_1}, current=1))
    _, wrapped = wrapper.new_data_key("case", CASE_ID)
    with pytest.raises(DecryptionError):
        wrapper.unwrap("case", CASE_ID, WrappedKey(kek_version=2, blob=wrapped.blob))


def test_damaged_wrapped_key_is_refused() -> None:
    wrapper = KeyWrapper(FakeProvider({1: KEK_1}))
    _, wrapped = wrapper.new_data_key("case", CASE_ID)
    blob = wrapped.blob
    damaged = [blob[:-1], blob + b"\x00", b"\x02" + blob[1:], b"", blob[:20]]
    for position in range(len(blob)):
        flipped = bytearray(blob)
        flipped[position] ^= 0x01
        damaged.append(bytes(flipped))
    for candidate in damaged:
        with pytest.raises(DecryptionError):
            wrapper.unwrap("case", CASE_ID, WrappedKey(kek_version=1, blob=candidate))


def test_missing_kek_version_propagates_the_providers_error_unchanged() -> None:
    _, wrapped = KeyWrapper(FakeProvider({1: KEK_1})).new_data_key("case", CASE_ID)
    provider = FakeProvider({2: KEK_2})
    with pytest.raises(KeyUnavailable, match="no key-encryption key version 1"):
        KeyWrapper(provider).unwrap("case", CASE_ID, wrapped)
    assert provider.asked == [1]


def test_a_kek_of_the_wrong_size_is_never_used() -> None:
    # AES-GCM would accept a 16-byte key and silently give AES-128.
    wrapper = KeyWrapper(FakeProvider({1: b"\x11" * 16}))
    with pytest.raises(KeyUnavailable, match="32 bytes"):
        wrapper.new_data_key("case", CASE_ID)


def test_rewrap_moves_to_the_new_kek_and_the_old_one_is_no_longer_needed() -> None:
    cipher = AesGcmCipher()
    context = FieldContext(table="messages", column="body", row_id=uuid.uuid4())
    key, wrapped_v1 = KeyWrapper(FakeProvider({1: KEK_1})).new_data_key("case", CASE_ID)
    ciphertext = cipher.encrypt(key, b"written before the rotation", context)

    rotating = KeyWrapper(FakeProvider({1: KEK_1, 2: KEK_2}, current=2))
    wrapped_v2 = rotating.rewrap("case", CASE_ID, wrapped_v1)
    assert wrapped_v2.kek_version == 2
    assert wrapped_v2.blob != wrapped_v1.blob

    only_new = KeyWrapper(FakeProvider({2: KEK_2}))
    unwrapped = only_new.unwrap("case", CASE_ID, wrapped_v2)
    assert unwrapped == key
    # The data key did not change, so fields need no re-encryption.
    assert cipher.decrypt(unwrapped, ciphertext, context) == b"written before the rotation"


def test_rewrap_to_an_explicit_version() -> None:
    provider = FakeProvider({1: KEK_1, 2: KEK_2}, current=1)
    wrapper = KeyWrapper(provider)
    key, wrapped = wrapper.new_data_key("caller", CASE_ID)
    rewrapped = wrapper.rewrap("caller", CASE_ID, wrapped, to_version=2)
    assert rewrapped.kek_version == 2
    assert KeyWrapper(FakeProvider({2: KEK_2})).unwrap("caller", CASE_ID, rewrapped) == key


def test_rewrap_of_a_key_already_rotated_changes_nothing() -> None:
    wrapper = KeyWrapper(FakeProvider({1: KEK_1, 2: KEK_2}, current=2))
    _, wrapped = wrapper.new_data_key("case", CASE_ID)
    assert wrapper.rewrap("case", CASE_ID, wrapped) == wrapped


def test_rewrap_refuses_a_wrapped_key_it_cannot_unwrap() -> None:
    _, wrapped = KeyWrapper(FakeProvider({1: KEK_1})).new_data_key("case", CASE_ID)
    with pytest.raises(DecryptionError):
        KeyWrapper(FakeProvider({1: KEK_2, 2: KEK_2})).rewrap("case", CASE_ID, wrapped)


def test_unknown_owner_kind_is_refused() -> None:
    wrapper = KeyWrapper(FakeProvider({1: KEK_1}))
    with pytest.raises(ValueError, match="caller, case"):
        wrapper.new_data_key("Case", CASE_ID)
    with pytest.raises(TypeError):
        wrapper.new_data_key("case", str(CASE_ID))  # type: ignore[arg-type]


def test_wrapped_key_accepts_what_database_drivers_return() -> None:
    wrapper = KeyWrapper(FakeProvider({1: KEK_1}))
    key, wrapped = wrapper.new_data_key("case", CASE_ID)
    stored = WrappedKey(kek_version=1, blob=memoryview(wrapped.blob))
    assert stored == wrapped
    assert wrapper.unwrap("case", CASE_ID, stored) == key


def test_reprs_show_no_key_bytes() -> None:
    key, wrapped = KeyWrapper(FakeProvider({1: KEK_1})).new_data_key("case", CASE_ID)
    text = repr(key) + repr(wrapped) + str(key) + str(wrapped)
    _assert_no_secrets(text, key.material, wrapped.blob, KEK_1)
    assert "kek_version=1" in repr(wrapped)
    assert isinstance(key, DataKey)

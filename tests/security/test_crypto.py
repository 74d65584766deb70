"""Field encryption: a ciphertext decrypts only where, and with the key, it was made for."""

from __future__ import annotations

import base64
import traceback
import uuid

import attrs
import pytest

from helplinekit.security.crypto import (
    AesGcmCipher,
    DataKey,
    DecryptionError,
    FieldCipher,
    FieldContext,
    decrypt_text,
    encrypt_text,
)

CANARY = "CANARY-survivor-7Qz"
ROW = uuid.UUID("6b1c1f0e-2d1a-4c57-9a53-0d7c9e1f4a10")
OTHER_ROW = uuid.UUID("0f4b9c1e-8a2d-4e6f-b1c3-5d7e9f0a2b4c")
CASE_ID = uuid.UUID("11111111-2222-4333-8444-555555555555")
CONTEXT = FieldContext(table="messages", column="body", row_id=ROW)


@pytest.fixture
def cipher() -> AesGcmCipher:
    return AesGcmCipher()


@pytest.fixture
def key() -> DataKey:
    return DataKey(id=CASE_ID, material=bytes(range(32)))


def _leaks(text: str, key: DataKey) -> list[str]:
    """Which secrets appear in ``text``: the canary, or the key in hex, base64 or raw."""
    raw = key.material
    found = []
    if CANARY in text:
        found.append("plaintext canary")
    for name, form in {
        "hex": raw.hex(),
        "HEX": raw.hex().upper(),
        "base64": base64.b64encode(raw).decode(),
        "bytes repr": repr(raw)[2:-1],
        "raw": raw.decode("latin-1"),
    }.items():
        if form in text:
            found.append(f"key {name}")
    return found


def test_aes_gcm_is_a_field_cipher(cipher: AesGcmCipher) -> None:
    assert isinstance(cipher, FieldCipher)
    assert cipher.name == "aes-256-gcm"


def test_round_trip(cipher: AesGcmCipher, key: DataKey) -> None:
    for plaintext in (b"", b"x", CANARY.encode(), bytes(range(256)) * 20):
        assert cipher.decrypt(key, cipher.encrypt(key, plaintext, CONTEXT), CONTEXT) == plaintext


def test_ciphertext_has_versioned_header_and_hides_the_plaintext(
    cipher: AesGcmCipher, key: DataKey
) -> None:
    ciphertext = cipher.encrypt(key, CANARY.encode(), CONTEXT)
    assert ciphertext[:1] == b"\x01"
    assert len(ciphertext) == 1 + 12 + len(CANARY) + 16
    assert CANARY.encode() not in ciphertext


def test_same_plaintext_encrypts_differently_each_time(cipher: AesGcmCipher, key: DataKey) -> None:
    ciphertexts = {cipher.encrypt(key, CANARY.encode(), CONTEXT) for _ in range(50)}
    assert len(ciphertexts) == 50
    nonces = {ciphertext[1:13] for ciphertext in ciphertexts}
    assert len(nonces) == 50


@pytest.mark.parametrize(
    "elsewhere",
    [
        attrs.evolve(CONTEXT, row_id=OTHER_ROW),
        attrs.evolve(CONTEXT, column="summary"),
        attrs.evolve(CONTEXT, table="notes"),
        attrs.evolve(CONTEXT, key_version=2),
        # Same characters, split differently between table and column.
        FieldContext(table="messagesb", column="ody", row_id=ROW),
        FieldContext(table="message", column="sbody", row_id=ROW),
    ],
    ids=["row", "column", "table", "key-version", "split-1", "split-2"],
)
def test_ciphertext_moved_elsewhere_is_refused(
    cipher: AesGcmCipher, key: DataKey, elsewhere: FieldContext
) -> None:
    ciphertext = cipher.encrypt(key, CANARY.encode(), CONTEXT)
    with pytest.raises(DecryptionError) as excinfo:
        cipher.decrypt(key, ciphertext, elsewhere)
    message = str(excinfo.value)
    # The error names the field being read, so an operator can find the bad row.
    assert f"{elsewhere.table}.{elsewhere.column}" in message
    assert str(elsewhere.row_id) in message
    assert _leaks(message, key) == []


def test_associated_data_differs_for_every_part_of_the_context() -> None:
    contexts = [
        CONTEXT,
        attrs.evolve(CONTEXT, row_id=OTHER_ROW),
        attrs.evolve(CONTEXT, column="summary"),
        attrs.evolve(CONTEXT, table="notes"),
        attrs.evolve(CONTEXT, key_version=2),
        FieldContext(table="messagesb", column="ody", row_id=ROW),
    ]
    assert len({context.associated_data() for context in contexts}) == len(contexts)
    assert CONTEXT.associated_data() == FieldContext("messages", "body", ROW).associated_data()


def test_every_flipped_bit_is_refused(cipher: AesGcmCipher, key: DataKey) -> None:
    ciphertext = cipher.encrypt(key, b"hello", CONTEXT)
    accepted = []
    for position in range(len(ciphertext)):
        for bit in range(8):
            damaged = bytearray(ciphertext)
            damaged[position] ^= 1 << bit
            try:
                cipher.decrypt(key, bytes(damaged), CONTEXT)
            except DecryptionError:
                continue
            accepted.append((position, bit))
    assert accepted == []


@pytest.mark.parametrize("length", [0, 1, 13, 28])
def test_too_short_ciphertext_is_refused(cipher: AesGcmCipher, key: DataKey, length: int) -> None:
    ciphertext = cipher.encrypt(key, b"", CONTEXT)
    assert len(ciphertext) == 29
    with pytest.raises(DecryptionError, match="too short"):
        cipher.decrypt(key, ciphertext[:length], CONTEXT)


def test_truncated_ciphertext_is_refused(cipher: AesGcmCipher, key: DataKey) -> None:
    ciphertext = cipher.encrypt(key, CANARY.encode(), CONTEXT)
    for cut in range(1, len(ciphertext)):
        with pytest.raises(DecryptionError):
            cipher.decrypt(key, ciphertext[:-cut], CONTEXT)


@pytest.mark.parametrize("header", [b"\x00", b"\x02", b"\xff", b"C"])
def test_wrong_header_byte_is_refused(cipher: AesGcmCipher, key: DataKey, header: bytes) -> None:
    ciphertext = cipher.encrypt(key, CANARY.encode(), CONTEXT)
    with pytest.raises(DecryptionError, match="format"):
        cipher.decrypt(key, header + ciphertext[1:], CONTEXT)


def test_plaintext_stored_by_mistake_is_refused_without_quoting_it(
    cipher: AesGcmCipher, key: DataKey
) -> None:
    with pytest.raises(DecryptionError) as excinfo:
        cipher.decrypt(key, f"Q {CANARY} lives at 12 Example Road".encode(), CONTEXT)
    message = str(excinfo.value)
    assert "Q" not in message and "0x51" not in message  # not even the first character
    assert _leaks(message, key) == []


@pytest.mark.parametrize(
    "other",
    [
        DataKey(id=CASE_ID, material=bytes(range(1, 33))),  # another key, same id
        DataKey(id=uuid.uuid4(), material=bytes(range(32))),  # same bytes, another case's id
    ],
    ids=["other-material", "other-key-id"],
)
def test_another_data_key_cannot_decrypt(
    cipher: AesGcmCipher, key: DataKey, other: DataKey
) -> None:
    ciphertext = cipher.encrypt(key, CANARY.encode(), CONTEXT)
    with pytest.raises(DecryptionError) as excinfo:
        cipher.decrypt(other, ciphertext, CONTEXT)
    assert _leaks(str(excinfo.value), key) == []
    assert _leaks(str(excinfo.value), other) == []


def test_error_and_traceback_leak_neither_plaintext_nor_key(
    cipher: AesGcmCipher, key: DataKey
) -> None:
    ciphertext = cipher.encrypt(key, CANARY.encode(), CONTEXT)
    failures: list[DecryptionError] = []
    for attempt in (
        lambda: cipher.decrypt(key, ciphertext, attrs.evolve(CONTEXT, row_id=OTHER_ROW)),
        lambda: cipher.decrypt(key, ciphertext[:-1], CONTEXT),
        lambda: cipher.decrypt(key, b"\x02" + ciphertext[1:], CONTEXT),
        lambda: decrypt_text(
            cipher, key, cipher.encrypt(key, b"\xff" + CANARY.encode(), CONTEXT), CONTEXT
        ),
    ):
        with pytest.raises(DecryptionError) as excinfo:
            attempt()
        failures.append(excinfo.value)
    for error in failures:
        text = "".join(traceback.format_exception(error)) + repr(error)
        assert _leaks(text, key) == [], text
        assert "messages.body" in str(error)


def test_text_helpers_round_trip_unicode_and_pass_none(cipher: AesGcmCipher, key: DataKey) -> None:
    text = f"{CANARY} — مدد چاہیے 🙏"
    ciphertext = encrypt_text(cipher, key, text, CONTEXT)
    assert ciphertext is not None and CANARY.encode() not in ciphertext
    assert decrypt_text(cipher, key, ciphertext, CONTEXT) == text
    assert decrypt_text(cipher, key, encrypt_text(cipher, key, "", CONTEXT), CONTEXT) == ""
    assert encrypt_text(cipher, key, None, CONTEXT) is None
    assert decrypt_text(cipher, key, None, CONTEXT) is None


def test_text_helpers_refuse_moved_ciphertext(cipher: AesGcmCipher, key: DataKey) -> None:
    ciphertext = encrypt_text(cipher, key, CANARY, CONTEXT)
    with pytest.raises(DecryptionError):
        decrypt_text(cipher, key, ciphertext, attrs.evolve(CONTEXT, column="name"))


def test_decrypt_accepts_what_database_drivers_return(cipher: AesGcmCipher, key: DataKey) -> None:
    ciphertext = cipher.encrypt(key, CANARY.encode(), CONTEXT)
    for stored in (bytearray(ciphertext), memoryview(ciphertext)):
        assert cipher.decrypt(key, stored, CONTEXT) == CANARY.encode()


def test_data_key_must_be_32_bytes() -> None:
    for size in (0, 16, 24, 31, 33):
        with pytest.raises(ValueError, match="32 bytes") as excinfo:
            DataKey(id=CASE_ID, material=b"k" * size)
        assert "kkkk" not in str(excinfo.value)
    with pytest.raises(TypeError):
        DataKey(id=CASE_ID, material="k" * 32)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        DataKey(id=str(CASE_ID), material=b"k" * 32)  # type: ignore[arg-type]


def test_field_context_is_validated() -> None:
    with pytest.raises(ValueError):
        FieldContext(table="", column="body", row_id=ROW)
    with pytest.raises(TypeError):
        FieldContext(table="messages", column="body", row_id=str(ROW))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        FieldContext(table="messages", column="body", row_id=ROW, key_version=0)
    with pytest.raises(TypeError):
        FieldContext(table="messages", column="body", row_id=ROW, key_version=True)


def test_data_key_repr_shows_no_key_bytes(key: DataKey) -> None:
    text = repr(key) + str(key)
    assert str(CASE_ID) in text  # the id stays visible for debugging
    assert _leaks(text, key) == []

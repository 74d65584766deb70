"""Contact URNs: normalisation, refusal of bad input, and never leaking the address."""

from __future__ import annotations

import pytest

from helplinekit.domain import URN, InvalidURN, InvalidValue, parse_urn


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tel:+92 300 1234567", "tel:+923001234567"),
        ("tel:+92-300-123-4567", "tel:+923001234567"),
        ("tel:+92 (300) 1234567", "tel:+923001234567"),
        ("  TEL:+923001234567  ", "tel:+923001234567"),
        ("tel:+44 345 6000 459", "tel:+443456000459"),
        ("whatsapp:+923001234567", "whatsapp:923001234567"),
        ("whatsapp:92 300 1234567", "whatsapp:923001234567"),
        ("mailto:A@B.Org", "mailto:a@b.org"),
        ("mailto: Helpdesk@Example.PK ", "mailto:helpdesk@example.pk"),
        ("telegram: 3527065 ", "telegram:3527065"),
        ("telegram:-1001234567890", "telegram:-1001234567890"),
        ("facebook:6543210987654321", "facebook:6543210987654321"),
        ("web:abc_DEF-123", "web:abc_DEF-123"),
        ("signal:+92 300 1234567", "signal:+923001234567"),
        (
            "signal:4A9F3C2E-1B7D-4E8F-9A6B-0C5D2E1F3A7B",
            "signal:4a9f3c2e-1b7d-4e8f-9a6b-0c5d2e1f3a7b",
        ),
        ("acme.chat: user-42 ", "acme.chat:user-42"),
    ],
)
def test_parse_urn_normalises(text: str, expected: str) -> None:
    assert str(parse_urn(text)) == expected


def test_normalised_forms_of_one_number_are_equal() -> None:
    # Returning callers are found by the normalised URN, so spelling must not matter.
    assert parse_urn("tel:+92 300 1234567") == parse_urn("tel:+923001234567")
    assert len({parse_urn("mailto:A@B.org"), parse_urn("mailto:a@b.ORG")}) == 1


def test_national_number_uses_the_default_region() -> None:
    assert str(parse_urn("tel:0300 1234567", default_region="PK")) == "tel:+923001234567"
    assert str(parse_urn("tel:0300 1234567", default_region="pk")) == "tel:+923001234567"


def test_national_number_without_region_explains_the_fix() -> None:
    with pytest.raises(InvalidURN) as caught:
        parse_urn("tel:0300 1234567")
    message = str(caught.value)
    assert "'tel:0300 1234567'" in message
    assert "international form, e.g. tel:+923001234567" in message


def test_unknown_default_region_is_a_configuration_error() -> None:
    with pytest.raises(InvalidValue, match="'XX'"):
        parse_urn("tel:0300 1234567", default_region="XX")


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "no scheme"),
        ("+923001234567", "no scheme"),
        (":923001234567", "no scheme"),
        ("tel:", "nothing after 'tel:'"),
        ("tel:   ", "nothing after 'tel:'"),
        ("t:123", "invalid scheme"),
        ("1tel:123", "invalid scheme"),
        ("tel:+92 300 12", "not a valid phone number"),
        ("tel:hello", "not a phone number"),
        ("whatsapp:abc", "digits only"),
        ("whatsapp:0300", "digits only"),
        ("mailto:nobody", "single '@'"),
        ("mailto:a@b@c.org", "single '@'"),
        ("mailto:a b@c.org", "single '@'"),
        ("web:has space", "web-form token"),
        ("web:a/b", "web-form token"),
        ("signal:someone", "Signal account"),
    ],
)
def test_bad_input_is_refused_with_the_value_and_a_fix(text: str, hint: str) -> None:
    with pytest.raises(InvalidURN) as caught:
        parse_urn(text)
    assert hint in str(caught.value)
    assert repr(text) in str(caught.value)


def test_non_string_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_urn(923001234567)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scheme", "path"),
    [
        ("tel", "03001234567"),
        ("tel", "+92 300 1234567"),
        ("whatsapp", "+923001234567"),
        ("mailto", "A@B.org"),
        ("web", "a b"),
        ("telegram", " 3527065"),
        ("acme.chat", ""),
    ],
)
def test_constructor_refuses_paths_not_in_normal_form(scheme: str, path: str) -> None:
    with pytest.raises(InvalidURN) as caught:
        URN(scheme, path)
    # The constructor's message never quotes the address.
    if path.strip():
        assert path not in str(caught.value)


@pytest.mark.parametrize("scheme", ["TEL", "t", "1x", "a" * 33, "we b"])
def test_constructor_refuses_bad_schemes(scheme: str) -> None:
    with pytest.raises(InvalidURN, match="scheme"):
        URN(scheme, "abc")


def test_str_repr_and_redacted() -> None:
    urn = parse_urn("tel:+923001234567")
    assert str(urn) == "tel:+923001234567"
    assert urn.redacted() == "tel:…"
    assert "3001234567" not in repr(urn)
    assert "tel" in repr(urn)


def test_urn_is_immutable() -> None:
    urn = parse_urn("web:abc")
    with pytest.raises(AttributeError):
        urn.path = "def"  # type: ignore[misc]

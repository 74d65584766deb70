"""Contact points that cannot pass for other ones (issue 11, point 8).

A URN (and a staff email address) may hold only visible characters: text-direction
controls, other invisible format characters, control characters and lone surrogates are
refused with :class:`UnsafeCharacter`, naming the character and the fix but never the rest
of the text. Where people type a contact point, the schemes can be limited (UnknownScheme).
"""

from __future__ import annotations

import pickle
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helplinekit.domain import (
    DIRECTION_CONTROLS,
    URN,
    InvalidURN,
    InvalidValue,
    Role,
    Specialist,
    UnknownScheme,
    UnsafeCharacter,
    character_kind,
    describe_character,
    parse_urn,
)

#: Every text-direction control the brief names, and the invisible characters most used to
#: fake a contact point, with the kind the message names.
UNSAFE = [
    *((c, "direction") for c in sorted(DIRECTION_CONTROLS)),
    ("\u200b", "invisible"),  # ZERO WIDTH SPACE
    ("\u200c", "invisible"),  # ZWNJ: legitimate inside a word, never inside an address
    ("\u200d", "invisible"),  # ZWJ: likewise
    ("\u2060", "invisible"),  # WORD JOINER
    ("\ufeff", "invisible"),  # ZERO WIDTH NO-BREAK SPACE (a BOM)
    ("\u00ad", "invisible"),  # SOFT HYPHEN
    ("\u3164", "invisible"),  # HANGUL FILLER, a "blank" that is a letter
    ("\U000e0041", "invisible"),  # TAG LATIN CAPITAL LETTER A (hidden text)
    ("\u2028", "invisible"),  # LINE SEPARATOR
    ("\x00", "control"),
    ("\x1b", "control"),
    ("\x7f", "control"),
    ("\ud800", "unreadable"),  # a lone surrogate: cannot be stored as UTF-8
    ("\udfff", "unreadable"),
    ("\ufffd", "unreadable"),  # what arrives instead of a character that was lost
    ("\uffff", "unreadable"),  # a noncharacter
]

#: A valid text for each core scheme, with a spot to put a character in the middle.
TEXTS = [
    ("tel:+92300{}1234567", "tel"),
    ("whatsapp:92300{}1234567", "whatsapp"),
    ("mailto:name{}@example.org", "mailto"),
    ("telegram:1234{}5678", "telegram"),
    ("facebook:page{}id", "facebook"),
    ("signal:+92300{}1234567", "signal"),
    ("web:abc{}def", "web"),
    ("myplugin:handle{}here", "myplugin"),
]


@pytest.mark.parametrize(
    ("character", "kind"), UNSAFE, ids=lambda v: f"U+{ord(v):04X}" if len(v) == 1 else v
)
@pytest.mark.parametrize(("template", "scheme"), TEXTS, ids=[s for _, s in TEXTS])
def test_parse_urn_refuses_a_hidden_character_naming_it(character, kind, template, scheme):
    text = template.format(character)
    with pytest.raises(UnsafeCharacter) as caught:
        parse_urn(text)
    error = caught.value
    assert error.kind == kind and error.character == character
    assert f"U+{ord(character):04X}" in str(error)
    assert "Type it again instead of copying and pasting it." in str(error)
    # The rest of the contact point (survivor data) is never quoted.
    assert template.split(":", 1)[1].split("{}")[0] not in str(error)
    # It is an InvalidURN, so every face that handles bad URNs already handles it.
    assert isinstance(error, InvalidURN) and isinstance(error, InvalidValue)


def test_the_finding_a_trailing_override_was_dropped_and_the_number_stored() -> None:
    # The phone-number parser ignores what follows the digits, so this used to be accepted
    # as tel:+923001234567; now the override is named.
    with pytest.raises(UnsafeCharacter, match=r"U\+202E RIGHT-TO-LEFT OVERRIDE"):
        parse_urn("tel:+923001234567\u202e")
    with pytest.raises(UnsafeCharacter, match=r"U\+D800 SURROGATE"):
        parse_urn("tel:+92300\ud800")


def test_messages_name_each_kind() -> None:
    assert "text-direction control (U+202E RIGHT-TO-LEFT OVERRIDE)" in str(
        _refusal("mailto:a\u202e@b.org")
    )
    assert "invisible character (U+200B ZERO WIDTH SPACE)" in str(_refusal("tel:+92\u200b300"))
    assert "control character (U+0000 NULL)" in str(_refusal("telegram:12\x0034"))
    assert "could not be read (U+DBFF SURROGATE)" in str(_refusal("telegram:12\udbff"))


def _refusal(text: str) -> UnsafeCharacter:
    with pytest.raises(UnsafeCharacter) as caught:
        parse_urn(text)
    return caught.value


_hidden = st.one_of(
    st.characters(categories=("Cs",)),  # lone surrogates: hypothesis leaves them out by default
    st.characters().filter(lambda c: character_kind(c) is not None),
)
_visible_id = st.text(
    alphabet=st.characters(categories=("L", "N"), exclude_characters="\ufffd"),
    min_size=1,
    max_size=20,
).filter(lambda t: all(character_kind(c) is None for c in t))


@given(before=_visible_id, hidden=_hidden, after=_visible_id)
def test_any_hidden_character_anywhere_in_an_opaque_id_is_refused(before, hidden, after):
    with pytest.raises(UnsafeCharacter) as caught:
        parse_urn(f"telegram:{before}{hidden}{after}")
    assert caught.value.character == hidden


@given(identifier=_visible_id)
def test_visible_ids_still_parse(identifier):
    assert parse_urn(f"telegram:{identifier}").path == identifier.strip()


@given(st.characters(categories=("Cf",)))
def test_every_format_character_is_refused_in_a_urn(character):
    assert character_kind(character) in ("direction", "invisible")


def test_the_constructor_refuses_them_too() -> None:
    with pytest.raises(UnsafeCharacter):
        URN("telegram", "12\u202e34")
    with pytest.raises(UnsafeCharacter):
        URN("mailto", "a\u200d@example.org")


def test_a_staff_email_address_is_a_contact_point_too() -> None:
    with pytest.raises(UnsafeCharacter, match=r"U\+202E"):
        Specialist(
            email="amna\u202e@helpline.test", display_name="Amna", roles={Role.INTAKE}, capacity=1
        )


def test_describe_character_names_what_unicodedata_does_not() -> None:
    assert describe_character("\x00") == "U+0000 NULL"
    assert describe_character("\ud800") == "U+D800 SURROGATE"
    assert describe_character("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert describe_character("\x01") == "U+0001"
    assert unicodedata.category("\x01") == "Cc"


def test_errors_survive_pickling() -> None:
    error = _refusal("tel:+92\u202e300")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.character, copy.kind, str(copy)) == (error.character, error.kind, str(error))
    unknown = pickle.loads(pickle.dumps(UnknownScheme("xmpp", ["tel"], "%(scheme)s %(allowed)s")))
    assert str(unknown) == "xmpp: tel:"


# -- schemes ----------------------------------------------------------------------------------


def test_an_unknown_scheme_lists_the_allowed_ones() -> None:
    with pytest.raises(UnknownScheme) as caught:
        parse_urn("xmpp:someone@example.org", schemes=("tel", "mailto", "whatsapp"))
    error = caught.value
    assert error.scheme == "xmpp" and error.allowed == ("mailto", "tel", "whatsapp")
    assert str(error) == (
        "This helpline cannot reach anyone through “xmpp:”. Start the address with one of: "
        "mailto:, tel:, whatsapp:, e.g. tel:+923001234567."
    )
    assert isinstance(error, InvalidURN)


def test_schemes_are_matched_after_lower_casing() -> None:
    assert str(parse_urn("TEL:+92 300 1234567", schemes=("tel",))) == "tel:+923001234567"


def test_without_a_list_any_well_formed_scheme_is_read() -> None:
    # What channels and the database supply: a plugin's scheme stays readable.
    assert str(parse_urn("myplugin:abc")) == "myplugin:abc"


def test_hidden_characters_are_named_before_the_scheme_is_judged() -> None:
    with pytest.raises(UnsafeCharacter):
        parse_urn("xmpp\u202e:someone", schemes=("tel",))

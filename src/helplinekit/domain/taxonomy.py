"""The harassment taxonomy: neutral category codes that jurisdiction plugins map to their law.

The codes say what happened, not which offence it is; a case may carry several. Plugins may add
codes (``register_taxonomy``), so a deployment's taxonomy is built from :data:`DEFAULT_TAXONOMY`
plus whatever its plugins register, and cases are checked against that :class:`Taxonomy`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from types import MappingProxyType
from typing import Any

from attrs import Attribute, field, frozen

from helplinekit.domain._validation import not_blank
from helplinekit.domain.errors import InvalidValue, UnknownCategory
from helplinekit.domain.markers import N_

TAXONOMY_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")


def _check_code(instance: TaxonomyCode, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"Taxonomy code must be a str, got {type(value).__name__}.")
    if not TAXONOMY_CODE_RE.match(value):
        raise InvalidValue(
            f"Taxonomy code {value!r} is invalid: it must start with an upper-case letter "
            "and hold 2 to 64 upper-case letters, digits or underscores, e.g. 'NCII_SHARED'."
        )


@frozen
class TaxonomyCode:
    """One category of harm.

    Attributes:
        code: Stable identifier stored on cases, e.g. ``NCII_SHARED``.
        title: Short human-readable name (English; language packs translate it).
        description: What the category covers, to help staff choose.
    """

    code: str = field(validator=_check_code)
    title: str = field(validator=not_blank)
    description: str = field(default="")


DEFAULT_TAXONOMY: tuple[TaxonomyCode, ...] = (
    TaxonomyCode(
        "ACCOUNT_COMPROMISE",
        N_("Account compromise"),
        N_("An account was hacked or hijacked, including through phishing."),
    ),
    TaxonomyCode(
        "DEVICE_SURVEILLANCE",
        N_("Device surveillance"),
        N_("Stalkerware, spying on a device, or location tracking."),
    ),
    TaxonomyCode(
        "IMPERSONATION",
        N_("Impersonation"),
        N_("A fake profile or other misuse of someone's identity."),
    ),
    TaxonomyCode(
        "NCII_SHARED",
        N_("Intimate images shared without consent"),
        N_("Intimate images shared without consent, including morphed or AI-generated images."),
    ),
    TaxonomyCode(
        "SEXTORTION_BLACKMAIL",
        N_("Sextortion or blackmail"),
        N_("A threat to share material unless money, sex or control is given."),
    ),
    TaxonomyCode(
        "DOXING_PRIVATE_INFO",
        N_("Doxing or private information published"),
        N_("Private information or photos published without consent."),
    ),
    TaxonomyCode(
        "CYBERSTALKING",
        N_("Cyberstalking"),
        N_("Repeated unwanted contact."),
    ),
    TaxonomyCode(
        "SEXUAL_HARASSMENT_MSG",
        N_("Sexual harassment by message"),
        N_("Unsolicited sexual messages or images."),
    ),
    TaxonomyCode(
        "THREATS",
        N_("Threats"),
        N_("Threats of violence, rape or death."),
    ),
    TaxonomyCode(
        "DEFAMATION_SMEAR",
        N_("Defamation or smear campaign"),
        N_("False, damaging content about a person, or a smear campaign."),
    ),
    TaxonomyCode(
        "HATE_IDENTITY",
        N_("Identity-based hate"),
        N_("Attacks on gender, sexuality, religion or ethnicity."),
    ),
    TaxonomyCode(
        "CHILD_SEXUAL_ABUSE",
        N_("Child sexual abuse"),
        N_("Sexual content of, or sexual contact with, a minor."),
    ),
    TaxonomyCode(
        "FRAUD_SCAM",
        N_("Fraud or scam"),
        N_("Fraud, e-wallet scams or spoofing."),
    ),
    TaxonomyCode(
        "COORDINATED_CAMPAIGN",
        N_("Coordinated campaign"),
        N_("Mob harassment or gendered disinformation."),
    ),
    TaxonomyCode(
        "OFFLINE_GBV",
        N_("Offline gender-based violence"),
        N_("Domestic or physical violence."),
    ),
    TaxonomyCode(
        "INFO_REQUEST",
        N_("Information request"),
        N_("The caller wants advice or information only."),
    ),
)


class Taxonomy:
    """An ordered collection of taxonomy codes, read-only once built.

    Iterating yields :class:`TaxonomyCode` objects in the order they were given; membership
    accepts either a code string or a :class:`TaxonomyCode`. It has no public attributes:
    read it through iteration, :meth:`get`, :meth:`codes` and :meth:`validate`.
    """

    __slots__ = ("_by_code",)

    _by_code: MappingProxyType[str, TaxonomyCode]

    def __init__(self, codes: Iterable[TaxonomyCode]) -> None:
        by_code: dict[str, TaxonomyCode] = {}
        for item in codes:
            if not isinstance(item, TaxonomyCode):
                raise TypeError(
                    f"A Taxonomy holds TaxonomyCode objects, got {type(item).__name__}."
                )
            if item.code in by_code:
                raise InvalidValue(
                    f"Taxonomy code '{item.code}' is defined twice; "
                    "each code may appear only once in a taxonomy."
                )
            by_code[item.code] = item
        # A read-only view: code elsewhere must not be able to add categories behind the
        # plugin registry's back.
        object.__setattr__(self, "_by_code", MappingProxyType(by_code))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("A Taxonomy is read-only once built; build a new one instead.")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("A Taxonomy is read-only once built; build a new one instead.")

    def __contains__(self, item: object) -> bool:
        if isinstance(item, TaxonomyCode):
            return item.code in self._by_code
        return isinstance(item, str) and item in self._by_code

    def __iter__(self) -> Iterator[TaxonomyCode]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Taxonomy):
            return NotImplemented
        return tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Taxonomy({list(self._by_code)!r})"

    def get(self, code: str) -> TaxonomyCode:
        """Return the entry for ``code``; raise :class:`UnknownCategory` if it is not defined."""
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownCategory(code, self._by_code) from None

    def title_of(self, code: str, translate: Callable[[str], str] = str) -> str:
        """What a person reads for ``code``: its title, through ``translate`` (a ``gettext``).

        A plugin's code with no translation in the catalog keeps its English title (gettext
        falls back). A code no installed plugin defines any more (its plugin was removed
        after cases were filed under it) has no title to show, so the code itself is shown.
        """
        entry = self._by_code.get(code)
        return code if entry is None else translate(entry.title)

    def titles_of(self, codes: Iterable[str], translate: Callable[[str], str] = str) -> list[str]:
        """:meth:`title_of` for each of ``codes``, in their order."""
        return [self.title_of(code, translate) for code in codes]

    def codes(self) -> tuple[str, ...]:
        """Return the code strings in order."""
        return tuple(self._by_code)

    def validate(self, codes: Iterable[str]) -> tuple[str, ...]:
        """Return ``codes`` de-duplicated in first-seen order, or raise :class:`UnknownCategory`.

        A bare string is refused: iterating it would check its letters, not the code.
        """
        if isinstance(codes, str):
            raise TypeError(
                f"Taxonomy.validate takes an iterable of codes, not a single string; "
                f"write [{codes!r}]."
            )
        seen: dict[str, None] = {}
        for code in codes:
            if code not in self._by_code:
                raise UnknownCategory(code, self._by_code)
            seen[code] = None
        return tuple(seen)

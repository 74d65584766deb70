"""Pakistan for helplinekit: the jurisdiction ``pakistan.pk`` and Pakistani referral partners.

The law is the Prevention of Electronic Crimes Act, 2016 **as enacted** (Act XL of 2016),
its 2025 amendment where it matters (s.26A, the NCCIA), and the Penal Code provisions used
alongside it. Every fact carries its source, a confidence mark and ``reviewed_on`` only where
someone compared it with a text; :mod:`helplinekit_pakistan.sources` says what was compared
with what. Nothing here is legal advice.

Modules: ``provisions`` (the sections cited), ``mappings`` (taxonomy code → sections),
``routes`` (authorities, removal routes, evidence, regions, disclaimer), ``emergency``
(Police 15 and Rescue 1122, for the public web form), ``complaints`` (drafts in English and
Urdu), ``directory`` (the referral partners), ``sources``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helplinekit import hookimpl

if TYPE_CHECKING:
    from helplinekit.config import HelplineConfig
    from helplinekit.contracts import Jurisdiction
    from helplinekit.domain import ReferralPartner
    from helplinekit.hookspecs import Register

__version__ = "0.1.0"

KEY = "pakistan.pk"
NAME = "Pakistan"
COUNTRY = "PK"

__all__ = [
    "COUNTRY",
    "KEY",
    "NAME",
    "build",
    "partners",
    "register_jurisdictions",
    "register_referral_partners",
]


def build() -> Jurisdiction:
    """The jurisdiction (built on demand, so loading the plugin at start-up stays cheap)."""
    from helplinekit.contracts import CitationStyle, Jurisdiction

    from helplinekit_pakistan.complaints import COMPLAINT_TEMPLATES
    from helplinekit_pakistan.emergency import EMERGENCY_NUMBERS
    from helplinekit_pakistan.mappings import MAPPINGS
    from helplinekit_pakistan.provisions import PROVISIONS
    from helplinekit_pakistan.routes import (
        AUTHORITIES,
        DISCLAIMER,
        EVIDENCE_GUIDANCE,
        REGIONS,
        REMOVAL_ROUTES,
    )

    return Jurisdiction(
        key=KEY,
        name=NAME,
        country=COUNTRY,
        disclaimer=DISCLAIMER,
        provisions=PROVISIONS,
        mappings=MAPPINGS,
        authorities=AUTHORITIES,
        removal_routes=REMOVAL_ROUTES,
        evidence_guidance=EVIDENCE_GUIDANCE,
        # No deadline to file is recorded yet: none is in the domain notes, and none has
        # been checked against a text.
        time_limits=(),
        complaint_templates=COMPLAINT_TEMPLATES,
        regions=REGIONS,
        emergency_numbers=EMERGENCY_NUMBERS,
        # No lawyer has reviewed the plugin as a whole yet.
        reviewed_on=None,
        # Pakistani Acts are cited by section: "s.24(1)(a)".
        citation_style=CitationStyle.section,
    )


def partners() -> list[ReferralPartner]:
    """The Pakistani referral partners (NCCIA, content removal, DRF's helpline)."""
    from helplinekit_pakistan.directory import partners as _partners

    return _partners()


@hookimpl
def register_jurisdictions(register: Register) -> None:
    register(build())


@hookimpl
def register_referral_partners(register: Register, helpline: HelplineConfig | None) -> None:
    # Outside a deployment, list everything; inside one, only a Pakistani helpline needs
    # Pakistani partners.
    if helpline is None or helpline.helpline.country == COUNTRY:
        for partner in partners():
            register(partner)

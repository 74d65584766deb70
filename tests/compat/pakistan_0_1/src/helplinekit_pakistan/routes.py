"""Where to report, how to get content removed, what evidence to keep, regions, disclaimer.

Authorities and routes carry one :class:`~helplinekit.contracts.Fact` each, so the weakest
fact in an entry sets its confidence: the NCCIA entry is [U] because its portal address is,
even though the agency itself is [C] and its helpline [S].
"""

from __future__ import annotations

from helplinekit.contracts import Authority, Confidence, Fact, Region, RemovalRoute

from helplinekit_pakistan import sources

__all__ = [
    "AUTHORITIES",
    "DISCLAIMER",
    "EVIDENCE_GUIDANCE",
    "NCCIA",
    "REGIONS",
    "REMOVAL_ROUTES",
]

NCCIA = "pakistan.nccia"

DISCLAIMER = (
    "This is general information, not legal advice, and no lawyer has reviewed it yet. "
    "Section numbers follow the Prevention of Electronic Crimes Act, 2016 as enacted (Act XL "
    "of 2016); copies that number the offences 18, 19, 19A or 23 are the bill, not the Act. "
    "Facts marked unverified have not been checked against the official text, s.20 is "
    "contested in the courts, and the 2025 amendment changed who investigates and may have "
    "changed who removes content. A lawyer in Pakistan must confirm what applies before "
    "anyone relies on it."
)

AUTHORITIES: tuple[Authority, ...] = (
    Authority(
        key=NCCIA,
        name="National Cyber Crime Investigation Agency (NCCIA)",
        how_to_report=(
            "The statutory agency that investigates PECA offences since the 2025 amendment; "
            "it replaced the FIA Cyber Crime Wing. Call the helpline or file a complaint "
            "online, attaching the evidence (screenshots showing the content, the account, the "
            "web address and the date and time). Keep the complaint number. Both the helpline "
            "number and the portal address are unverified: check them before giving them to a "
            "survivor."
        ),
        phone="1799",
        url=sources.NCCIA_PORTAL_URL,
        fact=Fact(
            source_url=sources.NCCIA_URL,
            confidence=Confidence.uncertain,
            reviewed_on=None,
            source_note=(
                "The agency and its replacing the FIA Cyber Crime Wing are confirmed [C]; the "
                "helpline 1799 rests on one secondary source [S]; the complaint portal "
                "address is uncertain [U]. Not checked."
            ),
        ),
    ),
)

_REMOVAL_CODES = frozenset(
    {
        "NCII_SHARED",
        "SEXTORTION_BLACKMAIL",
        "DEFAMATION_SMEAR",
        "CYBERSTALKING",
        "DOXING_PRIVATE_INFO",
        "COORDINATED_CAMPAIGN",
    }
)

REMOVAL_ROUTES: tuple[RemovalRoute, ...] = (
    RemovalRoute(
        key="pakistan.pta_removal",
        title="Apply for removal of unlawful content (PTA, Rules 2021)",
        steps=(
            "The survivor, or a minor's guardian, applies for the content to be removed or "
            "blocked: PECA ss.20, 21 and 24 allow an application by the person harmed, and "
            "s.37 gives the authority the power to remove or block. The procedure is in the "
            "Removal and Blocking of Unlawful Online Content (Procedure, Oversight and "
            "Safeguards) Rules, 2021; the Pakistan Telecommunication Authority (PTA) received "
            "applications under them. Keep the evidence before applying, and a copy of the "
            "application and any reference number. Report to the platform at the same time."
        ),
        fact=Fact(
            source_url=sources.REMOVAL_RULES_2021_URL,
            confidence=Confidence.confirmed,
            reviewed_on=None,
            source_note="The Rules 2021 and the removal applications under ss.20, 21 and 24 "
            "are confirmed in helplinekit's domain notes [C]; not checked against the Rules.",
        ),
        applies_to=_REMOVAL_CODES,
    ),
    RemovalRoute(
        key="pakistan.smpra_removal",
        title="Check whether the social-media authority now handles removal (2025)",
        steps=(
            "The PECA (Amendment) Act, 2025 created the Social Media Protection and "
            "Regulatory Authority. Whether it, rather than the PTA, now receives applications "
            "to remove content is unverified: check before filing, and file where the "
            "authority's or PTA's current guidance says."
        ),
        fact=Fact(
            source_url=sources.PECA_AMENDMENT_2025_URL,
            confidence=Confidence.uncertain,
            reviewed_on=None,
            source_note="The authority's creation is confirmed [C]; whether it handles "
            "removal applications is uncertain [U]. Not checked.",
        ),
        applies_to=_REMOVAL_CODES,
    ),
)

EVIDENCE_GUIDANCE: tuple[str, ...] = (
    "Before anything is reported, blocked or taken down, keep evidence: screenshots that show "
    "the content, the account name, the web address (URL) and the date and time.",
    "Save the links to the profiles and posts and the usernames or phone numbers involved, not "
    "only display names; note the platform.",
    "Keep messages, emails and voice notes in their original form; do not delete the chat or "
    "forward anything to the abuser.",
    "Write down when each incident happened, in order.",
    "Never advise paying a blackmailer: payment rarely ends the threats.",
    "Do not confront the abuser or agree to meet them; plan the survivor's safety first, "
    "especially if an address or location is known to them.",
    "Store the evidence where the abuser cannot reach it, not on a shared or monitored device.",
    "Never save or forward sexual images of a child, even as evidence: note where they are "
    "and report them.",
)

#: Provinces and territories for statistics, with their ISO 3166-2 codes and names.
REGIONS: tuple[Region, ...] = (
    Region("PK-PB", "Punjab"),
    Region("PK-SD", "Sindh"),
    Region("PK-KP", "Khyber Pakhtunkhwa"),
    Region("PK-BA", "Balochistan"),
    Region("PK-IS", "Islamabad"),
    Region("PK-GB", "Gilgit-Baltistan"),
    Region("PK-JK", "Azad Jammu and Kashmir"),
)

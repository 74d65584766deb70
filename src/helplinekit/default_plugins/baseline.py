"""Built-in plugin: the baseline jurisdiction for "no specific country".

It cites no national law. It marks every taxonomy code explicitly as having no specific
provision and points to the international routes (platform reports, hash-blocking
services, hotlines) that work anywhere. A deployment uses it until a jurisdiction plugin
for its country exists, and it is the model of a jurisdiction that passes the coverage check.

None of these routes has been checked against its source by the helplinekit team yet, so
each fact has ``reviewed_on=None`` and is shown as unverified.
"""

from __future__ import annotations

from helplinekit import hookimpl
from helplinekit.hookspecs import Register

KEY = "intl.baseline"

DISCLAIMER = (
    "This is general information, not legal advice. No country's law has been selected for "
    "this helpline, so only international routes are listed. Check each route before relying "
    "on it; a lawyer in the survivor's country can say which laws apply."
)

EVIDENCE_GUIDANCE = (
    "Before anything is reported or taken down, keep evidence: screenshots that show the "
    "content, the account name, the web address (URL) and the date and time.",
    "Save links to the profiles and posts involved, and the usernames, not only display names.",
    "Keep messages and emails in their original form; do not forward them to the abuser.",
    "Write down when each incident happened, in order.",
    "Never advise paying a blackmailer: payment rarely ends the threats.",
    "Store evidence where the abuser cannot reach it (not on a shared or monitored device).",
)


def build() -> object:
    """The baseline jurisdiction (built on demand so importing this module stays cheap)."""
    from helplinekit.contracts.jurisdiction import (
        Confidence,
        Fact,
        Jurisdiction,
        NoSpecificProvision,
        RemovalRoute,
    )
    from helplinekit.domain.taxonomy import DEFAULT_TAXONOMY

    def unverified(url: str) -> Fact:
        return Fact(source_url=url, confidence=Confidence.secondary, reviewed_on=None)

    routes = (
        RemovalRoute(
            key="intl.platform_report",
            title="Report to the platform",
            steps=(
                "Use the platform's own report button or form for the post, profile or message; "
                "keep the confirmation. Report impersonation, intimate images and threats under "
                "those named categories, which platforms review faster."
            ),
            fact=unverified("https://transparency.meta.com/policies/community-standards/"),
        ),
        RemovalRoute(
            key="intl.stopncii",
            title="StopNCII.org (adults)",
            steps=(
                "The survivor creates hashes of their intimate images on their own device at "
                "StopNCII.org; participating platforms block matching uploads. The images never "
                "leave the device."
            ),
            fact=unverified("https://stopncii.org/"),
            applies_to=frozenset({"NCII_SHARED", "SEXTORTION_BLACKMAIL"}),
        ),
        RemovalRoute(
            key="intl.take_it_down",
            title="Take It Down (imagery taken under 18)",
            steps=(
                "For images taken when the person was under 18: create hashes on the device at "
                "Take It Down (NCMEC); participating platforms remove and block matches."
            ),
            fact=unverified("https://takeitdown.ncmec.org/"),
            applies_to=frozenset({"NCII_SHARED", "SEXTORTION_BLACKMAIL", "CHILD_SEXUAL_ABUSE"}),
        ),
        RemovalRoute(
            key="intl.iwf",
            title="Internet Watch Foundation reporting",
            steps="Report child sexual abuse material to the IWF or the national portal it runs.",
            fact=unverified("https://report.iwf.org.uk/"),
            applies_to=frozenset({"CHILD_SEXUAL_ABUSE"}),
        ),
    )
    notes = {
        "ACCOUNT_COMPROMISE": "Recover the account through the platform's recovery flow; "
        "digital-security help first.",
        "DEVICE_SURVEILLANCE": "Digital-security help first; removing stalkerware can alert "
        "the abuser, so plan for safety before acting.",
        "IMPERSONATION": "Report the fake profile to the platform as impersonation.",
        "NCII_SHARED": "StopNCII.org for adults, Take It Down for imagery taken under 18, "
        "and a platform report.",
        "SEXTORTION_BLACKMAIL": "Keep evidence, do not pay; StopNCII.org or Take It Down to "
        "block the images.",
        "DOXING_PRIVATE_INFO": "Report the post to the platform as private information; "
        "safety planning if an address was published.",
        "CYBERSTALKING": "Keep a log of contacts; block and report on each platform.",
        "SEXUAL_HARASSMENT_MSG": "Report and block on the platform.",
        "THREATS": "Assess risk first; threats of violence may need the police.",
        "DEFAMATION_SMEAR": "Report to the platform; a lawyer in the country can advise.",
        "HATE_IDENTITY": "Report to the platform under its hate-speech rules.",
        "CHILD_SEXUAL_ABUSE": "Report to the IWF or the national hotline; Take It Down for "
        "the images.",
        "FRAUD_SCAM": "Contact the bank or wallet provider at once; report to the platform.",
        "COORDINATED_CAMPAIGN": "Document the accounts involved; report together through "
        "platform trusted-partner channels where the helpline has access.",
        "OFFLINE_GBV": "Refer to local violence-against-women services.",
        "INFO_REQUEST": "Information only.",
    }
    return Jurisdiction(
        key=KEY,
        name="No specific country (international routes only)",
        country=None,
        disclaimer=DISCLAIMER,
        provisions=(),
        mappings={
            code.code: NoSpecificProvision(
                note=notes.get(code.code, "No specific provision; see the referral routes.")
            )
            for code in DEFAULT_TAXONOMY
        },
        removal_routes=routes,
        evidence_guidance=EVIDENCE_GUIDANCE,
    )


@hookimpl
def register_jurisdictions(register: Register) -> None:
    register(build())

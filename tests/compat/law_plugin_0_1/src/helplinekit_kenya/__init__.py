"""A law plugin for helplinekit: the jurisdiction
``kenya.ke``.

It starts as a draft. Every category of the harassment taxonomy is marked
``NoSpecificProvision(note="TODO: …")``, which passes the coverage test but tells staff
nothing: replace each marker with the provisions that apply, each with its source (README.md
says how). Nothing here is legal advice, and the disclaimer says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helplinekit import hookimpl
from helplinekit.hookspecs import Register

if TYPE_CHECKING:
    from helplinekit.contracts import Jurisdiction

KEY = "kenya.ke"
NAME = "Kenya"
COUNTRY = "KE"

# Shown with every legal option. Revise it once a lawyer has reviewed the plugin.
DISCLAIMER = (
    "This is general information, not legal advice. It is a draft that no lawyer has "
    "reviewed yet; a lawyer can say which laws apply to a survivor's situation."
)


def build() -> Jurisdiction:
    """The jurisdiction (built on demand, so importing this module stays cheap)."""
    from helplinekit.contracts import Jurisdiction, NoSpecificProvision

    # Each section of an Act that a mapping cites, as enacted, with its source:
    #
    #     Provision(
    #         key=f"{KEY}.some_act.s21",        # namespaced by this plugin; never change it
    #         act="The Act's name",
    #         act_version="2016 as enacted",     # which text the section numbering follows
    #         section="21(1)(a)",
    #         title="The section's title in that text",
    #         summary="What it makes an offence or allows, in plain words.",
    #         penalty="The maximum penalty, in plain words; empty if not an offence.",
    #         fact=Fact(
    #             source_url="https://…",        # where anyone can read the text
    #             confidence=Confidence.confirmed,  # C official text, S one secondary source,
    #                                               # U unsure (shown as unverified)
    #             reviewed_on=None,              # a date only once someone checked the source
    #             source_note="",                # then say what was checked
    #         ),
    #     ),
    #
    # (Provision, Fact and Confidence come from helplinekit.contracts.)
    provisions = ()

    # Every taxonomy code maps to the provisions that apply:
    #
    #     "THREATS": (ProvisionRef(f"{KEY}.some_act.s21"),),
    #
    # with a condition where one is needed:
    #
    #     ProvisionRef(f"{KEY}.…", when={"victim_is_minor": True}, note="Why it applies."),
    #
    # or, where the law really has no specific provision, to a note saying what to do
    # instead: NoSpecificProvision(note="Report to the platform; …").
    mappings = {
        # An account hacked or hijacked, including by phishing: unauthorised access to a
        # computer, an account or data; identity theft.
        "ACCOUNT_COMPROMISE": NoSpecificProvision(
            note="TODO: find the provisions on unauthorised access to accounts and devices."
        ),
        # Stalkerware, spying on a device, location tracking: interception of
        # communications, unauthorised access to a device, stalking.
        "DEVICE_SURVEILLANCE": NoSpecificProvision(
            note="TODO: find the provisions on interception, spyware and tracking."
        ),
        # A fake profile or other misuse of someone's identity: impersonation, identity
        # theft or fraud.
        "IMPERSONATION": NoSpecificProvision(
            note="TODO: find the provisions on impersonation and identity theft."
        ),
        # Intimate images shared without consent, including morphed or AI-generated ones:
        # image-based abuse, privacy, obscenity; check whether fakes are covered.
        "NCII_SHARED": NoSpecificProvision(
            note="TODO: find the provisions on sharing intimate images without consent."
        ),
        # A threat to share material unless money, sex or control is given: extortion,
        # blackmail, threats to publish.
        "SEXTORTION_BLACKMAIL": NoSpecificProvision(
            note="TODO: find the provisions on extortion and threats to publish images."
        ),
        # Private information or photos published without consent: privacy, data
        # protection, publication of personal data.
        "DOXING_PRIVATE_INFO": NoSpecificProvision(
            note="TODO: find the provisions on publishing private information."
        ),
        # Repeated unwanted contact: stalking and harassment by electronic means.
        "CYBERSTALKING": NoSpecificProvision(
            note="TODO: find the provisions on stalking and online harassment."
        ),
        # Unsolicited sexual messages or images: sexual harassment, obscene messages.
        "SEXUAL_HARASSMENT_MSG": NoSpecificProvision(
            note="TODO: find the provisions on sexual harassment by message."
        ),
        # Threats of violence, rape or death: criminal intimidation, threats to harm.
        "THREATS": NoSpecificProvision(
            note="TODO: find the provisions on threats and criminal intimidation."
        ),
        # False, damaging content or a smear campaign: defamation (criminal or civil) and
        # false publication; note any court decision that put a provision in doubt.
        "DEFAMATION_SMEAR": NoSpecificProvision(
            note="TODO: find the provisions on defamation and false publication."
        ),
        # Attacks on gender, sexuality, religion or ethnicity: hate speech, incitement,
        # discrimination.
        "HATE_IDENTITY": NoSpecificProvision(
            note="TODO: find the provisions on hate speech and incitement."
        ),
        # Sexual content of, or sexual contact with, a minor: child sexual abuse material,
        # grooming, child protection; any duty to report.
        "CHILD_SEXUAL_ABUSE": NoSpecificProvision(
            note="TODO: find the provisions on child sexual abuse material and grooming."
        ),
        # Fraud, e-wallet scams, spoofing: fraud and cheating; banking and e-money rules.
        "FRAUD_SCAM": NoSpecificProvision(
            note="TODO: find the provisions on online fraud and scams."
        ),
        # Mob harassment or gendered disinformation: harassment by many people,
        # incitement, conspiracy.
        "COORDINATED_CAMPAIGN": NoSpecificProvision(
            note="TODO: find the provisions that reach coordinated harassment."
        ),
        # Domestic or physical violence: domestic violence law, protection orders, assault.
        "OFFLINE_GBV": NoSpecificProvision(
            note="TODO: find the provisions on domestic violence and protection orders."
        ),
        # The caller wants advice or information only: usually no provision; say where
        # general legal information can be found.
        "INFO_REQUEST": NoSpecificProvision(
            note="TODO: say where survivors can find general legal information."
        ),
    }

    return Jurisdiction(
        key=KEY,
        name=NAME,
        country=COUNTRY,
        disclaimer=DISCLAIMER,
        provisions=provisions,
        mappings=mappings,
        # Where survivors report (a police cybercrime unit, the data-protection authority):
        # Authority(key=f"{KEY}.police", name=…, how_to_report=…, fact=Fact(…), phone=…).
        authorities=(),
        # National take-down routes, beyond the international ones every deployment has:
        # RemovalRoute(key=f"{KEY}.…", title=…, steps=…, fact=Fact(…), applies_to={…}).
        removal_routes=(),
        # Deadlines to file or appeal: TimeLimit(description=…, fact=Fact(…)).
        time_limits=(),
        # What to keep first, in order, as the courts here accept electronic evidence.
        evidence_guidance=(),
        # The day a lawyer last reviewed the whole plugin.
        reviewed_on=None,
    )


@hookimpl
def register_jurisdictions(register: Register) -> None:
    register(build())

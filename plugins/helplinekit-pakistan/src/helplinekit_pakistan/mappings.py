"""Every code of helplinekit's harassment taxonomy, mapped to Pakistani law.

The mapping follows the "Pakistan mapping" column of helplinekit's domain notes (enacted
PECA 2016 numbering). The minor route (ss.21(2) and 22) needs no condition here: the
provisions themselves are flagged ``minor_victim_only``, so helplinekit decides them from the
victim's recorded age, age band or minor flag, and shows them as "applies if the victim is
under 18" until one is recorded. Two small additions to the notes' table, both marked in the
notes below: the minor route is offered for sextortion as well as for shared images, and
s.26A for coordinated campaigns.
"""

from __future__ import annotations

from collections.abc import Mapping

from helplinekit.contracts import NoSpecificProvision, ProvisionRef

from helplinekit_pakistan.provisions import PECA, PPC_KEY

__all__ = ["MAPPINGS"]


def _peca(section: str, note: str = "") -> ProvisionRef:
    return ProvisionRef(f"{PECA}.s{section.lower()}", note=note)


def _ppc(section: str, note: str = "") -> ProvisionRef:
    return ProvisionRef(f"{PPC_KEY}.s{section.lower()}", note=note)


_S20_NOTE = (
    "Contested since the Islamabad High Court's April 2022 decision (see the provision's "
    "flag): a lawyer decides whether to rely on it."
)
_MINOR_22 = "The images show someone under 18: child pornography, whoever shared them."
_MINOR_21_2 = "Higher penalty when the victim is a minor (s.21(2), unverified)."

MAPPINGS: Mapping[str, tuple[ProvisionRef, ...] | NoSpecificProvision] = {
    "ACCOUNT_COMPROMISE": (
        _peca("3", "Getting into the account or device without permission."),
        _peca("4", "Copying or sending on its messages, photos or other data."),
    ),
    "DEVICE_SURVEILLANCE": (
        _peca("3", "Installing stalkerware means getting into the device without permission."),
        _peca("24_1_b", "Monitoring the survivor's messages, email or internet use."),
        _peca("24_1_c", "Watching, spying or tracking their location so that they fear violence."),
    ),
    "IMPERSONATION": (
        _peca("16", "A fake profile uses the survivor's name, photos or other identity."),
        _ppc("419", "Where the fake profile is used to cheat others."),
    ),
    "NCII_SHARED": (
        _peca("21_1_a", "Morphed or AI-generated images: the face put on sexual material."),
        _peca("21_1_b", "Genuine intimate images or videos shared."),
        _peca("22", _MINOR_22),
    ),
    "SEXTORTION_BLACKMAIL": (
        _peca("21_1_c", "Threatening the survivor with sexual images or acts."),
        _peca("21_1_d", "Pressing the survivor into sexual acts, e.g. on camera."),
        # Not in the domain notes' table for sextortion, which offers the minor route for
        # shared images: sextortion of a child usually involves such images too.
        _peca("21_2", _MINOR_21_2),
        _peca("22", _MINOR_22),
        _peca("24", "Repeated threatening contact."),
        _ppc("383", "Demanding money or anything of value under threat is extortion."),
        _ppc("384", "The punishment for the extortion."),
        _ppc("506", "Threats to publish the material or to harm the survivor."),
    ),
    "DOXING_PRIVATE_INFO": (
        _peca("24_1_d", "Photos or videos distributed without consent."),
        _peca("16", "Identity information (e.g. CNIC or phone number) published or used."),
    ),
    "CYBERSTALKING": (
        _peca("24_1_a", "Repeated unwanted contact despite a clear no."),
        _ppc("509", "Messages, sounds or gestures insulting modesty or sexually harassing."),
    ),
    "SEXUAL_HARASSMENT_MSG": (
        _ppc("509", "Unsolicited sexual messages or images."),
        _peca("24", "Where the messages are repeated or meant to coerce or intimidate."),
    ),
    "THREATS": (
        _ppc("506", "Threats of violence, rape or death."),
        _ppc("507", "If the sender hid their identity (anonymous or fake account)."),
        _peca("24", "Where the threats come with repeated contact or monitoring."),
    ),
    "DEFAMATION_SMEAR": (
        _peca("20", _S20_NOTE),
        _ppc("499", "Defamation under the Penal Code."),
        _ppc("500", "The punishment for defamation."),
    ),
    "HATE_IDENTITY": (
        _peca(
            "11",
            "Only interfaith, sectarian or racial hatred: s.11 has no gender or sexuality "
            "ground, so attacks on those alone need other provisions (e.g. s.24, PPC 509).",
        ),
    ),
    "CHILD_SEXUAL_ABUSE": (
        _peca("22", "Sexual material of a minor, online."),
        _peca("21_2", _MINOR_21_2),
        _ppc("292A", "Exposing a child to sexual material or seducing them into sexual acts."),
        _ppc("292B", "Child pornography under the Penal Code."),
        _ppc("292C", "The punishment for child pornography under the Penal Code."),
    ),
    "FRAUD_SCAM": (
        _peca("13", "Mapping unverified: forged data or documents used to defraud."),
        _peca("14", "Mapping unverified: deception for wrongful gain, e.g. e-wallet scams."),
    ),
    "COORDINATED_CAMPAIGN": (
        # A campaign is a combination: each account's posts may be offences on their own.
        _peca("24", "Each account's repeated contact, monitoring or sharing of images."),
        _peca("20", _S20_NOTE),
        _peca("11", "Where the campaign stirs interfaith, sectarian or racial hatred."),
        # Not in the domain notes' table: the 2025 offence of spreading false information.
        _peca(
            "26A",
            "Gendered disinformation likely to cause fear or unrest; rarely the survivor's "
            "remedy and used against journalists, so only on a lawyer's advice.",
        ),
    ),
    "OFFLINE_GBV": (
        _ppc(
            "506",
            "Threats of violence. Physical and domestic violence fall under the Penal Code's "
            "offences against the human body, which this plugin does not list: assess the "
            "risk, then refer to offline-violence services and, with consent, the police.",
        ),
    ),
    "INFO_REQUEST": NoSpecificProvision(
        note="Advice only: no provision applies. Give general information and the disclaimer."
    ),
}

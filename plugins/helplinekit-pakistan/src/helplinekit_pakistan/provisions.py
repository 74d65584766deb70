"""The provisions the plugin cites: PECA 2016 as enacted, its 2025 amendment, the Penal Code.

**The numbering trap.** The Prevention of Electronic Crimes Act, 2016 was enacted as Act XL
of 2016 with s.16 (identity information), s.20 (dignity), s.21 (modesty), s.22 (child
pornography) and s.24 (cyber stalking). Copies of the *bill* still circulate with the old
numbers (18, 19, 19A, 21, 23), and helpline staff, blogs and even chatbots cite them. Every
provision here therefore names its Act and the text its numbering follows (``act_version``),
and the tests compare every (Act, section, title) with a table of the enacted numbering.

Confidence follows helplinekit's domain notes: [C] ``confirmed``, [S] ``secondary``, [U]
``uncertain`` (shown as unverified). ``reviewed_on`` is set only where the text was compared
with a stored copy; :mod:`helplinekit_pakistan.sources` says which.

**Victims.** The provisions that protect only a minor (PECA ss.21(2) and 22, and the Penal
Code's child offences, ss.292A-C) carry the ``minor_victim_only`` flag, so helplinekit
decides them from the victim's recorded age, age band or minor flag. No provision is
flagged as protecting only women or as committed only by men: none of the sources this
plugin rests on says so of any section cited here (see :data:`sources.GENDER_NOT_CHECKED`).

**In-force dates.** None is recorded: no source the plugin rests on gives the day PECA 2016
or its 2025 amendment came into force (see :data:`sources.COMMENCEMENT_NOT_RECORDED`), so
every provision is offered whatever the incident date, and s.26A's summary says to check.

**Prosecution rules.** None is recorded: neither helplinekit's domain notes nor the sources
here say who must complain, or by when, for any section cited.
"""

from __future__ import annotations

from helplinekit.contracts import Confidence, Fact, Provision, ProvisionFlag, ProvisionKind

from helplinekit_pakistan import sources

__all__ = [
    "MINOR_FLAG_NOTE",
    "PECA",
    "PECA_2016",
    "PECA_AS_AMENDED_2025",
    "PECA_AS_ENACTED",
    "PPC",
    "PPC_KEY",
    "PROVISIONS",
    "S20_FLAG_NOTE",
]

PECA = "pakistan.peca2016"
PPC_KEY = "pakistan.ppc"

PECA_2016 = "Prevention of Electronic Crimes Act, 2016"
PECA_AS_ENACTED = "as enacted (Act XL of 2016)"
PECA_AS_AMENDED_2025 = "as amended by the PECA (Amendment) Act, 2025"
PPC = "Pakistan Penal Code (Act XLV of 1860)"
PPC_AS_IN_FORCE = "as in force"
PPC_AS_INSERTED_2016 = (
    "as inserted by the Criminal Law (Second Amendment) Act, 2016 (Act X of 2016)"
)

_S21_TITLE = "Offences against modesty of a natural person and minor"
_S21_PURPOSE = (
    " through an information system, to harm the person or their reputation, to take revenge "
    "or to blackmail."
)
_S21_PENALTY = "Up to 5 years' imprisonment or a fine up to Rs 5 million (or both)."
_S24_TITLE = "Cyber stalking"
_S24_INTENT = "With intent to coerce, intimidate or harass, using an information system to "
_S24_PENALTY = "Up to 3 years' imprisonment or a fine up to Rs 1 million (or both)."

#: Why ss.21(2) and 22 are for minors only.
MINOR_FLAG_NOTE = (
    "Protects a minor only: the victim must be under 18. PECA defines a minor as a person "
    "who has not completed eighteen years; that definition was read in the bill's text and "
    "has not been checked against the Act."
)

#: The child offences the Penal Code gained in 2016 protect a child only; the age below which
#: it counts a person as a child is not in the stored copy this plugin rests on (14, 16 and 18
#: were argued over when the bill passed), so only an adult victim is ruled out.
CHILD_FLAG_NOTE = (
    "Offences against a child: an adult victim is never offered them. The age below which "
    "the Code counts a person as a child was not checked against the enacted text (14, 16 "
    "and 18 were debated when the 2016 amendment passed): for a victim under 18, a lawyer "
    "confirms the age that applies."
)

S20_FLAG_NOTE = (
    "Contested. In April 2022 the Islamabad High Court held s.20 unconstitutional to the "
    "extent that it criminalises defamation; no detailed judgment followed, and complaints "
    "are still filed under it. Never present it as settled law: a lawyer decides whether to "
    "rely on it, and Penal Code ss.499-500 (defamation) remain available."
)


def _peca(
    section: str,
    title: str,
    summary: str,
    penalty: str,
    confidence: Confidence,
    **extra: object,
) -> Provision:
    slug = section.replace("(", "_").replace(")", "").lower()
    return Provision(
        key=f"{PECA}.s{slug}",
        act=PECA_2016,
        act_version=PECA_AS_ENACTED,
        section=section,
        title=title,
        summary=summary,
        penalty=penalty,
        fact=Fact(
            source_url=sources.PECA_2016_URL,
            confidence=confidence,
            reviewed_on=None,
            source_note=sources.PECA_NOT_CHECKED,
        ),
        **extra,  # type: ignore[arg-type]
    )


def _ppc(
    section: str,
    title: str,
    summary: str,
    *,
    checked: bool = False,
    penalty: str = "Not recorded here yet: check the Code.",
    flags: frozenset[ProvisionFlag] = frozenset(),
    flag_note: str = "",
) -> Provision:
    return Provision(
        flags=flags,
        flag_note=flag_note,
        key=f"{PPC_KEY}.s{section.lower()}",
        act=PPC,
        act_version=PPC_AS_INSERTED_2016 if checked else PPC_AS_IN_FORCE,
        section=section,
        title=title,
        summary=summary,
        penalty=penalty,
        fact=Fact(
            source_url=sources.PPC_URL,
            confidence=Confidence.confirmed if checked else Confidence.secondary,
            reviewed_on=sources.CHECKED_ON if checked else None,
            source_note=sources.PPC_292_CHECKED if checked else sources.PPC_NOT_CHECKED,
        ),
    )


PROVISIONS: tuple[Provision, ...] = (
    # -- PECA 2016, as enacted ------------------------------------------------------------
    _peca(
        "3",
        "Unauthorized access to information system or data",
        "Gaining unauthorised access to an information system or data with dishonest "
        "intention, e.g. logging into someone's account or phone.",
        "Up to 3 months' imprisonment or a fine up to Rs 50,000 (or both).",
        Confidence.secondary,
    ),
    _peca(
        "4",
        "Unauthorized copying or transmission of data",
        "Copying or transmitting someone's data without authorisation, with dishonest "
        "intention, e.g. downloading messages or photos from a hijacked account.",
        "Up to 6 months' imprisonment or a fine up to Rs 100,000 (or both).",
        Confidence.secondary,
    ),
    _peca(
        "11",
        "Hate speech",
        "Preparing or disseminating information that advances or is likely to advance "
        "interfaith, sectarian or racial hatred. It has no gender or sexuality ground.",
        "Up to 7 years' imprisonment, or a fine, or both.",
        Confidence.secondary,
    ),
    _peca(
        "13",
        "Electronic forgery",
        "Interfering with or using an information system, device or data to produce "
        "inauthentic data meant to be relied on as authentic, e.g. to defraud. Whether it is "
        "the right provision for everyday scams is unverified.",
        "Not recorded here: check the Act.",
        Confidence.uncertain,
    ),
    _peca(
        "14",
        "Electronic fraud",
        "Using an information system, device or data, or deceiving someone, for wrongful "
        "gain, e.g. e-wallet and phishing scams. Whether it is the right provision for "
        "everyday scams is unverified.",
        "Not recorded here: check the Act.",
        Confidence.uncertain,
    ),
    _peca(
        "16",
        "Unauthorized use of identity information",
        "Obtaining, selling, possessing, transmitting or using another person's identity "
        "information without authorisation, e.g. their name and photos in a fake profile.",
        "Up to 3 years' imprisonment or a fine up to Rs 5 million (or both) (unverified).",
        Confidence.uncertain,
    ),
    _peca(
        "20",
        "Offences against dignity of a natural person",
        "Intentionally and publicly displaying or transmitting information the person knows "
        "to be false, which intimidates or harms the reputation or privacy of a natural "
        "person. The victim may apply for the content's removal.",
        "Up to 3 years' imprisonment or a fine up to Rs 1 million (or both).",
        Confidence.confirmed,
        flags=frozenset({ProvisionFlag.contested}),
        flag_note=S20_FLAG_NOTE,
    ),
    _peca(
        "21(1)(a)",
        _S21_TITLE,
        "Publicly exhibiting, displaying or transmitting an image or video that superimposes "
        "a person's face over sexually explicit material (morphed images)" + _S21_PURPOSE,
        _S21_PENALTY,
        Confidence.confirmed,
    ),
    _peca(
        "21(1)(b)",
        _S21_TITLE,
        "Publicly exhibiting, displaying or transmitting a photograph or video of a person "
        "in sexually explicit conduct" + _S21_PURPOSE,
        _S21_PENALTY,
        Confidence.confirmed,
    ),
    _peca(
        "21(1)(c)",
        _S21_TITLE,
        "Intimidating a person with a sexual act, or with a sexually explicit image or video "
        "of them" + _S21_PURPOSE,
        _S21_PENALTY,
        Confidence.confirmed,
    ),
    _peca(
        "21(1)(d)",
        _S21_TITLE,
        "Cultivating, enticing or inducing a person to engage in a sexually explicit act"
        + _S21_PURPOSE,
        _S21_PENALTY,
        Confidence.confirmed,
    ),
    _peca(
        "21(2)",
        _S21_TITLE,
        "An offence under s.21(1) committed against a minor (under 18) carries a higher "
        "penalty. Both the sub-section and its penalty are unverified.",
        "Higher than under s.21(1); the maximum is unverified.",
        Confidence.uncertain,
        flags=frozenset({ProvisionFlag.minor_victim_only}),
        flag_note=MINOR_FLAG_NOTE,
    ),
    _peca(
        "22",
        "Child pornography",
        "Producing, offering, distributing, transmitting or possessing material in an "
        "information system that depicts a minor in sexually explicit conduct.",
        "Up to 7 years' imprisonment or a fine up to Rs 5 million (or both).",
        Confidence.secondary,
        flags=frozenset({ProvisionFlag.minor_victim_only}),
        flag_note=MINOR_FLAG_NOTE,
    ),
    _peca(
        "24",
        _S24_TITLE,
        "Cyber stalking in any of its forms (s.24(1)(a)-(d)): repeated unwanted contact, "
        "monitoring someone's communications, watching or spying on them so they fear "
        "violence, or distributing their photo or video without consent. The victim may "
        "apply for the content's removal.",
        _S24_PENALTY,
        Confidence.confirmed,
    ),
    _peca(
        "24(1)(a)",
        _S24_TITLE,
        _S24_INTENT + "follow a person, or contact or try to contact them repeatedly to "
        "foster personal interaction, despite a clear indication of disinterest.",
        _S24_PENALTY,
        Confidence.confirmed,
    ),
    _peca(
        "24(1)(b)",
        _S24_TITLE,
        _S24_INTENT + "monitor a person's use of the internet, email, text messages or "
        "other electronic communication (e.g. stalkerware).",
        _S24_PENALTY,
        Confidence.confirmed,
    ),
    _peca(
        "24(1)(c)",
        _S24_TITLE,
        _S24_INTENT + "watch or spy on a person in a way that causes fear of violence or "
        "serious alarm or distress (e.g. location tracking).",
        _S24_PENALTY,
        Confidence.confirmed,
    ),
    _peca(
        "24(1)(d)",
        _S24_TITLE,
        _S24_INTENT + "take a photograph or video of a person and display or distribute it "
        "without their consent in a manner that harms them.",
        _S24_PENALTY,
        Confidence.confirmed,
    ),
    Provision(
        key=f"{PECA}.s26a",
        act=PECA_2016,
        act_version=PECA_AS_AMENDED_2025,
        section="26A",
        title="False and fake information",
        summary=(
            "Disseminating false or fake information likely to cause fear, panic or unrest "
            "in the public. It protects public order, not the person targeted: it is rarely "
            "a survivor's remedy, and a lawyer should decide. Added in 2025, on a day not "
            "recorded here: check that it was in force when the incident happened."
        ),
        penalty="Up to 3 years' imprisonment or a fine up to Rs 2 million (or both).",
        fact=Fact(
            source_url=sources.PECA_AMENDMENT_2025_URL,
            confidence=Confidence.confirmed,
            reviewed_on=None,
            source_note=sources.PECA_2025_NOT_CHECKED,
        ),
    ),
    _peca(
        "37",
        "Unlawful on-line content",
        "The authority's power to remove or block access to unlawful content, or to order "
        "its removal or blocking. Not an offence: the basis of the content-removal route. "
        "Which body exercises it since the 2025 amendment is unverified (see the removal "
        "routes).",
        "",
        Confidence.confirmed,
        # A power to remove content, not a crime: never cited as an offence in a complaint.
        kind=ProvisionKind.remedy,
    ),
    # -- Pakistan Penal Code, used alongside PECA -----------------------------------------
    _ppc(
        "292A",
        "Exposure to seduction",
        "Seducing a child by any means to involve them in sexual activity, or exposing a "
        "child to obscene or sexually explicit material, including computer-generated "
        "images, or attempting to.",
        checked=True,
        flags=frozenset({ProvisionFlag.minor_victim_only}),
        flag_note=CHILD_FLAG_NOTE,
        penalty=(
            "1 to 7 years' imprisonment, or a fine of Rs 100,000 to Rs 500,000, or both "
            "(as inserted in 2016)."
        ),
    ),
    _ppc(
        "292B",
        "Child pornography",
        "Defines the offence of child pornography: taking or permitting visual depictions of "
        "a minor in obscene or sexually explicit conduct (including computer-generated or "
        "modified images), and preparing, possessing or distributing such data. Punished "
        "under s.292C.",
        checked=True,
        flags=frozenset({ProvisionFlag.minor_victim_only}),
        flag_note=CHILD_FLAG_NOTE,
        penalty="Punished under s.292C.",
    ),
    _ppc(
        "292C",
        "Punishment for child pornography",
        "The punishment for the offence of child pornography defined in s.292B.",
        checked=True,
        flags=frozenset({ProvisionFlag.minor_victim_only}),
        flag_note=CHILD_FLAG_NOTE,
        penalty=(
            "2 to 7 years' imprisonment, or a fine of Rs 200,000 to Rs 700,000, or both "
            "(as inserted in 2016)."
        ),
    ),
    _ppc(
        "383",
        "Extortion",
        "Defines extortion: intentionally putting a person in fear of injury to make them "
        "deliver property or something of value. Punished under s.384.",
    ),
    _ppc("384", "Punishment for extortion", "The punishment for extortion (s.383)."),
    _ppc(
        "419",
        "Punishment for cheating by personation",
        "Cheating by pretending to be someone else, e.g. through a fake profile.",
    ),
    _ppc(
        "499",
        "Defamation",
        "Defines defamation: making or publishing an imputation intending to harm, or "
        "knowing it will harm, a person's reputation. Punished under s.500.",
    ),
    _ppc("500", "Punishment for defamation", "The punishment for defamation (s.499)."),
    _ppc(
        "506",
        "Punishment for criminal intimidation",
        "Threatening a person with injury to their person, reputation or property to alarm "
        "them or make them act against their will; threats of death or grievous hurt are "
        "punished more severely.",
    ),
    _ppc(
        "507",
        "Criminal intimidation by an anonymous communication",
        "Criminal intimidation by an anonymous communication, or by someone who hides who "
        "they are or where they live; punished in addition to s.506.",
    ),
    _ppc(
        "509",
        "Insulting modesty or causing sexual harassment",
        "Insulting a person's modesty, or sexual harassment, by words, sounds, gestures, "
        "objects or written or spoken communication.",
    ),
)

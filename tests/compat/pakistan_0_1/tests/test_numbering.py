"""The numbering trap: every section the plugin cites is numbered as enacted.

PECA 2016 was enacted (Act XL of 2016) with s.16 identity information, s.20 dignity, s.21
modesty, s.22 child pornography and s.24 cyber stalking. Copies of the bill number them 14,
18, 19, 19A and 21 (and 23 for spoofing). The table below is written out by hand from the
enacted numbering, not computed from the plugin, so a bill number cannot slip in by editing
one place.
"""

from __future__ import annotations

import re

import helplinekit_pakistan as plugin

PECA = "Prevention of Electronic Crimes Act, 2016"
PPC = "Pakistan Penal Code (Act XLV of 1860)"
ENACTED = "as enacted (Act XL of 2016)"
AMENDED_2025 = "as amended by the PECA (Amendment) Act, 2025"

MODESTY = "Offences against modesty of a natural person and minor"

#: (Act, act_version, section, title): every provision the plugin may cite.
ENACTED_NUMBERING = {
    (PECA, ENACTED, "3", "Unauthorized access to information system or data"),
    (PECA, ENACTED, "4", "Unauthorized copying or transmission of data"),
    (PECA, ENACTED, "11", "Hate speech"),
    (PECA, ENACTED, "13", "Electronic forgery"),
    (PECA, ENACTED, "14", "Electronic fraud"),
    (PECA, ENACTED, "16", "Unauthorized use of identity information"),
    (PECA, ENACTED, "20", "Offences against dignity of a natural person"),
    (PECA, ENACTED, "21(1)(a)", MODESTY),
    (PECA, ENACTED, "21(1)(b)", MODESTY),
    (PECA, ENACTED, "21(1)(c)", MODESTY),
    (PECA, ENACTED, "21(1)(d)", MODESTY),
    (PECA, ENACTED, "21(2)", MODESTY),
    (PECA, ENACTED, "22", "Child pornography"),
    (PECA, ENACTED, "24", "Cyber stalking"),
    (PECA, ENACTED, "24(1)(a)", "Cyber stalking"),
    (PECA, ENACTED, "24(1)(b)", "Cyber stalking"),
    (PECA, ENACTED, "24(1)(c)", "Cyber stalking"),
    (PECA, ENACTED, "24(1)(d)", "Cyber stalking"),
    (PECA, AMENDED_2025, "26A", "False and fake information"),
    (PECA, ENACTED, "37", "Unlawful on-line content"),
    (
        PPC,
        "as inserted by the Criminal Law (Second Amendment) Act, 2016 (Act X of 2016)",
        "292A",
        "Exposure to seduction",
    ),
    (
        PPC,
        "as inserted by the Criminal Law (Second Amendment) Act, 2016 (Act X of 2016)",
        "292B",
        "Child pornography",
    ),
    (
        PPC,
        "as inserted by the Criminal Law (Second Amendment) Act, 2016 (Act X of 2016)",
        "292C",
        "Punishment for child pornography",
    ),
    (PPC, "as in force", "383", "Extortion"),
    (PPC, "as in force", "384", "Punishment for extortion"),
    (PPC, "as in force", "419", "Punishment for cheating by personation"),
    (PPC, "as in force", "499", "Defamation"),
    (PPC, "as in force", "500", "Punishment for defamation"),
    (PPC, "as in force", "506", "Punishment for criminal intimidation"),
    (PPC, "as in force", "507", "Criminal intimidation by an anonymous communication"),
    (PPC, "as in force", "509", "Insulting modesty or causing sexual harassment"),
}

#: Section numbers that exist only in the bill's numbering of these offences.
BILL_NUMBERS = {"18", "19", "19A", "23"}
SECTION_REFERENCE = re.compile(r"\b(?:ss?\.|sections?\s)\s*(18|19A?|23)\b", re.I)


def cited():
    return plugin.build().provisions


def test_every_cited_section_matches_the_enacted_numbering() -> None:
    got = {(p.act, p.act_version, p.section, p.title) for p in cited()}
    assert got == ENACTED_NUMBERING, (
        f"not in the table: {sorted(got - ENACTED_NUMBERING)}; "
        f"missing: {sorted(ENACTED_NUMBERING - got)}"
    )


def test_no_peca_provision_cites_a_bill_number() -> None:
    for provision in cited():
        if provision.act != PECA:
            continue
        number = re.match(r"\d+[A-Z]?", provision.section).group(0)
        assert number not in BILL_NUMBERS, provision.citation
        # Nor refers to one in its text ("s.19A", "section 18"); "under 18" is an age.
        for text in (provision.summary, provision.flag_note, provision.penalty):
            assert not SECTION_REFERENCE.search(text), provision.key


def test_the_trap_titles_sit_at_their_enacted_numbers() -> None:
    numbers: dict[str, set[str]] = {}
    for provision in cited():
        if provision.act == PECA:
            numbers.setdefault(provision.title, set()).add(provision.section.split("(")[0])
    assert numbers["Unauthorized use of identity information"] == {"16"}
    assert numbers["Offences against dignity of a natural person"] == {"20"}
    assert numbers[MODESTY] == {"21"}
    assert numbers["Child pornography"] == {"22"}
    assert numbers["Cyber stalking"] == {"24"}


def test_citations_name_the_act_and_its_text() -> None:
    for provision in cited():
        assert provision.citation.startswith(f"{provision.act} ({provision.act_version}) s.")
        if provision.act == PECA:
            assert provision.act_version in {ENACTED, AMENDED_2025}


def test_keys_follow_the_enacted_section() -> None:
    for provision in cited():
        slug = provision.section.lower().replace("(", "_").replace(")", "")
        assert provision.key.endswith(f".s{slug}"), provision.key
        assert provision.key.startswith(("pakistan.peca2016.", "pakistan.ppc."))


def test_mappings_never_name_a_bill_number() -> None:
    for entry in plugin.build().mappings.values():
        for ref in entry if isinstance(entry, tuple) else ():
            if ref.provision.startswith("pakistan.peca2016."):
                section = ref.provision.rsplit(".s", 1)[1].split("_")[0].upper()
                assert section not in BILL_NUMBERS, ref.provision
            assert not SECTION_REFERENCE.search(ref.note), ref.note

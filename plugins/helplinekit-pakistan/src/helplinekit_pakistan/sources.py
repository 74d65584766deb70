"""Where each fact comes from, and what was checked against what.

Two kinds of address live here. ``*_URL`` is where anyone can read a text (the official
publication); nobody on the helplinekit team has opened those PDFs for this plugin, which is
why most facts carry ``reviewed_on=None``. ``*_COPY`` is a stored copy that was actually read
while writing the plugin, and the notes say exactly what was compared with it.
"""

from __future__ import annotations

from datetime import date

#: The day the checks described in the notes below were made.
CHECKED_ON = date(2026, 11, 28)

# -- official publications (where the text can be read) -------------------------------------

#: PECA 2016 as passed, published by the National Assembly of Pakistan.
PECA_2016_URL = "https://www.na.gov.pk/uploads/documents/1470910659_707.pdf"
#: PECA 2016 on Pakistan Code (Ministry of Law and Justice); may be a consolidated text.
PECA_2016_PAKISTAN_CODE_URL = (
    "https://www.pakistancode.gov.pk/pdffiles/administrator6a061efe0ed5bd153fa8b79b8eb4cba7.pdf"
)
#: The Prevention of Electronic Crimes (Amendment) Act, 2025, as published by the National
#: Assembly (address taken from one secondary reference; not opened).
PECA_AMENDMENT_2025_URL = "https://na.gov.pk/uploads/documents/679255ee36f45_595.pdf"
#: The Pakistan Penal Code (Act XLV of 1860) on Pakistan Code.
PPC_URL = "https://pakistancode.gov.pk/pdffiles/administratord5622ea3f15bfa00b17d2cf7770a8434.pdf"
#: The Removal and Blocking of Unlawful Online Content (Procedure, Oversight and Safeguards)
#: Rules, 2021, as published by the Ministry of IT and Telecommunication.
REMOVAL_RULES_2021_URL = (
    "https://moitt.gov.pk/SiteImage/Misc/files/"
    "Removal%20Blocking%20of%20Unlawful%20Online%20Content%20Rules%202021.PDF"
)
NCCIA_URL = "https://www.nccia.gov.pk/"
#: The NCCIA's complaint portal. Its address is uncertain [U]: shown as unverified.
NCCIA_PORTAL_URL = "https://complaint.nccia.gov.pk/"
PTA_URL = "https://www.pta.gov.pk/"
DRF_URL = "https://digitalrightsfoundation.pk/"

# -- emergency numbers ---------------------------------------------------------------------

#: Islamabad Police's page on its emergency helpline (Pucar-15): "For Emergency Call: 15".
ISLAMABAD_POLICE_15_URL = "https://islamabadpolice.gov.pk/r15.php"
#: Punjab Police's page on the "Pukaar 15" emergency police helpline in Punjab (a reprint of
#: an Express Tribune report of 23 October 2019 on its launch in Bhakkar).
PUNJAB_POLICE_15_URL = "https://punjabpolice.gov.pk/node/7654"
#: The News (23 May 2019): the Director General of the Punjab Emergency Service says Rescue
#: 1122 has infrastructure in Punjab, Khyber Pakhtunkhwa, Gilgit-Baltistan and Azad Kashmir.
RESCUE_1122_URL = (
    "https://www.thenews.com.pk/print/475500-helpline-to-find-lost-victims-of-emergencies"
)
#: APP via UrduPoint (14 April 2021): Khyber Pakhtunkhwa's Emergency Rescue Service (Rescue
#: 1122) works in 32 districts of the province.
RESCUE_1122_KP_URL = (
    "https://www.urdupoint.com/en/pakistan/kp-emergency-service-rescue-1122-receives-app-"
    "1223767.html"
)
#: APP via UrduPoint (23 December 2022): Sindh Emergency Service, Rescue 1122, in Karachi
#: and several other districts of Sindh.
RESCUE_1122_SINDH_URL = (
    "https://www.urdupoint.com/en/pakistan/cm-sindh-launches-ambulance-fire-search-wa-1614796.html"
)

# -- stored copies that were read ---------------------------------------------------------

_REPO = "https://github.com/NoorusSabahh/ITA-rag-mini-project/blob/"
_COMMIT = "c14e579a97a3ccc4997603170083c5f055cab78e"

#: An OCR copy of the Gazette of Pakistan Extraordinary of 24 March 2016 carrying the
#: Criminal Law (Second Amendment) Act, 2016 (Act No. X of 2016), which inserted PPC
#: ss.292A-292C.
GAZETTE_ACT_X_2016_COPY = (
    f"{_REPO}{_COMMIT}/markdowns/Criminal_Law_Second_Amendment_Act_2016_Criminalizi.md"
)
#: The only full text of "PECA 2016" found in the stored corpora. It is the **bill**, with
#: the old numbering (dignity 18, modesty 19, child pornography 19A, cyber stalking 21), so
#: it cannot confirm the enacted numbering: a live example of the numbering trap.
PECA_BILL_COPY = f"{_REPO}{_COMMIT}/markdowns/Prevention_of_Electronic_Crimes_Act_2016.md"

# -- what was (not) checked ---------------------------------------------------------------

PECA_NOT_CHECKED = (
    "Not checked against the enacted text: no stored copy of Act XL of 2016 was found. The "
    f"only full text found ({PECA_BILL_COPY}) is the bill, numbered 18 (dignity), 19 "
    "(modesty), 19A (child pornography) and 21 (cyber stalking), so it cannot confirm the "
    "enacted section numbers. Summary and penalty from helplinekit's domain notes."
)
PECA_2025_NOT_CHECKED = (
    "Not checked: no stored copy of the PECA (Amendment) Act, 2025 was found, and the "
    "section's heading has not been compared with the Act. Summary and penalty from "
    "helplinekit's domain notes."
)
PPC_NOT_CHECKED = (
    "Not checked against the Code's text. Section and use from helplinekit's domain notes "
    "(one secondary source); the penalty is not recorded here until someone checks it."
)
POLICE_15_CHECKED = (
    "Checked on 2026-11-28 against stored copies of two official police pages: Islamabad "
    f"Police's emergency page ({ISLAMABAD_POLICE_15_URL}), which says 'For Emergency Call: "
    f"15', and Punjab Police's page on the 'Pukaar 15' police helpline ({PUNJAB_POLICE_15_URL}). "
    "That 15 reaches the police in Sindh, Khyber Pakhtunkhwa, Balochistan, Gilgit-Baltistan "
    "and Azad Jammu and Kashmir as well was not checked against an official page, so the "
    "mark stays [S]."
)
RESCUE_1122_NOT_CHECKED = (
    "Not checked against an official page: none of the services' own sites was found in the "
    f"stored corpora. Press reports say Rescue 1122 answers in Punjab ({RESCUE_1122_URL}, "
    f"which also names Khyber Pakhtunkhwa, Gilgit-Baltistan and Azad Kashmir), in Khyber "
    f"Pakhtunkhwa ({RESCUE_1122_KP_URL}) and in parts of Sindh ({RESCUE_1122_SINDH_URL}); "
    "whether it covers every district, and Islamabad and Balochistan at all, is not known."
)
PPC_292_CHECKED = (
    "Section number, title and penalty checked on 2026-11-28 against a stored OCR copy of "
    "the Gazette of Pakistan Extraordinary of 24 March 2016 (Criminal Law (Second Amendment) "
    f"Act, 2016, Act No. X of 2016, inserting ss.292A-292C): {GAZETTE_ACT_X_2016_COPY} (the "
    "OCR renders '292A' as '2924'). Later amendments were not checked, and the source_url "
    "PDF was not opened."
)
COMMENCEMENT_NOT_RECORDED = (
    "No in-force date is recorded: the only PECA text found is the bill, which says only that "
    "the Act 'shall come into force at once', and neither helplinekit's domain notes nor any "
    "source here gives the day PECA 2016 or the PECA (Amendment) Act, 2025 came into force."
)
GENDER_NOT_CHECKED = (
    "No provision is flagged as protecting only women or as committed only by men: helplinekit's "
    "domain notes and the stored copies here say nothing of the kind for any section cited. "
    "Penal Code s.509 in particular was not compared with the Code's text, so whether any part "
    "of it protects only women is left for a lawyer to check rather than guessed."
)

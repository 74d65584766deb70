"""Built-in plugin: international referral partners from DOMAIN.md's directory seed.

No entry has been verified by the helplinekit team (``last_verified=None``), so the
directory shows each as unverified until a deployment's staff check and date it in their
``referrals.csv``. National partners come with jurisdiction plugins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helplinekit import hookimpl
from helplinekit.hookspecs import Register

if TYPE_CHECKING:
    from helplinekit.config import HelplineConfig
    from helplinekit.domain import ReferralPartner


def partners() -> list[ReferralPartner]:
    """Every international partner, with the regions each serves ("*" is worldwide)."""
    from helplinekit.domain import ReferralPartner

    return [
        ReferralPartner(
            key="intl.stopncii",
            name="StopNCII.org",
            services=("image_hashing", "content_removal"),
            regions=("*",),
            languages=("en",),
            eligibility="Adults (18+) whose intimate images are shared or threatened.",
            contact="Self-service at the website; the survivor hashes images on their own device.",
            url="https://stopncii.org/",
        ),
        ReferralPartner(
            key="intl.take_it_down",
            name="Take It Down (NCMEC)",
            services=("image_hashing", "content_removal"),
            regions=("*",),
            languages=("en",),
            eligibility="Anyone with intimate imagery of themselves taken when under 18.",
            contact="Self-service at the website.",
            url="https://takeitdown.ncmec.org/",
        ),
        ReferralPartner(
            key="intl.access_now_helpline",
            name="Access Now Digital Security Helpline",
            services=("digital_security",),
            regions=("*",),
            languages=("en",),
            eligibility="Activists, journalists, human-rights defenders and civil society.",
            contact="Request help through the website; answers around the clock.",
            url="https://www.accessnow.org/help/",
        ),
        ReferralPartner(
            key="intl.iwf",
            name="Internet Watch Foundation reporting portals",
            services=("csam_reporting",),
            regions=("*",),
            languages=("en",),
            eligibility="Anyone reporting child sexual abuse material.",
            contact="Anonymous online report.",
            url="https://report.iwf.org.uk/",
        ),
        ReferralPartner(
            key="intl.revenge_porn_helpline_uk",
            name="Revenge Porn Helpline (UK)",
            services=("ncii_advice", "content_removal"),
            regions=("GB",),
            languages=("en",),
            eligibility="Adults in the UK.",
            contact="0345 6000 459",
            url="https://revengepornhelpline.org.uk/",
        ),
        ReferralPartner(
            key="intl.child_helpline_international",
            name="Child Helpline International members",
            services=("child_helpline",),
            regions=("*",),
            languages=("en",),
            eligibility="Children and young people; find the member helpline for the country.",
            contact="Member directory on the website.",
            url="https://childhelplineinternational.org/",
        ),
        ReferralPartner(
            key="intl.inhope",
            name="INHOPE hotlines",
            services=("csam_reporting",),
            regions=("*",),
            languages=("en",),
            eligibility="Anyone reporting child sexual abuse material; national hotlines.",
            contact="Find the national hotline on the website.",
            url="https://www.inhope.org/",
        ),
    ]


@hookimpl
def register_referral_partners(register: Register, helpline: HelplineConfig | None) -> None:
    country = helpline.helpline.country if helpline is not None else None
    for partner in partners():
        # A deployment sees worldwide partners and those serving its own country;
        # outside a deployment, everything is listed.
        if country is None or "*" in partner.regions or country in partner.regions:
            register(partner)

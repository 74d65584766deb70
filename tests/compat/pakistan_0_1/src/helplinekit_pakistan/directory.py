"""Pakistani referral partners, from helplinekit's directory seed.

Nobody on the helplinekit team has checked these entries (``last_verified=None``), so the
directory shows each one as unverified until a deployment's staff check it and date it in
their ``referrals.csv``. International partners (StopNCII.org, Take It Down, the IWF portals,
Access Now) come with helplinekit's built-in directory and are not repeated here.
"""

from __future__ import annotations

from helplinekit.domain import ReferralPartner

from helplinekit_pakistan import sources

__all__ = ["partners"]


def partners() -> list[ReferralPartner]:
    """Every Pakistani partner; each serves Pakistan (``PK``) only."""
    return [
        ReferralPartner(
            key="pakistan.nccia",
            name="National Cyber Crime Investigation Agency (NCCIA)",
            services=("criminal_complaint", "investigation"),
            regions=("PK",),
            languages=("ur", "en"),
            eligibility=(
                "Anyone harmed by an offence under PECA 2016 in Pakistan; it replaced the FIA "
                "Cyber Crime Wing in 2025."
            ),
            contact="Helpline 1799 (unverified); online complaint portal (address unverified).",
            url=sources.NCCIA_URL,
            last_verified=None,
        ),
        ReferralPartner(
            key="pakistan.content_removal",
            name="PTA / Social Media Protection and Regulatory Authority (content removal)",
            services=("content_removal",),
            regions=("PK",),
            languages=("ur", "en"),
            eligibility=(
                "A person harmed by unlawful content, or a minor's guardian. Applications went "
                "to the PTA under the Removal and Blocking of Unlawful Online Content Rules "
                "2021; whether the social-media authority created in 2025 now handles them is "
                "unverified."
            ),
            contact="Online complaint to the PTA; check whether the new authority handles it.",
            url=sources.PTA_URL,
            last_verified=None,
        ),
        ReferralPartner(
            key="pakistan.drf_helpline",
            name="Digital Rights Foundation Digital Security Helpline",
            services=("legal_advice", "digital_security", "counselling", "referral"),
            regions=("PK",),
            languages=("ur", "en"),
            eligibility=(
                "Anyone facing online harassment; free and confidential. Formerly the Cyber "
                "Harassment Helpline (opened 2016), renamed in 2025 with a wider South Asia "
                "scope."
            ),
            contact="0800-39393 (toll-free); helpdesk@digitalrightsfoundation.pk",
            url=sources.DRF_URL,
            last_verified=None,
        ),
    ]

"""Fixture jurisdiction for tests: "fixture.ke", a made-up law for country KE.

It cites one invented provision and marks every other code explicitly, so it passes the
conformance kit. It is not Kenya's law.
"""

from helplinekit import hookimpl
from helplinekit.contracts import (
    Confidence,
    Fact,
    Jurisdiction,
    NoSpecificProvision,
    Provision,
    ProvisionRef,
)
from helplinekit.domain import DEFAULT_TAXONOMY

SOURCE = "https://example.org/fixture-act"


@hookimpl
def register_jurisdictions(register):
    provision = Provision(
        key="fixture.ke.act.s1",
        act="Fixture Act",
        act_version="test text",
        section="1",
        title="Fixture offence",
        summary="An invented provision for tests.",
        fact=Fact(SOURCE, Confidence.uncertain),
    )
    mappings = {code.code: NoSpecificProvision(note="fixture") for code in DEFAULT_TAXONOMY}
    mappings["THREATS"] = (ProvisionRef("fixture.ke.act.s1"),)
    register(
        Jurisdiction(
            key="fixture.ke",
            name="Fixture Kenya",
            country="KE",
            disclaimer="Test fixture, not legal advice.",
            provisions=(provision,),
            mappings=mappings,
        )
    )

"""Fixture channel for tests: "fixture.sms", speaking the web form's wire format."""

from helplinekit import hookimpl
from helplinekit.default_plugins.web_form import WebFormChannel


class FixtureSms(WebFormChannel):
    name = "fixture.sms"
    title = "Fixture SMS"


@hookimpl
def register_channels(register):
    register(FixtureSms)

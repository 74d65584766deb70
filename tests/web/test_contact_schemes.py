"""Which schemes a survivor may name as a safe contact: ``tel:``, ``mailto:`` and what the
enabled channels declare in ``contact_schemes`` (issue 11, point 8)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from helplinekit import hookimpl
from helplinekit.channels.web_form import WebFormChannel
from helplinekit.contracts import BASE_CONTACT_SCHEMES, contact_schemes
from helplinekit.web import create_app

pytestmark = pytest.mark.database


class AcmeWhatsApp(WebFormChannel):
    """A channel that can reach people on WhatsApp (the web form's wire format, for brevity)."""

    name = "acme.whatsapp"
    title = "WhatsApp (Acme)"
    contact_schemes = ("whatsapp",)


class AddsWhatsApp:
    @hookimpl
    def register_channels(self, register):
        register(AcmeWhatsApp)


def test_the_schemes_are_the_base_ones_and_what_channels_declare() -> None:
    assert BASE_CONTACT_SCHEMES == ("mailto", "tel")
    assert contact_schemes([WebFormChannel]) == ("mailto", "tel")  # web: reaches nobody
    assert contact_schemes([WebFormChannel, AcmeWhatsApp]) == ("mailto", "tel", "whatsapp")

    class Undeclared:  # a channel class with no such attribute at all still works
        name = "x.y"

    assert contact_schemes([Undeclared(), AcmeWhatsApp({"token_secret": "s" * 16})]) == (
        "mailto",
        "tel",
        "whatsapp",
    )


def _post_form(client: TestClient, safe_contact: str):
    token = re.search(r'name="token" value="([^"]+)"', client.get("/form").text).group(1)
    fields = {
        "token": token,
        "message": "Someone is posting my photos.",
        "website": "",
        "language": "en",
        "consent_services": "yes",
        "safe_contact": safe_contact,
        "passphrase": "purple kettle morning",
    }
    return client.post(
        "/form",
        content=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def test_whatsapp_is_a_safe_contact_only_where_a_whatsapp_channel_is_enabled(
    deployment, open_helpline, register_plugin
) -> None:
    toml = deployment / "helpline.toml"
    plain = toml.read_text(encoding="utf-8")
    client = TestClient(create_app(open_helpline()), base_url="https://testserver")
    refused = _post_form(client, "whatsapp:923001234567")
    assert refused.status_code == 400
    assert "Start the address with one of: mailto:, tel:," in refused.text

    toml.write_text(
        plain.replace('enabled = ["web.form"]', 'enabled = ["web.form", "acme.whatsapp"]')
        + '\n[channels.settings."acme.whatsapp"]\ntoken_secret = "a-secret-of-enough-length"\n',
        encoding="utf-8",
    )
    with register_plugin(AddsWhatsApp(), "acme"):
        client = TestClient(create_app(open_helpline()), base_url="https://testserver")
        accepted = _post_form(client, "whatsapp:923001234567")
    assert accepted.status_code == 200, accepted.text

"""The ``show_controls`` filter: hidden controls in free text become visible, escape-safe
markers; everything else is escaped as usual (issue 11, point 8)."""

from __future__ import annotations

import gettext
import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from helplinekit.domain import InvalidValue, UnsafeCharacter, is_hidden_control, parse_urn
from helplinekit.web.http import jinja_environment
from helplinekit.web.text import explain, show_controls

_MARKER = re.compile(r'<span class="ctrl" dir="ltr" title="[^"<>]*">⟨U\+([0-9A-F]{4,6})⟩</span>')


def _unmark(markup: str) -> str:
    """The original text back from the filter's output: markers to characters, unescaped."""
    return html.unescape(_MARKER.sub(lambda m: chr(int(m.group(1), 16)), markup))


def test_an_override_is_shown_as_a_named_marker() -> None:
    assert show_controls("call \u202e7654321") == Markup(
        'call <span class="ctrl" dir="ltr" title="U+202E RIGHT-TO-LEFT OVERRIDE">'
        "⟨U+202E⟩</span>7654321"
    )


def test_html_in_the_text_is_escaped_around_markers() -> None:
    out = show_controls('<script>alert("x")</script>\u2066&')
    assert "<script>" not in out
    assert out.startswith('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;<span class="ctrl"')
    assert out.endswith("</span>&amp;")


def test_words_keep_their_joiners_and_flags_their_tags() -> None:
    urdu = "نہیں\u200cچاہیے"  # ZWNJ inside an Urdu word
    family = "👩\u200d👩\u200d👧"  # an emoji ZWJ sequence
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    for text in (urdu, family, scotland, "٣\u0600"):  # ARABIC NUMBER SIGN spans a number
        assert show_controls(text) == html.escape(text, quote=False)


def test_tags_outside_a_flag_are_hidden_text_and_are_marked() -> None:
    smuggled = "hello\U000e0069\U000e0067\U000e006e"  # "ign" in invisible tag characters
    assert show_controls(smuggled).count('class="ctrl"') == 3


def test_lone_surrogates_and_nul_become_markers_so_the_page_can_be_encoded() -> None:
    out = show_controls("a\ud800b\x00c")
    assert "⟨U+D800⟩" in out and "⟨U+0000⟩" in out
    out.encode("utf-8")  # would raise UnicodeEncodeError with the surrogate left in


def test_tabs_and_line_breaks_are_left_alone() -> None:
    assert show_controls("one\ttwo\nthree\r\n") == "one\ttwo\nthree\r\n"


def test_none_is_empty() -> None:
    assert show_controls(None) == ""


@given(st.text(alphabet=st.characters(codec=None)) | st.text(alphabet='ab\u202e\u200c\ud800<&"'))
def test_nothing_hidden_survives_and_nothing_is_lost(text: str) -> None:
    out = show_controls(text)
    assert not any(is_hidden_control(c) for c in out)
    assert _unmark(out) == text


def test_the_templates_have_the_filter_and_autoescape_with_it() -> None:
    env = jinja_environment(gettext.NullTranslations())
    rendered = env.from_string("{{ text|show_controls }}").render(text="<i>\u202e</i>")
    assert rendered.startswith('&lt;i&gt;<span class="ctrl"')


def test_explain_translates_the_template_then_fills_it_in() -> None:
    class Upper(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return message.upper().replace("%(CHARACTER)S", "%(character)s")

    with pytest.raises(UnsafeCharacter) as caught:
        parse_urn("tel:+92\u202e300")
    explained = explain(caught.value, Upper())
    assert explained.startswith("THE ADDRESS OR NUMBER CONTAINS AN INVISIBLE TEXT-DIRECTION")
    assert "(U+202E RIGHT-TO-LEFT OVERRIDE)" in explained
    # Any other error is looked up as its text.
    assert explain(InvalidValue("plain"), Upper()) == "PLAIN"

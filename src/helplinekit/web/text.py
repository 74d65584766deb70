"""Showing survivor and staff text so that it cannot pass for other text.

Free text (a survivor's message, a note, a call summary) is stored as it was written, but a
text-direction control in it (U+202E RIGHT-TO-LEFT OVERRIDE) can make a number or a name
read differently from what it is, and an invisible character can hide inside a look-alike.
The console therefore shows each such character as a visible marker (``⟨U+202E⟩``, its name
on hover) instead of letting it act: :func:`show_controls`, the ``show_controls`` filter of
the web templates. Contact points are never stored with such characters at all (see
:func:`helplinekit.domain.check_contact_text`); :func:`explain` says why one was refused, in
the reader's language.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Mapping

from markupsafe import Markup, escape

from helplinekit.domain import (
    CaseStatus,
    InvalidTransition,
    ReferralStatus,
    describe_character,
    is_hidden_control,
)
from helplinekit.i18n import N_
from helplinekit.web.labels import REFERRAL_LABELS, STATUS_LABELS

__all__ = ["explain", "show_controls"]

# A flag such as Scotland's is U+1F3F4 followed by invisible tag characters and a cancel tag;
# those tags draw the flag, so inside such a sequence they are left alone.
_FLAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")

_MARKER = Markup('<span class="ctrl" dir="ltr" title="{title}">⟨U+{code}⟩</span>')


def _mark(text: str) -> Markup:
    if not any(is_hidden_control(character) for character in text):
        return escape(text)
    return Markup("").join(
        _MARKER.format(title=describe_character(character), code=f"{ord(character):04X}")
        if is_hidden_control(character)
        else escape(character)
        for character in text
    )


def show_controls(value: object) -> Markup:
    """Escape ``value`` for HTML, showing each hidden control character as a marker.

    Markers are built with markupsafe, so the result is safe whatever ``value`` holds; a lone
    surrogate (which no page could encode) becomes a marker too.
    """
    if value is None:
        return Markup("")
    text = str(value)
    parts: list[Markup] = []
    position = 0
    for flag in _FLAG_SEQUENCE.finditer(text):
        parts.append(_mark(text[position : flag.start()]))
        parts.append(escape(flag.group()))
        position = flag.end()
    parts.append(_mark(text[position:]))
    return Markup("").join(parts)


# Translators: a status change the lifecycle refuses; each %(…)s is a status's name, e.g.
# "This case cannot move from “New” to “Resolved”; from “New” it can move to: Triaged, Closed."
_CANNOT_MOVE = {
    "case": N_(
        "This case cannot move from “%(current)s” to “%(requested)s”; from “%(current)s” it "
        "can move to: %(allowed)s."
    ),
    "referral": N_(
        "This referral cannot move from “%(current)s” to “%(requested)s”; from "
        "“%(current)s” it can move to: %(allowed)s."
    ),
}
# Translators: where a case or referral in a final status can move: nowhere.
_NOWHERE = N_("nowhere, it is final")


def _status_name(entity: str, value: str, translate: Callable[[str], str]) -> str:
    """A status by its label (``In progress``), not its stored value (``in_progress``)."""
    try:
        if entity == "case":
            return translate(STATUS_LABELS[CaseStatus(value)])
        return translate(REFERRAL_LABELS[ReferralStatus(value)])
    except (ValueError, KeyError):
        return value


def _explain_transition(error: InvalidTransition, translations: gettext.NullTranslations) -> str:
    translate = translations.gettext
    template = _CANNOT_MOVE.get(error.entity)
    if template is None:  # not a lifecycle the console shows: its own (English) message
        return translate(str(error))
    allowed = [_status_name(error.entity, value, translate) for value in error.allowed]
    message = translate(template) % {
        "current": _status_name(error.entity, error.current, translate),
        "requested": _status_name(error.entity, error.requested, translate),
        "allowed": ", ".join(allowed) if allowed else translate(_NOWHERE),
    }
    return f"{message} {translate(error.reason)}" if error.reason else message


def explain(error: Exception, translations: gettext.NullTranslations) -> str:
    """The message of a domain error in the reader's language.

    Errors that carry a ``template`` marked for translation and its ``params`` (such as
    :class:`~helplinekit.domain.UnsafeCharacter`) are translated, then filled in; a refused
    status change names the statuses by their labels; any other error's text is looked up
    as it is (a fixed message, or English when not translated).
    """
    if isinstance(error, InvalidTransition):
        return _explain_transition(error, translations)
    template = getattr(error, "template", None)
    params = getattr(error, "params", None)
    if isinstance(template, str) and isinstance(params, Mapping):
        return translations.gettext(template) % dict(params)
    return translations.gettext(str(error))

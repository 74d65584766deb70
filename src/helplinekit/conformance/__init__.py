"""Conformance checks that plugins and the core share, without pytest.

:mod:`helplinekit.testing` wraps them for plugin authors' tests
(``check_jurisdiction``, ``assert_jurisdiction_conforms``).
"""

from __future__ import annotations

from helplinekit.conformance.jurisdiction import COMPLAINT_PLACEHOLDERS, check_jurisdiction

__all__ = ["COMPLAINT_PLACEHOLDERS", "check_jurisdiction"]

"""What ``config check`` says about the staff accounts: now in :mod:`helplinekit.services.staff`.

This module keeps the old import path working.
"""

from __future__ import annotations

from helplinekit.services.staff import StaffFindings, check_staff

__all__ = ["StaffFindings", "check_staff"]

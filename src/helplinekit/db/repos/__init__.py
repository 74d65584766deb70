"""Repositories: the only place rows become domain objects and back."""

from helplinekit.db.repos.callers import CallerRepository
from helplinekit.db.repos.cases import CaseRepository
from helplinekit.db.repos.casework import NoteRepository, ReferralRepository, TaskRepository
from helplinekit.db.repos.conversation import ContactRepository, MessageRepository
from helplinekit.db.repos.erasure import ErasureRepository
from helplinekit.db.repos.grants import GrantRepository
from helplinekit.db.repos.queues import JobRepository, OutboxRepository
from helplinekit.db.repos.rate_limits import RateLimitRepository
from helplinekit.db.repos.sessions import StaffSessionRepository
from helplinekit.db.repos.staff import StaffRepository
from helplinekit.db.repos.survivor_access import SurvivorAccessRepository

__all__ = [
    "CallerRepository",
    "CaseRepository",
    "ContactRepository",
    "ErasureRepository",
    "GrantRepository",
    "JobRepository",
    "MessageRepository",
    "NoteRepository",
    "OutboxRepository",
    "RateLimitRepository",
    "ReferralRepository",
    "StaffRepository",
    "StaffSessionRepository",
    "SurvivorAccessRepository",
    "TaskRepository",
]

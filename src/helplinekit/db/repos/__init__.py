"""Repositories: the only place rows become domain objects and back."""

from helplinekit.db.repos.callers import CallerRepository
from helplinekit.db.repos.cases import CaseRepository
from helplinekit.db.repos.casework import NoteRepository, ReferralRepository, TaskRepository
from helplinekit.db.repos.conversation import ContactRepository, MessageRepository
from helplinekit.db.repos.queues import JobRepository, OutboxRepository
from helplinekit.db.repos.staff import StaffRepository

__all__ = [
    "CallerRepository",
    "CaseRepository",
    "ContactRepository",
    "JobRepository",
    "MessageRepository",
    "NoteRepository",
    "OutboxRepository",
    "ReferralRepository",
    "StaffRepository",
    "TaskRepository",
]

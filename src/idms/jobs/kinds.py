"""The jobs idms runs, and the words a run's row uses. Django choices derive from these."""

from __future__ import annotations

from enum import StrEnum


class Job(StrEnum):
    """A kind of work. The values are the job names users see (as in the seed product)."""

    CREDENTIAL_HISTORY = "CredentialHistoryReportJobManager"
    RECONCILIATION = "ReconciliationJobManager"


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"  # finished, but some records were rejected or some actions failed
    STOPPED = "stopped"  # a safety check stopped it before it changed anything
    FAILED = "failed"  # nothing was stored or applied
    DRY_RUN = "dry run"


class Trigger(StrEnum):
    """What started a run; every trigger takes the same path."""

    CLI = "cli"
    UI = "ui"
    API = "api"
    SCHEDULE = "schedule"
    DEMO = "demo"


class EntryLevel(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

"""CredentialHistoryReportJobManager: import a CMS credential history report into the store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.db import DatabaseError, transaction

from idms.connectors.base import SourceFileError
from idms.connectors.cms_report import CmsReportReader, ReportFormat
from idms.domain import Clock, SystemClock
from idms.engine.history import HistoryImport, ImportSummary
from idms.jobs.kinds import Job, RunStatus, Trigger
from idms.web.credentials.store import DjangoHistoryStore
from idms.web.runs.models import Run
from idms.web.runs.services import finish_run, start_run

log = logging.getLogger(__name__)

Progress = Callable[[CmsReportReader, ImportSummary], None]


def import_credential_history(
    path: Path,
    *,
    actor: str,
    trigger: Trigger,
    fmt: ReportFormat | None = None,
    clock: Clock | None = None,
    on_progress: Progress | None = None,
) -> Run:
    """Import one report file in one transaction: all of it, or (on a file-level error or a
    crash) none of it. Rejected rows are reported and the rest is imported."""
    clock = clock or SystemClock()
    run = start_run(
        Job.CREDENTIAL_HISTORY, actor=actor, trigger=trigger, clock=clock, source=path.name
    )
    reader = CmsReportReader(path, fmt)
    progress = (lambda summary: on_progress(reader, summary)) if on_progress else None
    try:
        with transaction.atomic():
            importer = HistoryImport(DjangoHistoryStore(run), on_progress=progress)
            summary = importer.run(reader.read())
    except SourceFileError as problem:
        return finish_run(
            run,
            status=RunStatus.FAILED,
            clock=clock,
            message=f"{problem}. Nothing was imported.",
        )
    except Exception as problem:  # the run row must say why, whatever went wrong
        log.exception("credential history import of %s failed", path.name)
        cause = (
            "The database refused the import"
            if isinstance(problem, DatabaseError)
            else ("The import stopped on an internal error")
        )
        return finish_run(
            run,
            status=RunStatus.FAILED,
            clock=clock,
            message=f"{cause} ({type(problem).__name__}: {problem}). Nothing was imported.",
        )
    if summary.rejected and not (summary.imported or summary.unchanged):
        status = RunStatus.FAILED  # every row was rejected: nothing of the file is in the store
    elif summary.rejected:
        status = RunStatus.PARTIAL
    else:
        status = RunStatus.SUCCEEDED
    message = (
        f"{summary.imported} imported, {summary.unchanged} unchanged, "
        f"{summary.rejected} rejected, {summary.warnings} warnings"
    )
    return finish_run(run, status=status, clock=clock, message=message, counts=summary.as_counts())

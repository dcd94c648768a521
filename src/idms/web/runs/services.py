"""Starting and finishing runs: the one path every trigger (CLI, UI, API, scheduler) takes."""

from __future__ import annotations

from django.db import transaction

from idms.domain import Clock
from idms.jobs.kinds import Job, RunStatus, Trigger
from idms.web.audit.records import record_audit
from idms.web.runs.models import Run


@transaction.atomic
def start_run(
    job: Job,
    *,
    actor: str,
    trigger: Trigger,
    clock: Clock,
    source: str = "",
    options: dict[str, object] | None = None,
) -> Run:
    """Create the run row (status running) and its audit record, committed before work begins,
    so a run that fails still shows who started it and why it ended."""
    run = Run.objects.create(
        job=job, trigger=trigger, actor=actor, started_at=clock.now(), source=source
    )
    record_audit(
        actor,
        "run.started",
        at=run.started_at,
        target=f"run {run.pk}",
        job=job,
        trigger=trigger,
        source=source,
        **(options or {}),
    )
    return run


def finish_run(
    run: Run, *, status: RunStatus, clock: Clock, message: str, counts: dict[str, int] | None = None
) -> Run:
    run.status = status
    run.finished_at = clock.now()
    run.message = message
    if counts is not None:
        run.counts = counts
    run.save(update_fields=["status", "finished_at", "message", "counts"])
    return run

"""A run's report as plain data, for the CLI, the CSV export and (later) the UI and the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from idms.web.runs.models import Run

ENTRY_COLUMNS = ("level", "code", "source", "line", "column", "message", "value")


def run_summary(run: Run) -> dict[str, Any]:
    return {
        "run_id": run.pk,
        "job": run.job,
        "status": run.status,
        "trigger": run.trigger,
        "actor": run.actor,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "source": run.source,
        "message": run.message,
        "counts": run.counts,
    }


def run_entries(run: Run) -> Iterator[dict[str, Any]]:
    """Every report row, in the order the run wrote them; streamed, since there can be millions."""
    rows = run.entries.order_by("id").values(*ENTRY_COLUMNS, "fields")
    yield from rows.iterator(chunk_size=2000)


OUTCOME_COLUMNS = (
    "relying_party",
    "action",
    "status",
    "key",
    "rp_account_id",
    "adopted",
    "before",
    "after",
    "changes",
    "error",
)


def rp_summaries(run: Run) -> list[dict[str, Any]]:
    """Each relying party's status, reason and counts (added, updated, disabled, ...)."""
    return [
        {"name": report.name, "status": report.status, "message": report.message}
        | dict(report.counts)
        for report in run.rp_reports.order_by("name")
    ]


def run_outcomes(run: Run) -> Iterator[dict[str, Any]]:
    """Every action outcome of a reconciliation run, relying party by relying party."""
    from idms.web.runs.models import ActionOutcome

    rows = (
        ActionOutcome.objects.filter(report__run=run)
        .order_by("report__name", "id")
        .values("report__name", *OUTCOME_COLUMNS[1:])
    )
    for row in rows.iterator(chunk_size=2000):
        row["relying_party"] = row.pop("report__name")
        yield {column: row[column] for column in OUTCOME_COLUMNS}

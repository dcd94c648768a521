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

"""Bad and hostile report files: never a traceback, never a partial write."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from idms.connectors.cms_report import CmsReportReader
from idms.domain import FixedClock
from idms.engine.history import HistoryImport
from idms.jobs.kinds import Job, Trigger
from idms.web.credentials.history_job import import_credential_history
from idms.web.credentials.models import Credential, CredentialEvent
from idms.web.credentials.store import DjangoHistoryStore
from idms.web.runs.models import RunEntry
from idms.web.runs.services import start_run
from report_files import COLUMNS, event, fascn, write_csv

pytestmark = pytest.mark.django_db
CLOCK = FixedClock(datetime(2026, 12, 4, 12, 0, tzinfo=UTC))


def run_import(path):
    return import_credential_history(path, actor="tester", trigger=Trigger.CLI, clock=CLOCK)


def good_row(number: int) -> str:
    return f"E{number},2026-01-01T09:00:00Z,ISSUE,ACTIVE,P{number},C{number},{fascn(number)}\n"


HEADER = "event_id,event_time,event_type,status,person_id,credential_id,fascn\n"


def test_a_row_with_a_nul_byte_is_rejected_and_the_others_imported(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text(
        HEADER + good_row(1) + "E2,2026-01-01T09:00:00Z,ISSUE,ACT\x00IVE,P2,C2,x\n" + good_row(3)
    )

    run = run_import(path)

    assert run.status == "partial"
    [problem] = RunEntry.objects.filter(run=run, level="error")
    assert problem.line == 3
    assert "NUL" in problem.message
    assert set(Credential.objects.values_list("pk", flat=True)) == {"C1", "C3"}


def test_a_10_mb_line_is_rejected_quickly_and_the_next_line_keeps_its_number(tmp_path):
    path = tmp_path / "huge.csv"
    huge = "E2,2026-01-01T09:00:00Z,ISSUE,ACTIVE,P2,C2," + "9" * 10_000_000 + "\n"
    path.write_text(HEADER + good_row(1) + huge + good_row(3))

    run = run_import(path)

    assert run.status == "partial"
    [problem] = RunEntry.objects.filter(run=run, level="error")
    assert (problem.line, problem.column) == (3, "fascn")
    assert len(problem.value) <= 200
    assert CredentialEvent.objects.get(event_id="E3").line == 4


def test_binary_garbage_fails_the_run_with_a_message_and_stores_nothing(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 100)

    run = run_import(path)

    assert run.status == "failed"
    assert run.message
    assert not CredentialEvent.objects.exists()
    assert not RunEntry.objects.exists()


def test_a_utf16_report_is_rejected_as_not_utf8(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_text(HEADER + good_row(1), encoding="utf-16")

    run = run_import(path)

    assert run.status == "failed"
    assert "UTF-8" in run.message


def test_many_bad_rows_are_all_reported_and_the_good_ones_imported(tmp_path):
    path = tmp_path / "bad.csv"
    with path.open("w") as handle:
        handle.write(HEADER)
        for number in range(20_000):
            handle.write(good_row(number) if number % 1000 == 0 else f"E{number},not-a-time\n")

    run = run_import(path)

    assert run.counts["rejected"] == 19_980
    assert run.counts["imported"] == 20
    assert RunEntry.objects.filter(run=run, level="error").count() == 19_980


def test_the_event_that_identifies_a_card_may_come_later_in_the_file(tmp_path):
    rows = [
        event("E2", "2026-01-02T09:00:00Z", "ACTIVE", event_type="ACTIVATE"),
        event("E3", "2026-01-03T09:00:00Z", "ACTIVE", event_type="UPDATE", credential_id="C9"),
        event("E1", "2026-01-01T09:00:00Z", "ISSUED", event_type="ISSUE", fascn=fascn(1)),
    ]
    path = write_csv(tmp_path / "h.csv", rows, COLUMNS)
    run = start_run(Job.CREDENTIAL_HISTORY, actor="t", trigger=Trigger.CLI, clock=CLOCK)

    # One event per batch: the identifying line reaches the store two batches later.
    summary = HistoryImport(DjangoHistoryStore(run), batch_size=1).run(CmsReportReader(path).read())

    assert (summary.imported, summary.rejected) == (2, 1)
    assert Credential.objects.get().status == "ACTIVE"
    [problem] = RunEntry.objects.filter(run=run, level="error")
    assert (problem.line, problem.column) == (3, "fascn")
    assert "credential C9" in problem.message


def test_a_file_whose_every_row_is_rejected_fails_and_keeps_every_rejection(tmp_path):
    path = tmp_path / "all-bad.csv"
    path.write_text(
        HEADER + "".join(f"E{n},not-a-time,ISSUE,ACTIVE,P{n},C{n},x\n" for n in range(50))
    )

    run = run_import(path)

    assert run.status == "failed"
    assert run.counts["rejected"] == 50
    assert RunEntry.objects.filter(run=run, level="error").count() == 50

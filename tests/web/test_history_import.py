"""The credential history job, end to end through the real store (SQLite or PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from idms.domain import FixedClock
from idms.jobs.kinds import Trigger
from idms.web.audit.models import AuditRecord
from idms.web.credentials.history_job import import_credential_history
from idms.web.credentials.models import Credential, CredentialEvent, Person
from idms.web.runs.models import Run, RunEntry
from report_files import PIV_I_FASCN, event, fascn, write_csv, write_jsonl

pytestmark = pytest.mark.django_db

UUID1 = "3f1c9a52-7e3d-4b8a-9c41-2d5e8f6a7b10"


def run_import(path, **kw):
    clock = FixedClock(datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
    return import_credential_history(path, actor="tester", trigger=Trigger.CLI, clock=clock, **kw)


def errors(run):
    return list(RunEntry.objects.filter(run=run, level="error"))


def warnings(run, code=None):
    entries = RunEntry.objects.filter(run=run, level="warning")
    return list(entries.filter(code=code) if code else entries)


def issue_and_activate(**extra):
    return [
        event(
            "E1",
            "2026-01-01T09:00:00Z",
            "ISSUED",
            event_type="ISSUE",
            given_name="Ada",
            family_name="Lovelace",
            email="ada@example.gov",
            fascn=fascn(1),
            card_uuid=UUID1,
            expires_on="2031-12-31",
            **extra,
        ),
        event("E2", "2026-01-02T09:00:00Z", "ACTIVE", event_type="ACTIVATE"),
    ]


def test_import_stores_person_credential_and_full_history(tmp_path):
    run = run_import(write_csv(tmp_path / "h.csv", issue_and_activate()))

    assert run.status == "succeeded", run.message
    assert run.counts == {"read": 2, "imported": 2, "unchanged": 0, "rejected": 0, "warnings": 0}
    person = Person.objects.get(person_id="P1")
    assert (person.given_name, person.family_name, person.email) == (
        "Ada",
        "Lovelace",
        "ada@example.gov",
    )
    card = Credential.objects.get(credential_id="C1")
    assert card.status == "ACTIVE"
    assert card.fascn == fascn(1)
    assert card.card_uuid == UUID1
    assert card.expires_on == date(2031, 12, 31)
    assert list(CredentialEvent.objects.values_list("event_id", "line")) == [("E1", 2), ("E2", 3)]


def test_run_row_and_audit_record_say_who_started_it(tmp_path):
    run = run_import(write_csv(tmp_path / "h.csv", issue_and_activate()))

    assert (run.job, run.trigger, run.actor, run.source) == (
        "CredentialHistoryReportJobManager",
        "cli",
        "tester",
        "h.csv",
    )
    assert run.finished_at is not None
    audit = AuditRecord.objects.get(action="run.started")
    assert (audit.actor, audit.target) == ("tester", f"run {run.pk}")


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "h.csv", issue_and_activate())
    first = run_import(path)
    before = list(Credential.objects.values())

    second = run_import(path)

    assert second.status == "succeeded"
    assert second.counts["imported"] == 0
    assert second.counts["unchanged"] == 2
    assert list(Credential.objects.values()) == before  # not even rewritten by the second run
    assert Credential.objects.get().last_run_id == first.pk
    assert CredentialEvent.objects.count() == 2


def test_an_overlapping_file_adds_only_the_new_events(tmp_path):
    run_import(write_csv(tmp_path / "day1.csv", issue_and_activate()))
    day2 = [
        *issue_and_activate()[1:],
        event("E3", "2026-02-01T09:00:00Z", "REVOKED", event_type="REVOKE", reason="LOST"),
    ]

    run = run_import(write_jsonl(tmp_path / "day2.jsonl", day2))

    assert run.counts["imported"] == 1
    assert run.counts["unchanged"] == 1
    card = Credential.objects.get()
    assert (card.status, card.reason) == ("REVOKED", "LOST")


def test_state_follows_the_latest_event_whatever_the_file_order(tmp_path):
    rows = [
        event("E3", "2026-03-01T09:00:00Z", "SUSPENDED", event_type="SUSPEND"),
        *issue_and_activate(),
    ]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    assert run.status == "succeeded"
    assert Credential.objects.get().status == "SUSPENDED"
    assert warnings(run, "lifecycle") == []  # in time order the history is a normal one


def test_an_older_event_arriving_later_does_not_overwrite_newer_state(tmp_path):
    run_import(
        write_csv(
            tmp_path / "new.csv",
            [
                event(
                    "E2", "2026-01-02T09:00:00Z", "ACTIVE", event_type="ACTIVATE", fascn=fascn(1)
                ),
                event("E3", "2026-03-01T09:00:00Z", "REVOKED", event_type="REVOKE"),
            ],
        )
    )
    late = [
        event(
            "E1",
            "2026-01-01T09:00:00Z",
            "ISSUED",
            event_type="ISSUE",
            expires_on="2031-12-31",
            email="ada@example.gov",
        )
    ]
    run = run_import(write_csv(tmp_path / "late.csv", late))

    assert run.status == "succeeded"
    card = Credential.objects.get()
    assert card.status == "REVOKED"
    assert card.expires_on == date(2031, 12, 31)  # no later event gave it, so the late one counts
    assert Person.objects.get().email == "ada@example.gov"


def test_ties_in_event_time_are_broken_by_event_id_as_text(tmp_path):
    rows = [
        event("E10", "2026-01-01T09:00:00Z", "ACTIVE", event_type="ISSUE", fascn=fascn(1)),
        event("E9", "2026-01-01T09:00:00Z", "SUSPENDED", event_type="SUSPEND"),
    ]
    run_import(write_csv(tmp_path / "h.csv", rows))

    assert Credential.objects.get().status == "SUSPENDED"  # "E9" > "E10" as text


def test_an_empty_optional_field_keeps_the_last_known_value(tmp_path):
    rows = [
        *issue_and_activate(),
        event("E3", "2026-02-01T09:00:00Z", "ACTIVE", event_type="UPDATE", email="", expires_on=""),
    ]
    run_import(write_csv(tmp_path / "h.csv", rows))

    assert Person.objects.get().email == "ada@example.gov"
    assert Credential.objects.get().expires_on == date(2031, 12, 31)


def test_person_attributes_follow_the_persons_latest_event_across_credentials(tmp_path):
    rows = [
        *issue_and_activate(),
        event(
            "E3",
            "2026-03-01T09:00:00Z",
            "ACTIVE",
            event_type="ISSUE",
            credential_id="C2",
            credential_type="DERIVED_PIV",
            family_name="King",
        ),
    ]
    run_import(write_csv(tmp_path / "h.csv", rows))

    person = Person.objects.get()
    assert (person.given_name, person.family_name) == ("Ada", "King")


def test_same_event_id_with_other_content_is_rejected_as_a_conflict(tmp_path):
    run_import(write_csv(tmp_path / "a.csv", issue_and_activate()))
    changed = [event("E2", "2026-01-02T09:00:00Z", "SUSPENDED", event_type="SUSPEND")]

    run = run_import(write_csv(tmp_path / "b.csv", changed))

    assert run.status == "failed"  # its only row was rejected: nothing of b.csv is stored
    [problem] = errors(run)
    assert (problem.source, problem.line, problem.column) == ("b.csv", 2, "event_id")
    assert "E2 was already given (a.csv:3) with different content" in problem.message
    assert Credential.objects.get().status == "ACTIVE"


def test_a_conflict_inside_one_file_names_the_first_line(tmp_path):
    rows = [
        *issue_and_activate(),
        event("E2", "2026-01-05T09:00:00Z", "REVOKED", event_type="REVOKE"),
    ]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    [problem] = errors(run)
    assert problem.line == 4
    assert "(line 3)" in problem.message


def test_bad_rows_are_rejected_with_line_column_and_reason_and_the_rest_imported(tmp_path):
    rows = [
        *issue_and_activate(),
        event("E3", "2026-01-03T09:00:00Z", "ACTIV", credential_id="C2", fascn=fascn(2)),
        event("E4", "yesterday", "ACTIVE", credential_id="C3", fascn=fascn(3)),
        event("E5", "2026-01-03T09:00:00", "ACTIVE", credential_id="C4", fascn=fascn(4)),
        event("E6", "2026-01-03T09:00:00Z", "ACTIVE", credential_id="C5", fascn="1234"),
        event("E7", "2026-01-03T09:00:00Z", "ACTIVE", credential_id="C6", card_uuid="not-a-uuid"),
        event("E8", "2026-01-03T09:00:00Z", "ACTIVE", person_id="", credential_id="C7"),
        event(
            "E9",
            "2026-01-03T09:00:00Z",
            "ACTIVE",
            credential_id="C8",
            fascn=fascn(8),
            event_type="BURN",
        ),
        event(
            "E10",
            "2026-01-03T09:00:00Z",
            "ACTIVE",
            credential_id="C9",
            fascn=fascn(9),
            expires_on="31/12/2030",
        ),
    ]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    assert run.status == "partial"
    assert run.counts["imported"] == 2
    assert run.counts["rejected"] == 8
    found = {(e.line, e.column): e.message for e in errors(run)}
    assert set(found) == {
        (4, "status"),
        (5, "event_time"),
        (6, "event_time"),
        (7, "fascn"),
        (8, "card_uuid"),
        (9, "person_id"),
        (10, "event_type"),
        (11, "expires_on"),
    }
    assert "unknown credential status 'ACTIV'" in found[(4, "status")]
    assert "no UTC offset" in found[(6, "event_time")]
    assert "person_id is required" in found[(9, "person_id")]
    assert Credential.objects.count() == 1


def test_piv_card_needs_a_fascn_or_card_uuid_but_an_earlier_event_may_give_it(tmp_path):
    rows = [
        *issue_and_activate(),
        event("E3", "2026-01-03T09:00:00Z", "SUSPENDED", event_type="SUSPEND"),  # C1 known
        event("E4", "2026-01-03T09:00:00Z", "ACTIVE", event_type="ISSUE", credential_id="C2"),
    ]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    [problem] = errors(run)
    assert (problem.line, problem.column) == (5, "fascn")
    assert "a PIV card needs a fascn or a card_uuid" in problem.message
    assert Credential.objects.get().status == "SUSPENDED"


def test_piv_i_card_without_card_uuid_is_rejected(tmp_path):
    rows = [
        event("E1", "2026-01-01T09:00:00Z", "ACTIVE", credential_type="PIV-I", fascn=PIV_I_FASCN),
    ]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    [problem] = errors(run)
    assert problem.column == "card_uuid"
    assert "PIV-I card needs a card_uuid" in problem.message
    assert not Credential.objects.exists()


def test_file_that_is_not_utf8_is_rejected_whole_and_nothing_is_stored(tmp_path):
    path = write_csv(tmp_path / "h.csv", issue_and_activate())
    with path.open("ab") as handle:
        handle.write("E3,2026-01-03T09:00:00Z,UPDATE,ACTIVE,P1,C1,Zoë\n".encode("latin-1"))

    run = run_import(path)

    assert run.status == "failed"
    assert "UTF-8" in run.message
    assert "line 4" in run.message
    assert "Nothing was imported" in run.message
    assert not Person.objects.exists()
    assert not CredentialEvent.objects.exists()
    assert not RunEntry.objects.exists()


def test_header_without_a_required_column_rejects_the_file(tmp_path):
    columns = ("event_id", "event_time", "event_type", "person_id", "credential_id")
    run = run_import(write_csv(tmp_path / "h.csv", issue_and_activate(), columns))

    assert run.status == "failed"
    assert "status" in run.message
    assert not CredentialEvent.objects.exists()


def test_jsonl_imports_the_same_as_csv(tmp_path):
    run = run_import(write_jsonl(tmp_path / "h.jsonl", issue_and_activate()))

    assert run.status == "succeeded", run.message
    assert Credential.objects.get().status == "ACTIVE"
    assert CredentialEvent.objects.get(event_id="E2").line == 2


def test_the_same_event_exported_in_another_form_is_unchanged(tmp_path):
    run_import(write_csv(tmp_path / "a.csv", issue_and_activate()))
    [issue, activate] = issue_and_activate()
    issue["fascn"] = "[1400-0001-000001-0-1-1000000001114001]"
    issue["card_uuid"] = UUID1.upper()
    issue["event_time"] = "2026-01-01T04:00:00-05:00"

    run = run_import(write_jsonl(tmp_path / "b.jsonl", [issue, activate]))

    assert run.counts["unchanged"] == 2
    assert run.counts["rejected"] == 0


def test_revoked_to_active_without_reinstate_is_a_warning(tmp_path):
    rows = [
        *issue_and_activate(),
        event("E3", "2026-02-01T09:00:00Z", "REVOKED", event_type="REVOKE"),
        event("E4", "2026-02-02T09:00:00Z", "ACTIVE", event_type="ACTIVATE"),
    ]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    [finding] = warnings(run, "lifecycle")
    assert finding.line == 5
    assert "REVOKED → ACTIVE" in finding.message
    assert run.status == "succeeded"  # a warning does not reject the event
    assert Credential.objects.get().status == "ACTIVE"


def test_revoked_to_active_with_reinstate_is_not_a_warning(tmp_path):
    rows = [
        *issue_and_activate(),
        event("E3", "2026-02-01T09:00:00Z", "REVOKED", event_type="REVOKE"),
        event("E4", "2026-02-02T09:00:00Z", "ACTIVE", event_type="REINSTATE"),
    ]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    assert warnings(run, "lifecycle") == []


def test_a_transition_warned_once_is_not_warned_again_on_the_next_import(tmp_path):
    rows = [
        *issue_and_activate(),
        event("E3", "2026-02-01T09:00:00Z", "REVOKED", event_type="REVOKE"),
        event("E4", "2026-02-02T09:00:00Z", "ACTIVE", event_type="ACTIVATE"),
    ]
    run_import(write_csv(tmp_path / "a.csv", rows))
    late = [event("E0", "2025-12-01T09:00:00Z", "REQUESTED", event_type="UPDATE")]

    run = run_import(write_csv(tmp_path / "b.csv", late))

    assert warnings(run, "lifecycle") == []


def test_two_active_cards_from_one_issuer_for_one_person_is_a_warning(tmp_path):
    rows = [
        *issue_and_activate(),
        event(
            "E3",
            "2026-02-01T09:00:00Z",
            "ACTIVE",
            event_type="ISSUE",
            credential_id="C2",
            fascn=fascn(2),
        ),
    ]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    [finding] = warnings(run, "two_active_cards")
    assert "person P1 has 2 ACTIVE cards" in finding.message
    assert finding.fields["credentials"] == ["C1", "C2"]


def test_a_derived_credential_beside_an_active_card_is_not_a_warning(tmp_path):
    rows = [
        *issue_and_activate(),
        event(
            "E3",
            "2026-02-01T09:00:00Z",
            "ACTIVE",
            event_type="ISSUE",
            credential_id="D1",
            credential_type="DERIVED_PIV",
        ),
    ]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    assert warnings(run) == []


def test_one_fascn_or_card_uuid_on_two_credentials_is_a_warning(tmp_path):
    rows = [
        *issue_and_activate(),
        event(
            "E3",
            "2026-02-01T09:00:00Z",
            "REVOKED",
            event_type="ISSUE",
            credential_id="C2",
            person_id="P2",
            fascn=fascn(1),
            card_uuid=UUID1,
        ),
    ]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    assert len(warnings(run, "shared_fascn")) == 1
    assert len(warnings(run, "shared_card_uuid")) == 1
    assert (
        f"FASC-N {fascn(1)} is on 2 credentials: C1, C2" in warnings(run, "shared_fascn")[0].message
    )


def test_piv_card_with_the_piv_i_fascn_pattern_and_no_uuid_is_a_warning(tmp_path):
    rows = [event("E1", "2026-01-01T09:00:00Z", "ACTIVE", event_type="ISSUE", fascn=PIV_I_FASCN)]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    [finding] = warnings(run, "piv_i_without_uuid")
    assert "C1" in finding.message
    assert warnings(run, "shared_fascn") == []


def test_piv_i_cards_sharing_the_placeholder_fascn_are_not_a_warning(tmp_path):
    rows = [
        event(
            "E1",
            "2026-01-01T09:00:00Z",
            "ACTIVE",
            credential_type="PIV-I",
            fascn=PIV_I_FASCN,
            card_uuid=UUID1,
        ),
        event(
            "E2",
            "2026-01-01T09:00:00Z",
            "ACTIVE",
            person_id="P2",
            credential_id="C2",
            credential_type="PIV-I",
            fascn=PIV_I_FASCN,
            card_uuid="8d2e4b61-0a9f-4c3e-b7d2-5f1a6e9c0b21",
        ),
    ]
    run = run_import(write_csv(tmp_path / "h.csv", rows))

    assert warnings(run) == []


def test_an_import_larger_than_a_batch_is_still_one_transaction(tmp_path):
    rows = [
        event(f"E{n:05d}", "2026-01-01T09:00:00Z", "ACTIVE", credential_id=f"C{n}", fascn=fascn(n))
        for n in range(2500)
    ]
    path = write_csv(tmp_path / "h.csv", rows)
    with path.open("ab") as handle:
        handle.write(b"E99999,2026-01-01T09:00:00Z,UPDATE,ACTIVE,P1,C1,\xff\n")

    run = run_import(path)

    assert run.status == "failed"
    assert not Credential.objects.exists()  # the first batch was rolled back too


def test_runs_are_listed_newest_first(tmp_path):
    first = run_import(write_csv(tmp_path / "a.csv", issue_and_activate()))
    second = run_import(write_csv(tmp_path / "a.csv", issue_and_activate()))

    assert list(Run.objects.values_list("pk", flat=True)) == [second.pk, first.pk]

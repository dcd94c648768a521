"""The ``idms`` command: what a system manager types and sees, and its exit status."""

from __future__ import annotations

import csv
import io
import json

from report_files import event, fascn, write_csv, write_jsonl

UUID1 = "3f1c9a52-7e3d-4b8a-9c41-2d5e8f6a7b10"


def history(tmp_path, *extra):
    rows = [
        event(
            "E1",
            "2026-01-01T09:00:00Z",
            "ISSUED",
            event_type="ISSUE",
            given_name="Ada",
            family_name="Lovelace",
            fascn=fascn(1),
            card_uuid=UUID1,
            expires_on="2031-12-31",
        ),
        event("E2", "2026-01-02T09:00:00Z", "ACTIVE", event_type="ACTIVATE"),
        *extra,
    ]
    return write_csv(tmp_path / "history.csv", rows)


def test_import_prints_counts_and_exits_0_when_every_row_is_imported(migrated_cli, tmp_path):
    result = migrated_cli("cms", "import", str(history(tmp_path)))

    assert result.returncode == 0, result.stderr
    assert "SUCCEEDED" in result.stdout
    assert "imported 2" in result.stdout
    assert result.stderr == ""  # no progress bar when not on a terminal


def test_import_exits_1_and_names_line_and_column_of_rejected_rows(migrated_cli, tmp_path):
    bad = event("E3", "2026-01-03T09:00:00Z", "ACTIV", credential_id="C2", fascn=fascn(2))

    result = migrated_cli("cms", "import", str(history(tmp_path, bad)), "--json")

    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["status"] == "partial"
    assert report["counts"]["imported"] == 2
    assert report["counts"]["rejected"] == 1
    [entry] = report["entries"]
    assert (entry["line"], entry["column"], entry["level"]) == (4, "status", "error")


def test_import_of_a_file_that_is_not_utf8_exits_1_with_a_clear_message(migrated_cli, tmp_path):
    path = tmp_path / "latin1.csv"
    header = "event_id,event_time,event_type,status,person_id,credential_id,given_name\n"
    path.write_bytes(
        (header + "E1,2026-01-01T09:00:00Z,ISSUE,ACTIVE,P1,C1,Zoë\n").encode("latin-1")
    )

    result = migrated_cli("cms", "import", str(path))

    assert result.returncode == 1
    assert "UTF-8" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_file_and_bad_arguments_exit_2(migrated_cli, tmp_path):
    missing = migrated_cli("cms", "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr

    assert migrated_cli("cms", "import").returncode == 2
    assert migrated_cli("cms", "import", "x.csv", "--format", "xml").returncode == 2


def test_commands_on_a_database_without_tables_ask_for_migrate(cli, tmp_path):
    result = cli("cms", "import", str(history(tmp_path)))

    assert result.returncode == 2
    assert "idms migrate" in result.stderr


def test_an_unusable_database_url_is_a_configuration_error(cli):
    cli.env["IDMS_DATABASE_URL"] = "nosuchdb://x"

    result = cli("reports", "list")

    assert result.returncode == 2
    assert "cannot use the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_credentials_show_finds_a_person_by_id_fascn_or_card_uuid(migrated_cli, tmp_path):
    migrated_cli("cms", "import", str(history(tmp_path)))
    hex_form = "D0439458210C2C19A0846D83685A1082108CE73984108CA3FC"  # not ours: must not match
    assert migrated_cli("credentials", "show", hex_form).returncode == 1

    for key in ("P1", fascn(1), UUID1.upper(), "{" + UUID1 + "}"):
        result = migrated_cli("credentials", "show", key, "--json")
        assert result.returncode == 0, (key, result.stderr)
        profile = json.loads(result.stdout)
        assert profile["person_id"] == "P1"
        [card] = profile["credentials"]
        assert card["status"] == "ACTIVE"
        assert [e["event_type"] for e in card["history"]] == ["ISSUE", "ACTIVATE"]


def test_credentials_show_text_gives_status_and_history(migrated_cli, tmp_path):
    revoke = event("E3", "2026-02-01T09:00:00Z", "REVOKED", event_type="REVOKE", reason="LOST")
    migrated_cli("cms", "import", str(history(tmp_path, revoke)))

    result = migrated_cli("credentials", "show", "P1")

    assert result.returncode == 0
    assert "Person P1  Ada Lovelace" in result.stdout
    assert "Credential C1  PIV  REVOKED" in result.stdout
    assert "REVOKE      -> REVOKED" in result.stdout
    assert "(LOST)" in result.stdout


def test_a_card_past_its_expiry_date_shows_as_expired(migrated_cli, tmp_path):
    old = event(
        "E1",
        "2020-01-01T09:00:00Z",
        "ACTIVE",
        event_type="ISSUE",
        fascn=fascn(1),
        expires_on="2021-01-01",
    )
    migrated_cli("cms", "import", str(write_csv(tmp_path / "h.csv", [old])))

    card = json.loads(migrated_cli("credentials", "show", "P1", "--json").stdout)["credentials"][0]

    assert (card["status"], card["cms_status"]) == ("EXPIRED", "ACTIVE")


def test_unknown_person_exits_1(migrated_cli):
    result = migrated_cli("credentials", "show", "nobody")

    assert result.returncode == 1
    assert "no person" in result.stderr


def test_reports_list_and_show_give_every_row_as_json_and_csv(migrated_cli, tmp_path):
    bad = event("E3", "2026-01-03T09:00:00Z", "ACTIVE", credential_id="C2", fascn="12")
    run_id = json.loads(
        migrated_cli("cms", "import", str(history(tmp_path, bad)), "--json").stdout
    )["run_id"]

    runs = json.loads(migrated_cli("reports", "list", "--json").stdout)
    assert [run["run_id"] for run in runs] == [run_id]

    shown = json.loads(migrated_cli("reports", "show", str(run_id), "--json").stdout)
    assert shown["counts"]["rejected"] == 1
    assert shown["entries"][0]["column"] == "fascn"

    exported = migrated_cli("reports", "show", str(run_id), "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(row["line"], row["column"], row["level"]) for row in rows] == [("4", "fascn", "error")]

    text = migrated_cli("reports", "show", str(run_id)).stdout
    assert "history.csv:4: fascn:" in text


def test_reports_show_of_an_unknown_run_exits_2(migrated_cli):
    result = migrated_cli("reports", "show", "999")

    assert result.returncode == 2
    assert "no run 999" in result.stderr


def test_jsonl_format_is_chosen_by_extension_or_flag(migrated_cli, tmp_path):
    rows = [event("E1", "2026-01-01T09:00:00Z", "ACTIVE", event_type="ISSUE", fascn=fascn(1))]
    path = write_jsonl(tmp_path / "delta.txt", rows)

    result = migrated_cli("cms", "import", str(path), "--format", "jsonl")

    assert result.returncode == 0, result.stdout


def test_demo_imports_the_bundled_reports_and_shows_what_happened(cli):
    first = cli("demo")

    assert first.returncode == 0, first.stderr
    assert "Step 1: CredentialHistoryReportJobManager imports cms-history-1.csv" in first.stdout
    assert "PARTIAL" in first.stdout  # the demo file carries bad rows on purpose
    assert "REVOKED → ACTIVE" in first.stdout
    assert "Person P-1002  Grace Hopper" in first.stdout

    again = cli("demo")
    assert again.returncode == 0
    assert "imported 0" in again.stdout

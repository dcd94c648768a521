"""Plain-text rendering of reports and profiles for a terminal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

COUNT_ORDER = (
    "read",
    "imported",
    "rejected",
    "added",
    "updated",
    "disabled",
    "unchanged",
    "orphans",
    "errors",
    "warnings",
)


def print_run(
    summary: dict[str, Any],
    entries: Iterable[dict[str, Any]],
    *,
    truncated: bool,
    relying_parties: Iterable[dict[str, Any]] = (),
) -> None:
    print(f"Run {summary['run_id']}  {summary['job']}  {summary['status'].upper()}")
    print(f"  started {summary['started_at']} by {summary['actor']} ({summary['trigger']})")
    if summary["source"]:
        print(f"  source  {summary['source']}")
    counts = summary["counts"]
    if counts:
        ordered = [key for key in COUNT_ORDER if key in counts] + sorted(
            set(counts) - set(COUNT_ORDER)
        )
        print("  " + ", ".join(f"{key} {counts[key]:,}" for key in ordered))
    if summary["message"] and (not counts or summary["status"] in ("failed", "stopped")):
        print(f"  {summary['message']}")
    for party in relying_parties:
        print(f"  {party['name']}: {party['status'].upper()}: {party['message']}")
    for number, entry in enumerate(entries):
        if number == 0:
            print("  Report rows:")
        where = entry["source"] or ""
        if entry["line"]:
            where += f":{entry['line']}"
        if entry["column"]:
            where += f": {entry['column']}"
        value = f"  [{entry['value']}]" if entry["value"] else ""
        prefix = f"{where}: " if where else ""
        print(f"    {entry['level'].upper():7} {prefix}{entry['message']}{value}")
    if truncated:
        print(f"    ... see every row with `idms reports show {summary['run_id']}`")


def print_runs(runs: list[dict[str, Any]]) -> None:
    if not runs:
        print("No runs yet.")
        return
    print(f"{'RUN':>5}  {'JOB':34} {'STATUS':10} {'STARTED':25} SOURCE / RESULT")
    for run in runs:
        detail = run["source"] or ""
        if run["message"]:
            detail = f"{detail}: {run['message']}" if detail else run["message"]
        started = run["started_at"][:19]
        print(f"{run['run_id']:>5}  {run['job']:34} {run['status']:10} {started:25} {detail}")


def print_profile(profile: dict[str, Any]) -> None:
    name = " ".join(part for part in (profile["given_name"], profile["family_name"]) if part)
    print(f"Person {profile['person_id']}  {name}".rstrip())
    for label in ("email", "organization"):
        if profile[label]:
            print(f"  {label}: {profile[label]}")
    if not profile["credentials"]:
        print("  no credentials")
    for cred in profile["credentials"]:
        status = cred["status"]
        if status != cred["cms_status"]:
            status += f" (CMS says {cred['cms_status']})"
        expires = f"  expires {cred['expires_on']}" if cred["expires_on"] else ""
        print(
            f"\n  Credential {cred['credential_id']}  {cred['credential_type']}  {status}{expires}"
        )
        if cred["fascn"]:
            print(f"    FASC-N     {cred['fascn']}")
        if cred["card_uuid"]:
            print(f"    card UUID  {cred['card_uuid']}")
        if cred["cert_serial"]:
            print(
                f"    cert       serial {cred['cert_serial']} issuer {cred['cert_issuer'] or '?'}"
            )
        print("    History:")
        for event in cred["history"]:
            reason = f"  ({event['reason']})" if event["reason"] else ""
            print(
                f"      {event['event_time'][:19]}  {event['event_type']:11} -> "
                f"{event['status']:13} {event['source']}{reason}"
            )
    print_relying_party_states(profile.get("relying_parties", []))


def _attributes(values: dict[str, Any] | None) -> str:
    if not values:
        return "-"
    return ", ".join(f"{name}={value}" for name, value in values.items())


def print_outcomes(outcomes: Iterable[dict[str, Any]]) -> None:
    """One block per action: relying party, action, person, what changed, error."""
    for number, row in enumerate(outcomes):
        if number == 0:
            print("  Outcomes:")
        adopted = " (adopted)" if row["adopted"] else ""
        status = row["status"].upper() if row["status"] == "failed" else row["status"]
        print(
            f"    {row['relying_party']}  {row['action'].upper():7} {row['key']}  {status}{adopted}"
        )
        if row["action"] == "orphan":
            print(f"        holds   {_attributes(row['before'])}")
        else:
            before = row["before"] or {}
            changes = {
                name: f"{before.get(name)} -> {value}" if row["before"] else value
                for name, value in (row["changes"] or {}).items()
            }
            print(f"        change  {_attributes(changes)}")
        if row["error"]:
            print(f"        error   {row['error']}")


def print_relying_party_states(states: list[dict[str, Any]]) -> None:
    if not states:
        return
    print("\n  Relying parties:")
    for state in states:
        if state["account_id"] is None:
            print(f"    {state['relying_party']:20} no account known")
            continue
        active = "active" if state["active"] else "INACTIVE"
        print(
            f"    {state['relying_party']:20} account {state['account_id']}  {active}  "
            f"(as of {state['updated_at'][:19]})"
        )

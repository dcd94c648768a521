"""Plain-text rendering of reports and profiles for a terminal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

COUNT_ORDER = ("read", "imported", "unchanged", "rejected", "warnings")


def print_run(
    summary: dict[str, Any], entries: Iterable[dict[str, Any]], *, truncated: bool
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

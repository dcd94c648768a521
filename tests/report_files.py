"""Writing CMS report files for tests."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

COLUMNS = (
    "event_id",
    "event_time",
    "event_type",
    "status",
    "person_id",
    "credential_id",
    "given_name",
    "family_name",
    "email",
    "organization",
    "credential_type",
    "fascn",
    "card_uuid",
    "expires_on",
    "cert_serial",
    "cert_issuer",
    "reason",
)


# Valid 32-digit FASC-Ns (OC 1, POA 1) that differ in the credential number.
def fascn(number: int) -> str:
    return f"14000001{number:06d}01{1000000000 + number:010d}114001"


PIV_I_FASCN = "99999999999999011000000004300001"


def event(event_id: str, time: str, status: str, **fields: str) -> dict[str, str]:
    """A report row with sensible defaults: person P1, credential C1, a PIV card."""
    row = {
        "event_id": event_id,
        "event_time": time,
        "event_type": fields.pop("event_type", "UPDATE"),
        "status": status,
        "person_id": fields.pop("person_id", "P1"),
        "credential_id": fields.pop("credential_id", "C1"),
    }
    row.update(fields)
    return row


def write_csv(
    path: Path, rows: Sequence[Mapping[str, str]], columns: Sequence[str] = COLUMNS
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def write_jsonl(path: Path, rows: Sequence[Mapping[str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(dict(row)) + "\n")
    return path

"""Benchmark: import of a generated CMS credential history report, SQLite and PostgreSQL.

Prints wall time, events per second and peak memory (max RSS of the importing process) for each
size and database. Each import runs as `idms cms import` in its own process, on a fresh database,
exactly as a user would run it.

    python bench/history_import.py          # 100,000 and 1,000,000 events, both databases
    python bench/history_import.py --events 100000 --db sqlite
    IDMS_BENCH_POSTGRES_URL=postgresql://user:pw@127.0.0.1:5432/postgres \
        python bench/history_import.py
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

IDMS = str(Path(sys.executable).parent / "idms")
COLUMNS = [
    "event_id", "event_time", "event_type", "status", "person_id", "credential_id", "given_name",
    "family_name", "email", "organization", "credential_type", "fascn", "card_uuid", "expires_on",
    "cert_serial", "cert_issuer", "reason",
]  # fmt: skip
ISSUER = "CN=Agency PIV CA,O=U.S. Government,C=US"


def _card_events(rng: random.Random, replaced: bool) -> list[tuple[str, str, str]]:
    """(event_type, status, reason) of one card's life; a replaced card ends lost and revoked."""
    events = [("ISSUE", "ISSUED", ""), ("ACTIVATE", "ACTIVE", "")]
    if rng.random() < 0.5:
        events.append(("CERT_UPDATE", "ACTIVE", ""))
    if replaced:
        events.append(("REVOKE", "REVOKED", "LOST"))
    elif rng.random() < 0.05:
        events.append(("SUSPEND", "SUSPENDED", "ADMIN_SUSPEND"))
    return events


def generate(path: Path, events: int, seed: int = 7) -> None:
    """One card per person, one person in ten with a lost card replaced; 1% of the lines come
    later in the file than their time (as late CMS exports do)."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    written = 0
    card = 0
    person = 0
    pending: list[list[str]] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        while written < events:
            person += 1
            replaced = rng.random() < 0.1
            moment = start + timedelta(minutes=person * 3)
            for life in [True, False] if replaced else [False]:
                card += 1
                cred = f"C{card:08d}"
                serial = card % 1_000_000
                fascn = f"14000001{serial:06d}01{1_000_000_000 + serial:010d}114001"
                card_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                for number, (event_type, status, reason) in enumerate(_card_events(rng, life)):
                    if written >= events:
                        break
                    written += 1
                    moment += timedelta(hours=rng.randint(1, 500))
                    first = number == 0
                    row = [
                        f"EV{written:010d}", moment.isoformat().replace("+00:00", "Z"),
                        "REISSUE" if first and card > 1 and not life and replaced else event_type,
                        status, f"P{person:08d}", cred,
                        "Given" if first else "", f"Family{person}" if first else "",
                        f"person{person}@agency.example" if first else "",
                        "Agency" if first else "", "PIV" if first else "",
                        fascn if first else "", card_uuid if first else "",
                        "2032-01-01" if first else "",
                        f"{card:08x}{number}" if event_type in ("ISSUE", "CERT_UPDATE") else "",
                        ISSUER if first else "", reason,
                    ]  # fmt: skip
                    if rng.random() < 0.01:
                        pending.append(row)
                    else:
                        out.writerow(row)
                    if len(pending) > 50:
                        out.writerows(pending)
                        pending.clear()
        out.writerows(pending)


def measure(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB, exit status of one child process."""
    began = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - began
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def postgres_database(base_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + f"/{name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--db", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"]
    )
    args = parser.parse_args()
    pg_base = os.environ.get(
        "IDMS_BENCH_POSTGRES_URL", "postgresql://idms_test:idms_test@127.0.0.1:5432/postgres"
    )
    print(f"{'events':>10} {'database':9} {'wall s':>8} {'events/s':>9} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory(prefix="idms-bench-") as scratch:
        for count in args.events:
            report = Path(scratch) / f"history-{count}.csv"
            generate(report, count)
            for database in args.db:
                if database == "sqlite":
                    url = f"sqlite:///{scratch}/bench-{count}.sqlite3"
                else:
                    url = postgres_database(pg_base, f"idms_bench_{count}")
                env = {**os.environ, "IDMS_DATABASE_URL": url}
                subprocess.run([IDMS, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
                wall, peak, code = measure([IDMS, "cms", "import", str(report)], env)
                if code != 0:
                    print(f"import exited {code}", file=sys.stderr)
                print(
                    f"{count:>10,} {database:9} {wall:8.1f} {count / wall:9,.0f} {peak:9.0f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())

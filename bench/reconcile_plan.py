"""Benchmark: from the credential store to the finished reconciliation plan.

N people (one ACTIVE PIV card each) in the store, N accounts on the relying party (an in-memory
list, so only idms is measured) with 1% drift: 0.4% changed names, 0.2% missing (adds), 0.2%
people whose card was revoked (disables), 0.2% accounts nobody knows (orphans). Measured: the
wall time of holders -> projection -> plan, and the peak RSS of the process (which includes the
N accounts held as input).

    python bench/reconcile_plan.py                   # N = 100,000 and 1,000,000, SQLite
    python bench/reconcile_plan.py --n 100000 --database-url postgresql://...
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def build_store(n: int, path: Path) -> None:
    """A report with one ISSUE (ACTIVE) per person, and a REVOKE for 0.2% of them."""
    with path.open("w", encoding="utf-8") as out:
        out.write("event_id,event_time,event_type,status,person_id,credential_id,given_name,")
        out.write("family_name,email,fascn,expires_on\n")
        for i in range(n):
            fascn = f"14000001{i % 1_000_000:06d}01{1_000_000_000 + i:010d}114001"
            out.write(
                f"I{i},2026-01-01T00:00:00Z,ISSUE,ACTIVE,P{i:08d},C{i:08d},Given{i},Family{i},"
                f"p{i}@agency.example,{fascn},2032-01-01\n"
            )
            if i % 500 == 1:
                out.write(f"R{i},2026-02-01T00:00:00Z,REVOKE,REVOKED,P{i:08d},C{i:08d},,,,,\n")


def accounts(n: int) -> list[object]:
    from idms.connectors.base import (
        ACTIVE,
        EMAIL,
        FAMILY_NAME,
        GIVEN_NAME,
        USER_NAME,
        Account,
    )

    held = []
    for i in range(n):
        if i % 500 == 3:
            continue  # missing: an add
        key = f"P{i:08d}" if i % 500 != 7 else f"X{i:08d}"  # 0.2% orphans
        family = f"Family{i}" if i % 250 != 5 else f"Old{i}"  # 0.4% drift
        held.append(
            Account(
                rp_id=f"rp-{i}",
                key=key,
                alt_key=f"p{i}@agency.example",
                attributes={
                    USER_NAME: f"p{i}@agency.example",
                    GIVEN_NAME: f"Given{i}",
                    FAMILY_NAME: family,
                    EMAIL: f"p{i}@agency.example",
                    ACTIVE: True,
                },
            )
        )
    return held


def measure(n: int) -> dict[str, object]:
    """Runs in a child process with IDMS_DATABASE_URL already migrated and imported."""
    from idms.web import bootstrap

    bootstrap.setup()
    from idms.engine.plan import plan
    from idms.engine.projection import AutomationRule, project
    from idms.web.relying_parties.store import holders

    actual = accounts(n)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began = time.perf_counter()
    result = plan(project(holders(), [AutomationRule()], date(2026, 12, 4)), actual)
    elapsed = time.perf_counter() - began
    return {
        "n": n,
        "seconds": elapsed,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_plan_mib": rss_before,
        "counts": result.counts,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database-url", help="default: a fresh SQLite file per N")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return 0
    idms = str(Path(sys.executable).parent / "idms")
    print(f"{'N':>10} {'store->plan s':>14} {'peak MiB':>9}  plan counts")
    with tempfile.TemporaryDirectory(prefix="idms-bench-") as scratch:
        for n in args.n:
            url = args.database_url or f"sqlite:///{scratch}/plan-{n}.sqlite3"
            env = {**os.environ, "IDMS_DATABASE_URL": url}
            report = Path(scratch) / f"store-{n}.csv"
            build_store(n, report)
            subprocess.run([idms, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
            subprocess.run(
                [idms, "cms", "import", str(report)], env=env, check=True, stdout=subprocess.DEVNULL
            )
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(n)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            figures = json.loads(child.stdout)
            print(
                f"{n:>10,} {figures['seconds']:14.1f} {figures['peak_mib']:9.0f}  "
                f"{figures['counts']}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

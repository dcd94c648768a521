"""Benchmark: apply of N SCIM adds by idms next to a plain httpx client (issue 3, benchmark b).

Every method of every round runs against a fresh, empty scim2-server (in memory, on 127.0.0.1):

    idms          list(apply_plan(plan, ScimConnector(...), concurrency=C))
    plain         the same POST /Users requests from httpx.Client in a pool of C threads
    idms-bulk     ScimConnector.apply_many over the same adds (its own chunks, sent one by one)
    plain-bulk    the same POST /Bulk requests from httpx.Client, one by one, as apply_many does

The plain requests are byte-for-byte those idms sends: bodies from the connector's own mapping
(``mapping.to_user``), serialised as the connector does, with the same headers; they are built
before the clock starts, so the plain client only sends and checks the status. The plan
(``plan(expected, [])``, all adds) is computed before the clock starts too. Target: idms at
>= 0.8 of the plain client's rate, per request and in bulk.

    python bench/scim_apply.py                          # 20,000 accounts, C=4, 3 rounds, bulk
    python bench/scim_apply.py --accounts 500 --rounds 1 --no-bulk
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from idms.connectors.base import (
    ACTIVE,
    EMAIL,
    FAMILY_NAME,
    GIVEN_NAME,
    USER_NAME,
    Action,
    ActionKind,
    ExpectedAccount,
    OutcomeStatus,
)
from idms.connectors.scim import (
    ScimConfig,
    ScimConnector,
    ServiceFeatures,
    mapping,
    start_scim_server,
)
from idms.connectors.scim.connector import (
    BULK_CEILING,
    BULK_PAYLOAD_SHARE,
    BULK_REQUEST_SCHEMA,
    SCIM_JSON,
)
from idms.engine.apply import apply_plan
from idms.engine.plan import Plan, plan

HEADERS = {"Accept": SCIM_JSON, "Content-Type": SCIM_JSON}  # what the connector sends
TARGET = 0.8
TIMEOUT = 30.0


class BenchError(RuntimeError):
    """A method did not do all its work; its timing would mean nothing."""


def expected_accounts(count: int) -> list[ExpectedAccount]:
    return [
        ExpectedAccount(
            key=f"P{number:08d}",
            attributes={
                USER_NAME: f"user{number}",
                GIVEN_NAME: f"Given{number}",
                FAMILY_NAME: f"Family{number}",
                EMAIL: f"user{number}@agency.example",
                ACTIVE: True,
            },
        )
        for number in range(1, count + 1)
    ]


def user_bodies(adds: Sequence[Action]) -> list[bytes]:
    """The POST /Users bodies, exactly as ScimConnector serialises them."""
    return [json.dumps(mapping.to_user(a.key, a.after or {})).encode() for a in adds]


def bulk_bodies(adds: Sequence[Action], features: ServiceFeatures) -> list[tuple[int, bytes]]:
    """(operations, body) of the /Bulk requests apply_many sends for ``adds``, by its rules."""
    max_operations = min(features.bulk_max_operations, BULK_CEILING)
    max_bytes = int(features.bulk_max_payload * BULK_PAYLOAD_SHARE) or None
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 0
    for index, action in enumerate(adds):
        operation = {
            "method": "POST",
            "path": "/Users",
            "bulkId": f"idms-{index}",
            "data": mapping.to_user(action.key, action.after or {}),
        }
        length = len(json.dumps(operation)) + 2
        sent = len(chunks[-1])
        if sent and (sent >= max_operations or (max_bytes and size + length > max_bytes)):
            chunks.append([])
            size = 0
        chunks[-1].append(operation)
        size += length
    return [
        (len(ops), json.dumps({"schemas": [BULK_REQUEST_SCHEMA], "Operations": ops}).encode())
        for ops in chunks
        if ops
    ]


def count_users(url: str) -> int:
    response = httpx.get(f"{url}/Users", params={"count": 0}, headers=HEADERS, timeout=TIMEOUT)
    response.raise_for_status()
    total: int = response.json()["totalResults"]
    return total


# -- the methods: each returns the number of HTTP requests it sent ----------------------------


def run_idms(url: str, the_plan: Plan, concurrency: int) -> int:
    with ScimConnector(ScimConfig(url, timeout=TIMEOUT)) as connector:
        outcomes = list(apply_plan(the_plan, connector, concurrency=concurrency))
    applied = sum(o.status is OutcomeStatus.APPLIED for o in outcomes)
    if applied != len(the_plan.actions):
        failed = next((o.error for o in outcomes if o.status is not OutcomeStatus.APPLIED), "")
        raise BenchError(f"idms applied {applied} of {len(the_plan.actions)}: {failed}")
    return applied


def run_plain(url: str, bodies: Sequence[bytes], concurrency: int) -> int:
    with httpx.Client(timeout=TIMEOUT) as client:

        def post(body: bytes) -> int:
            return client.post(f"{url}/Users", content=body, headers=HEADERS).status_code

        with ThreadPoolExecutor(concurrency) as pool:
            statuses = list(pool.map(post, bodies))
    created = statuses.count(201)
    if created != len(bodies):
        raise BenchError(f"plain client: {created} of {len(bodies)} answered 201")
    return len(bodies)


def run_idms_bulk(url: str, adds: Sequence[Action]) -> int:
    requests = 0

    def count(request: httpx.Request) -> None:
        nonlocal requests
        requests += request.url.path.endswith("/Bulk")

    client = httpx.Client(timeout=TIMEOUT, event_hooks={"request": [count]})
    with client, ScimConnector(ScimConfig(url, timeout=TIMEOUT), client=client) as connector:
        outcomes = connector.apply_many(adds)
    applied = sum(o.status is OutcomeStatus.APPLIED for o in outcomes)
    if applied != len(adds):
        failed = next((o.error for o in outcomes if o.status is not OutcomeStatus.APPLIED), "")
        raise BenchError(f"idms bulk applied {applied} of {len(adds)}: {failed}")
    return requests


def run_plain_bulk(url: str, bodies: Sequence[tuple[int, bytes]]) -> int:
    with httpx.Client(timeout=TIMEOUT) as client:
        for operations, body in bodies:
            response = client.post(f"{url}/Bulk", content=body, headers=HEADERS)
            results = (response.json().get("Operations") or []) if response.is_success else []
            created = sum(str(r.get("status", "")).startswith("201") for r in results)
            if created != operations:
                raise BenchError(f"plain bulk: {created} of {operations} created")
    return len(bodies)


def timed(method: Callable[[str], int], count: int) -> tuple[float, int]:
    """Seconds and HTTP requests of ``method`` on a fresh server, which then holds ``count``."""
    server = start_scim_server()
    try:
        began = time.perf_counter()
        requests = method(server.base_url)
        elapsed = time.perf_counter() - began
        held = count_users(server.base_url)
        if held != count:
            raise BenchError(f"the server holds {held} users, not {count}")
        return elapsed, requests
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bulk", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    count, concurrency = args.accounts, args.concurrency

    the_plan = plan(expected_accounts(count), [])
    adds = [a for a in the_plan.actions if a.kind is ActionKind.ADD]
    assert len(adds) == len(the_plan.actions) == count
    bodies = user_bodies(adds)
    methods: dict[str, Callable[[str], int]] = {
        "idms": lambda url: run_idms(url, the_plan, concurrency),
        "plain": lambda url: run_plain(url, bodies, concurrency),
    }
    if args.bulk:
        with start_scim_server() as server:  # what apply_many will learn from the server
            answer = httpx.get(f"{server.base_url}/ServiceProviderConfig", timeout=TIMEOUT)
            features = ServiceFeatures.parse(answer.json())
        batches = bulk_bodies(adds, features)
        methods["idms-bulk"] = lambda url: run_idms_bulk(url, adds)
        methods["plain-bulk"] = lambda url: run_plain_bulk(url, batches)

    print(f"{count:,} adds, concurrency {concurrency} (bulk: one request at a time, both)")
    print(f"{'method':11} {'round':>5} {'seconds':>8} {'requests':>8} {'req/s':>8} {'adds/s':>8}")
    rates: dict[str, list[float]] = {name: [] for name in methods}
    for round_number in range(1, args.rounds + 1):
        for name, method in methods.items():
            seconds, requests = timed(method, count)
            rates[name].append(count / seconds)
            print(
                f"{name:11} {round_number:>5} {seconds:8.2f} {requests:>8,} "
                f"{requests / seconds:8,.0f} {count / seconds:8,.0f}",
                flush=True,
            )

    print(
        "median adds/s: " + ", ".join(f"{n} {statistics.median(r):,.0f}" for n, r in rates.items())
    )
    pairs = [("per request", "idms", "plain"), ("bulk", "idms-bulk", "plain-bulk")]
    for label, ours, theirs in pairs:
        if ours in rates:
            ratio = statistics.median(rates[ours]) / statistics.median(rates[theirs])
            verdict = "met" if ratio >= TARGET else "NOT met"
            print(f"ratio {ours}/{theirs} ({label}): {ratio:.2f}  target >= {TARGET}: {verdict}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)

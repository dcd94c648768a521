"""Apply a plan to a relying party: phases, bounded concurrency, retries, typed failures.

``apply_plan`` yields exactly one ``Outcome`` per action of the plan, whatever happens.

Order
    Every DISABLE first, then every UPDATE, then every ADD: a revoked card must lose access before
    anything else happens. Each phase finishes before the next starts; within a phase outcomes
    come in the order actions finish. Orphans come last, as REPORTED, and never reach the target.
Concurrency
    At most ``concurrency`` actions are in flight, and no more are submitted than can run: memory
    stays bounded however long the plan.
Errors (``idms.connectors.errors``)
    TransientError      retried after ``base_delay * 2**n`` seconds (capped at ``max_delay``) up
                        to ``attempts`` attempts in all; then FAILED, with ``attempts`` set.
    unreachable         after ``unreachable_after`` actions in a row have spent all their retries
                        on transient errors, every remaining action, in every phase, is FAILED
                        "not attempted: the relying party is unreachable (<last error>)" without
                        calling the target. While failures are piling up no more actions are
                        started than could complete the streak, so a dead relying party costs
                        exactly ``unreachable_after`` actions' worth of retries.
    NotFoundError       UPDATE whose ``after`` is active: the account is re-created (an ADD built
                        from ``after``) and the outcome of that is reported for the UPDATE.
                        DISABLE, or UPDATE of an inactive account: the account is gone, which is
                        all a disable wants: APPLIED.
    InvalidValueError,
    ConflictError       FAILED with the error's sentence; the run goes on.
    StopError           this action FAILED with the reason; every remaining action FAILED
                        "not attempted: <reason>"; the target is not called again.
    anything else       (a connector bug) FAILED "unexpected error ..."; the run goes on.
Dry run
    Every action PLANNED (orphans REPORTED, as always); the target is never called.

``attempts`` on an outcome counts the calls made for it: 0 when the target was not called.
Bulk
    When the target has ``Capability.BULK``, the adds go in chunks of ``BULK_CHUNK`` through
    ``apply_many`` (one request per chunk, chunks in flight up to ``concurrency``), with the same
    retries; a chunk whose request fails for good counts each of its adds as failed. Disables
    and updates stay one request each, so each gets its own retries and outcome at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Final, cast

from idms.connectors.base import (
    ACTIVE,
    Action,
    ActionKind,
    BulkTargetConnector,
    Capability,
    Outcome,
    OutcomeStatus,
    TargetConnector,
)
from idms.connectors.errors import (
    ConnectorError,
    NotFoundError,
    StopError,
    TransientError,
)
from idms.engine.plan import Plan, is_active

PHASES: Final = (ActionKind.DISABLE, ActionKind.UPDATE, ActionKind.ADD)
BULK_CHUNK: Final = 200


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: ``attempts`` calls per action in all; ``unreachable_after`` actions in a
    row failing transiently mean the relying party is unreachable."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 10.0
    unreachable_after: int = 5

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.unreachable_after < 1:
            raise ValueError("attempts and unreachable_after must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("delays cannot be negative")

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first retry)."""
        return float(min(self.max_delay, self.base_delay * 2**retry))


DEFAULT_RETRY: Final = RetryPolicy()


class _Halt:
    """The reason the target must not be called again, shared with the worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reason: str | None = None

    @property
    def reason(self) -> str | None:
        return self._reason

    def trip(self, reason: str) -> None:
        with self._lock:
            if self._reason is None:  # the first reason is the one that explains the rest
                self._reason = reason


@dataclass(frozen=True, slots=True)
class _Result:
    """An outcome and what it says about the relying party."""

    outcome: Outcome
    transient: str | None = None  # the last transient error, when all retries were spent
    reachable: bool = True  # False when the target was not asked or did not answer
    not_found: bool = False


def _not_attempted(action: Action, reason: str) -> Outcome:
    return _failed(action, f"not attempted: {reason}", 0)


def _failed(action: Action, error: str, attempts: int) -> Outcome:
    return Outcome(action, OutcomeStatus.FAILED, error=error, attempts=attempts)


class _Attempt:
    """One action, sent to the target with retries (runs in a worker thread)."""

    def __init__(
        self,
        target: TargetConnector,
        retry: RetryPolicy,
        sleep: Callable[[float], None],
        halt: _Halt,
    ) -> None:
        self.target = target
        self.retry = retry
        self.sleep = sleep
        self.halt = halt

    def __call__(self, action: Action) -> _Result:
        result = self._send(action, action, calls_before=0)
        if not result.not_found:
            return result
        attempts = result.outcome.attempts
        if action.kind is ActionKind.UPDATE and is_active((action.after or {}).get(ACTIVE)):
            after = dict(action.after or {})
            recreate = Action(ActionKind.ADD, action.key, None, None, after, after)
            result = self._send(recreate, action, calls_before=attempts)
            if not result.not_found:
                return result
            return replace(result, not_found=False)  # an add cannot find nothing; keep FAILED
        if action.kind in (ActionKind.DISABLE, ActionKind.UPDATE):
            # Gone is what a disable wants: the account can no longer be used.
            return _Result(
                Outcome(action, OutcomeStatus.APPLIED, rp_id=action.rp_id, attempts=attempts)
            )
        return replace(result, not_found=False)

    def many(self, actions: list[Action]) -> list[_Result]:
        """Send ``actions`` (adds) as one bulk request, retried like a single action."""
        target = cast(BulkTargetConnector, self.target)
        calls = 0
        last = ""
        for retry in range(self.retry.attempts):
            reason = self.halt.reason
            if reason is not None:
                error = f"not attempted: {reason}" if not last else f"{last} (stopped: {reason})"
                return [_Result(_failed(a, error, calls), reachable=False) for a in actions]
            if retry:
                self.sleep(self.retry.delay(retry - 1))
            calls += 1
            try:
                outcomes = target.apply_many(actions)
            except TransientError as e:
                last = str(e)
                continue
            except StopError as e:
                self.halt.trip(str(e))
                return [_Result(_failed(a, str(e), calls), reachable=False) for a in actions]
            except ConnectorError as e:
                return [_Result(_failed(a, str(e), calls)) for a in actions]
            except Exception as e:
                error = f"unexpected error: {type(e).__name__}: {e}"
                return [_Result(_failed(a, error, calls)) for a in actions]
            return [_Result(replace(outcome, attempts=calls)) for outcome in outcomes]
        error = f"{last} (gave up after {calls} attempts)"
        return [_Result(_failed(a, error, calls), transient=last, reachable=False) for a in actions]

    def _send(self, send: Action, report: Action, *, calls_before: int) -> _Result:
        """Call the target with ``send`` until it answers; the outcome is for ``report``."""
        calls = calls_before
        last = ""
        for retry in range(self.retry.attempts):
            reason = self.halt.reason
            if reason is not None:
                if not last:  # nothing sent in this round: say so
                    error = f"not attempted: {reason}"
                else:
                    error = f"{last} (stopped after {calls} attempts: {reason})"
                return _Result(_failed(report, error, calls), reachable=False)
            if retry:
                self.sleep(self.retry.delay(retry - 1))
            calls += 1
            try:
                outcome = self.target.apply(send)
            except TransientError as e:
                last = str(e)
                continue
            except NotFoundError as e:
                return _Result(_failed(report, str(e), calls), not_found=True)
            except StopError as e:
                self.halt.trip(str(e))
                return _Result(_failed(report, str(e), calls), reachable=False)
            except ConnectorError as e:
                return _Result(_failed(report, str(e), calls))
            except Exception as e:
                # A connector bug must not lose the outcome of this action or end the run.
                return _Result(_failed(report, f"unexpected error: {type(e).__name__}: {e}", calls))
            return _Result(replace(outcome, action=report, attempts=calls))
        error = f"{last} (gave up after {calls} attempts)"
        return _Result(_failed(report, error, calls), transient=last, reachable=False)


class _Run:
    """The state of one apply: the streak of transient failures and the halt reason."""

    def __init__(self, retry: RetryPolicy, halt: _Halt) -> None:
        self.retry = retry
        self.halt = halt
        self.streak = 0

    def settle_all(self, future: Future[list[_Result]]) -> Iterator[Outcome]:
        for result in future.result():
            yield self._settle(result)

    def settle(self, future: Future[_Result]) -> Outcome:
        return self._settle(future.result())

    def _settle(self, result: _Result) -> Outcome:
        if result.transient is not None:
            self.streak += 1
            if self.streak >= self.retry.unreachable_after:
                self.halt.trip(f"the relying party is unreachable ({result.transient})")
        elif result.reachable:
            self.streak = 0
        return result.outcome

    def must_wait(self, in_flight: int, concurrency: int) -> bool:
        """Whether to let an action finish before starting another."""
        if in_flight >= concurrency:
            return True
        # While every answer is a transient failure, start no more actions than could complete
        # the streak: a dead relying party then costs exactly ``unreachable_after`` actions.
        return self.streak > 0 and self.streak + in_flight >= self.retry.unreachable_after


def apply_plan(
    plan: Plan,
    target: TargetConnector,
    *,
    concurrency: int = 4,
    retry: RetryPolicy = DEFAULT_RETRY,
    sleep: Callable[[float], None] = time.sleep,
    dry_run: bool = False,
) -> Iterator[Outcome]:
    """Apply ``plan`` to ``target``, yielding one outcome per action (see the module docstring).

    Lazy: nothing happens until the outcomes are iterated. Closing the iterator early lets the
    actions in flight finish and starts no more.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    return _apply(plan, target, concurrency, retry, sleep, dry_run)


def _apply(
    plan: Plan,
    target: TargetConnector,
    concurrency: int,
    retry: RetryPolicy,
    sleep: Callable[[float], None],
    dry_run: bool,
) -> Iterator[Outcome]:
    if dry_run:
        for action in plan.actions:
            status = OutcomeStatus.PLANNED
            if action.kind is ActionKind.ORPHAN:
                status = OutcomeStatus.REPORTED
            yield Outcome(action, status, rp_id=action.rp_id, attempts=0)
        return

    halt = _Halt()
    run = _Run(retry, halt)
    attempt = _Attempt(target, retry, sleep, halt)
    with ThreadPoolExecutor(concurrency, thread_name_prefix="idms-apply") as pool:
        try:
            for phase in PHASES:
                if phase is ActionKind.ADD and _offers_bulk(target):
                    yield from _bulk_adds(plan, pool, attempt, run, concurrency)
                    continue
                in_flight: set[Future[_Result]] = set()
                for action in plan.actions:
                    if action.kind is not phase:
                        continue
                    while in_flight and run.must_wait(len(in_flight), concurrency):
                        done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                        for future in done:
                            yield run.settle(future)
                    reason = halt.reason
                    if reason is not None:
                        yield _not_attempted(action, reason)
                    else:
                        in_flight.add(pool.submit(attempt, action))
                while in_flight:
                    done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        yield run.settle(future)
        except BaseException:
            # Closed early (or broken): the actions in flight stop at their next retry, before
            # the pool waits for them.
            halt.trip("the run was cancelled")
            raise
    for action in plan.actions:
        if action.kind is ActionKind.ORPHAN:
            yield Outcome(action, OutcomeStatus.REPORTED, rp_id=action.rp_id, attempts=0)


def _bulk_adds(
    plan: Plan,
    pool: ThreadPoolExecutor,
    attempt: _Attempt,
    run: _Run,
    concurrency: int,
) -> Iterator[Outcome]:
    """The ADD phase in chunks through ``apply_many``, up to ``concurrency`` chunks in flight."""
    chunks = _chunks((a for a in plan.actions if a.kind is ActionKind.ADD), BULK_CHUNK)
    in_flight: set[Future[list[_Result]]] = set()
    for chunk in chunks:
        while len(in_flight) >= concurrency:
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                yield from run.settle_all(future)
        reason = run.halt.reason
        if reason is not None:
            yield from (_not_attempted(action, reason) for action in chunk)
        else:
            in_flight.add(pool.submit(attempt.many, chunk))
    while in_flight:
        done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
        for future in done:
            yield from run.settle_all(future)


def _chunks(actions: Iterable[Action], size: int) -> Iterator[list[Action]]:
    chunk: list[Action] = []
    for action in actions:
        chunk.append(action)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _offers_bulk(target: TargetConnector) -> bool:
    try:
        return Capability.BULK in target.capabilities
    except ConnectorError:
        return False  # cannot tell: one request per add works everywhere

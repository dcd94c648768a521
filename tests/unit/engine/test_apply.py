"""Behaviour of applying a plan to a relying party (an in-memory one, with a no-op sleep)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from account_values import attrs, expect
from idms.connectors.base import (
    ACTIVE,
    GIVEN_NAME,
    USER_NAME,
    Account,
    Action,
    ActionKind,
    Capability,
    ExpectedAccount,
    Outcome,
    OutcomeStatus,
)
from idms.connectors.errors import StopError, TransientError
from idms.connectors.memory import MemoryTarget
from idms.engine.apply import RetryPolicy, apply_plan
from idms.engine.plan import Plan, plan


def seeded(*numbers: int) -> MemoryTarget:
    return MemoryTarget([Account(f"rp{n}", f"p{n}", attrs(n)) for n in numbers])


class Sleeps:
    """An injected sleep that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.delays.append(seconds)


def run(the_plan: Plan, target: MemoryTarget, **kw: object) -> list[Outcome]:
    """Apply and check the one promise every run keeps: exactly one outcome per action."""
    kw.setdefault("sleep", Sleeps())
    outcomes = list(apply_plan(the_plan, target, **kw))  # type: ignore[arg-type]
    assert Counter(id(o.action) for o in outcomes) == Counter(id(a) for a in the_plan.actions)
    return outcomes


def mixed_plan(target: MemoryTarget) -> Plan:
    """3 disables (p1-p3), 3 updates (p4-p6), 4 adds (p7-p10) against ``target``."""
    expected = [expect(n, active=False) for n in (1, 2, 3)]
    expected += [expect(n, family_name="Changed") for n in (4, 5, 6)]
    expected += [expect(n) for n in (7, 8, 9, 10)]
    return plan(expected, target.read())


def test_disables_reach_the_target_before_updates_and_updates_before_adds():
    target = seeded(1, 2, 3, 4, 5, 6)
    the_plan = mixed_plan(target)

    outcomes = run(the_plan, target, concurrency=4)

    kinds = [action.kind for action in target.received]
    assert kinds == [ActionKind.DISABLE] * 3 + [ActionKind.UPDATE] * 3 + [ActionKind.ADD] * 4
    assert [o.action.kind for o in outcomes] == kinds
    assert all(o.status is OutcomeStatus.APPLIED for o in outcomes)


def test_orphans_are_reported_last_and_never_reach_the_target():
    target = seeded(1, 2)
    the_plan = plan([expect(1, family_name="Changed")], target.read())

    outcomes = run(the_plan, target)

    assert [(o.action.kind, o.status) for o in outcomes] == [
        (ActionKind.UPDATE, OutcomeStatus.APPLIED),
        (ActionKind.ORPHAN, OutcomeStatus.REPORTED),
    ]
    assert [a.kind for a in target.received] == [ActionKind.UPDATE]
    assert target.get("rp2") == Account("rp2", "p2", attrs(2), alt_key="user2", version="1")


class SlowTarget(MemoryTarget):
    """Takes a little real time per write, and notes how many writes overlap."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = 0
        self.max_in_flight = 0
        self._count_lock = threading.Lock()

    def apply(self, action: Action) -> Outcome:
        with self._count_lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(0.003)
            return super().apply(action)
        finally:
            with self._count_lock:
                self.in_flight -= 1


def test_no_more_than_the_concurrency_limit_is_ever_in_flight():
    target = SlowTarget()
    the_plan = plan([expect(n) for n in range(60)], [])

    outcomes = run(the_plan, target, concurrency=3)

    assert len(target) == 60
    assert all(o.status is OutcomeStatus.APPLIED for o in outcomes)
    assert 2 <= target.max_in_flight <= 3


def test_transient_error_is_retried_with_exponential_backoff_then_succeeds():
    target = MemoryTarget()
    target.fail_next(2, TransientError("the service is busy"))
    sleeps = Sleeps()

    (outcome,) = run(plan([expect(1)], []), target, sleep=sleeps)

    assert outcome.status is OutcomeStatus.APPLIED
    assert outcome.attempts == 3
    assert sleeps.delays == [0.5, 1.0]
    assert len(target) == 1


def test_transient_errors_past_the_last_attempt_fail_the_action_with_a_sentence():
    target = MemoryTarget()
    target.fail_next(4, TransientError("the service is busy"))
    sleeps = Sleeps()

    (outcome,) = run(plan([expect(1)], []), target, sleep=sleeps)

    assert outcome.status is OutcomeStatus.FAILED
    assert outcome.attempts == 4
    assert outcome.error == "the service is busy (gave up after 4 attempts)"
    assert sleeps.delays == [0.5, 1.0, 2.0]
    assert target.calls == 4


def test_backoff_is_capped_at_the_maximum_delay():
    target = MemoryTarget()
    target.fail_next(5, TransientError("busy"))
    sleeps = Sleeps()
    policy = RetryPolicy(attempts=6, base_delay=1.0, max_delay=5.0)

    (outcome,) = run(plan([expect(1)], []), target, retry=policy, sleep=sleeps)

    assert outcome.status is OutcomeStatus.APPLIED
    assert sleeps.delays == [1.0, 2.0, 4.0, 5.0, 5.0]


@pytest.mark.parametrize("concurrency", [1, 4, 8])
def test_unreachable_relying_party_costs_exactly_the_cut_off_and_the_rest_are_not_attempted(
    concurrency: int,
):
    target = seeded(1, 2, 3, 4, 5, 6)
    the_plan = mixed_plan(target)
    target.down = True
    calls_before = target.calls

    outcomes = run(the_plan, target, concurrency=concurrency)

    assert target.calls - calls_before <= 5 * 4
    attempted = [o for o in outcomes if o.attempts]
    skipped = [o for o in outcomes if not o.attempts]
    assert all(o.status is OutcomeStatus.FAILED for o in outcomes)
    if concurrency <= 5:
        assert target.calls - calls_before == 5 * 4
        assert len(attempted) == 5
        assert all(o.attempts == 4 for o in attempted)
    assert len(attempted) + len(skipped) == 10
    assert {o.action.kind for o in skipped} >= {ActionKind.ADD}
    for outcome in skipped:
        assert outcome.error is not None
        assert outcome.error.startswith("not attempted: the relying party is unreachable (")
        assert "does not answer" in outcome.error


class FlakyFor(MemoryTarget):
    """Down for some keys only."""

    def __init__(self, keys: set[str]) -> None:
        super().__init__()
        self.keys = keys

    def apply(self, action: Action) -> Outcome:
        if action.key in self.keys:
            with self._lock:
                self.calls += 1
            raise TransientError(f"timed out writing {action.key}")
        return super().apply(action)


def test_a_success_between_transient_failures_resets_the_unreachable_count():
    target = FlakyFor({"p1", "p3", "p5"})
    the_plan = plan([expect(n) for n in range(1, 7)], [])
    policy = RetryPolicy(attempts=2, unreachable_after=2)

    outcomes = run(the_plan, target, concurrency=1, retry=policy)

    statuses = {o.action.key: o.status for o in outcomes}
    assert [statuses[f"p{n}"] for n in range(1, 7)] == [
        OutcomeStatus.FAILED,
        OutcomeStatus.APPLIED,
    ] * 3
    assert all(o.attempts >= 1 for o in outcomes)


def test_stop_error_fails_this_and_every_remaining_action_without_calling_again():
    target = seeded(1, 2, 3, 4, 5, 6)
    the_plan = mixed_plan(target)
    target.fail_next(1, StopError("the relying party refused the access token"))
    calls_before = target.calls

    outcomes = run(the_plan, target, concurrency=1)

    assert target.calls - calls_before == 1
    assert outcomes[0].error == "the relying party refused the access token"
    assert outcomes[0].attempts == 1
    assert all(o.status is OutcomeStatus.FAILED for o in outcomes)
    for outcome in outcomes[1:]:
        assert outcome.error == "not attempted: the relying party refused the access token"
        assert outcome.attempts == 0


def test_refused_value_is_recorded_for_that_action_and_the_run_goes_on():
    target = MemoryTarget()
    target.refuse_value(GIVEN_NAME, "Zoë")
    the_plan = plan([expect(1), expect(2, given_name="Zoë"), expect(3)], [])

    outcomes = run(the_plan, target, concurrency=1)

    by_key = {o.action.key: o for o in outcomes}
    assert by_key["p2"].status is OutcomeStatus.FAILED
    assert by_key["p2"].error == "memory refused the value 'Zoë' for given_name"
    assert by_key["p1"].status is by_key["p3"].status is OutcomeStatus.APPLIED
    assert len(target) == 2


def test_conflict_is_recorded_and_the_run_goes_on():
    target = seeded(1)
    the_plan = plan([expect(2, user_name="USER1"), expect(3)], target.read())

    outcomes = run(the_plan, target)

    statuses = {o.action.key: o.status for o in outcomes}
    assert statuses == {
        "p2": OutcomeStatus.FAILED,
        "p3": OutcomeStatus.APPLIED,
        "p1": OutcomeStatus.REPORTED,
    }


def test_update_of_an_account_deleted_meanwhile_re_creates_it():
    target = seeded(1)
    the_plan = plan([expect(1, family_name="Changed")], target.read())
    target.remove("rp1")

    (outcome,) = run(the_plan, target)

    assert outcome.status is OutcomeStatus.APPLIED
    assert outcome.action is the_plan.actions[0]
    assert outcome.attempts == 2
    recreated = target.find("p1")
    assert recreated is not None
    assert outcome.rp_id == recreated.rp_id != "rp1"
    assert recreated.attributes == attrs(1, family_name="Changed")


def test_disable_of_an_account_deleted_meanwhile_counts_as_applied():
    target = seeded(1)
    the_plan = plan([expect(1, active=False)], target.read())
    target.remove("rp1")

    (outcome,) = run(the_plan, target)

    assert outcome.status is OutcomeStatus.APPLIED
    assert outcome.error is None
    assert len(target) == 0


def test_dry_run_plans_every_action_and_never_calls_the_target():
    target = seeded(1, 2, 3, 4, 5, 6, 99)
    the_plan = mixed_plan(target)
    calls_before = target.calls

    outcomes = run(the_plan, target, dry_run=True)

    assert target.calls == calls_before
    assert Counter(o.status for o in outcomes) == {
        OutcomeStatus.PLANNED: 10,
        OutcomeStatus.REPORTED: 1,
    }
    assert all(o.attempts == 0 for o in outcomes)


def test_closing_the_outcomes_early_starts_no_more_actions():
    target = MemoryTarget()
    the_plan = plan([expect(n) for n in range(10)], [])

    outcomes = apply_plan(the_plan, target, concurrency=1, sleep=Sleeps())
    next(outcomes)
    outcomes.close()  # type: ignore[attr-defined]

    assert len(target.received) == 1


def test_applying_the_same_plan_twice_then_planning_again_gives_no_actions():
    target = seeded(1, 2, 3, 4, 5, 6)
    expected = [expect(1, active=False), expect(4, family_name="Changed"), expect(7)]
    expected += [expect(n) for n in (2, 3, 5, 6)]
    the_plan = plan(expected, target.read())
    assert the_plan.counts == {"add": 1, "update": 1, "disable": 1, "unchanged": 4, "orphan": 0}

    run(the_plan, target)
    second = run(the_plan, target)
    replanned = plan(expected, target.read())

    assert all(o.status is OutcomeStatus.APPLIED for o in second)
    assert replanned.actions == []
    assert replanned.unchanged == 7
    assert len(target) == 7


def test_concurrency_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        apply_plan(plan([], []), MemoryTarget(), concurrency=0)


class _BulkMemoryTarget(MemoryTarget):
    """A memory relying party that also takes bulk requests, recording their sizes."""

    def __init__(self) -> None:
        super().__init__()
        self.bulk_sizes: list[int] = []

    @property
    def capabilities(self) -> frozenset[Capability]:
        return super().capabilities | {Capability.BULK}

    def apply_many(self, actions):
        self.bulk_sizes.append(len(actions))
        return [self.apply(action) for action in actions]


def test_adds_go_in_bulk_chunks_when_the_relying_party_offers_bulk():
    from idms.engine.apply import BULK_CHUNK

    target = _BulkMemoryTarget()
    expected = [ExpectedAccount(f"P{n}", {USER_NAME: f"u{n}", ACTIVE: True}) for n in range(450)]
    outcomes = list(apply_plan(plan(expected, []), target, concurrency=2))

    assert [o.status for o in outcomes] == [OutcomeStatus.APPLIED] * 450
    assert sorted(target.bulk_sizes) == sorted([BULK_CHUNK, BULK_CHUNK, 450 - 2 * BULK_CHUNK])
    assert len(target) == 450

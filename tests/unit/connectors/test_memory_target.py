"""Behaviour of the in-memory relying party used by tests and demos."""

from __future__ import annotations

import threading

import pytest

from account_values import attrs
from idms.connectors.base import (
    ACTIVE,
    EMAIL,
    FAMILY_NAME,
    GIVEN_NAME,
    USER_NAME,
    Account,
    Action,
    ActionKind,
    AttributeValue,
    Capability,
    HealthStatus,
    OutcomeStatus,
    TargetConnector,
)
from idms.connectors.errors import (
    ConflictError,
    InvalidValueError,
    NotFoundError,
    StopError,
    TransientError,
)
from idms.connectors.memory import MemoryTarget


def add(n: int = 1, **overrides: AttributeValue) -> Action:
    after = attrs(n, **overrides)
    return Action(ActionKind.ADD, f"p{n}", None, None, after, after)


def update(
    rp_id: str, key: str, changes: dict[str, AttributeValue], *, adopt: bool = False
) -> Action:
    return Action(ActionKind.UPDATE, key, rp_id, {}, {}, changes, adopt=adopt)


def disable(rp_id: str, key: str) -> Action:
    return Action(ActionKind.DISABLE, key, rp_id, {}, {}, {ACTIVE: False})


def test_memory_target_satisfies_the_target_connector_protocol():
    target: TargetConnector = MemoryTarget()

    assert Capability.READ in target.capabilities
    assert Capability.ETAG not in target.capabilities
    assert target.check().status is HealthStatus.OK


def test_add_creates_an_account_with_a_generated_id_read_back_with_its_key():
    target = MemoryTarget()

    outcome = target.apply(add(1))

    assert outcome.status is OutcomeStatus.APPLIED
    assert outcome.rp_id is not None
    (account,) = list(target.read())
    assert account.rp_id == outcome.rp_id
    assert account.key == "p1"
    assert account.alt_key == "user1"
    assert account.attributes == attrs(1)


def test_read_reports_every_managed_attribute_and_hides_extras():
    target = MemoryTarget([Account("x1", None, {USER_NAME: "a", "title": "Dr"})])

    (account,) = target.read()

    assert account.attributes == {
        USER_NAME: "a",
        GIVEN_NAME: None,
        FAMILY_NAME: None,
        EMAIL: None,
        ACTIVE: None,
    }


def test_applying_the_same_add_twice_leaves_one_account():
    target = MemoryTarget()

    first = target.apply(add(1))
    second = target.apply(add(1))

    assert first.rp_id == second.rp_id
    assert len(target) == 1


def test_user_name_taken_case_insensitively_is_a_conflict():
    target = MemoryTarget()
    target.apply(add(1))

    with pytest.raises(ConflictError, match="taken"):
        target.apply(add(2, user_name="USER1"))
    assert len(target) == 1


def test_update_sets_only_the_changes_and_bumps_the_version_once():
    target = MemoryTarget([Account("x1", "p1", attrs(1))])
    action = update("x1", "p1", {FAMILY_NAME: "Leigh"})

    target.apply(action)
    after_first = target.get("x1")
    target.apply(action)

    assert after_first is not None
    assert after_first.attributes == attrs(1, family_name="Leigh")
    assert target.get("x1") == after_first


def test_update_cannot_take_a_user_name_held_by_another_account():
    target = MemoryTarget([Account("x1", "p1", attrs(1)), Account("x2", "p2", attrs(2))])

    with pytest.raises(ConflictError):
        target.apply(update("x2", "p2", {USER_NAME: "User1"}))


def test_adopting_update_links_the_account_to_the_key():
    target = MemoryTarget([Account("x1", None, attrs(1))])

    target.apply(update("x1", "p1", {}, adopt=True))

    linked = target.find("p1")
    assert linked is not None
    assert linked.rp_id == "x1"


def test_disable_sets_active_false_whatever_the_changes_say():
    target = MemoryTarget([Account("x1", "p1", attrs(1))])

    target.apply(Action(ActionKind.DISABLE, "p1", "x1", {}, {}, {EMAIL: "gone@example.gov"}))

    account = target.get("x1")
    assert account is not None
    assert account.attributes[ACTIVE] is False
    assert account.attributes[EMAIL] == "gone@example.gov"


def test_changing_an_account_that_is_gone_raises_not_found():
    target = MemoryTarget([Account("x1", "p1", attrs(1))])
    target.remove("x1")

    with pytest.raises(NotFoundError):
        target.apply(disable("x1", "p1"))


def test_orphan_actions_are_refused_as_a_caller_bug():
    target = MemoryTarget()

    with pytest.raises(ValueError, match="never applied"):
        target.apply(Action(ActionKind.ORPHAN, "p1", "x1", {}, None, {}))


def test_fail_next_raises_the_given_error_n_times_then_works():
    target = MemoryTarget()
    target.fail_next(2, TransientError("busy"))

    for _ in range(2):
        with pytest.raises(TransientError, match="busy"):
            target.apply(add(1))
    target.apply(add(1))

    assert len(target) == 1
    assert target.calls == 3
    assert len(target.received) == 3


def test_refused_value_raises_invalid_value_and_changes_nothing():
    target = MemoryTarget()
    target.refuse_value(GIVEN_NAME, "Zoë")

    with pytest.raises(InvalidValueError, match="Zoë"):
        target.apply(add(1, given_name="Zoë"))
    assert len(target) == 0


def test_down_target_raises_transient_errors_and_reports_unreachable():
    target = MemoryTarget([Account("x1", "p1", attrs(1))])
    target.down = True

    with pytest.raises(TransientError):
        target.read()
    with pytest.raises(TransientError):
        target.apply(add(2))
    assert target.check().status is HealthStatus.UNREACHABLE
    assert target.calls == 3
    assert target.received == []


def test_injected_stop_error_is_raised_as_given():
    target = MemoryTarget()
    target.fail_next(1, StopError("the token was refused"))

    with pytest.raises(StopError, match="token"):
        target.apply(add(1))


def test_concurrent_adds_get_distinct_ids_and_are_all_kept():
    target = MemoryTarget()

    threads = [
        threading.Thread(target=lambda k=k: [target.apply(add(k * 100 + i)) for i in range(50)])
        for k in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    accounts = list(target.read())
    assert len(accounts) == 400
    assert len({a.rp_id for a in accounts}) == 400
    assert target.calls == 401

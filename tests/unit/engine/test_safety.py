"""Behaviour of the mass-disable guard."""

from __future__ import annotations

import pytest

from idms.connectors.base import ACTIVE, Action, ActionKind
from idms.engine.plan import Plan
from idms.engine.safety import check_safety


def plan_with(disables: int, accounts_read: int, *, updates: int = 0) -> Plan:
    actions = [
        Action(ActionKind.DISABLE, f"p{n}", f"rp{n}", {ACTIVE: True}, {ACTIVE: False}, {})
        for n in range(disables)
    ]
    actions += [Action(ActionKind.UPDATE, f"u{n}", f"ru{n}", {}, {}, {}) for n in range(updates)]
    return Plan(actions=actions, accounts_read=accounts_read)


def test_plan_disabling_more_than_the_threshold_stops_with_the_counts():
    verdict = check_safety(plan_with(812, 900))

    assert verdict.stop is True
    assert verdict.message == (
        "would disable 812 of 900 accounts (limit 45: 5% of 900, at least 10); "
        "run again with --allow-mass-change if this is intended"
    )


def test_plan_disabling_exactly_the_limit_goes_ahead():
    verdict = check_safety(plan_with(45, 900))

    assert verdict.stop is False
    assert verdict.limit == 45


def test_one_disable_over_the_limit_stops():
    assert check_safety(plan_with(46, 900)).stop is True


def test_plan_below_the_limit_goes_ahead_and_says_what_it_will_do():
    verdict = check_safety(plan_with(3, 900, updates=500))

    assert verdict.stop is False
    assert verdict.message.startswith("would disable 3 of 900 accounts")


def test_override_lets_a_mass_disable_go_ahead_and_says_so():
    verdict = check_safety(plan_with(812, 900), allow_mass_change=True)

    assert verdict.stop is False
    assert "would disable 812 of 900" in verdict.message
    assert "--allow-mass-change was given" in verdict.message


def test_tiny_relying_party_may_lose_up_to_ten_accounts():
    assert check_safety(plan_with(10, 12)).stop is False
    verdict = check_safety(plan_with(11, 12))
    assert verdict.stop is True
    assert "(limit 10: 5% of 12, at least 10)" in verdict.message


def test_relying_party_with_no_accounts_cannot_trip_the_guard_on_nothing():
    verdict = check_safety(plan_with(0, 0))

    assert verdict.stop is False
    assert verdict.limit == 10
    assert verdict.message.startswith("would disable 0 of 0 accounts")


def test_threshold_is_a_percentage_of_the_accounts_read_rounded_down():
    verdict = check_safety(plan_with(26, 1050), threshold_percent=2.5)

    assert verdict.limit == 26
    assert verdict.stop is False
    assert "2.5% of 1050" in verdict.message


def test_threshold_outside_zero_to_a_hundred_percent_is_refused():
    with pytest.raises(ValueError, match="between 0 and 100"):
        check_safety(plan_with(0, 10), threshold_percent=-1)

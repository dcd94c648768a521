"""Behaviour of the pure diff between expected and actual accounts."""

from __future__ import annotations

import pytest

from account_values import attrs, expect
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
    ExpectedAccount,
)
from idms.engine.plan import Plan, is_active, plan


def account(n: int = 1, *, key: str | None = "", **overrides: AttributeValue) -> Account:
    values = attrs(n, **overrides)
    user_name = values.get(USER_NAME)
    return Account(
        rp_id=f"rp{n}",
        key=f"p{n}" if key == "" else key,
        attributes=values,
        alt_key=user_name if isinstance(user_name, str) else None,
        version="v1",
    )


def only(result: Plan) -> Action:
    assert len(result.actions) == 1, result.actions
    return result.actions[0]


def test_active_expected_account_without_an_account_is_added_with_all_its_attributes():
    result = plan([expect(1)], [])

    action = only(result)
    assert action.kind is ActionKind.ADD
    assert action.key == "p1"
    assert action.rp_id is None
    assert action.before is None
    assert action.after == attrs(1)
    assert action.changes == action.after
    assert result.counts == {"add": 1, "update": 0, "disable": 0, "unchanged": 0, "orphan": 0}


def test_added_account_is_written_active_and_with_clean_values():
    result = plan([ExpectedAccount("p1", {USER_NAME: " user1 ", EMAIL: ""})], [])

    assert only(result).after == {USER_NAME: "user1", EMAIL: None, ACTIVE: True}


def test_inactive_expected_account_without_an_account_is_never_created_nor_counted():
    result = plan([expect(1, active=False)], [])

    assert result.actions == []
    assert result.counts == {"add": 0, "update": 0, "disable": 0, "unchanged": 0, "orphan": 0}


def test_matching_account_without_differences_is_counted_unchanged_and_not_written():
    result = plan([expect(1)], [account(1)])

    assert result.actions == []
    assert result.unchanged == 1
    assert result.accounts_read == 1


def test_update_carries_only_the_attributes_that_differ():
    result = plan([expect(1, family_name="Leigh")], [account(1)])

    action = only(result)
    assert action.kind is ActionKind.UPDATE
    assert action.rp_id == "rp1"
    assert action.version == "v1"
    assert action.changes == {FAMILY_NAME: "Leigh"}
    assert action.before == attrs(1)
    assert action.after == attrs(1, family_name="Leigh")
    assert action.adopt is False


def test_revoked_person_with_an_active_account_is_disabled_with_other_drift_included():
    result = plan([expect(1, active=False, email="new@example.gov")], [account(1)])

    action = only(result)
    assert action.kind is ActionKind.DISABLE
    assert action.changes == {ACTIVE: False, EMAIL: "new@example.gov"}
    assert result.disables == 1


def test_inactive_expected_account_already_disabled_is_unchanged():
    result = plan([expect(1, active=False)], [account(1, active=False)])

    assert result.actions == []
    assert result.unchanged == 1


def test_reenabling_an_inactive_account_is_an_update():
    result = plan([expect(1)], [account(1, active=False)])

    action = only(result)
    assert action.kind is ActionKind.UPDATE
    assert action.changes == {ACTIVE: True}
    assert result.counts["update"] == 1
    assert result.disables == 0


def test_user_name_and_email_differing_only_in_case_are_not_drift():
    result = plan([expect(1, user_name="User1", email="USER1@Example.GOV")], [account(1)])

    assert result.actions == []
    assert result.unchanged == 1


def test_given_name_differing_in_case_is_drift():
    result = plan([expect(1, given_name="ANN")], [account(1)])

    assert only(result).changes == {GIVEN_NAME: "ANN"}


def test_surrounding_spaces_and_empty_strings_are_not_drift():
    result = plan(
        [expect(1, given_name="  Ann ", email="")],
        [account(1, email=None)],
    )

    assert result.actions == []


def test_clearing_an_attribute_is_an_update_to_none():
    result = plan([expect(1, email=None)], [account(1)])

    assert only(result).changes == {EMAIL: None}


def test_attribute_the_expected_account_does_not_mention_is_left_alone():
    expected = ExpectedAccount("p1", {USER_NAME: "user1", ACTIVE: True})

    assert plan([expected], [account(1)]).actions == []


def test_missing_active_means_active_on_both_sides():
    expected = ExpectedAccount("p1", {USER_NAME: "user1"})

    assert plan([expected], [account(1, active=None)]).actions == []
    assert only(plan([expected], [account(1, active=False)])).changes == {ACTIVE: True}


def test_active_given_as_words_is_compared_as_a_bool():
    assert plan([expect(1, active="TRUE")], [account(1)]).actions == []
    assert only(plan([expect(1, active="false")], [account(1)])).kind is ActionKind.DISABLE


def test_active_that_is_not_a_yes_no_word_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="not a valid value for active"):
        is_active("maybe")


def test_attributes_outside_the_managed_set_are_never_compared():
    actual = Account("rp1", "p1", {**attrs(1), "title": "Dr"}, alt_key="user1")
    expected = ExpectedAccount("p1", {**attrs(1), "title": "Mx"})

    assert plan([expected], [actual]).actions == []


def test_only_the_managed_attributes_given_are_compared():
    expected = expect(1, given_name="Bob")

    result = plan([expected], [account(1)], managed=(USER_NAME, FAMILY_NAME, EMAIL, ACTIVE))

    assert result.actions == []
    assert result.unchanged == 1


def test_unlinked_account_with_the_same_user_name_is_adopted_even_without_other_changes():
    unlinked = account(1, key=None, user_name="USER1")

    action = only(plan([expect(1)], [unlinked]))
    assert action.kind is ActionKind.UPDATE
    assert action.adopt is True
    assert action.key == "p1"
    assert action.rp_id == "rp1"
    assert action.changes == {}


def test_adoption_carries_the_differing_attributes():
    unlinked = account(1, key=None, given_name="Anne")

    action = only(plan([expect(1)], [unlinked]))
    assert action.adopt is True
    assert action.changes == {GIVEN_NAME: "Ann"}


def test_unlinked_active_account_of_a_revoked_person_is_adopted_and_disabled():
    unlinked = account(1, key=None)

    action = only(plan([expect(1, active=False)], [unlinked]))
    assert action.kind is ActionKind.DISABLE
    assert action.adopt is True


def test_keyed_match_wins_over_adoption_and_the_unlinked_account_is_an_orphan():
    linked = account(1)
    unlinked = Account("rp9", None, attrs(1), alt_key="user1")

    result = plan([expect(1)], [unlinked, linked])

    assert result.unchanged == 1
    orphan = only(result)
    assert orphan.kind is ActionKind.ORPHAN
    assert orphan.rp_id == "rp9"


def test_accounts_nobody_expects_are_orphans_keyed_by_key_or_alt_key_or_id():
    keyed = account(1)
    unkeyed = account(2, key=None)
    bare = Account("rp3", None, {}, alt_key=None)

    result = plan([], [keyed, unkeyed, bare])

    assert {(a.kind, a.key, a.rp_id) for a in result.actions} == {
        (ActionKind.ORPHAN, "p1", "rp1"),
        (ActionKind.ORPHAN, "user2", "rp2"),
        (ActionKind.ORPHAN, "rp3", "rp3"),
    }
    for action in result.actions:
        assert action.after is None
        assert action.changes == {}
    assert result.actions[0].before == attrs(1)
    assert result.orphans == 3


def test_second_account_holding_the_same_key_is_an_orphan_with_a_warning():
    first = account(1)
    second = Account("rp2", "p1", attrs(1, family_name="Other"), alt_key="other")

    result = plan([expect(1)], [first, second])

    assert result.unchanged == 1
    orphan = only(result)
    assert orphan.kind is ActionKind.ORPHAN
    assert orphan.rp_id == "rp2"
    (warning,) = result.warnings
    assert warning.rp_id == "rp2"
    assert "rp1 holds already" in warning.message


def test_expected_key_seen_twice_is_planned_once_with_a_warning():
    result = plan([expect(1), expect(1, family_name="Twice")], [])

    assert only(result).kind is ActionKind.ADD
    assert "expected twice" in result.warnings[0].message


def test_counts_add_up_over_a_mixed_plan():
    expected = [expect(1), expect(2, family_name="New"), expect(3, active=False), expect(4)]
    actual = [account(1), account(2), account(3), account(5)]

    result = plan(iter(expected), iter(actual))

    assert result.counts == {"add": 1, "update": 1, "disable": 1, "unchanged": 1, "orphan": 1}
    assert result.accounts_read == 4

"""The contract every target connector passes, as a pytest base class.

Subclass ``TargetConnectorContract`` in a test module (name the subclass ``Test...``) and
override two fixtures:

- ``connector``: a fresh connector on an empty relying party, configured with a page size well
  below ``PAGING_ACCOUNTS`` so that reading has to page;
- ``seed``: a function that puts accounts on that relying party directly, bypassing the
  connector, and returns their relying-party ids in order. A seeded account carries the
  ``ExpectedAccount``'s key as its key and its attributes as given.

Override ``missing_rp_id`` when the target's ids have a fixed shape. Only pytest needs this
module; production code never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from idms.connectors.base import (
    ACTIVE,
    EMAIL,
    FAMILY_NAME,
    GIVEN_NAME,
    USER_NAME,
    Account,
    Action,
    ActionKind,
    Attributes,
    Capability,
    ExpectedAccount,
    HealthStatus,
    OutcomeStatus,
    TargetConnector,
)
from idms.connectors.errors import ConflictError, NotFoundError

Seed = Callable[[Sequence[ExpectedAccount]], list[str]]


def sample_account(number: int, **changes: str | bool | None) -> ExpectedAccount:
    """A complete, distinct account for the contract: key ``cms-000042``, user ``user000042``."""
    attributes: dict[str, str | bool | None] = {
        USER_NAME: f"user{number:06d}",
        GIVEN_NAME: f"Given{number}",
        FAMILY_NAME: f"Family{number}",
        EMAIL: f"user{number:06d}@agency.example",
        ACTIVE: True,
    }
    attributes.update(changes)
    return ExpectedAccount(key=f"cms-{number:06d}", attributes=attributes)


def add_action(expected: ExpectedAccount) -> Action:
    return Action(
        kind=ActionKind.ADD,
        key=expected.key,
        rp_id=None,
        before=None,
        after=expected.attributes,
        changes=expected.attributes,
    )


def change_action(kind: ActionKind, account: Account, changes: Attributes) -> Action:
    """An UPDATE or DISABLE of ``account`` (as read) setting ``changes``."""
    assert account.key is not None
    return Action(
        kind=kind,
        key=account.key,
        rp_id=account.rp_id,
        before=account.attributes,
        after={**account.attributes, **changes},
        changes=changes,
        version=account.version,
    )


def by_key(connector: TargetConnector) -> dict[str | None, Account]:
    accounts = list(connector.read())
    keys = [account.key for account in accounts]
    assert len(keys) == len(set(keys)), "an account was read twice or stored twice"
    return {account.key: account for account in accounts}


class TargetConnectorContract:
    """What every relying-party connector must do; see the module docstring."""

    PAGING_ACCOUNTS = 250

    @pytest.fixture
    def connector(self) -> TargetConnector:
        raise NotImplementedError("a contract subclass provides the connector fixture")

    @pytest.fixture
    def seed(self) -> Seed:
        raise NotImplementedError("a contract subclass provides the seed fixture")

    @pytest.fixture
    def missing_rp_id(self) -> str:
        return "idms-contract-no-such-account"

    def test_reading_returns_the_seeded_accounts_with_keys_and_attributes(
        self, connector: TargetConnector, seed: Seed
    ) -> None:
        expected = [sample_account(n) for n in range(1, 4)]
        rp_ids = seed(expected)

        accounts = by_key(connector)

        assert set(accounts) == {e.key for e in expected}
        for one, rp_id in zip(expected, rp_ids, strict=True):
            account = accounts[one.key]
            assert account.rp_id == rp_id
            assert dict(account.attributes) == dict(one.attributes)

    def test_reading_an_empty_relying_party_yields_nothing(
        self, connector: TargetConnector
    ) -> None:
        assert list(connector.read()) == []

    def test_an_added_account_reads_back_with_its_key_and_attributes(
        self, connector: TargetConnector
    ) -> None:
        expected = sample_account(7)

        outcome = connector.apply(add_action(expected))

        assert outcome.status is OutcomeStatus.APPLIED
        assert outcome.rp_id
        account = by_key(connector)[expected.key]
        assert account.rp_id == outcome.rp_id
        assert dict(account.attributes) == dict(expected.attributes)

    def test_adding_the_same_account_twice_never_makes_a_duplicate(
        self, connector: TargetConnector
    ) -> None:
        action = add_action(sample_account(8))
        first = connector.apply(action)

        try:
            second = connector.apply(action)
        except ConflictError as error:
            refusal = str(error)  # a clear refusal is allowed; a duplicate is not
            assert refusal, "a ConflictError must say what clashed"
        else:
            assert second.status is OutcomeStatus.APPLIED
            assert second.rp_id == first.rp_id

        assert list(by_key(connector)) == [action.key]

    def test_an_update_changes_only_the_given_attributes(
        self, connector: TargetConnector, seed: Seed
    ) -> None:
        expected = sample_account(9)
        seed([expected])
        account = by_key(connector)[expected.key]
        changes = {FAMILY_NAME: "Renamed", EMAIL: "renamed@agency.example"}

        outcome = connector.apply(change_action(ActionKind.UPDATE, account, changes))

        assert outcome.status is OutcomeStatus.APPLIED
        assert outcome.rp_id == account.rp_id
        after = by_key(connector)[expected.key]
        assert dict(after.attributes) == {**expected.attributes, **changes}

    def test_disabling_sets_active_false_and_keeps_the_rest(
        self, connector: TargetConnector, seed: Seed
    ) -> None:
        expected = sample_account(10)
        seed([expected])
        account = by_key(connector)[expected.key]

        outcome = connector.apply(change_action(ActionKind.DISABLE, account, {ACTIVE: False}))

        assert outcome.status is OutcomeStatus.APPLIED
        after = by_key(connector)[expected.key]
        assert dict(after.attributes) == {**expected.attributes, ACTIVE: False}

    def test_applying_the_same_update_twice_leaves_the_same_state(
        self, connector: TargetConnector, seed: Seed
    ) -> None:
        expected = sample_account(11)
        seed([expected])
        account = by_key(connector)[expected.key]
        action = change_action(ActionKind.UPDATE, account, {GIVEN_NAME: "Twice"})

        connector.apply(action)
        again = connector.apply(action)

        assert again.status is OutcomeStatus.APPLIED
        assert by_key(connector)[expected.key].attributes[GIVEN_NAME] == "Twice"

    def test_updating_a_missing_account_raises_not_found(
        self, connector: TargetConnector, missing_rp_id: str
    ) -> None:
        gone = Account(rp_id=missing_rp_id, key="cms-999999", attributes={ACTIVE: True})

        with pytest.raises(NotFoundError):
            connector.apply(change_action(ActionKind.UPDATE, gone, {GIVEN_NAME: "Nobody"}))

    def test_an_orphan_is_never_applied(self, connector: TargetConnector, seed: Seed) -> None:
        expected = sample_account(12)
        seed([expected])
        account = by_key(connector)[expected.key]
        orphan = change_action(ActionKind.ORPHAN, account, {})

        with pytest.raises(ValueError, match="orphan"):
            connector.apply(orphan)

        assert dict(by_key(connector)[expected.key].attributes) == dict(expected.attributes)

    def test_check_is_ok_and_lists_read_create_update_and_disable(
        self, connector: TargetConnector
    ) -> None:
        health = connector.check()

        assert health.status is HealthStatus.OK, health.message
        assert health.message
        needed = {Capability.READ, Capability.CREATE, Capability.UPDATE, Capability.DISABLE}
        assert needed <= health.capabilities
        assert needed <= connector.capabilities

    def test_reading_pages_through_many_accounts_without_loss_or_repeat(
        self, connector: TargetConnector, seed: Seed
    ) -> None:
        expected = [sample_account(n) for n in range(1, self.PAGING_ACCOUNTS + 1)]
        seed(expected)

        accounts = by_key(connector)  # fails on a repeat

        assert set(accounts) == {e.key for e in expected}
        assert all(dict(accounts[e.key].attributes) == dict(e.attributes) for e in expected)

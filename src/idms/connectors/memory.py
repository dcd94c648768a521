"""An in-memory relying party: a real, small TargetConnector for tests and demos.

It behaves like a SCIM service would: accounts by id (``rp_id``, generated on create), userName
unique case-insensitively (a clash raises ``ConflictError``), the match key stored as the
account's external id, and every write idempotent:

- ADD creates the account from ``action.after``; if an account already carries the action's key
  (the add was applied before), that account is brought to ``after`` instead of duplicated.
- UPDATE sets ``action.changes`` on account ``action.rp_id`` (None clears an attribute) and,
  with ``adopt``, links it by setting its key; a missing account raises ``NotFoundError``.
- DISABLE does the same and sets active False whatever the changes say.
- ORPHAN is never applied: passing one is a caller's bug (ValueError).

Versions are counters that move only when a write changes something; they are reported on read
but not enforced (no ``Capability.ETAG``), so applying the same plan twice is harmless.

Fault injection, for tests and demos: ``fail_next(n, error)`` makes the next n ``apply`` calls
raise ``error`` (after counting and recording them); ``refuse_value(attribute, value)`` makes any
write of that value raise ``InvalidValueError``; ``down = True`` makes ``read`` and ``apply``
raise ``TransientError`` and ``check`` report UNREACHABLE. ``calls`` counts every call to
``check``, ``read`` and ``apply``; ``received`` lists, in arrival order, the actions that reached
``apply`` while the service was up. All state is guarded by one lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final

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
    Health,
    HealthStatus,
    Outcome,
    OutcomeStatus,
)
from idms.connectors.errors import (
    ConflictError,
    ConnectorError,
    InvalidValueError,
    NotFoundError,
    TransientError,
)

MANAGED: Final = (USER_NAME, GIVEN_NAME, FAMILY_NAME, EMAIL, ACTIVE)
CAPABILITIES: Final = frozenset(
    {Capability.READ, Capability.CREATE, Capability.UPDATE, Capability.DISABLE}
)


@dataclass(slots=True)
class _Stored:
    key: str | None
    attributes: dict[str, AttributeValue]
    version: int = 1


def _user_name_index(attributes: Mapping[str, AttributeValue]) -> str | None:
    value = attributes.get(USER_NAME)
    if isinstance(value, str):
        return value.strip().casefold() or None
    return None


class MemoryTarget:
    """A relying party held in a dict; see the module docstring for its behaviour."""

    def __init__(self, accounts: Iterable[Account] = (), *, name: str = "memory") -> None:
        self.name = name
        self.down = False
        self.calls = 0
        self.received: list[Action] = []
        self._lock = threading.Lock()
        self._accounts: dict[str, _Stored] = {}
        self._by_user_name: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        self._next_id = 1
        self._failures_left = 0
        self._failure: ConnectorError | None = None
        self._refused: set[tuple[str, AttributeValue]] = set()
        for account in accounts:
            self.put(account)

    # -- the TargetConnector contract -----------------------------------------------------------

    @property
    def capabilities(self) -> frozenset[Capability]:
        return CAPABILITIES

    def check(self) -> Health:
        with self._lock:
            self.calls += 1
            if self.down:
                return Health(HealthStatus.UNREACHABLE, f"{self.name} does not answer")
            return Health(HealthStatus.OK, f"{self.name} answers", CAPABILITIES)

    def read(self) -> Iterator[Account]:
        """A snapshot of every account, in creation order."""
        with self._lock:
            self.calls += 1
            self._raise_if_down()
            snapshot = [self._account(rp_id, stored) for rp_id, stored in self._accounts.items()]
        return iter(snapshot)

    def apply(self, action: Action) -> Outcome:
        with self._lock:
            self.calls += 1
            self._raise_if_down()
            self.received.append(action)
            if self._failures_left:
                self._failures_left -= 1
                assert self._failure is not None
                raise self._failure
            if action.kind is ActionKind.ADD:
                rp_id = self._add(action)
            elif action.kind in (ActionKind.UPDATE, ActionKind.DISABLE):
                rp_id = self._change(action)
            else:
                raise ValueError(f"{action.kind} actions are reported, never applied")
            return Outcome(action, OutcomeStatus.APPLIED, rp_id=rp_id)

    # -- fault injection ------------------------------------------------------------------------

    def fail_next(self, n: int, error: ConnectorError) -> None:
        """Make the next ``n`` calls to ``apply`` raise ``error`` without changing anything."""
        with self._lock:
            self._failures_left = n
            self._failure = error

    def refuse_value(self, attribute: str, value: AttributeValue) -> None:
        """Make any write that sets ``attribute`` to ``value`` raise ``InvalidValueError``."""
        with self._lock:
            self._refused.add((attribute, value))

    # -- inspection and setup (not counted as calls) --------------------------------------------

    def put(self, account: Account) -> None:
        """Store ``account`` as it is (its rp_id, key and attributes), e.g. to seed a test."""
        with self._lock:
            if account.rp_id in self._accounts:
                raise ConflictError(f"{self.name}: account {account.rp_id} exists already")
            self._store(account.rp_id, account.key, dict(account.attributes))

    def get(self, rp_id: str) -> Account | None:
        with self._lock:
            stored = self._accounts.get(rp_id)
            return None if stored is None else self._account(rp_id, stored)

    def find(self, key: str) -> Account | None:
        """The account linked to ``key``, if any."""
        with self._lock:
            rp_id = self._by_key.get(key)
            return None if rp_id is None else self._account(rp_id, self._accounts[rp_id])

    def remove(self, rp_id: str) -> None:
        """Delete an account behind idms' back (as an administrator of the service might)."""
        with self._lock:
            stored = self._accounts.pop(rp_id)
            self._unindex(rp_id, stored)

    def __len__(self) -> int:
        with self._lock:
            return len(self._accounts)

    # -- internals (called with the lock held) --------------------------------------------------

    def _raise_if_down(self) -> None:
        if self.down:
            raise TransientError(f"{self.name} does not answer; it may be down")

    def _account(self, rp_id: str, stored: _Stored) -> Account:
        user_name = stored.attributes.get(USER_NAME)
        return Account(
            rp_id=rp_id,
            key=stored.key,
            attributes={name: stored.attributes.get(name) for name in MANAGED},
            alt_key=user_name if isinstance(user_name, str) else None,
            version=str(stored.version),
        )

    def _check_values(self, values: Mapping[str, AttributeValue]) -> None:
        for name, value in values.items():
            if (name, value) in self._refused:
                raise InvalidValueError(f"{self.name} refused the value {value!r} for {name}")

    def _check_user_name(self, attributes: Mapping[str, AttributeValue], rp_id: str | None) -> None:
        index = _user_name_index(attributes)
        holder = self._by_user_name.get(index) if index else None
        if holder is not None and holder != rp_id:
            raise ConflictError(
                f"{self.name}: the user name {attributes.get(USER_NAME)!r} is taken by "
                f"account {holder}"
            )

    def _add(self, action: Action) -> str:
        after = dict(action.after or {})
        self._check_values(after)
        existing = self._by_key.get(action.key)
        if existing is not None:
            # Applied before: bring it to the same state rather than create a second account.
            self._write(existing, action.key, after)
            return existing
        self._check_user_name(after, None)
        rp_id = self._new_id()
        self._store(rp_id, action.key, after)
        return rp_id

    def _change(self, action: Action) -> str:
        rp_id = action.rp_id
        stored = self._accounts.get(rp_id) if rp_id is not None else None
        if rp_id is None or stored is None:
            raise NotFoundError(f"{self.name}: account {rp_id} does not exist (any more)")
        changes = dict(action.changes)
        if action.kind is ActionKind.DISABLE:
            changes[ACTIVE] = False
        self._check_values(changes)
        key = action.key if action.adopt else stored.key
        self._write(rp_id, key, {**stored.attributes, **changes})
        return rp_id

    def _write(self, rp_id: str, key: str | None, attributes: dict[str, AttributeValue]) -> None:
        stored = self._accounts[rp_id]
        if stored.key == key and stored.attributes == attributes:
            return  # nothing changes, and so neither does the version
        self._check_user_name(attributes, rp_id)
        self._unindex(rp_id, stored)
        version = stored.version + 1
        self._store(rp_id, key, attributes)
        self._accounts[rp_id].version = version

    def _store(self, rp_id: str, key: str | None, attributes: dict[str, AttributeValue]) -> None:
        self._check_user_name(attributes, rp_id)
        self._accounts[rp_id] = _Stored(key, attributes)
        index = _user_name_index(attributes)
        if index:
            self._by_user_name[index] = rp_id
        if key:
            self._by_key.setdefault(key, rp_id)

    def _unindex(self, rp_id: str, stored: _Stored) -> None:
        index = _user_name_index(stored.attributes)
        if index and self._by_user_name.get(index) == rp_id:
            del self._by_user_name[index]
        if stored.key and self._by_key.get(stored.key) == rp_id:
            del self._by_key[stored.key]

    def _new_id(self) -> str:
        while f"{self.name}-{self._next_id}" in self._accounts:
            self._next_id += 1
        rp_id = f"{self.name}-{self._next_id}"
        self._next_id += 1
        return rp_id

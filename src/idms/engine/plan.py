"""Compare what a relying party must hold with what it holds, and list the actions: a pure diff.

``plan(expected, actual)`` matches each expected account to an actual one and returns a ``Plan``.
It reads nothing and writes nothing; a dry run is this plan, stored and shown.

Matching
    By key (``ExpectedAccount.key == Account.key``). An expected account without a keyed match
    adopts an unlinked actual account (key None) whose ``alt_key`` equals its USER_NAME,
    compared case-insensitively; the action carries ``adopt=True`` so the link gets written.

Actions (one per expected account at most, plus one per unmatched actual account)
    ADD      expected active, no account: ``after`` = ``changes`` = the expected attributes.
    DISABLE  expected inactive, account active: ``changes`` = active False plus any other
             managed attribute that differs.
    UPDATE   any other managed difference (re-enabling an inactive account is an update), or an
             adoption even when nothing differs.
    ORPHAN   an actual account nobody expects: reported, never applied.
    nothing  expected inactive and no account (an inactive account is never created), or no
             difference ("unchanged": counted, never written).
    An adopted account follows the same rules, so an unlinked active account of a person who must
    not have one is disabled (a DISABLE with ``adopt=True``), not merely linked.

Comparison
    Only ``managed`` attributes are compared, so attributes the server adds never look like drift,
    and only those the expected account mentions: an expected account without an EMAIL key leaves
    the email alone; one with EMAIL None demands that there be none. ACTIVE is the exception: an
    expected account always has a state, and a missing ACTIVE means active (as does a missing
    ACTIVE on the relying party, which is how SCIM servers that omit ``active`` behave).
    Values are normalised first: strings stripped, "" is the same as None (absent), booleans as
    bools ("true"/"false" accepted), USER_NAME and EMAIL case-insensitive. SCIM's userName is
    caseExact=false; for email the domain is case-insensitive by RFC and, as directories do in
    practice, so is the local part.

Duplicates
    Two actual accounts with the same key: the first read is matched; the others become orphans
    and a ``PlanWarning`` says which account already holds the key. Two unlinked accounts with the
    same alt_key: only the first may be adopted; the others are orphans. An expected key seen
    twice: the second is ignored with a warning.

Scale: actual accounts are indexed in one dict by key (and one by alt_key for unlinked accounts
only); expected accounts are streamed. Memory is the index plus the actions, not the expected set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
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
    Attributes,
    AttributeValue,
    ExpectedAccount,
)

MANAGED_ATTRIBUTES: Final[tuple[str, ...]] = (USER_NAME, GIVEN_NAME, FAMILY_NAME, EMAIL, ACTIVE)
CASE_INSENSITIVE_ATTRIBUTES: Final = frozenset({USER_NAME, EMAIL})

_TRUE_WORDS: Final = frozenset({"true", "yes", "1"})
_FALSE_WORDS: Final = frozenset({"false", "no", "0"})


@dataclass(frozen=True, slots=True)
class PlanWarning:
    """Something the plan had to decide on its own, worth telling the user."""

    key: str
    rp_id: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Plan:
    """The actions for one relying party (orphans included) and the counts a report shows.

    ``accounts_read`` is how many accounts were read from the relying party: the base of the
    safety threshold. ``unchanged`` counts matched accounts that need nothing. The per-kind
    counts are derived from ``actions``.
    """

    actions: list[Action]
    accounts_read: int
    unchanged: int = 0
    warnings: tuple[PlanWarning, ...] = ()
    adds: int = field(init=False)
    updates: int = field(init=False)
    disables: int = field(init=False)
    orphans: int = field(init=False)

    def __post_init__(self) -> None:
        kinds = Counter(action.kind for action in self.actions)
        # Frozen: the counts are set once, here, and can never disagree with the actions.
        object.__setattr__(self, "adds", kinds[ActionKind.ADD])
        object.__setattr__(self, "updates", kinds[ActionKind.UPDATE])
        object.__setattr__(self, "disables", kinds[ActionKind.DISABLE])
        object.__setattr__(self, "orphans", kinds[ActionKind.ORPHAN])

    @property
    def counts(self) -> dict[str, int]:
        """{"add", "update", "disable", "unchanged", "orphan"} -> how many."""
        return {
            "add": self.adds,
            "update": self.updates,
            "disable": self.disables,
            "unchanged": self.unchanged,
            "orphan": self.orphans,
        }


def clean(value: AttributeValue) -> AttributeValue:
    """A value as it should be written: strings stripped, "" becomes None."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def is_active(value: AttributeValue) -> bool:
    """An ACTIVE value as a bool; absent (None or "") means active.

    Raises ValueError for a string that is not a yes/no word: guessing could disable someone.
    """
    if value is None or isinstance(value, bool):
        return value is not False
    word = value.strip().lower()
    if not word or word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ValueError(f"{value!r} is not a valid value for {ACTIVE}: expected true or false")


def comparable(name: str, value: AttributeValue) -> AttributeValue:
    """The form in which two values of attribute ``name`` are compared."""
    if name == ACTIVE:
        return is_active(value)
    value = clean(value)
    if isinstance(value, str) and name in CASE_INSENSITIVE_ATTRIBUTES:
        return value.casefold()
    return value


def differences(
    expected: Attributes, actual: Attributes, managed: Collection[str] = MANAGED_ATTRIBUTES
) -> dict[str, AttributeValue]:
    """The managed attributes whose values differ, mapped to the expected (cleaned) value."""
    changes: dict[str, AttributeValue] = {}
    for name in managed:
        if name == ACTIVE:
            want = expected.get(ACTIVE)
        elif name in expected:
            want = expected[name]
        else:
            continue
        have = actual.get(name)
        # Most accounts are unchanged and hold exactly the expected values: skip normalising.
        if want == have:
            continue
        if comparable(name, want) != comparable(name, have):
            changes[name] = is_active(want) if name == ACTIVE else clean(want)
    return changes


class _Matched:
    """Marks a key in the index whose account has been matched (or added) already."""


_MATCHED: Final = _Matched()


def _alt(value: AttributeValue) -> str | None:
    if isinstance(value, str):
        return value.strip().casefold() or None
    return None


def _orphan(account: Account) -> Action:
    return Action(
        kind=ActionKind.ORPHAN,
        key=account.key or account.alt_key or account.rp_id,
        rp_id=account.rp_id,
        before=account.attributes,
        after=None,
        changes={},
        version=account.version,
    )


def _added(expected: ExpectedAccount) -> Action:
    after: dict[str, AttributeValue] = {
        name: clean(value) for name, value in expected.attributes.items()
    }
    # Say it explicitly: the relying party's own default for a missing "active" is unknown.
    after[ACTIVE] = True
    return Action(
        kind=ActionKind.ADD, key=expected.key, rp_id=None, before=None, after=after, changes=after
    )


def plan(
    expected: Iterable[ExpectedAccount],
    actual: Iterable[Account],
    *,
    managed: Collection[str] = MANAGED_ATTRIBUTES,
) -> Plan:
    """Compare ``expected`` with ``actual`` (see the module docstring for the rules).

    ``actual`` is read once, into an index; ``expected`` is streamed once.
    """
    managed = tuple(managed)
    by_key: dict[str, Account | _Matched] = {}
    by_alt_key: dict[str, Account] = {}
    leftovers: list[Account] = []  # never matchable: orphans whatever is expected
    warnings: list[PlanWarning] = []
    accounts_read = 0

    for account in actual:
        accounts_read += 1
        if account.key:
            holder = by_key.setdefault(account.key, account)
            if holder is not account:
                leftovers.append(account)
                assert isinstance(holder, Account)
                warnings.append(
                    PlanWarning(
                        account.key,
                        account.rp_id,
                        f"account {account.rp_id} holds key {account.key}, which account "
                        f"{holder.rp_id} holds already; it is reported as an orphan",
                    )
                )
            continue
        alt = _alt(account.alt_key)
        if alt is None or by_alt_key.setdefault(alt, account) is not account:
            leftovers.append(account)

    actions: list[Action] = []
    unchanged = 0
    for wanted in expected:
        found = by_key.get(wanted.key)
        if found is _MATCHED:
            warnings.append(
                PlanWarning(
                    wanted.key, None, f"key {wanted.key} is expected twice; the second is ignored"
                )
            )
            continue
        adopt = False
        if found is None and by_alt_key:
            found = by_alt_key.pop(_alt(wanted.attributes.get(USER_NAME)) or "", None)
            adopt = found is not None
        if found is None:
            if is_active(wanted.attributes.get(ACTIVE)):
                by_key[wanted.key] = _MATCHED
                actions.append(_added(wanted))
            # An inactive person without an account needs nothing; not tracked, so that
            # years of revoked credentials cost no memory.
            continue
        assert isinstance(found, Account)
        by_key[wanted.key] = _MATCHED
        changes = differences(wanted.attributes, found.attributes, managed)
        if changes.get(ACTIVE) is False:
            kind = ActionKind.DISABLE
        elif changes or adopt:
            kind = ActionKind.UPDATE
        else:
            unchanged += 1
            continue
        actions.append(
            Action(
                kind=kind,
                key=wanted.key,
                rp_id=found.rp_id,
                before=found.attributes,
                after={**found.attributes, **changes},
                changes=changes,
                version=found.version,
                adopt=adopt,
            )
        )

    actions.extend(_orphan(a) for a in by_key.values() if isinstance(a, Account))
    actions.extend(_orphan(a) for a in by_alt_key.values())
    actions.extend(_orphan(a) for a in leftovers)
    return Plan(
        actions=actions,
        accounts_read=accounts_read,
        unchanged=unchanged,
        warnings=tuple(warnings),
    )

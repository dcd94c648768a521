"""The transition table, checked for every pair of statuses and every event."""

from __future__ import annotations

import itertools

import pytest

from idms.domain import CredentialStatus, EventType, transition_problem

S = CredentialStatus

# Written out pair by pair (rather than derived) so the test is independent of the implementation.
ALLOWED = {
    (S.REQUESTED, S.IN_PRODUCTION),
    (S.REQUESTED, S.ISSUED),
    (S.REQUESTED, S.ACTIVE),
    (S.IN_PRODUCTION, S.ISSUED),
    (S.IN_PRODUCTION, S.ACTIVE),
    (S.ISSUED, S.ACTIVE),
    (S.ACTIVE, S.SUSPENDED),
    (S.SUSPENDED, S.ACTIVE),
    (S.REQUESTED, S.REVOKED),
    (S.REQUESTED, S.TERMINATED),
    (S.REQUESTED, S.EXPIRED),
    (S.IN_PRODUCTION, S.REVOKED),
    (S.IN_PRODUCTION, S.TERMINATED),
    (S.IN_PRODUCTION, S.EXPIRED),
    (S.ISSUED, S.REVOKED),
    (S.ISSUED, S.TERMINATED),
    (S.ISSUED, S.EXPIRED),
    (S.ACTIVE, S.REVOKED),
    (S.ACTIVE, S.TERMINATED),
    (S.ACTIVE, S.EXPIRED),
    (S.SUSPENDED, S.REVOKED),
    (S.SUSPENDED, S.TERMINATED),
    (S.SUSPENDED, S.EXPIRED),
    (S.REVOKED, S.TERMINATED),
    (S.EXPIRED, S.TERMINATED),
}
REINSTATE_ONLY = (S.REVOKED, S.ACTIVE)


@pytest.mark.parametrize(
    ("before", "after"),
    list(itertools.product(list(S), list(S))),
    ids=lambda s: str(s),
)
def test_transition_table_for_every_pair_and_event(
    before: CredentialStatus, after: CredentialStatus
) -> None:
    for event in EventType:
        allowed = (
            before == after
            or (before, after) in ALLOWED
            or ((before, after) == REINSTATE_ONLY and event == EventType.REINSTATE)
        )
        problem = transition_problem(before, after, event)
        if allowed:
            assert problem is None, (event, problem)
        else:
            assert problem is not None, event
            assert problem.startswith(f"{before} → {after}")


@pytest.mark.parametrize("after", list(S))
def test_any_first_status_is_fine(after: CredentialStatus) -> None:
    for event in EventType:
        assert transition_problem(None, after, event) is None


def test_reinstating_a_revoked_card_needs_the_reinstate_event() -> None:
    assert transition_problem(S.REVOKED, S.ACTIVE, EventType.RESUME) == (
        "REVOKED → ACTIVE without a REINSTATE event"
    )
    assert transition_problem(S.REVOKED, S.ACTIVE, EventType.REINSTATE) is None


@pytest.mark.parametrize(
    ("before", "after", "explanation"),
    [
        (S.TERMINATED, S.ACTIVE, "a terminated credential cannot change status"),
        (S.EXPIRED, S.ACTIVE, "an expired credential can only be terminated"),
        (S.REVOKED, S.SUSPENDED, "a revoked credential can only be terminated or reinstated"),
        (S.ACTIVE, S.ISSUED, "goes backwards in issuance"),
        (S.ISSUED, S.SUSPENDED, "is not a transition a CMS should produce"),
    ],
)
def test_problem_sentence_explains_why(
    before: CredentialStatus, after: CredentialStatus, explanation: str
) -> None:
    problem = transition_problem(before, after, EventType.REINSTATE)
    assert problem is not None
    assert problem.endswith(explanation)

"""Which credential status transitions a credential management system should produce."""

from __future__ import annotations

from idms.domain.vocabulary import CredentialStatus, EventType

__all__ = ["transition_problem"]

_S = CredentialStatus

# Issuance runs in this order; CMS exports often skip steps, so any forward move is accepted.
_ISSUANCE_CHAIN = (_S.REQUESTED, _S.IN_PRODUCTION, _S.ISSUED, _S.ACTIVE)
_ENDINGS = frozenset({_S.REVOKED, _S.TERMINATED, _S.EXPIRED})
_LIVE = frozenset({_S.REQUESTED, _S.IN_PRODUCTION, _S.ISSUED, _S.ACTIVE, _S.SUSPENDED})
_OTHER_ALLOWED = frozenset(
    {
        (_S.ACTIVE, _S.SUSPENDED),
        (_S.SUSPENDED, _S.ACTIVE),
        (_S.REVOKED, _S.TERMINATED),
        (_S.EXPIRED, _S.TERMINATED),
    }
)


def transition_problem(
    before: CredentialStatus | None, after: CredentialStatus, event: EventType
) -> str | None:
    """Return ``None`` if a CMS should produce ``before → after`` for ``event``, else why not.

    Allowed: any first status (``before`` is ``None``); no change (UPDATE, CERT_UPDATE, re-sent
    events); any forward move along REQUESTED → IN_PRODUCTION → ISSUED → ACTIVE; ACTIVE ↔
    SUSPENDED; any not-yet-ended status → REVOKED, TERMINATED or EXPIRED; REVOKED → TERMINATED;
    EXPIRED → TERMINATED; and REVOKED → ACTIVE only with a REINSTATE event.

    The problem is a short sentence such as ``'REVOKED → ACTIVE without a REINSTATE event'``.
    """
    if before is None or before == after:
        return None
    if before in _ISSUANCE_CHAIN and after in _ISSUANCE_CHAIN:
        if _ISSUANCE_CHAIN.index(before) < _ISSUANCE_CHAIN.index(after):
            return None
        return f"{before} → {after} goes backwards in issuance"
    if (before, after) in _OTHER_ALLOWED:
        return None
    if before in _LIVE and after in _ENDINGS:
        return None
    if before == _S.REVOKED and after == _S.ACTIVE:
        if event == EventType.REINSTATE:
            return None
        return f"{before} → {after} without a REINSTATE event"
    if before == _S.TERMINATED:
        return f"{before} → {after}: a terminated credential cannot change status"
    if before == _S.EXPIRED:
        return f"{before} → {after}: an expired credential can only be terminated"
    if before == _S.REVOKED:
        return f"{before} → {after}: a revoked credential can only be terminated or reinstated"
    return f"{before} → {after} is not a transition a CMS should produce"

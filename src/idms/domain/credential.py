"""Date-based rules about a credential's status."""

from __future__ import annotations

from datetime import date

from idms.domain.vocabulary import CredentialStatus

__all__ = ["effective_status", "is_expired"]

# A card that is already revoked or terminated stays so: expiry would hide the stronger, and
# reason-bearing, status.
_ENDED_BEFORE_EXPIRY = frozenset({CredentialStatus.REVOKED, CredentialStatus.TERMINATED})


def is_expired(status: CredentialStatus, expires_on: date | None, today: date) -> bool:
    """True when the status is EXPIRED or ``today`` is after ``expires_on``.

    The card is valid through its ``expires_on`` date, so on that day it is not yet expired.
    ``expires_on`` of ``None`` means the credential has no date expiry.
    """
    if status == CredentialStatus.EXPIRED:
        return True
    return expires_on is not None and today > expires_on


def effective_status(
    status: CredentialStatus, expires_on: date | None, today: date
) -> CredentialStatus:
    """The status to act on today: EXPIRED if the credential has expired, else ``status``.

    REVOKED and TERMINATED are kept even after the expiry date, because they are final and
    carry more information than EXPIRED. Every other status (including REQUESTED, ISSUED and
    SUSPENDED) becomes EXPIRED once :func:`is_expired` is true.
    """
    if status in _ENDED_BEFORE_EXPIRY:
        return status
    if is_expired(status, expires_on, today):
        return CredentialStatus.EXPIRED
    return status

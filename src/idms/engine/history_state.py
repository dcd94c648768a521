"""Current state from history: a credential (and a person) is what its latest events say.

The fold is pure. Applying events in key order, an optional field that an event does not give
keeps its last known value; a required field (status, person) always follows the latest event.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from idms.domain import CardUuid, CredentialStatus, CredentialType, Fascn
from idms.engine.history_event import HistoryEvent

EventKey = tuple[datetime, str]


@dataclass(frozen=True, slots=True)
class CredentialState:
    credential_id: str
    person_id: str
    credential_type: CredentialType
    status: CredentialStatus
    as_of: EventKey
    fascn: Fascn | None = None
    card_uuid: CardUuid | None = None
    expires_on: date | None = None
    cert_serial: str | None = None
    cert_issuer: str | None = None
    cert_ski: str | None = None
    cert_not_after: datetime | None = None
    reason: str | None = None

    @property
    def issuer(self) -> str:
        """Who issued the card, as far as the data tell: certificate issuer, else FASC-N agency."""
        if self.cert_issuer:
            return self.cert_issuer
        if self.fascn is not None and not self.fascn.is_piv_i_pattern:
            return f"FASC-N agency {self.fascn.agency_code}"
        return ""


@dataclass(frozen=True, slots=True)
class PersonState:
    person_id: str
    as_of: EventKey
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None
    organization: str | None = None


_CREDENTIAL_OPTIONALS = (
    "credential_type",
    "fascn",
    "card_uuid",
    "expires_on",
    "cert_serial",
    "cert_issuer",
    "cert_ski",
    "cert_not_after",
    "reason",
)
_PERSON_OPTIONALS = ("given_name", "family_name", "email", "organization")


def fold_credential(state: CredentialState | None, event: HistoryEvent) -> CredentialState:
    """The credential after ``event``, which must not be older than ``state``."""
    if state is None:
        state = CredentialState(
            credential_id=event.credential_id,
            person_id=event.person_id,
            credential_type=event.credential_type or CredentialType.PIV,
            status=event.status,
            as_of=event.key,
        )
    given = {name: getattr(event, name) for name in _CREDENTIAL_OPTIONALS}
    changes = {name: value for name, value in given.items() if value is not None}
    return replace(
        state, person_id=event.person_id, status=event.status, as_of=event.key, **changes
    )


def fold_person(state: PersonState | None, event: HistoryEvent) -> PersonState:
    """The person after ``event``, which must not be older than ``state``."""
    if state is None:
        state = PersonState(person_id=event.person_id, as_of=event.key)
    given = {name: getattr(event, name) for name in _PERSON_OPTIONALS}
    changes = {name: value for name, value in given.items() if value is not None}
    return replace(state, as_of=event.key, **changes)

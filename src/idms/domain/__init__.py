"""The credential domain: identifiers, lifecycle vocabulary and rules. Plain Python, no Django."""

from idms.domain.card_uuid import CardUuid
from idms.domain.clock import Clock, FixedClock, SystemClock, today
from idms.domain.credential import effective_status, is_expired
from idms.domain.errors import (
    DomainValueError,
    InvalidCardUuidError,
    InvalidFascnError,
    PartialFascnError,
    quote_excerpt,
)
from idms.domain.fascn import Fascn, PartialFascn
from idms.domain.lifecycle import transition_problem
from idms.domain.vocabulary import CredentialStatus, CredentialType, EventType, Reason, parse_enum

__all__ = [
    "CardUuid",
    "Clock",
    "CredentialStatus",
    "CredentialType",
    "DomainValueError",
    "EventType",
    "Fascn",
    "FixedClock",
    "InvalidCardUuidError",
    "InvalidFascnError",
    "PartialFascn",
    "PartialFascnError",
    "Reason",
    "SystemClock",
    "effective_status",
    "is_expired",
    "parse_enum",
    "quote_excerpt",
    "today",
    "transition_problem",
]

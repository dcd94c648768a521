"""The canonical lifecycle vocabulary. Each member's value is the text used in CMS reports."""

from __future__ import annotations

import functools
import re
from enum import StrEnum
from typing import TypeVar

from idms.domain.errors import DomainValueError, quote_excerpt

__all__ = ["CredentialStatus", "CredentialType", "EventType", "Reason", "parse_enum"]


class CredentialStatus(StrEnum):
    """Where a credential is in its life, as the credential management system reports it."""

    REQUESTED = "REQUESTED"
    IN_PRODUCTION = "IN_PRODUCTION"
    ISSUED = "ISSUED"
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    REVOKED = "REVOKED"
    TERMINATED = "TERMINATED"
    EXPIRED = "EXPIRED"

    @property
    def grants_access(self) -> bool:
        """True only for ACTIVE: no other status may open a door or log a user in."""
        return self is CredentialStatus.ACTIVE

    @property
    def is_terminal(self) -> bool:
        """True for REVOKED, TERMINATED and EXPIRED: the card's normal life is over.

        A REVOKED card may still be terminated, or reinstated by an explicit REINSTATE event.
        """
        return self in _TERMINAL


_TERMINAL = frozenset(
    {CredentialStatus.REVOKED, CredentialStatus.TERMINATED, CredentialStatus.EXPIRED}
)


class CredentialType(StrEnum):
    """The kind of credential."""

    PIV = "PIV"
    PIV_I = "PIV-I"
    DERIVED_PIV = "DERIVED_PIV"


class EventType(StrEnum):
    """What a CMS event did to a credential."""

    ISSUE = "ISSUE"
    ACTIVATE = "ACTIVATE"
    SUSPEND = "SUSPEND"
    RESUME = "RESUME"
    REVOKE = "REVOKE"
    TERMINATE = "TERMINATE"
    EXPIRE = "EXPIRE"
    REISSUE = "REISSUE"
    CERT_UPDATE = "CERT_UPDATE"
    REINSTATE = "REINSTATE"
    UPDATE = "UPDATE"


class Reason(StrEnum):
    """Why a credential changed status."""

    LOST = "LOST"
    STOLEN = "STOLEN"
    DAMAGED = "DAMAGED"
    FORGOTTEN = "FORGOTTEN"
    RENEW = "RENEW"
    EXPIRED = "EXPIRED"
    ATTRIBUTE_CHANGE = "ATTRIBUTE_CHANGE"
    INELIGIBLE = "INELIGIBLE"
    ADMIN_SUSPEND = "ADMIN_SUSPEND"
    OTHER = "OTHER"


E = TypeVar("E", bound=StrEnum)

_SEPARATORS = re.compile(r"[-_\s]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Longer than any member; longer text is rejected without being normalised.
_MAX_TEXT = 64


def _normalise(text: str) -> str:
    return _SEPARATORS.sub("_", text.strip()).upper()


@functools.cache
def _lookup(enum_cls: type[StrEnum]) -> dict[str, StrEnum]:
    """Normalised name and value -> member, built once per enum."""
    table: dict[str, StrEnum] = {}
    for member in enum_cls:
        table[_normalise(member.name)] = member
        table[_normalise(member.value)] = member
    return table


def _human_name(enum_cls: type[StrEnum]) -> str:
    """'CredentialStatus' -> 'credential status', for error messages."""
    return _CAMEL_BOUNDARY.sub(" ", enum_cls.__name__).lower()


def parse_enum(enum_cls: type[E], text: str) -> E:
    """Return the member of ``enum_cls`` that ``text`` names.

    Matching ignores case and surrounding whitespace, and treats ``-``, ``_`` and whitespace
    alike, against both member names and values: ``'piv-i'``, ``'PIV_I'`` and ``'Piv I'`` are all
    ``CredentialType.PIV_I``; ``'in production'`` is ``CredentialStatus.IN_PRODUCTION``.

    Raises :class:`DomainValueError` naming the allowed values, e.g.
    ``"unknown credential status 'FOO'; expected one of ACTIVE, EXPIRED, ..."``.
    """
    if isinstance(text, str) and len(text) <= _MAX_TEXT:
        # The exact value is by far the commonest spelling in a report; try it first.
        exact = enum_cls._value2member_map_.get(text)
        if exact is not None:
            return exact  # type: ignore[return-value]
        lookup = _lookup(enum_cls)
        member = lookup.get(_normalise(text))
        if member is not None:
            return member  # type: ignore[return-value]
    shown = quote_excerpt(text) if isinstance(text, str) else type(text).__name__
    allowed = ", ".join(sorted(member.value for member in enum_cls))
    raise DomainValueError(f"unknown {_human_name(enum_cls)} {shown}; expected one of {allowed}")

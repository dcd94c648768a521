"""One line of CMS credential history, validated and normalised.

``parse_event`` turns a raw record into a ``HistoryEvent`` or a ``Rejected`` naming the column and
the reason. Values are canonical (FASC-N as 32 digits, card UUID lowercase, times in UTC), so the
same event rendered differently by two exports has the same content hash.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

from idms.connectors.base import Location, Rejected, SourceRecord
from idms.domain import (
    CardUuid,
    CredentialStatus,
    CredentialType,
    DomainValueError,
    EventType,
    Fascn,
    parse_enum,
)
from idms.engine.report import shorten

MAX_ID_LENGTH = 128
MAX_TEXT_LENGTH = 200
MAX_DN_LENGTH = 500
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HEX = re.compile(r"[0-9a-f]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")

Fields = Mapping[str, str]
E = TypeVar("E", EventType, CredentialStatus, CredentialType)


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """A credential history event. ``None`` in an optional field means "not given here"."""

    event_id: str
    event_time: datetime
    event_type: EventType
    status: CredentialStatus
    person_id: str
    credential_id: str
    given_name: str | None = None
    family_name: str | None = None
    email: str | None = None
    organization: str | None = None
    credential_type: CredentialType | None = None
    card_uuid: CardUuid | None = None
    fascn: Fascn | None = None
    expires_on: date | None = None
    cert_serial: str | None = None
    cert_issuer: str | None = None
    cert_ski: str | None = None
    cert_not_after: datetime | None = None
    reason: str | None = None
    location: Location | None = None
    # Set on events read back from the store that an earlier run imported.
    from_earlier_run: bool = False

    @property
    def key(self) -> tuple[datetime, str]:
        """Events order by time, ties broken by event id compared as text."""
        return (self.event_time, self.event_id)

    def content_hash(self) -> str:
        """A digest of everything the event says (not where it was read)."""
        parts = [
            self.event_id,
            self.event_time.isoformat(),
            self.event_type.value,
            self.status.value,
            self.person_id,
            self.credential_id,
            self.given_name,
            self.family_name,
            self.email,
            self.organization,
            self.credential_type.value if self.credential_type else None,
            str(self.card_uuid) if self.card_uuid else None,
            str(self.fascn) if self.fascn else None,
            self.expires_on.isoformat() if self.expires_on else None,
            self.cert_serial,
            self.cert_issuer,
            self.cert_ski,
            self.cert_not_after.isoformat() if self.cert_not_after else None,
            self.reason,
        ]
        text = "\x1f".join("\x00" if part is None else part for part in parts)
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class _FieldError(Exception):
    def __init__(self, column: str, reason: str, value: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason
        self.value = value


def parse_event(record: SourceRecord) -> HistoryEvent | Rejected:
    """Validate one raw record; the first bad field rejects it, naming column and reason."""
    fields = record.fields
    try:
        return HistoryEvent(
            event_id=_identifier(fields, "event_id"),
            event_time=_timestamp(fields, "event_time", required=True),  # type: ignore[arg-type]
            event_type=_enum(fields, "event_type", EventType, required=True),  # type: ignore[arg-type]
            status=_enum(fields, "status", CredentialStatus, required=True),  # type: ignore[arg-type]
            person_id=_identifier(fields, "person_id"),
            credential_id=_identifier(fields, "credential_id"),
            given_name=_text(fields, "given_name"),
            family_name=_text(fields, "family_name"),
            email=_email(fields, "email"),
            organization=_text(fields, "organization"),
            credential_type=_enum(fields, "credential_type", CredentialType),
            card_uuid=_card_uuid(fields, "card_uuid"),
            fascn=_fascn(fields, "fascn"),
            expires_on=_date(fields, "expires_on"),
            cert_serial=_hex(fields, "cert_serial"),
            cert_issuer=_distinguished_name(fields, "cert_issuer"),
            cert_ski=_hex(fields, "cert_ski"),
            cert_not_after=_timestamp(fields, "cert_not_after"),
            reason=_text(fields, "reason"),
            location=record.location,
        )
    except _FieldError as problem:
        location = Location(record.location.source, record.location.line, problem.column)
        return Rejected(location, problem.reason, shorten(problem.value))


def _given(fields: Fields, column: str) -> str:
    return fields.get(column, "").strip()


def _identifier(fields: Fields, column: str) -> str:
    value = _given(fields, column)
    if not value:
        raise _FieldError(column, f"{column} is required", value)
    if len(value) > MAX_ID_LENGTH:
        raise _FieldError(
            column, f"{column} is {len(value)} characters; at most {MAX_ID_LENGTH}", value
        )
    return value


def _text(fields: Fields, column: str, limit: int = MAX_TEXT_LENGTH) -> str | None:
    value = _given(fields, column)
    if not value:
        return None
    if len(value) > limit:
        raise _FieldError(column, f"{column} is {len(value)} characters; at most {limit}", value)
    return value


def _email(fields: Fields, column: str) -> str | None:
    value = _text(fields, column, 254)
    if value is not None and not _EMAIL.fullmatch(value):
        raise _FieldError(column, f"{column} is not an e-mail address", value)
    return value


def _enum(fields: Fields, column: str, enum: type[E], *, required: bool = False) -> E | None:
    value = _given(fields, column)
    if not value:
        if required:
            raise _FieldError(column, f"{column} is required", value)
        return None
    try:
        return parse_enum(enum, value)
    except DomainValueError as problem:
        raise _FieldError(column, str(problem), value) from None


def _timestamp(fields: Fields, column: str, *, required: bool = False) -> datetime | None:
    value = _given(fields, column)
    if not value:
        if required:
            raise _FieldError(column, f"{column} is required", value)
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _FieldError(
            column, f"{column} is not an ISO 8601 time (e.g. 2026-01-31T14:05:00Z)", value
        ) from None
    if parsed.tzinfo is None:
        raise _FieldError(column, f"{column} has no UTC offset (add Z or +hh:mm)", value)
    return parsed.astimezone(UTC)


def _date(fields: Fields, column: str) -> date | None:
    value = _given(fields, column)
    if not value:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise _FieldError(column, f"{column} is not a date YYYY-MM-DD", value) from None


def _hex(fields: Fields, column: str) -> str | None:
    """Hex in any common rendering (0x prefix, colons, spaces) -> lowercase digits only."""
    value = _given(fields, column)
    if not value:
        return None
    digits = value.lower().removeprefix("0x").replace(":", "").replace(" ", "")
    if not _HEX.fullmatch(digits) or len(digits) > 128:
        raise _FieldError(column, f"{column} is not hexadecimal", value)
    return digits


def _distinguished_name(fields: Fields, column: str) -> str | None:
    value = _text(fields, column, MAX_DN_LENGTH)
    if value is None:
        return None
    # A light check: RFC 4514 parsing proper belongs to the directory connectors that need it.
    if "=" not in value.split(",", 1)[0]:
        raise _FieldError(column, f"{column} is not a distinguished name (CN=...,O=...)", value)
    return value


def _fascn(fields: Fields, column: str) -> Fascn | None:
    value = _given(fields, column)
    try:
        return Fascn.parse_optional(value)
    except DomainValueError as problem:
        raise _FieldError(column, str(problem), value) from None


def _card_uuid(fields: Fields, column: str) -> CardUuid | None:
    value = _given(fields, column)
    try:
        return CardUuid.parse_optional(value)
    except DomainValueError as problem:
        raise _FieldError(column, str(problem), value) from None

"""What every connector speaks: records read from a source, and where each came from.

A source connector streams; it never loads a whole file or table into memory. A row it cannot
read becomes a ``Rejected`` item carrying its location, field and reason, and reading goes on.
A problem with the source as a whole (wrong encoding, missing columns) raises ``SourceFileError``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record or a problem sits: a source (file name), a physical line, a column."""

    source: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        text = self.source
        if self.line is not None:
            text += f":{self.line}"
        if self.column:
            text += f": {self.column}"
        return text


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One raw record: lower-case field name -> text, stripped; '' means "not given"."""

    location: Location
    fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that was not imported, and why. ``value`` is shortened for display."""

    location: Location
    reason: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class SourceWarning:
    """Something worth telling the user that does not stop a record (e.g. an ignored column)."""

    location: Location
    message: str


class SourceFileError(Exception):
    """The source as a whole cannot be read; nothing from it may be stored."""

    def __init__(self, location: Location, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


SourceItem = SourceRecord | Rejected | SourceWarning


class SourceConnector(Protocol):
    """Reads credential history from a CMS."""

    def read(self) -> Iterator[SourceItem]: ...


# -- relying parties ------------------------------------------------------------------------

# Attribute names idms manages on a relying party, in its own neutral vocabulary; each connector
# maps them to the target's schema (SCIM: userName, name.givenName, ...).
USER_NAME = "user_name"
GIVEN_NAME = "given_name"
FAMILY_NAME = "family_name"
EMAIL = "email"
ACTIVE = "active"

AttributeValue = str | bool | None
Attributes = Mapping[str, AttributeValue]


class Capability(StrEnum):
    READ = "read"  # can list its accounts
    CREATE = "create"
    UPDATE = "update"
    DISABLE = "disable"
    BULK = "bulk"  # can take many actions in one request
    ETAG = "etag"  # writes can be made conditional on the version read


@dataclass(frozen=True, slots=True)
class Account:
    """An account as the relying party holds it.

    ``rp_id`` is the relying party's own id; ``key`` is idms' match key as stored on the account
    (SCIM: externalId = CMS person id), None when the account has none; ``alt_key`` is what an
    unlinked account may be adopted by (SCIM: userName). ``attributes`` hold only the managed
    attributes, normalised by the connector (absent -> None). ``version`` is an ETag, if any.
    """

    rp_id: str
    key: str | None
    attributes: Attributes
    alt_key: str | None = None
    version: str | None = None


@dataclass(frozen=True, slots=True)
class ExpectedAccount:
    """What the relying party must hold for one person (or credential), per the automations."""

    key: str
    attributes: Attributes


class ActionKind(StrEnum):
    ADD = "add"
    UPDATE = "update"
    DISABLE = "disable"
    ORPHAN = "orphan"  # reported, never applied


@dataclass(frozen=True, slots=True)
class Action:
    """One change to make on a relying party.

    ``before``/``after`` are the managed attributes before and after (None for an add's before).
    ``changes`` lists only the attributes that differ. ``adopt`` marks an account matched by
    ``alt_key`` that must be linked (its key set to ``key``) as part of the change.
    """

    kind: ActionKind
    key: str
    rp_id: str | None
    before: Attributes | None
    after: Attributes | None
    changes: Attributes
    version: str | None = None
    adopt: bool = False


class OutcomeStatus(StrEnum):
    APPLIED = "applied"
    FAILED = "failed"
    PLANNED = "planned"  # dry run: what would have been done
    REPORTED = "reported"  # orphans


@dataclass(frozen=True, slots=True)
class Outcome:
    action: Action
    status: OutcomeStatus
    error: str | None = None
    rp_id: str | None = None  # the id the relying party gave (e.g. a created account)
    attempts: int = 1


class HealthStatus(StrEnum):
    OK = "ok"
    UNREACHABLE = "unreachable"
    REFUSED = "refused"  # reachable, but it refused our credentials or our requests


@dataclass(frozen=True, slots=True)
class Health:
    status: HealthStatus
    message: str
    capabilities: frozenset[Capability] = frozenset()


class TargetConnector(Protocol):
    """A relying party. Writes are idempotent: applying an action twice leaves the same state.

    Failures are raised as ``idms.connectors.errors`` types, which decide what happens next.
    """

    @property
    def capabilities(self) -> frozenset[Capability]: ...

    def check(self) -> Health: ...

    def read(self) -> Iterator[Account]: ...

    def apply(self, action: Action) -> Outcome: ...


class BulkTargetConnector(TargetConnector, Protocol):
    """A relying party that takes many actions in one request (``Capability.BULK``)."""

    def apply_many(self, actions: Sequence[Action]) -> list[Outcome]:
        """One outcome per action, in order. Raises only when the whole request failed."""
        ...

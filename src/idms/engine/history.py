"""The credential history import: parse -> validate -> normalise -> upsert, in batches.

The engine decides; the store (a port, implemented on the Django ORM in ``idms.web``) only reads
and writes. Events may arrive in any order and more than once:

- an event id seen before with the same content is *unchanged*; with other content it is
  rejected as a conflict;
- a credential's state is the fold of its events in (event_time, event_id) order. New events
  newer than the stored state are folded on top of it; an older one (late arrival) makes the
  engine refold that credential's whole history, which is rare and small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from idms.connectors.base import Location, Rejected, SourceItem, SourceRecord, SourceWarning
from idms.domain import CredentialType, transition_problem
from idms.engine.history_event import HistoryEvent, parse_event
from idms.engine.history_state import CredentialState, PersonState, fold_credential, fold_person
from idms.engine.read_ahead import read_ahead
from idms.engine.report import ReportEntry

DEFAULT_BATCH_SIZE = 5000

# An event with its content hash, computed once, where it is parsed.
Hashed = tuple[HistoryEvent, str]
DEFAULT_PENDING_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class KnownEvent:
    content_hash: str
    origin: str  # where it was first read, e.g. "history-2026-11.csv:12"


class HistoryStore(Protocol):
    """What the import needs from the credential store. All calls run in one transaction."""

    def known_events(self, event_ids: Collection[str]) -> Mapping[str, KnownEvent]: ...

    def credentials(self, credential_ids: Collection[str]) -> Mapping[str, CredentialState]: ...

    def persons(self, person_ids: Collection[str]) -> Mapping[str, PersonState]: ...

    def credential_histories(
        self, credential_ids: Collection[str]
    ) -> Mapping[str, Sequence[HistoryEvent]]: ...

    def person_histories(
        self, person_ids: Collection[str]
    ) -> Mapping[str, Sequence[HistoryEvent]]: ...

    def save(
        self,
        persons: Sequence[PersonState],
        credentials: Sequence[CredentialState],
        events: Sequence[tuple[HistoryEvent, str]],
    ) -> None:
        """Upsert persons and credentials, insert the new events (with their content hash)."""

    def report(self, entries: Sequence[ReportEntry]) -> None: ...

    def findings(self) -> Iterator[ReportEntry]:
        """Checks across credentials, over those this import changed (duplicates and the like)."""


@dataclass(slots=True)
class ImportSummary:
    read: int = 0
    imported: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0

    def as_counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "imported": self.imported,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "warnings": self.warnings,
        }


@dataclass(slots=True)
class HistoryImport:
    """Imports a stream of source items into ``store``; returns the counts."""

    store: HistoryStore
    batch_size: int = DEFAULT_BATCH_SIZE
    on_progress: Callable[[ImportSummary], None] | None = None
    pending_limit: int = DEFAULT_PENDING_LIMIT
    summary: ImportSummary = field(default_factory=ImportSummary)
    _entries: list[ReportEntry] = field(default_factory=list)
    # Events of cards no identifier keys yet, waiting for a later line of the file to give one.
    _pending: dict[str, dict[str, tuple[HistoryEvent, str]]] = field(default_factory=dict)
    _pending_hashes: dict[str, str] = field(default_factory=dict)
    _held: dict[str, list[ReportEntry]] = field(default_factory=dict)
    _held_count: int = 0

    def run(self, items: Iterable[SourceItem]) -> ImportSummary:
        batch: list[Hashed] = []
        for item in read_ahead(items, _parse):
            if isinstance(item, tuple):
                self.summary.read += 1
                batch.append(item)
            elif isinstance(item, Rejected):
                self.summary.read += 1
                self._reject(item.location, item.reason, item.value or "")
            elif isinstance(item, SourceWarning):
                self._warn("source", item.message, item.location)
            if len(batch) >= self.batch_size or len(self._entries) >= self.batch_size:
                self._process(batch)
                batch = []
        self._process(batch)
        self._reject_pending()
        self._release_held_warnings()
        for finding in self.store.findings():
            self._add(finding)
        self._flush_entries()
        return self.summary

    # -- report rows ---------------------------------------------------------------------

    def _add(self, entry: ReportEntry) -> None:
        if entry.level == "error":
            self.summary.rejected += 1
        elif entry.level == "warning":
            self.summary.warnings += 1
        self._entries.append(entry)

    def _reject(self, location: Location | None, reason: str, value: str = "") -> None:
        self._add(ReportEntry.error("rejected", reason, location, value=value))

    def _warn(
        self, code: str, message: str, location: Location | None = None, **fields: str
    ) -> None:
        self._add(ReportEntry.warning(code, message, location, fields=fields))

    def _flush_entries(self) -> None:
        if self._entries:
            self.store.report(self._entries)
            self._entries = []

    # -- one batch -----------------------------------------------------------------------

    def _process(self, batch: list[Hashed]) -> None:
        if batch:
            new = self._drop_known(batch)
            for credential_id in {event.credential_id for event, _ in new.values()}:
                new.update(self._take_pending(credential_id))
            by_credential = _group((event for event, _ in new.values()), _credential_id)
            stored = self.store.credentials(by_credential.keys())
            accepted = self._check_identifiers(by_credential, stored, new)
            self.summary.imported += len(accepted)
            credentials = self._fold_credentials(accepted, stored)
            persons = self._fold_persons(accepted)
            self._check_credentials(credentials)
            self.store.save(persons, credentials, [new[event_id] for event_id in accepted])
        self._flush_entries()
        if self.on_progress is not None:
            self.on_progress(self.summary)

    def _drop_known(self, batch: list[Hashed]) -> dict[str, Hashed]:
        """The events not seen before; repeats count as unchanged, or are rejected as conflicts."""
        fresh: dict[str, tuple[HistoryEvent, str]] = {}
        for event, digest in batch:
            earlier = fresh.get(event.event_id)
            waiting = self._pending_hashes.get(event.event_id)
            if waiting is not None:
                if waiting == digest:
                    self.summary.unchanged += 1
                else:
                    self._conflict(event, "earlier in this file")
            elif earlier is None:
                fresh[event.event_id] = (event, digest)
            elif earlier[1] == digest:
                self.summary.unchanged += 1
            else:
                where = earlier[0].location
                self._conflict(event, f"line {where.line}" if where else "earlier in this file")
        known = self.store.known_events(fresh.keys())
        for event_id, previous in known.items():
            event, digest = fresh.pop(event_id)
            if previous.content_hash == digest:
                self.summary.unchanged += 1
            else:
                self._conflict(event, previous.origin)
        return fresh

    def _conflict(self, event: HistoryEvent, origin: str) -> None:
        location = _at(event, "event_id")
        reason = f"event_id {event.event_id} was already given ({origin}) with different content"
        self._reject(location, reason, event.event_id)

    def _check_identifiers(
        self,
        by_credential: dict[str, list[HistoryEvent]],
        stored: Mapping[str, CredentialState],
        new: Mapping[str, tuple[HistoryEvent, str]],
    ) -> dict[str, HistoryEvent]:
        """Hold back events of cards that no identifier keys yet: a PIV card needs a FASC-N or a
        card UUID, a PIV-I card a card UUID, in the event or in another event of the card (stored,
        or anywhere in this file: events may come in any order)."""
        accepted: dict[str, HistoryEvent] = {}
        for credential_id, events in by_credential.items():
            state = stored.get(credential_id)
            has_fascn = (state is not None and state.fascn is not None) or any(
                e.fascn for e in events
            )
            has_uuid = (state is not None and state.card_uuid is not None) or any(
                e.card_uuid for e in events
            )
            known_type = state.credential_type if state is not None else None
            batch_type = next((e.credential_type for e in events if e.credential_type), None)
            for event in events:
                kind = event.credential_type or known_type or batch_type or CredentialType.PIV
                if (kind is CredentialType.PIV_I and not has_uuid) or (
                    kind is CredentialType.PIV and not (has_fascn or has_uuid)
                ):
                    self._defer(new[event.event_id])
                else:
                    accepted[event.event_id] = event
        return accepted

    def _defer(self, pair: tuple[HistoryEvent, str]) -> None:
        event, digest = pair
        if len(self._pending_hashes) >= self.pending_limit:
            self._reject_unkeyed(event)  # bounded memory, whatever the file holds
            return
        self._pending.setdefault(event.credential_id, {})[event.event_id] = pair
        self._pending_hashes[event.event_id] = digest

    def _take_pending(self, credential_id: str) -> dict[str, tuple[HistoryEvent, str]]:
        waiting = self._pending.pop(credential_id, {})
        for event_id in waiting:
            del self._pending_hashes[event_id]
        return waiting

    def _reject_pending(self) -> None:
        waiting = sorted(
            (pair[0] for group in self._pending.values() for pair in group.values()),
            key=lambda event: event.location.line or 0 if event.location else 0,
        )
        self._pending.clear()
        self._pending_hashes.clear()
        for event in waiting:
            self._reject_unkeyed(event)
        self._flush_entries()

    def _reject_unkeyed(self, event: HistoryEvent) -> None:
        if event.credential_type is CredentialType.PIV_I:
            column, reason = "card_uuid", "a PIV-I card needs a card_uuid"
        else:
            column, reason = "fascn", "a PIV card needs a fascn or a card_uuid"
        self._reject(
            _at(event, column),
            f"{reason} (neither this event nor any other of credential {event.credential_id} "
            "gives one)",
        )

    def _fold_credentials(
        self, accepted: dict[str, HistoryEvent], stored: Mapping[str, CredentialState]
    ) -> list[CredentialState]:
        by_credential = _group(accepted.values(), _credential_id)
        late = [cid for cid, events in by_credential.items() if _is_late(stored.get(cid), events)]
        histories = self.store.credential_histories(late) if late else {}
        result = []
        for credential_id, events in by_credential.items():
            if credential_id in histories:
                state, sequence = None, sorted([*histories[credential_id], *events], key=_key)
            else:
                state, sequence = stored.get(credential_id), events
            if credential_id in histories:
                # The whole history is refolded: what was held for it is recomputed below.
                self._held_count -= len(self._held.pop(credential_id, []))
            previous_is_old = True
            for event in sequence:
                is_old = event.from_earlier_run
                before = state.status if state is not None else None
                problem = transition_problem(before, event.status, event.event_type)
                # Transitions between two events of earlier runs were reported by those runs.
                if problem and not (is_old and previous_is_old):
                    self._hold_lifecycle_warning(credential_id, event, problem)
                state = fold_credential(state, event)
                previous_is_old = is_old
            assert state is not None
            result.append(state)
        return result

    def _fold_persons(self, accepted: dict[str, HistoryEvent]) -> list[PersonState]:
        by_person = _group(accepted.values(), _person_id)
        stored = self.store.persons(by_person.keys())
        late = [pid for pid, events in by_person.items() if _is_late(stored.get(pid), events)]
        histories = self.store.person_histories(late) if late else {}
        result = []
        for person_id, events in by_person.items():
            if person_id in histories:
                state, sequence = None, sorted([*histories[person_id], *events], key=_key)
            else:
                state, sequence = stored.get(person_id), events
            for event in sequence:
                state = fold_person(state, event)
            assert state is not None
            result.append(state)
        return result

    def _hold_lifecycle_warning(
        self, credential_id: str, event: HistoryEvent, problem: str
    ) -> None:
        """Lifecycle warnings wait for the end of the import: a later line of the file may bring
        the event that makes the transition a normal one (an ACTIVATE between ISSUED and
        SUSPENDED). Beyond a bound they are reported at once, to keep memory flat."""
        entry = ReportEntry.warning(
            "lifecycle",
            f"credential {credential_id}: {problem}",
            _at(event, "status"),
            fields={"credential": credential_id},
        )
        if self._held_count >= self.pending_limit:
            self._add(entry)
            return
        self._held.setdefault(credential_id, []).append(entry)
        self._held_count += 1

    def _release_held_warnings(self) -> None:
        held = sorted(
            (entry for entries in self._held.values() for entry in entries),
            key=lambda entry: (entry.location.line or 0) if entry.location else 0,
        )
        self._held.clear()
        self._held_count = 0
        for entry in held:
            self._add(entry)

    def _check_credentials(self, credentials: list[CredentialState]) -> None:
        for state in credentials:
            cid = state.credential_id
            if state.fascn is not None and state.fascn.is_piv_i_pattern and state.card_uuid is None:
                self._warn(
                    "piv_i_without_uuid",
                    f"credential {cid} has the PIV-I FASC-N pattern (9999-9999-999999) and no "
                    "card UUID: relying parties cannot tell it from other PIV-I cards",
                    credential=cid,
                )
            if state.card_uuid is not None and not state.card_uuid.is_rfc4122:
                self._warn(
                    "uuid_not_rfc4122",
                    f"credential {cid}: card UUID {state.card_uuid} is not an RFC 4122 UUID",
                    credential=cid,
                )


def _parse(item: SourceItem) -> Hashed | Rejected | SourceWarning:
    """Parse and hash a record (in the read-ahead thread: this is most of the CPU work)."""
    if not isinstance(item, SourceRecord):
        return item
    event = parse_event(item)
    return event if isinstance(event, Rejected) else (event, event.content_hash())


def _group(
    events: Iterable[HistoryEvent], key: Callable[[HistoryEvent], str]
) -> dict[str, list[HistoryEvent]]:
    """Events by ``key``, each group in (event_time, event_id) order."""
    groups: dict[str, list[HistoryEvent]] = defaultdict(list)
    for event in events:
        groups[key(event)].append(event)
    for members in groups.values():
        members.sort(key=_key)
    return groups


def _credential_id(event: HistoryEvent) -> str:
    return event.credential_id


def _person_id(event: HistoryEvent) -> str:
    return event.person_id


def _key(event: HistoryEvent) -> tuple[object, str]:
    return event.key


def _is_late(state: CredentialState | PersonState | None, events: list[HistoryEvent]) -> bool:
    """True when some new event is older than what the stored state already reflects."""
    return state is not None and events[0].key < state.as_of


def _at(event: HistoryEvent, column: str) -> Location | None:
    if event.location is None:
        return None
    return Location(event.location.source, event.location.line, column)

"""The credential store as the history import sees it (``idms.engine.history.HistoryStore``)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from itertools import islice
from typing import TypeVar

from django.db.models import Count, QuerySet

from idms.connectors.base import Location
from idms.domain import CardUuid, CredentialStatus, CredentialType, EventType, Fascn
from idms.engine.history import KnownEvent
from idms.engine.history_event import HistoryEvent
from idms.engine.history_state import CredentialState, PersonState
from idms.engine.report import ReportEntry, shorten
from idms.web.credentials.models import Credential, CredentialEvent, Person
from idms.web.runs.models import Run, RunEntry

# SQLite allows 32766 bound parameters per statement; stay far below for IN (...) lookups.
LOOKUP_CHUNK = 900
WRITE_BATCH = 500

_CREDENTIAL_FIELDS = [
    "person_id",
    "credential_type",
    "status",
    "fascn",
    "card_uuid",
    "expires_on",
    "cert_serial",
    "cert_issuer",
    "cert_ski",
    "cert_not_after",
    "reason",
    "issuer",
    "as_of_time",
    "as_of_event",
    "last_run",
]
T = TypeVar("T")

_PERSON_FIELDS = ["given_name", "family_name", "email", "organization", "as_of_time", "as_of_event"]


def _chunks(items: Collection[T], size: int = LOOKUP_CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class DjangoHistoryStore:
    """Reads and writes the credential store for one run; call inside one transaction."""

    def __init__(self, run: Run) -> None:
        self.run = run

    def known_events(self, event_ids: Collection[str]) -> Mapping[str, KnownEvent]:
        known: dict[str, KnownEvent] = {}
        for chunk in _chunks(event_ids):
            rows = CredentialEvent.objects.filter(event_id__in=chunk).values_list(
                "event_id", "content_hash", "source", "line"
            )
            for event_id, digest, source, line in rows:
                known[event_id] = KnownEvent(digest, f"{source}:{line}" if line else source)
        return known

    def credentials(self, credential_ids: Collection[str]) -> Mapping[str, CredentialState]:
        states: dict[str, CredentialState] = {}
        for chunk in _chunks(credential_ids):
            for row in Credential.objects.filter(credential_id__in=chunk):
                states[row.credential_id] = _credential_state(row)
        return states

    def persons(self, person_ids: Collection[str]) -> Mapping[str, PersonState]:
        states: dict[str, PersonState] = {}
        for chunk in _chunks(person_ids):
            for row in Person.objects.filter(person_id__in=chunk):
                states[row.person_id] = PersonState(
                    person_id=row.person_id,
                    as_of=(row.as_of_time, row.as_of_event),
                    given_name=row.given_name or None,
                    family_name=row.family_name or None,
                    email=row.email or None,
                    organization=row.organization or None,
                )
        return states

    def credential_histories(
        self, credential_ids: Collection[str]
    ) -> Mapping[str, Sequence[HistoryEvent]]:
        histories: dict[str, list[HistoryEvent]] = defaultdict(list)
        for chunk in _chunks(credential_ids):
            for row in CredentialEvent.objects.filter(credential_id__in=chunk):
                histories[row.credential_id].append(history_event(row))
        return histories

    def person_histories(self, person_ids: Collection[str]) -> Mapping[str, Sequence[HistoryEvent]]:
        histories: dict[str, list[HistoryEvent]] = defaultdict(list)
        for chunk in _chunks(person_ids):
            for row in CredentialEvent.objects.filter(person_id__in=chunk):
                histories[row.person_id].append(history_event(row))
        return histories

    def save(
        self,
        persons: Sequence[PersonState],
        credentials: Sequence[CredentialState],
        events: Sequence[tuple[HistoryEvent, str]],
    ) -> None:
        # Persons first: credentials and events refer to them.
        Person.objects.bulk_create(
            [_person_row(state) for state in persons],
            batch_size=WRITE_BATCH,
            update_conflicts=True,
            unique_fields=["person_id"],
            update_fields=_PERSON_FIELDS,
        )
        Credential.objects.bulk_create(
            [_credential_row(state, self.run) for state in credentials],
            batch_size=WRITE_BATCH,
            update_conflicts=True,
            unique_fields=["credential_id"],
            update_fields=_CREDENTIAL_FIELDS,
        )
        CredentialEvent.objects.bulk_create(
            [_event_row(event, digest, self.run) for event, digest in events],
            batch_size=WRITE_BATCH,
        )

    def report(self, entries: Sequence[ReportEntry]) -> None:
        RunEntry.objects.bulk_create(
            [run_entry(self.run, entry) for entry in entries], batch_size=WRITE_BATCH
        )

    def findings(self) -> Iterator[ReportEntry]:
        touched = Credential.objects.filter(last_run=self.run)
        yield from self._shared_identifier("fascn", "FASC-N", touched)
        yield from self._shared_identifier("card_uuid", "card UUID", touched)
        yield from self._two_active_cards(touched)

    def _shared_identifier(
        self, column: str, label: str, touched: QuerySet[Credential]
    ) -> Iterator[ReportEntry]:
        values = (
            Credential.objects.filter(**{f"{column}__in": touched.values(column)})
            .exclude(**{f"{column}__isnull": True})
            .values(column)
            .annotate(n=Count("credential_id"))
            .filter(n__gt=1)
            .values_list(column, flat=True)
        )
        for value in values:
            if column == "fascn" and Fascn(value).is_piv_i_pattern:
                continue  # every PIV-I card shares this FASC-N; the card UUID keys them
            holders = list(
                Credential.objects.filter(**{column: value}).values_list("credential_id", flat=True)
            )
            yield ReportEntry.warning(
                f"shared_{column}",
                f"{label} {value} is on {len(holders)} credentials: {', '.join(holders[:10])}",
                fields={column: value, "credentials": holders},
            )

    def _two_active_cards(self, touched: QuerySet[Credential]) -> Iterator[ReportEntry]:
        cards = Credential.objects.filter(
            status=CredentialStatus.ACTIVE,
            credential_type__in=[CredentialType.PIV, CredentialType.PIV_I],
        )
        groups = (
            cards.filter(person__in=touched.values("person"))
            .values("person_id", "issuer")
            .annotate(n=Count("credential_id"))
            .filter(n__gt=1)
        )
        for group in groups:
            person_id, issuer = group["person_id"], group["issuer"]
            holders = list(
                cards.filter(person_id=person_id, issuer=issuer).values_list(
                    "credential_id", flat=True
                )
            )
            yield ReportEntry.warning(
                "two_active_cards",
                f"person {person_id} has {len(holders)} ACTIVE cards from one issuer "
                f"({issuer or 'issuer unknown'}): {', '.join(holders)}",
                fields={"person": person_id, "issuer": issuer, "credentials": holders},
            )


def run_entry(run: Run, entry: ReportEntry) -> RunEntry:
    where = entry.location or Location("")
    return RunEntry(
        run=run,
        level=entry.level,
        code=entry.code,
        message=entry.message,
        source=where.source,
        line=where.line,
        column=where.column or "",
        value=shorten(entry.value, 200),
        fields=dict(entry.fields),
    )


def _person_row(state: PersonState) -> Person:
    return Person(
        person_id=state.person_id,
        given_name=state.given_name or "",
        family_name=state.family_name or "",
        email=state.email or "",
        organization=state.organization or "",
        as_of_time=state.as_of[0],
        as_of_event=state.as_of[1],
    )


def _credential_row(state: CredentialState, run: Run) -> Credential:
    return Credential(
        credential_id=state.credential_id,
        person_id=state.person_id,
        credential_type=state.credential_type,
        status=state.status,
        fascn=str(state.fascn) if state.fascn else None,
        card_uuid=str(state.card_uuid) if state.card_uuid else None,
        expires_on=state.expires_on,
        cert_serial=state.cert_serial or "",
        cert_issuer=state.cert_issuer or "",
        cert_ski=state.cert_ski or "",
        cert_not_after=state.cert_not_after,
        reason=state.reason or "",
        issuer=state.issuer,
        as_of_time=state.as_of[0],
        as_of_event=state.as_of[1],
        last_run=run,
    )


def _credential_state(row: Credential) -> CredentialState:
    return CredentialState(
        credential_id=row.credential_id,
        person_id=row.person_id,
        credential_type=CredentialType(row.credential_type),
        status=CredentialStatus(row.status),
        as_of=(row.as_of_time, row.as_of_event),
        fascn=Fascn(row.fascn) if row.fascn else None,
        card_uuid=CardUuid(uuid.UUID(row.card_uuid)) if row.card_uuid else None,
        expires_on=row.expires_on,
        cert_serial=row.cert_serial or None,
        cert_issuer=row.cert_issuer or None,
        cert_ski=row.cert_ski or None,
        cert_not_after=row.cert_not_after,
        reason=row.reason or None,
    )


def _event_row(event: HistoryEvent, digest: str, run: Run) -> CredentialEvent:
    where = event.location or Location("")
    return CredentialEvent(
        event_id=event.event_id,
        credential_id=event.credential_id,
        person_id=event.person_id,
        event_time=event.event_time,
        event_type=event.event_type,
        status=event.status,
        given_name=event.given_name or "",
        family_name=event.family_name or "",
        email=event.email or "",
        organization=event.organization or "",
        credential_type=event.credential_type or "",
        card_uuid=str(event.card_uuid) if event.card_uuid else "",
        fascn=str(event.fascn) if event.fascn else "",
        expires_on=event.expires_on,
        cert_serial=event.cert_serial or "",
        cert_issuer=event.cert_issuer or "",
        cert_ski=event.cert_ski or "",
        cert_not_after=event.cert_not_after,
        reason=event.reason or "",
        content_hash=digest,
        run=run,
        source=where.source,
        line=where.line,
    )


def history_event(row: CredentialEvent) -> HistoryEvent:
    """A stored event back as the engine's value (values are stored canonical)."""
    return HistoryEvent(
        event_id=row.event_id,
        event_time=row.event_time,
        event_type=EventType(row.event_type),
        status=CredentialStatus(row.status),
        person_id=row.person_id,
        credential_id=row.credential_id,
        given_name=row.given_name or None,
        family_name=row.family_name or None,
        email=row.email or None,
        organization=row.organization or None,
        credential_type=CredentialType(row.credential_type) if row.credential_type else None,
        card_uuid=CardUuid(uuid.UUID(row.card_uuid)) if row.card_uuid else None,
        fascn=Fascn(row.fascn) if row.fascn else None,
        expires_on=row.expires_on,
        cert_serial=row.cert_serial or None,
        cert_issuer=row.cert_issuer or None,
        cert_ski=row.cert_ski or None,
        cert_not_after=row.cert_not_after,
        reason=row.reason or None,
        location=Location(row.source, row.line),
    )

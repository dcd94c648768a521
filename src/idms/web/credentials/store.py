"""The credential store as the history import sees it (``idms.engine.history.HistoryStore``)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from itertools import chain, groupby, islice
from operator import itemgetter
from typing import Any, TypeVar

from django.db.models import Count, QuerySet

from idms.connectors.base import Location
from idms.domain import CardUuid, CredentialStatus, CredentialType, EventType, Fascn
from idms.engine.history import KnownEvent
from idms.engine.history_event import HistoryEvent
from idms.engine.history_state import CredentialState, PersonState
from idms.engine.report import ReportEntry, shorten
from idms.web.credentials.bulk_sql import LOOKUP_CHUNK, RowWriter, select_where_in
from idms.web.credentials.models import Credential, CredentialEvent, Person
from idms.web.runs.models import Run, RunEntry

WRITE_BATCH = 500

_CREDENTIAL_FIELDS = [
    "person",
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

# Column order of the rows below.
_EVENT_FIELDS = [
    "event_id",
    "credential",
    "person",
    "event_time",
    "event_type",
    "status",
    "given_name",
    "family_name",
    "email",
    "organization",
    "credential_type",
    "card_uuid",
    "fascn",
    "expires_on",
    "cert_serial",
    "cert_issuer",
    "cert_ski",
    "cert_not_after",
    "reason",
    "content_hash",
    "run",
    "source",
    "line",
]

_PERSON_FIELDS = ["given_name", "family_name", "email", "organization", "as_of_time", "as_of_event"]


def _chunks(items: Collection[T], size: int = LOOKUP_CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class DjangoHistoryStore:
    """Reads and writes the credential store for one run; call inside one transaction."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self._persons = RowWriter(
            Person, ["person_id", *_PERSON_FIELDS], conflict="person_id", update=_PERSON_FIELDS
        )
        self._credentials = RowWriter(
            Credential,
            ["credential_id", *_CREDENTIAL_FIELDS],
            conflict="credential_id",
            update=_CREDENTIAL_FIELDS,
        )
        self._events = RowWriter(CredentialEvent, _EVENT_FIELDS)

    def known_events(self, event_ids: Collection[str]) -> Mapping[str, KnownEvent]:
        fields = ["event_id", "content_hash", "source", "line"]
        rows = select_where_in(CredentialEvent, fields, "event_id", event_ids)
        return {
            event_id: KnownEvent(digest, f"{source}:{line}" if line else source)
            for event_id, digest, source, line in rows
        }

    def credentials(self, credential_ids: Collection[str]) -> Mapping[str, CredentialState]:
        fields = ["credential_id", "person", *_STATE_FIELDS]
        rows = select_where_in(Credential, fields, "credential_id", credential_ids)
        return {row[0]: _credential_state(*row) for row in rows}

    def persons(self, person_ids: Collection[str]) -> Mapping[str, PersonState]:
        fields = ["person_id", *_PERSON_FIELDS]
        rows = select_where_in(Person, fields, "person_id", person_ids)
        return {
            person_id: PersonState(
                person_id=person_id,
                as_of=(as_of_time, as_of_event),
                given_name=given or None,
                family_name=family or None,
                email=email or None,
                organization=organization or None,
            )
            for person_id, given, family, email, organization, as_of_time, as_of_event in rows
        }

    def credential_histories(
        self, credential_ids: Collection[str]
    ) -> Mapping[str, Sequence[HistoryEvent]]:
        histories: dict[str, list[HistoryEvent]] = defaultdict(list)
        for chunk in _chunks(credential_ids):
            for row in CredentialEvent.objects.filter(credential_id__in=chunk):
                histories[row.credential_id].append(history_event(row, self.run.pk))
        return histories

    def person_histories(self, person_ids: Collection[str]) -> Mapping[str, Sequence[HistoryEvent]]:
        histories: dict[str, list[HistoryEvent]] = defaultdict(list)
        for chunk in _chunks(person_ids):
            for row in CredentialEvent.objects.filter(person_id__in=chunk):
                histories[row.person_id].append(history_event(row, self.run.pk))
        return histories

    def save(
        self,
        persons: Sequence[PersonState],
        credentials: Sequence[CredentialState],
        events: Sequence[tuple[HistoryEvent, str]],
    ) -> None:
        # Persons first: credentials and events refer to them.
        self._persons.write(_person_row(state) for state in persons)
        self._credentials.write(_credential_row(state, self.run.pk) for state in credentials)
        self._events.write(_event_row(event, digest, self.run.pk) for event, digest in events)

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
        shared = (
            Credential.objects.filter(**{f"{column}__in": touched.values(column)})
            .values(column)
            .annotate(n=Count("credential_id"))
            .filter(n__gt=1)
            .values_list(column, flat=True)
        )
        values = [value for value in shared if column != "fascn" or not _piv_i(value)]
        holders = (
            Credential.objects.filter(**{f"{column}__in": chunk})
            .order_by(column, "credential_id")
            .values_list(column, "credential_id")
            for chunk in _chunks(values)
        )
        for value, group in groupby(chain.from_iterable(holders), key=itemgetter(0)):
            ids = [credential_id for _, credential_id in group]
            yield ReportEntry.warning(
                f"shared_{column}",
                f"{label} {value} is on {len(ids)} credentials: {', '.join(ids[:10])}",
                fields={column: value, "credentials": ids},
            )

    def _two_active_cards(self, touched: QuerySet[Credential]) -> Iterator[ReportEntry]:
        cards = (
            Credential.objects.filter(
                status=CredentialStatus.ACTIVE,
                credential_type__in=[CredentialType.PIV, CredentialType.PIV_I],
                person__in=touched.values("person"),
            )
            .order_by("person_id", "issuer", "credential_id")
            .values_list("person_id", "issuer", "credential_id")
        )
        for (person_id, issuer), group in groupby(cards.iterator(), key=itemgetter(0, 1)):
            ids = [credential_id for _, _, credential_id in group]
            if len(ids) < 2:
                continue
            yield ReportEntry.warning(
                "two_active_cards",
                f"person {person_id} has {len(ids)} ACTIVE cards from one issuer "
                f"({issuer or 'issuer unknown'}): {', '.join(ids)}",
                fields={"person": person_id, "issuer": issuer, "credentials": ids},
            )


def _piv_i(fascn: str) -> bool:
    """Every PIV-I card shares this FASC-N pattern; the card UUID keys them, not a warning."""
    return Fascn(fascn).is_piv_i_pattern


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


def _person_row(state: PersonState) -> tuple[object, ...]:
    return (
        state.person_id,
        state.given_name or "",
        state.family_name or "",
        state.email or "",
        state.organization or "",
        state.as_of[0],
        state.as_of[1],
    )


def _credential_row(state: CredentialState, run_id: int) -> tuple[object, ...]:
    return (
        state.credential_id,
        state.person_id,
        state.credential_type.value,
        state.status.value,
        str(state.fascn) if state.fascn else None,
        str(state.card_uuid) if state.card_uuid else None,
        state.expires_on,
        state.cert_serial or "",
        state.cert_issuer or "",
        state.cert_ski or "",
        state.cert_not_after,
        state.reason or "",
        state.issuer,
        state.as_of[0],
        state.as_of[1],
        run_id,
    )


_STATE_FIELDS = [
    "credential_type",
    "status",
    "as_of_time",
    "as_of_event",
    "fascn",
    "card_uuid",
    "expires_on",
    "cert_serial",
    "cert_issuer",
    "cert_ski",
    "cert_not_after",
    "reason",
]


def _credential_state(
    credential_id: str,
    person_id: str,
    credential_type: str,
    status: str,
    as_of_time: Any,
    as_of_event: str,
    fascn: str | None,
    card_uuid: str | None,
    expires_on: Any,
    cert_serial: str,
    cert_issuer: str,
    cert_ski: str,
    cert_not_after: Any,
    reason: str,
) -> CredentialState:
    """A stored credential row (columns in ``_STATE_FIELDS`` order) as the engine's state."""
    return CredentialState(
        credential_id=credential_id,
        person_id=person_id,
        credential_type=CredentialType(credential_type),
        status=CredentialStatus(status),
        as_of=(as_of_time, as_of_event),
        fascn=Fascn(fascn) if fascn else None,
        card_uuid=CardUuid(uuid.UUID(card_uuid)) if card_uuid else None,
        expires_on=expires_on,
        cert_serial=cert_serial or None,
        cert_issuer=cert_issuer or None,
        cert_ski=cert_ski or None,
        cert_not_after=cert_not_after,
        reason=reason or None,
    )


def _event_row(event: HistoryEvent, digest: str, run_id: int) -> tuple[object, ...]:
    where = event.location or Location("")
    return (
        event.event_id,
        event.credential_id,
        event.person_id,
        event.event_time,
        event.event_type.value,
        event.status.value,
        event.given_name or "",
        event.family_name or "",
        event.email or "",
        event.organization or "",
        event.credential_type.value if event.credential_type else "",
        str(event.card_uuid) if event.card_uuid else "",
        str(event.fascn) if event.fascn else "",
        event.expires_on,
        event.cert_serial or "",
        event.cert_issuer or "",
        event.cert_ski or "",
        event.cert_not_after,
        event.reason or "",
        digest,
        run_id,
        where.source,
        where.line,
    )


def history_event(row: CredentialEvent, current_run_id: int | None = None) -> HistoryEvent:
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
        from_earlier_run=row.run_id != current_run_id,
    )

"""The credential store: people, their credentials' current state, and the full history.

Primary keys are the CMS's own identifiers, so an import never has to look up surrogate ids and
re-importing the same data lands on the same rows.
"""

from __future__ import annotations

from django.db import models

from idms.domain.vocabulary import CredentialStatus, CredentialType, EventType
from idms.web.choices import enum_choices


class Person(models.Model):
    person_id = models.CharField(max_length=128, primary_key=True)
    given_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    organization = models.CharField(max_length=200, blank=True)
    # The latest event the attributes follow, by (event_time, event_id).
    as_of_time = models.DateTimeField()
    as_of_event = models.CharField(max_length=128)

    class Meta:
        ordering = ["person_id"]

    def __str__(self) -> str:
        name = f"{self.given_name} {self.family_name}".strip()
        return f"{self.person_id} ({name})" if name else self.person_id


class Credential(models.Model):
    credential_id = models.CharField(max_length=128, primary_key=True)
    # Indexed by (person, status) below; a single-column index would only slow imports.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="credentials", db_index=False
    )
    credential_type = models.CharField(max_length=16, choices=enum_choices(CredentialType))
    status = models.CharField(max_length=16, choices=enum_choices(CredentialStatus))
    fascn = models.CharField(max_length=32, null=True, blank=True)
    card_uuid = models.CharField(max_length=36, null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    cert_serial = models.CharField(max_length=128, blank=True)
    cert_issuer = models.CharField(max_length=500, blank=True)
    cert_ski = models.CharField(max_length=128, blank=True)
    cert_not_after = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    # Who issued the card, as far as the data tell (certificate issuer, else FASC-N agency).
    issuer = models.CharField(max_length=500, blank=True)
    as_of_time = models.DateTimeField()
    as_of_event = models.CharField(max_length=128)
    last_run = models.ForeignKey(
        "runs.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["credential_id"]
        # Plain indexes, declared here rather than with db_index=True: on PostgreSQL that would
        # add a second, LIKE-pattern index per column, which no query uses and every write pays.
        indexes = [
            models.Index(fields=["person", "status"]),
            models.Index(fields=["fascn"], name="credential_fascn"),
            models.Index(fields=["card_uuid"], name="credential_card_uuid"),
        ]

    def __str__(self) -> str:
        return f"{self.credential_id} {self.credential_type} {self.status}"


class CredentialEvent(models.Model):
    """One line of CMS credential history, stored with canonical values; empty = not given."""

    event_id = models.CharField(max_length=128, primary_key=True)
    # The composite indexes below serve these lookups; single-column ones would only slow imports.
    credential = models.ForeignKey(
        Credential, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    # The import writes the person before its events in the same transaction; a database
    # constraint would only add a lookup per event at commit (a million for a large import).
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
        db_constraint=False,
    )
    event_time = models.DateTimeField()
    event_type = models.CharField(max_length=16, choices=enum_choices(EventType))
    status = models.CharField(max_length=16, choices=enum_choices(CredentialStatus))
    given_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    organization = models.CharField(max_length=200, blank=True)
    credential_type = models.CharField(max_length=16, blank=True)
    card_uuid = models.CharField(max_length=36, blank=True)
    fascn = models.CharField(max_length=32, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    cert_serial = models.CharField(max_length=128, blank=True)
    cert_issuer = models.CharField(max_length=500, blank=True)
    cert_ski = models.CharField(max_length=128, blank=True)
    cert_not_after = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    content_hash = models.CharField(max_length=32)
    run = models.ForeignKey(
        "runs.Run", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    source = models.CharField(max_length=500)
    line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["event_time", "event_id"]
        indexes = [
            models.Index(fields=["credential", "event_time"]),
            models.Index(fields=["person", "event_time"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.event_type} -> {self.status}"

"""A run is one execution of a job; its entries are the report rows (data, not prose)."""

from __future__ import annotations

from django.db import models

from idms.jobs.kinds import EntryLevel, Job, RunStatus, Trigger
from idms.web.choices import enum_choices


class Run(models.Model):
    job = models.CharField(max_length=64, choices=enum_choices(Job))
    status = models.CharField(
        max_length=16, choices=enum_choices(RunStatus), default=RunStatus.RUNNING
    )
    trigger = models.CharField(max_length=16, choices=enum_choices(Trigger))
    actor = models.CharField(max_length=150, help_text="Who started the run.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="What the run read.")
    message = models.TextField(blank=True, help_text="Why the run ended as it did.")
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["job", "-started_at"])]

    def __str__(self) -> str:
        return f"run {self.pk} {self.job} {self.status}"


class RunEntry(models.Model):
    """One report row: a rejected record, a warning, a finding. Rendered, never parsed."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="entries")
    level = models.CharField(max_length=8, choices=enum_choices(EntryLevel))
    code = models.CharField(max_length=40, help_text="Machine-readable kind, e.g. 'rejected'.")
    message = models.TextField()
    source = models.CharField(max_length=500, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    column = models.CharField(max_length=100, blank=True)
    value = models.CharField(max_length=200, blank=True)
    fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["run", "level", "code"])]


class RelyingPartyReport(models.Model):
    """One relying party's part of a reconciliation run: its status, counts and reason."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="rp_reports")
    relying_party = models.ForeignKey(
        "relying_parties.RelyingParty", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=100, help_text="Kept if the relying party is removed.")
    status = models.CharField(max_length=16, choices=enum_choices(RunStatus))
    message = models.TextField(blank=True)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["run", "name"]


class ActionOutcome(models.Model):
    """What one planned action did (or would do, in a dry run): before, after, error."""

    report = models.ForeignKey(
        RelyingPartyReport, on_delete=models.CASCADE, related_name="outcomes"
    )
    action = models.CharField(max_length=16)
    status = models.CharField(max_length=16)
    key = models.CharField(max_length=200, help_text="The person (CMS person id) or account.")
    rp_account_id = models.CharField(max_length=200, blank=True)
    adopted = models.BooleanField(default=False)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    changes = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["report", "action", "status"])]

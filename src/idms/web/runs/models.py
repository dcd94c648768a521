"""A run is one execution of a job; its entries are the report rows (data, not prose)."""

from __future__ import annotations

from django.db import models

from idms.jobs.kinds import EntryLevel, Job, RunStatus, Trigger


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


class Run(models.Model):
    job = models.CharField(max_length=64, choices=_choices(Job))
    status = models.CharField(max_length=16, choices=_choices(RunStatus), default=RunStatus.RUNNING)
    trigger = models.CharField(max_length=16, choices=_choices(Trigger))
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
    level = models.CharField(max_length=8, choices=_choices(EntryLevel))
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

"""Relying parties, the automations that say what each must hold, and what idms knows they hold."""

from __future__ import annotations

from django.db import models

from idms.domain.vocabulary import CredentialType


class RelyingPartyType(models.TextChoices):
    SCIM = "scim", "SCIM 2.0"


class RelyingParty(models.Model):
    name = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=16, choices=RelyingPartyType.choices)
    # Connection settings without secrets (URL, timeouts); secrets live in ``secret`` only.
    settings = models.JSONField(default=dict, blank=True)
    # The token or password, encrypted at rest (see secret_box); never shown back.
    secret = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)
    disable_threshold = models.FloatField(
        default=5.0,
        help_text="Percent of the accounts read above which a plan's disables stop the run "
        "(never fewer than 10) unless the run allows mass changes.",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "relying parties"

    def __str__(self) -> str:
        return self.name


class Automation(models.Model):
    """Which credentials a relying party must hold. Empty lists mean "all"."""

    relying_party = models.ForeignKey(
        RelyingParty, on_delete=models.CASCADE, related_name="automations"
    )
    name = models.CharField(max_length=100)
    enabled = models.BooleanField(default=True)
    credential_types = models.JSONField(
        default=list, blank=True, help_text=f"Any of {', '.join(t.value for t in CredentialType)}."
    )
    organizations = models.JSONField(default=list, blank=True)
    use_for_revocations = models.BooleanField(
        default=True,
        help_text="Disable the account of a person who no longer holds an active credential.",
    )

    class Meta:
        ordering = ["relying_party", "name"]
        constraints = [
            models.UniqueConstraint(fields=["relying_party", "name"], name="automation_name_per_rp")
        ]

    def __str__(self) -> str:
        return f"{self.relying_party}: {self.name}"


class RelyingPartyAccount(models.Model):
    """Our record of one account on a relying party: the link (its id) and its last known state.

    Written when a run adds, changes or first sees the account; never for unchanged ones.
    """

    relying_party = models.ForeignKey(
        RelyingParty, on_delete=models.CASCADE, related_name="accounts"
    )
    key = models.CharField(max_length=128, help_text="The CMS person id the account is for.")
    rp_account_id = models.CharField(max_length=200)
    active = models.BooleanField(null=True)
    attributes = models.JSONField(default=dict)
    updated_at = models.DateTimeField()
    last_run = models.ForeignKey(
        "runs.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["relying_party", "key"]
        constraints = [
            models.UniqueConstraint(fields=["relying_party", "key"], name="one_account_per_key")
        ]

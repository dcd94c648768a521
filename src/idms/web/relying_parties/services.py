"""State changes on relying parties: each takes the actor and writes its audit record in the same
transaction. The CLI, the UI and the API all call these."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from idms.connectors.base import TargetConnector
from idms.connectors.registry import TARGET_TYPES, build_target
from idms.domain import Clock
from idms.web.audit.records import record_audit
from idms.web.relying_parties.models import Automation, RelyingParty
from idms.web.relying_parties.secret_box import seal, unseal

DEFAULT_AUTOMATION = "all credentials"


class RelyingPartyError(ValueError):
    """A request about relying parties that cannot be carried out; the message says why."""


def get_relying_party(name: str) -> RelyingParty:
    try:
        return RelyingParty.objects.get(name=name)
    except RelyingParty.DoesNotExist:
        raise RelyingPartyError(
            f"no relying party named {name!r}; `idms rp list` shows them"
        ) from None


@transaction.atomic
def add_relying_party(
    *,
    name: str,
    kind: str,
    settings: dict[str, Any],
    secret: str,
    disable_threshold: float,
    actor: str,
    clock: Clock,
) -> RelyingParty:
    """Create a relying party with its default automation (every credential type and
    organisation; revocations applied)."""
    if kind not in TARGET_TYPES:
        raise RelyingPartyError(f"unknown type {kind!r}; expected one of {', '.join(TARGET_TYPES)}")
    if not 0 <= disable_threshold <= 100:
        raise RelyingPartyError("the disable threshold is a percentage between 0 and 100")
    try:
        build_target(kind, settings, secret)  # refuse settings that could never connect
    except ValueError as problem:
        raise RelyingPartyError(str(problem)) from None
    try:
        with transaction.atomic():
            relying_party = RelyingParty.objects.create(
                name=name,
                type=kind,
                settings=settings,
                secret=seal(secret),
                disable_threshold=disable_threshold,
                created_at=clock.now(),
            )
    except IntegrityError:
        raise RelyingPartyError(f"a relying party named {name!r} exists already") from None
    Automation.objects.create(relying_party=relying_party, name=DEFAULT_AUTOMATION)
    record_audit(
        actor,
        "relying_party.added",
        at=clock.now(),
        target=name,
        type=kind,
        settings=settings,
        token_set=bool(secret),
        disable_threshold=disable_threshold,
    )
    return relying_party


@transaction.atomic
def set_relying_party_enabled(
    relying_party: RelyingParty, enabled: bool, *, actor: str, clock: Clock
) -> None:
    relying_party.enabled = enabled
    relying_party.save(update_fields=["enabled"])
    action = "relying_party.enabled" if enabled else "relying_party.disabled"
    record_audit(actor, action, at=clock.now(), target=relying_party.name)


@transaction.atomic
def remove_relying_party(relying_party: RelyingParty, *, actor: str, clock: Clock) -> None:
    """Forget a relying party and our links to its accounts; nothing on it is touched.
    Past run reports keep its name."""
    name = relying_party.name
    relying_party.delete()
    record_audit(actor, "relying_party.removed", at=clock.now(), target=name)


def connector_for(relying_party: RelyingParty) -> TargetConnector:
    return build_target(relying_party.type, relying_party.settings, unseal(relying_party.secret))

"""What reconciliation reads from the store: holders, automation rules, our account links."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import groupby
from operator import itemgetter

from idms.connectors.base import ACTIVE, Account, Attributes, Outcome, OutcomeStatus
from idms.domain import CredentialStatus, CredentialType
from idms.engine.plan import is_active
from idms.engine.projection import AutomationRule, HeldCredential, Holder
from idms.web.credentials.models import Credential
from idms.web.relying_parties.models import RelyingParty, RelyingPartyAccount
from idms.web.runs.models import Run

LINK_BATCH = 2000


def holders() -> Iterator[Holder]:
    """Every person with their credentials, streamed in person id order."""
    rows = (
        Credential.objects.order_by("person_id", "credential_id")
        .values_list(
            "person_id",
            "person__given_name",
            "person__family_name",
            "person__email",
            "person__organization",
            "credential_type",
            "status",
            "expires_on",
        )
        .iterator(chunk_size=5000)
    )
    for person_id, group in groupby(rows, key=itemgetter(0)):
        members = list(group)
        first = members[0]
        yield Holder(
            person_id=person_id,
            given_name=first[1] or None,
            family_name=first[2] or None,
            email=first[3] or None,
            organization=first[4] or None,
            credentials=[
                HeldCredential(CredentialType(row[5]), CredentialStatus(row[6]), row[7])
                for row in members
            ],
        )


def rules(relying_party: RelyingParty) -> list[AutomationRule]:
    return [
        AutomationRule(
            credential_types=frozenset(CredentialType(t) for t in automation.credential_types),
            organizations=frozenset(automation.organizations),
            use_for_revocations=automation.use_for_revocations,
        )
        for automation in relying_party.automations.filter(enabled=True)
    ]


class AccountRecords:
    """Keeps ``RelyingPartyAccount`` (our link to each account and its last known state) current,
    writing only what changed since the last run."""

    def __init__(self, relying_party: RelyingParty, run: Run, now: datetime) -> None:
        self.relying_party = relying_party
        self.run = run
        self.now = now
        self.known = {
            key: (rp_id, active)
            for key, rp_id, active in RelyingPartyAccount.objects.filter(
                relying_party=relying_party
            ).values_list("key", "rp_account_id", "active")
        }
        self._pending: dict[str, RelyingPartyAccount] = {}

    def observe(self, accounts: Iterable[Account]) -> Iterator[Account]:
        """Pass accounts through, noting the linked ones whose id or state is news to us."""
        for account in accounts:
            if account.key:
                self._note(account.key, account.rp_id, account.attributes)
            yield account

    def record(self, outcome: Outcome) -> None:
        action = outcome.action
        rp_id = outcome.rp_id or action.rp_id
        if outcome.status is OutcomeStatus.APPLIED and rp_id and action.after is not None:
            self._note(action.key, rp_id, action.after, force=True)

    def _note(self, key: str, rp_id: str, attributes: Attributes, *, force: bool = False) -> None:
        active = is_active(attributes.get(ACTIVE, True))
        if not force and self.known.get(key) == (rp_id, active):
            return
        self.known[key] = (rp_id, active)
        self._pending[key] = RelyingPartyAccount(
            relying_party=self.relying_party,
            key=key,
            rp_account_id=rp_id,
            active=active,
            attributes=dict(attributes),
            updated_at=self.now,
            last_run=self.run,
        )
        if len(self._pending) >= LINK_BATCH:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            RelyingPartyAccount.objects.bulk_create(
                list(self._pending.values()),
                update_conflicts=True,
                unique_fields=["relying_party", "key"],
                update_fields=["rp_account_id", "active", "attributes", "updated_at", "last_run"],
            )
            self._pending.clear()

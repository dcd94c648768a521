"""Automations -> what a relying party must hold (the *expected* accounts). Pure.

Default projection (one account per person, as SCIM relying parties hold them):
- a person is in the relying party's scope when at least one of their credentials is covered by
  an enabled automation (credential type and organisation filters; an empty filter is "all");
  people outside every automation are not expected (an account for them reads as an orphan);
- the account is active when the person holds an in-scope credential that is ACTIVE and not
  expired (today, UTC); otherwise it is expected inactive: disabled if present, never created;
- userName is the e-mail address, or the CMS person id when there is none; the match key is the
  CMS person id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from idms.connectors.base import (
    ACTIVE,
    EMAIL,
    FAMILY_NAME,
    GIVEN_NAME,
    USER_NAME,
    ExpectedAccount,
)
from idms.domain import CredentialStatus, CredentialType, effective_status


@dataclass(frozen=True, slots=True)
class AutomationRule:
    credential_types: frozenset[CredentialType] = frozenset()  # empty: every type
    organizations: frozenset[str] = frozenset()  # empty: every organisation
    use_for_revocations: bool = True

    def covers(self, credential_type: CredentialType, organization: str | None) -> bool:
        if self.credential_types and credential_type not in self.credential_types:
            return False
        return not self.organizations or (organization or "") in self.organizations


@dataclass(frozen=True, slots=True)
class HeldCredential:
    credential_type: CredentialType
    status: CredentialStatus
    expires_on: date | None


@dataclass(frozen=True, slots=True)
class Holder:
    """A person and their credentials, as the store gives them."""

    person_id: str
    given_name: str | None
    family_name: str | None
    email: str | None
    organization: str | None
    credentials: Sequence[HeldCredential]


def revocations_apply(rules: Sequence[AutomationRule]) -> bool:
    """Whether idms may disable accounts on this relying party at all."""
    return any(rule.use_for_revocations for rule in rules)


def project(
    holders: Iterable[Holder], rules: Sequence[AutomationRule], today: date
) -> Iterator[ExpectedAccount]:
    """The expected account of every person in scope, streamed in the holders' order."""
    for holder in holders:
        in_scope = [
            credential
            for credential in holder.credentials
            if any(rule.covers(credential.credential_type, holder.organization) for rule in rules)
        ]
        if not in_scope:
            continue
        active = any(
            effective_status(c.status, c.expires_on, today) is CredentialStatus.ACTIVE
            for c in in_scope
        )
        yield ExpectedAccount(
            key=holder.person_id,
            attributes={
                USER_NAME: holder.email or holder.person_id,
                GIVEN_NAME: holder.given_name,
                FAMILY_NAME: holder.family_name,
                EMAIL: holder.email,
                ACTIVE: active,
            },
        )

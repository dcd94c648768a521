"""Answers to "what does idms know about this person or card?" as plain data."""

from __future__ import annotations

from datetime import date
from typing import Any

from idms.domain import CardUuid, CredentialStatus, DomainValueError, Fascn, effective_status
from idms.web.credentials.models import Credential, CredentialEvent, Person


def find_person(key: str) -> Person | None:
    """The person a CMS person id, a FASC-N (any accepted form) or a card UUID points to."""
    key = key.strip()
    person = Person.objects.filter(person_id=key).first()
    if person is not None:
        return person
    credential = Credential.objects.filter(credential_id=key).select_related("person").first()
    for column, parse in (("fascn", Fascn.parse), ("card_uuid", CardUuid.parse)):
        if credential is not None:
            break
        try:
            value = str(parse(key))
        except (DomainValueError, ValueError, TypeError):
            continue
        credential = Credential.objects.filter(**{column: value}).select_related("person").first()
    return credential.person if credential is not None else None


def person_profile(person: Person, today: date) -> dict[str, Any]:
    """The person, each credential's current state and its full history, oldest event first."""
    credentials = []
    for credential in person.credentials.order_by("credential_id"):
        status = CredentialStatus(credential.status)
        current = effective_status(status, credential.expires_on, today)
        events = CredentialEvent.objects.filter(credential=credential).order_by(
            "event_time", "event_id"
        )
        credentials.append(
            {
                "credential_id": credential.credential_id,
                "credential_type": credential.credential_type,
                "status": current.value,
                "cms_status": status.value,
                "fascn": credential.fascn,
                "card_uuid": credential.card_uuid,
                "expires_on": credential.expires_on.isoformat() if credential.expires_on else None,
                "cert_serial": credential.cert_serial or None,
                "cert_issuer": credential.cert_issuer or None,
                "reason": credential.reason or None,
                "history": [
                    {
                        "event_id": event.event_id,
                        "event_time": event.event_time.isoformat(),
                        "event_type": event.event_type,
                        "status": event.status,
                        "reason": event.reason or None,
                        "source": f"{event.source}:{event.line}" if event.line else event.source,
                    }
                    for event in events
                ],
            }
        )
    return {
        "relying_parties": relying_party_states(person.person_id),
        "person_id": person.person_id,
        "given_name": person.given_name or None,
        "family_name": person.family_name or None,
        "email": person.email or None,
        "organization": person.organization or None,
        "credentials": credentials,
    }


def relying_party_states(person_id: str) -> list[dict[str, Any]]:
    """What each relying party holds for the person, as of idms' last look at it."""
    from idms.web.relying_parties.models import RelyingParty, RelyingPartyAccount

    known = {
        account.relying_party_id: account
        for account in RelyingPartyAccount.objects.filter(key=person_id)
    }
    states = []
    for relying_party in RelyingParty.objects.order_by("name"):
        account = known.get(relying_party.pk)
        states.append(
            {
                "relying_party": relying_party.name,
                "account_id": account.rp_account_id if account else None,
                "active": account.active if account else None,
                "attributes": account.attributes if account else None,
                "updated_at": account.updated_at.isoformat() if account else None,
            }
        )
    return states

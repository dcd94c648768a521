"""The projection of one idms person onto a SCIM User (RFC 7643 section 4.1), both ways.

idms' neutral attributes map to ``userName``, ``name.givenName``, ``name.familyName``, one work
e-mail and ``active``; idms' key is stored in ``externalId``. Reading normalises what a server
leaves out, so that a server default never looks like drift: no ``active`` means True (the SCIM
default), an absent or empty string means None.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from idms.connectors.base import (
    ACTIVE,
    EMAIL,
    FAMILY_NAME,
    GIVEN_NAME,
    USER_NAME,
    Account,
    Attributes,
    AttributeValue,
)
from idms.connectors.errors import InvalidValueError

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

MANAGED = (USER_NAME, GIVEN_NAME, FAMILY_NAME, EMAIL, ACTIVE)

# The SCIM attribute path of each neutral attribute.
PATHS: Mapping[str, str] = {
    USER_NAME: "userName",
    GIVEN_NAME: "name.givenName",
    FAMILY_NAME: "name.familyName",
    EMAIL: "emails",
    ACTIVE: "active",
}

# What a listing asks for (RFC 7644 section 3.9); ``id`` is always returned.
READ_ATTRIBUTES = "externalId,userName,name.givenName,name.familyName,emails,active,meta.version"


def _check_names(attributes: Attributes) -> None:
    unknown = sorted(set(attributes) - set(MANAGED))
    if unknown:
        raise InvalidValueError(
            f"idms does not manage {', '.join(unknown)} on a SCIM relying party"
        )


def _email_entries(value: AttributeValue) -> list[dict[str, Any]]:
    return [{"value": value, "type": "work", "primary": True}]


def to_user(key: str, attributes: Attributes) -> dict[str, Any]:
    """The SCIM User to create for ``key``: absent (None) attributes are left out."""
    _check_names(attributes)
    user: dict[str, Any] = {"schemas": [USER_SCHEMA], "externalId": key}
    name: dict[str, Any] = {}
    for attribute, value in attributes.items():
        if value is None:
            continue
        if attribute == USER_NAME:
            user["userName"] = value
        elif attribute == GIVEN_NAME:
            name["givenName"] = value
        elif attribute == FAMILY_NAME:
            name["familyName"] = value
        elif attribute == EMAIL:
            user["emails"] = _email_entries(value)
        elif attribute == ACTIVE:
            user["active"] = value
    if name:
        user["name"] = name
    return user


def patch_operations(changes: Attributes, key: str | None = None) -> list[dict[str, Any]]:
    """PATCH operations setting exactly ``changes`` (and ``externalId`` when ``key`` is given).

    A value is set with ``replace``; None (no value) is a ``remove``, since a ``replace`` with a
    null value is not defined by RFC 7644. The e-mail replaces the whole ``emails`` list with a
    single primary work address: idms owns that attribute.
    """
    _check_names(changes)
    operations: list[dict[str, Any]] = []
    for attribute in MANAGED:  # a stable order, whatever the order of ``changes``
        if attribute not in changes:
            continue
        value = changes[attribute]
        path = PATHS[attribute]
        if value is None:
            operations.append({"op": "remove", "path": path})
        elif attribute == EMAIL:
            operations.append({"op": "replace", "path": path, "value": _email_entries(value)})
        else:
            operations.append({"op": "replace", "path": path, "value": value})
    if key is not None:
        operations.append({"op": "replace", "path": "externalId", "value": key})
    return operations


def patch_body(operations: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schemas": [PATCH_SCHEMA], "Operations": operations}


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    return None


def primary_email(emails: Any) -> str | None:
    """The primary work address, else the primary one, else the first work one, else the first."""
    if not isinstance(emails, list):
        return None
    entries = [e for e in emails if isinstance(e, dict) and _text(e.get("value"))]
    if not entries:
        return None

    def is_work(entry: dict[str, Any]) -> bool:
        kind = entry.get("type")
        return isinstance(kind, str) and kind.lower() == "work"

    def is_primary(entry: dict[str, Any]) -> bool:
        return entry.get("primary") is True

    for wanted in (
        lambda e: is_primary(e) and is_work(e),
        is_primary,
        is_work,
        lambda e: True,
    ):
        for entry in entries:
            if wanted(entry):
                return _text(entry.get("value"))
    return None  # pragma: no cover - the last test takes any entry


def from_user(resource: Mapping[str, Any], etag: str | None = None) -> Account:
    """An Account from a SCIM User resource; ``etag`` is used when ``meta.version`` is absent."""
    rp_id = resource.get("id")
    if not isinstance(rp_id, str) or not rp_id:
        raise InvalidValueError("the relying party returned a user without an id")
    name = resource.get("name")
    name = name if isinstance(name, dict) else {}
    active = resource.get("active")
    meta = resource.get("meta")
    version = meta.get("version") if isinstance(meta, dict) else None
    user_name = _text(resource.get("userName"))
    attributes: dict[str, AttributeValue] = {
        USER_NAME: user_name,
        GIVEN_NAME: _text(name.get("givenName")),
        FAMILY_NAME: _text(name.get("familyName")),
        EMAIL: primary_email(resource.get("emails")),
        ACTIVE: active if isinstance(active, bool) else True,
    }
    return Account(
        rp_id=rp_id,
        key=_text(resource.get("externalId")),
        attributes=attributes,
        alt_key=user_name,
        version=_text(version) or _text(etag),
    )

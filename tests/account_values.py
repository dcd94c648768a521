"""Managed attribute values for relying-party tests: person n, with overrides."""

from __future__ import annotations

from idms.connectors.base import (
    ACTIVE,
    EMAIL,
    FAMILY_NAME,
    GIVEN_NAME,
    USER_NAME,
    AttributeValue,
    ExpectedAccount,
)


def attrs(n: int = 1, **overrides: AttributeValue) -> dict[str, AttributeValue]:
    values: dict[str, AttributeValue] = {
        USER_NAME: f"user{n}",
        GIVEN_NAME: "Ann",
        FAMILY_NAME: f"Lee{n}",
        EMAIL: f"user{n}@example.gov",
        ACTIVE: True,
    }
    values.update(overrides)
    return values


def expect(n: int = 1, **overrides: AttributeValue) -> ExpectedAccount:
    return ExpectedAccount(f"p{n}", attrs(n, **overrides))

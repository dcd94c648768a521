"""Field names of the CMS credential history report, in lower case.

A report must carry every ``REQUIRED`` field (as a CSV column); ``OPTIONAL`` fields may be absent.
Any other column or key is not part of the format: the reader warns about it and ignores it.
"""

from __future__ import annotations

from typing import Final

REQUIRED: Final[tuple[str, ...]] = (
    "event_id",
    "event_time",
    "event_type",
    "status",
    "person_id",
    "credential_id",
)

OPTIONAL: Final[tuple[str, ...]] = (
    "given_name",
    "family_name",
    "email",
    "organization",
    "credential_type",
    "card_uuid",
    "fascn",
    "expires_on",
    "cert_serial",
    "cert_issuer",
    "cert_ski",
    "cert_not_after",
    "reason",
)

KNOWN: Final[tuple[str, ...]] = REQUIRED + OPTIONAL
